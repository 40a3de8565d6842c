//! What the service shows at its root: a short page in French, the OpenAPI document and its
//! browsable reference (Swagger UI, compiled into the binary: it works with no network).

use actix_web::http::header;
use actix_web::{get, HttpResponse};

const LANDING: &str = r#"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>guichet — guichet unique du support des ENT</title>
</head>
<body>
<main>
<h1>guichet</h1>
<p>Guichet unique du support des espaces numériques de travail (ENT) : les correspondants des
établissements ouvrent les tickets, les autorités académiques les qualifient et les orientent,
les collectivités et le titulaire du marché y répondent.</p>
<p><a href="/connexion">Se connecter au bureau du guichet</a></p>
<ul>
<li><a href="/docs/">Référence de l'API</a> (consultable hors ligne)</li>
<li><a href="/openapi.json">Document OpenAPI</a></li>
<li><a href="/guides/errors">Catalogue des erreurs</a></li>
<li><a href="/guides/vendor-integration">Guide d'intégration du titulaire</a> (réponses des niveaux 2 et 3 par l'API)</li>
<li><a href="/health/ready">État du service</a></li>
</ul>
</main>
</body>
</html>
"#;

/// The service's home page.
#[get("/")]
pub async fn landing() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(LANDING)
}

/// `/docs` → `/docs/`, where the reference's files are relative to.
#[get("/docs")]
pub async fn docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}
