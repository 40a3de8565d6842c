//! The guides of `docs/` (compiled into the binary) as pages: `/guides/errors` (the error
//! catalogue) and `/guides/vendor-integration`. The Markdown files stay the source, readable
//! in the repository; `/guides/<name>.md` works too, so links between the files hold.

use actix_web::{get, web, HttpResponse};

use crate::error::AppError;

/// Name in the URL, title, Markdown text.
pub const GUIDES: &[(&str, &str, &str)] = &[
    (
        "errors",
        "Catalogue des erreurs",
        include_str!("../../../docs/errors.md"),
    ),
    (
        "vendor-integration",
        "Guide d'intégration du titulaire",
        include_str!("../../../docs/vendor-integration.md"),
    ),
];

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:0 auto;\
padding:1rem 2rem;line-height:1.5;color:#161616}table{border-collapse:collapse}\
th,td{border:1px solid #929292;padding:.25rem .5rem;text-align:left;vertical-align:top}\
pre{background:#f6f6f6;padding:.75rem;overflow-x:auto}code{font-size:.95em}\
a{color:#000091}";

fn page(title: &str, markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    format!(
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — guichet</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <nav aria-label=\"Fil d'Ariane\"><a href=\"/\">guichet</a> › \
         <a href=\"/docs/\">Référence de l'API</a></nav>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
}

/// One guide, rendered.
#[get("/guides/{name}")]
pub async fn guide(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = name.trim_end_matches(".md");
    let (_, title, markdown) = GUIDES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| AppError::not_found(format!("Aucun guide « {name} »")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page(title, markdown)))
}
