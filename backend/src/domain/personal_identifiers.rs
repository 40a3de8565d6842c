//! What must not leave for the vendor in a ticket's text: pupils' national identifiers
//! (INE), email addresses and phone numbers. Each is replaced by a French placeholder; what
//! was found is counted, so that the authority is told before it escalates.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use utoipa::ToSchema;

/// Email addresses (looked for first: their digits are not a phone number).
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("email pattern")
});

/// The INE's formats: 10 digits and a key letter (INE-RNIE, INE-BEA), 9 digits and two
/// letters (INE-BASE), and the agricultural one (4 digits, `A`, 5 digits and a letter).
static INE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:\d{10}[a-z]|\d{9}[a-z]{2}|\d{4}a\d{5}[a-z])\b").expect("INE pattern")
});

/// French phone numbers: ten digits from 0, or +33 / 0033 and nine, in pairs or not.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:\+|\b00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b")
        .expect("phone pattern")
});

/// How many identifiers of each kind a text held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Found {
    pub ine: usize,
    pub email: usize,
    pub phone: usize,
}

impl Found {
    pub fn any(&self) -> bool {
        self.ine + self.email + self.phone > 0
    }

    pub fn add(&mut self, other: Found) {
        self.ine += other.ine;
        self.email += other.email;
        self.phone += other.phone;
    }

    /// In French: « 1 INE, 2 adresses électroniques ».
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut say = |n: usize, one: &str, many: &str| match n {
            0 => {}
            1 => parts.push(format!("1 {one}")),
            n => parts.push(format!("{n} {many}")),
        };
        say(self.ine, "INE", "INE");
        say(self.email, "adresse électronique", "adresses électroniques");
        say(self.phone, "numéro de téléphone", "numéros de téléphone");
        parts.join(", ")
    }
}

/// `text` with its identifiers replaced, and what was found.
pub fn mask(text: &str) -> (String, Found) {
    let mut found = Found::default();
    let step = |text: &str, pattern: &Regex, placeholder: &str, count: &mut usize| {
        *count += pattern.find_iter(text).count();
        pattern.replace_all(text, placeholder).into_owned()
    };
    let text = step(text, &EMAIL, "[adresse masquée]", &mut found.email);
    let text = step(&text, &INE, "[INE masqué]", &mut found.ine);
    let text = step(&text, &PHONE, "[téléphone masqué]", &mut found.phone);
    (text, found)
}

/// Masks `text` in place; what was found.
pub fn mask_in_place(text: &mut String) -> Found {
    let (masked, found) = mask(text);
    if found.any() {
        *text = masked;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_ine_and_phones_are_masked_and_counted() {
        let (masked, found) = mask(
            "Élève Léa (INE 1234567890A), mère : lea.parent@free.fr, 06 12 34 56 78 ou \
             +33 6 12 34 56 78 ; INE-BASE 123456789AB ; agricole 1234A12345K.",
        );
        assert_eq!(
            found,
            Found {
                ine: 3,
                email: 1,
                phone: 2
            }
        );
        assert_eq!(
            masked,
            "Élève Léa (INE [INE masqué]), mère : [adresse masquée], [téléphone masqué] ou \
             [téléphone masqué] ; INE-BASE [INE masqué] ; agricole [INE masqué]."
        );
        assert_eq!(
            found.describe(),
            "3 INE, 1 adresse électronique, 2 numéros de téléphone"
        );
    }

    #[test]
    fn what_is_no_identifier_stays() {
        for text in [
            "Collège 0579001Z, ticket GE-2026-000042, erreur 500 à 14:05:33",
            "Le 12/11/2026, 27 élèves de 4e B ; version 2.10.3",
            "https://ent.example/classe/4b/devoirs?id=123456",
            "Numéro de poste 0123",
        ] {
            let (masked, found) = mask(text);
            assert_eq!(masked, text);
            assert!(!found.any(), "{text}");
        }
    }

    #[test]
    fn phone_numbers_in_their_usual_shapes() {
        for text in [
            "0612345678",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "0033 6 12 34 56 78",
        ] {
            assert_eq!(mask(text).1.phone, 1, "{text}");
        }
    }
}
