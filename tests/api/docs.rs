//! What the binary serves for people and integrators: the landing page, the OpenAPI document,
//! the Swagger UI reference (compiled in) and the guides; every local link on them works.

use crate::helpers::TestApp;

fn text(response: &crate::helpers::Response) -> String {
    String::from_utf8(response.raw.clone()).expect("UTF-8 page")
}

/// The local `href`/`src` targets of a page.
fn local_links(page: &str) -> Vec<String> {
    let pattern = regex::Regex::new(r#"(?:href|src)="(/[^"]*|[a-z][^":]*)""#).unwrap();
    pattern
        .captures_iter(page)
        .map(|c| c[1].to_owned())
        .collect()
}

#[actix_web::test]
async fn the_landing_page_leads_to_the_reference_the_document_and_the_guides() {
    let app = TestApp::seeded();
    let landing = app.get("/").await;
    assert_eq!(landing.status, 200);
    assert!(landing.content_type.starts_with("text/html"));
    let page = text(&landing);
    assert!(page.contains(r#"<html lang="fr""#));
    let links = local_links(&page);
    for expected in [
        "/docs/",
        "/openapi.json",
        "/guides/errors",
        "/guides/vendor-integration",
    ] {
        assert!(
            links.iter().any(|l| l == expected),
            "{expected} in {links:?}"
        );
    }
    // Every link leads to a page, or (the desk's own pages) to signing in first.
    for link in links {
        let followed = app.get(&link).await;
        let to_sign_in =
            followed.status == 303 && followed.headers["location"].starts_with("/connexion");
        assert!(
            followed.status == 200 || to_sign_in,
            "{link}: {}",
            followed.status
        );
    }
}

#[actix_web::test]
async fn the_document_is_served_as_committed() {
    let app = TestApp::seeded();
    let served = app.get("/openapi.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(&served.body, guichet::openapi::document_value());
    assert!(served.body["info"]["description"]
        .as_str()
        .unwrap()
        .contains("/guides/errors"));
}

#[actix_web::test]
async fn the_reference_is_swagger_ui_served_from_the_binary() {
    let app = TestApp::seeded();
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.headers["location"], "/docs/");
    let index = app.get("/docs/").await;
    assert_eq!(index.status, 200);
    let page = text(&index);
    // Every script and style of the page comes from the binary: no CDN.
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "{page}"
    );
    for asset in local_links(&page) {
        let path = if asset.starts_with('/') {
            asset.clone()
        } else {
            format!("/docs/{}", asset.trim_start_matches("./"))
        };
        assert_eq!(app.get(&path).await.status, 200, "{path}");
    }
    let initializer = text(&app.get("/docs/swagger-initializer.js").await);
    assert!(initializer.contains("/openapi.json"), "{initializer}");
}

#[actix_web::test]
async fn the_guides_are_pages_and_their_links_work() {
    let app = TestApp::seeded();
    for (name, title) in [
        ("errors", "Catalogue des erreurs"),
        ("vendor-integration", "Guide d'intégration du titulaire"),
    ] {
        for path in [format!("/guides/{name}"), format!("/guides/{name}.md")] {
            let guide = app.get(&path).await;
            assert_eq!(guide.status, 200, "{path}");
            let page = text(&guide);
            assert!(
                page.contains(&format!("<h1>{}</h1>", title.replace('\'', "&#x27;")))
                    || page.contains(&format!("<h1>{title}</h1>")),
                "{path}: {page:.300}"
            );
            for link in local_links(&page) {
                let target = if link.starts_with('/') {
                    link.clone()
                } else {
                    format!("/guides/{link}")
                };
                assert_eq!(app.get(&target).await.status, 200, "{path} → {target}");
            }
        }
    }
    assert!(text(&app.get("/guides/errors").await).contains("<table>"));
    app.get("/guides/nothing")
        .await
        .assert_problem(404, "not_found");
}
