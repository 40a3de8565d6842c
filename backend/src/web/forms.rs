//! What the desk's forms share: the token that proves a form came from our page (CSRF), and
//! where to go back to after signing in.

use serde::Deserialize;

/// A form that only carries its token (sign out, later one-click actions).
#[derive(Debug, Deserialize)]
pub struct TokenOnly {
    #[serde(default)]
    pub csrf: String,
}

/// A path of this site to return to: relative, never `//host` nor a scheme.
pub fn local_path(back: Option<&str>) -> Option<String> {
    back.filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .filter(|b| !b.chars().any(char::is_control))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::local_path;

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
}
