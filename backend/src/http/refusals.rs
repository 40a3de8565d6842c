//! Why a request's shape is refused, in French and with the field at fault: serde's English
//! ("unknown variant `x`, expected one of …") never reaches a client.

use crate::error::{AppError, FieldError};

/// What serde expected, said in French.
fn expected(what: &str) -> String {
    let what = what.trim();
    let said = match what {
        w if w.starts_with("a string") || w == "string" => "un texte",
        w if w.starts_with("a boolean") || w == "bool" => "un booléen",
        w if w.starts_with("a sequence") => "une liste",
        w if w.starts_with("struct ") || w.starts_with("a map") || w.starts_with("internally") => {
            "un objet"
        }
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize" => {
            "un entier"
        }
        w if w.starts_with("an integer") => "un entier",
        w if w.starts_with("a number") || w == "f64" || w == "f32" => "un nombre",
        w if w.starts_with("a valid date") || w.starts_with("a formatted date") => {
            "une date RFC 3339 (2026-11-29T08:00:00Z)"
        }
        _ => "une autre valeur",
    };
    said.to_owned()
}

/// The backquoted names in serde's text (`a`, `b`).
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A refusal from what serde said about the value at `path` (empty: the whole body).
pub fn shape_refusal(path: &str, text: &str) -> AppError {
    let at = |name: &str| match (path.is_empty(), name.is_empty()) {
        (true, _) => name.to_owned(),
        (false, true) => path.to_owned(),
        (false, false) => format!("{path}.{name}"),
    };
    let (code, field, message) = if text.starts_with("unknown field") {
        let name = quoted(text).first().copied().unwrap_or_default();
        let allowed = quoted(text)
            .iter()
            .skip(1)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        (
            "unknown_field",
            at(name),
            format!("champ inconnu ; champs admis : {allowed}"),
        )
    } else if text.starts_with("missing field") {
        let name = quoted(text).first().copied().unwrap_or_default();
        ("missing_field", at(name), "champ requis".to_owned())
    } else if text.starts_with("unknown variant") {
        let names = quoted(text);
        let value = names.first().copied().unwrap_or_default();
        let allowed = names.iter().skip(1).copied().collect::<Vec<_>>().join(", ");
        (
            "unknown_value",
            at(""),
            format!("valeur « {value} » inconnue ; valeurs admises : {allowed}"),
        )
    } else if let Some((_, wanted)) = text
        .strip_prefix("invalid type:")
        .and_then(|t| t.split_once(", expected "))
    {
        (
            "invalid_type",
            at(""),
            format!("attendu {}", expected(wanted)),
        )
    } else if let Some((_, wanted)) = text
        .strip_prefix("invalid value:")
        .and_then(|t| t.split_once(", expected "))
    {
        (
            "invalid_value",
            at(""),
            format!("attendu {}", expected(wanted)),
        )
    } else {
        ("invalid_value", at(""), "valeur refusée".to_owned())
    };
    let shown = if field.is_empty() { "corps" } else { &field };
    AppError::Invalid {
        code,
        detail: format!("Champ « {shown} » : {message}"),
        errors: vec![FieldError::new(shown, code, message)],
    }
}

/// serde's message without its position suffix (" at line 1 column 35").
pub fn without_position(text: &str) -> &str {
    text.find(" at line ").map_or(text, |i| &text[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(path: &str, text: &str) -> (String, String, String) {
        match shape_refusal(path, text) {
            AppError::Invalid { code, errors, .. } => (
                code.to_owned(),
                errors[0].field.clone(),
                errors[0].message.clone(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn serde_messages_become_french_problems_naming_the_field() {
        let (code, field, message) = problem(
            "visibility",
            "unknown variant `Internal`, expected `public` or `internal`",
        );
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("unknown_value", "visibility")
        );
        assert_eq!(
            message,
            "valeur « Internal » inconnue ; valeurs admises : public, internal"
        );
        let (code, field, _) = problem(
            "",
            "unknown field `titel`, expected one of `establishment`, `title`",
        );
        assert_eq!((code.as_str(), field.as_str()), ("unknown_field", "titel"));
        let (code, field, message) = problem("technical_file", "missing field `url`");
        assert_eq!(
            (code.as_str(), field.as_str(), message.as_str()),
            ("missing_field", "technical_file.url", "champ requis")
        );
        let (code, _, message) =
            problem("users_affected", "invalid type: string \"x\", expected u32");
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("invalid_type", "attendu un entier")
        );
        for (_, _, message) in [
            problem("a", "invalid type: integer `3`, expected a string"),
            problem("b", "invalid value: integer `-1`, expected u32"),
        ] {
            assert!(!message.contains("expected"), "{message}");
        }
    }
}
