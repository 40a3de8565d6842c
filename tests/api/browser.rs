//! A browser for the web desk's tests: it keeps the cookies the desk sets, sends them back,
//! posts forms as a browser does, and reads the hidden fields of a page.

use std::collections::HashMap;

use crate::helpers::{Call, Response, TestApp};

pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Keeps the cookies an answer sets, and forgets those it removes.
    fn remember(&mut self, response: &Response) {
        for set in &response.set_cookies {
            let pair = set.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let removed = set.contains("Max-Age=0") || value.is_empty();
            if removed {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    async fn send(&mut self, call: Call) -> Response {
        let call = if self.cookies.is_empty() {
            call
        } else {
            call.header("Cookie", &self.cookie_header())
        };
        let response = self.app.call(call).await;
        self.remember(&response);
        response
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(Call::get(path)).await
    }

    /// Posts `fields` as `application/x-www-form-urlencoded`.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let call = Call::new("POST", path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .bytes(body.as_bytes());
        self.send(call).await
    }

    /// Posts `fields` and one file (`file_field`, named `filename`) as
    /// `multipart/form-data`, in that order, as a browser sends a form with a file input.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        (file_field, filename, content): (&str, &str, &[u8]),
    ) -> Response {
        const BOUNDARY: &str = "----guichet-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_field}\"; \
                 filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let call = Call::new("POST", path)
            .header(
                "Content-Type",
                &format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .bytes(&body);
        self.send(call).await
    }

    /// A browser signed in as the demo account of `role` in `territory`.
    pub async fn signed_in(app: &'a TestApp, role: &str, territory: &str) -> Browser<'a> {
        let mut browser = Self::new(app);
        let email = crate::helpers::demo_email(role, territory);
        let answer = browser
            .sign_in(&email, guichet::services::seed::DEMO_PASSWORD)
            .await;
        assert_eq!(answer.status, 303, "{email} signs in");
        browser
    }

    /// Opens the sign-in form and signs in; the answer to the form.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Response {
        let form = self.get("/connexion").await;
        let csrf = hidden_field(&form, "csrf");
        self.post_form(
            "/connexion",
            &[("email", email), ("password", password), ("csrf", &csrf)],
        )
        .await
    }
}

/// The page's text.
pub fn html(response: &Response) -> String {
    String::from_utf8_lossy(&response.raw).into_owned()
}

/// The value of the first hidden field named `name` on the page.
pub fn hidden_field(response: &Response, name: &str) -> String {
    let page = html(response);
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The page's text as a reader sees it: the entities the templates escape decoded.
pub fn text(response: &Response) -> String {
    html(response)
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#x3D;", "=")
        .replace("&#x60;", "`")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
