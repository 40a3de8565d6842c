use std::path::Path;

#[test]
fn the_committed_openapi_document_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    assert!(
        guichet::openapi::is_current(&path).unwrap_or(false),
        "openapi/openapi.json is stale: run `cargo run -- openapi`"
    );
}

#[test]
fn every_reference_route_is_documented() {
    let document: serde_json::Value = serde_json::from_str(&guichet::openapi::document()).unwrap();
    for path in [
        "/api/v1/territories",
        "/api/v1/organisations",
        "/api/v1/establishments",
        "/api/v1/establishments/{uai}",
        "/api/v1/queues",
        "/api/v1/categories",
        "/api/v1/calendars/school-holidays",
        "/api/v1/calendars/public-holidays",
        "/health/live",
        "/health/ready",
    ] {
        assert!(document["paths"][path]["get"].is_object(), "{path} missing");
    }
}
