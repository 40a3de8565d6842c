//! Text fields people write: trimmed, non-empty, bounded.

use crate::error::AppError;

/// Non-empty, bounded text. Trimmed of ASCII white space only, as the published pattern
/// says (any text with a character that is not white space in any sense is accepted).
pub fn text_field(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if value.is_empty() {
        return Err(AppError::invalid_field(field, "required", "texte requis"));
    }
    let length = value.chars().count();
    if length > max {
        return Err(AppError::invalid_field(
            field,
            "too_long",
            format!("{length} caractères : {max} au plus"),
        ));
    }
    Ok(value.to_owned())
}
