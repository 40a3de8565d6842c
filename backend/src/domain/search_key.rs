//! Accent- and case-insensitive search keys, portable across SQLite and PostgreSQL: both the
//! stored key and the query go through [`search_key`], and the query becomes a `LIKE`.

/// Lower-case ASCII words separated by single spaces: "Lycée Louis-le-Grand" → "lycee louis le grand".
/// Only letters, digits and spaces remain, so the result never holds a `LIKE` wildcard.
pub fn search_key(text: &str) -> String {
    let folded = deunicode::deunicode(text).to_lowercase();
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(search_key("Lycée Louis-le-Grand"), "lycee louis le grand");
        assert_eq!(search_key("  ÉCOLE  d'Œuvre "), "ecole d oeuvre");
    }

    #[test]
    fn wildcards_disappear() {
        assert_eq!(search_key("100%_sûr"), "100 sur");
        assert_eq!(search_key("%%"), "");
    }
}
