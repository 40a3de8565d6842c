//! UAI (unité administrative immatriculée): 7 digits and a check letter.
//!
//! The letter is `"ABCDEFGHJKLMNPRSTUVWXYZ"[N mod 23]`, N being the 7 digits read as an
//! integer; the alphabet has no I, O or Q.

use std::fmt;

const CHECK_ALPHABET: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A syntactically valid UAI, upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uai(String);

/// Why a string is not a UAI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UaiError {
    /// Not 8 characters long.
    WrongLength(usize),
    /// The first seven characters are not all digits.
    NotDigits,
    /// The eighth character is I, O or Q, which the check alphabet excludes.
    ForbiddenLetter(char),
    /// The eighth character is not a letter.
    NotALetter,
    /// The letter does not match the digits.
    WrongCheckLetter { expected: char, found: char },
}

impl UaiError {
    /// Stable code for API field errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength(_) => "wrong_length",
            Self::NotDigits => "not_digits",
            Self::ForbiddenLetter(_) => "forbidden_letter",
            Self::NotALetter => "not_a_letter",
            Self::WrongCheckLetter { .. } => "wrong_check_letter",
        }
    }
}

impl fmt::Display for UaiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength(n) => write!(f, "un UAI a 8 caractères, pas {n}"),
            Self::NotDigits => f.write_str("les 7 premiers caractères d'un UAI sont des chiffres"),
            Self::ForbiddenLetter(c) => {
                write!(f, "la lettre {c} n'est jamais une lettre de contrôle d'UAI")
            }
            Self::NotALetter => f.write_str("le 8e caractère d'un UAI est une lettre"),
            Self::WrongCheckLetter { expected, found } => write!(
                f,
                "lettre de contrôle {found} incorrecte : ces chiffres appellent la lettre {expected}"
            ),
        }
    }
}

impl std::error::Error for UaiError {}

/// The check letter for seven digits.
fn check_letter(digits: &str) -> char {
    let n: u32 = digits.parse().expect("seven ASCII digits");
    CHECK_ALPHABET[(n % 23) as usize] as char
}

impl Uai {
    /// Parses a UAI; a lower-case check letter is accepted and upper-cased.
    pub fn parse(input: &str) -> Result<Self, UaiError> {
        let chars: Vec<char> = input.chars().collect();
        if chars.len() != 8 {
            return Err(UaiError::WrongLength(chars.len()));
        }
        if !chars[..7].iter().all(|c| c.is_ascii_digit()) {
            return Err(UaiError::NotDigits);
        }
        let found = chars[7].to_ascii_uppercase();
        if !found.is_ascii_uppercase() {
            return Err(UaiError::NotALetter);
        }
        if matches!(found, 'I' | 'O' | 'Q') {
            return Err(UaiError::ForbiddenLetter(found));
        }
        let digits: String = chars[..7].iter().collect();
        let expected = check_letter(&digits);
        if found != expected {
            return Err(UaiError::WrongCheckLetter { expected, found });
        }
        Ok(Self(format!("{digits}{found}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département code from digits 1–3: "075" → "75", "620" → "2A", "720" → "2B",
    /// "971" → "971".
    pub fn departement(&self) -> String {
        let prefix = &self.0[..3];
        match prefix {
            "620" => "2A".to_owned(),
            "720" => "2B".to_owned(),
            p if p.starts_with('0') => p[1..].to_owned(),
            p => p.to_owned(),
        }
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL_LYCEES: [&str; 5] = ["0750655E", "0750654D", "0540038Y", "0590117G", "0590119J"];

    #[test]
    fn the_five_real_lycees_are_accepted() {
        for uai in REAL_LYCEES {
            assert_eq!(Uai::parse(uai).map(|u| u.to_string()), Ok(uai.to_owned()));
        }
    }

    #[test]
    fn a_lower_case_letter_is_normalised() {
        assert_eq!(Uai::parse("0750655e").unwrap().as_str(), "0750655E");
    }

    #[test]
    fn a_wrong_check_letter_is_rejected_with_the_expected_one() {
        assert_eq!(
            Uai::parse("0750655F"),
            Err(UaiError::WrongCheckLetter {
                expected: 'E',
                found: 'F'
            })
        );
    }

    #[test]
    fn wrong_lengths_are_rejected() {
        assert_eq!(Uai::parse("075065E"), Err(UaiError::WrongLength(7)));
        assert_eq!(Uai::parse("07506550E"), Err(UaiError::WrongLength(9)));
        assert_eq!(Uai::parse(""), Err(UaiError::WrongLength(0)));
    }

    #[test]
    fn letters_i_o_q_are_never_check_letters() {
        for letter in ['I', 'O', 'Q', 'i', 'o', 'q'] {
            let input = format!("0750655{letter}");
            assert_eq!(
                Uai::parse(&input),
                Err(UaiError::ForbiddenLetter(letter.to_ascii_uppercase()))
            );
        }
    }

    #[test]
    fn non_digits_and_non_letters_are_rejected() {
        assert_eq!(Uai::parse("07A0655E"), Err(UaiError::NotDigits));
        assert_eq!(Uai::parse("07506555"), Err(UaiError::NotALetter));
        assert_eq!(Uai::parse("0750655É"), Err(UaiError::NotALetter));
    }

    #[test]
    fn every_residue_maps_to_its_letter() {
        // N = 23k + r must carry the r-th letter of the alphabet.
        for r in 0..23u32 {
            let digits = format!("{:07}", 23 * 1000 + r);
            let letter = CHECK_ALPHABET[r as usize] as char;
            assert!(
                Uai::parse(&format!("{digits}{letter}")).is_ok(),
                "{digits}{letter}"
            );
        }
    }

    #[test]
    fn departement_comes_from_the_first_three_digits() {
        assert_eq!(Uai::parse("0750655E").unwrap().departement(), "75");
        assert_eq!(Uai::parse("0540038Y").unwrap().departement(), "54");
        let corse_sud = format!("6200001{}", check_letter("6200001"));
        assert_eq!(Uai::parse(&corse_sud).unwrap().departement(), "2A");
        let reunion = format!("9740001{}", check_letter("9740001"));
        assert_eq!(Uai::parse(&reunion).unwrap().departement(), "974");
    }
}
