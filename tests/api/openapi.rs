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

/// Every schema carries an example, and the example is valid against its schema.
#[test]
fn every_schema_has_an_example_that_fits_it() {
    let document = guichet::openapi::document_value();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut failures = Vec::new();
    for (name, schema) in schemas {
        let Some(example) = schema["examples"].get(0) else {
            failures.push(format!("{name}: no example"));
            continue;
        };
        let root = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": document["components"],
            "$ref": format!("#/components/schemas/{name}"),
        });
        let validator = jsonschema::validator_for(&root).unwrap();
        for error in validator.iter_errors(example) {
            failures.push(format!("{name}: {error} at {}", error.instance_path));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
