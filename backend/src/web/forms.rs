//! What the desk's forms share: the token that proves a form came from our page (CSRF), the
//! key and version a ticket's forms carry, reading a posted form, and where to go back to
//! after signing in.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

/// A form that only carries its token (sign out, later one-click actions).
#[derive(Debug, Deserialize)]
pub struct TokenOnly {
    #[serde(default)]
    pub csrf: String,
}

/// What every form of a ticket's page carries.
#[derive(Debug, Deserialize)]
pub struct FormCommon {
    #[serde(default)]
    pub csrf: String,
    /// The key of this rendering of the form: sent twice, it changes the ticket once.
    #[serde(default)]
    pub key: String,
    /// The ticket's version the form was read at; forms that add without changing (a
    /// comment) carry none.
    #[serde(default)]
    pub version: Option<String>,
    /// The last journal event the page showed: a stale form lists what happened since.
    #[serde(default)]
    pub seen: Option<String>,
}

impl FormCommon {
    /// The version to hold the write to; unreadable, it fails the check, as on the API.
    pub fn if_match(&self) -> Option<i32> {
        self.version
            .as_deref()
            .map(|v| v.trim().parse().unwrap_or(-1))
    }
}

/// What went wrong with a form, shown above the page as it is now.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub title: &'static str,
    pub message: String,
    /// The fields the service found at fault, for the form to show next to them.
    #[serde(skip)]
    pub fields: Vec<FieldError>,
    /// For a stale form: the last journal event its page showed (what follows is new).
    #[serde(skip)]
    pub since: Option<i64>,
}

impl Notice {
    /// What a person reads of a refused write; errors that are not the person's to mend
    /// (the database, a bug) go on to the error page.
    pub fn refusal(error: AppError) -> Result<Self, AppError> {
        Ok(match error {
            e @ (AppError::Conflict { .. } | AppError::Forbidden { .. }) => Self {
                title: "Action impossible",
                message: e.to_string(),
                fields: Vec::new(),
                since: None,
            },
            AppError::Invalid { errors, detail, .. } => Self {
                title: "Formulaire incomplet",
                message: if errors.len() == 1 {
                    format!("{} : {}", errors[0].field, errors[0].message)
                } else {
                    detail
                },
                fields: errors,
                since: None,
            },
            AppError::BadRequest { detail, .. } => Self {
                title: "Formulaire illisible",
                message: detail,
                fields: Vec::new(),
                since: None,
            },
            e => return Err(e),
        })
    }
}

/// Reads a posted form (`application/x-www-form-urlencoded`); the raw body stays with the
/// caller, whose digest recognises a form sent twice.
pub fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|e| AppError::BadRequest {
        code: "invalid_body",
        detail: format!("Formulaire illisible : {e}"),
    })
}

/// A path of this site to return to: relative, never `//host` nor a scheme.
pub fn local_path(back: Option<&str>) -> Option<String> {
    back.filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .filter(|b| !b.chars().any(char::is_control))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::{local_path, read, FormCommon};

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(
            local_path(Some("/tickets?statut=new")).as_deref(),
            Some("/tickets?statut=new")
        );
        assert_eq!(local_path(Some("//evil.example/x")), None);
        assert_eq!(local_path(Some("https://evil.example")), None);
        assert_eq!(local_path(Some("/\\evil.example")), None);
        assert_eq!(local_path(Some("/a\nb")), None);
        assert_eq!(local_path(None), None);
    }

    #[test]
    fn an_unreadable_version_fails_the_check_and_none_skips_it() {
        let form: FormCommon = read(b"csrf=t&key=k&version=7").unwrap();
        assert_eq!(form.if_match(), Some(7));
        let form: FormCommon = read(b"csrf=t&key=k&version=sept").unwrap();
        assert_eq!(form.if_match(), Some(-1));
        let form: FormCommon = read(b"csrf=t&key=k").unwrap();
        assert_eq!(form.if_match(), None);
    }
}
