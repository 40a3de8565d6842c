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

/// The names every `ToSchema` type of the sources takes in the document (its own, or the
/// text enums the `text_enum!` macro derives it for).
fn schema_names(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            schema_names(&path, found);
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let derives_schema =
                line.trim_start().starts_with("#[derive(") && line.contains("ToSchema");
            let in_text_enum = line.trim_start().starts_with("text_enum! {");
            if !(derives_schema || in_text_enum) {
                continue;
            }
            // The type's name: the next `pub struct`/`pub enum`, or the macro's first
            // identifier followed by `{`.
            let Some(next) = lines[i + 1..]
                .iter()
                .map(|l| l.trim_start())
                .find(|l| !l.starts_with("//") && !l.starts_with("#["))
            else {
                continue;
            };
            let rest = next
                .strip_prefix("pub struct ")
                .or_else(|| next.strip_prefix("pub enum "))
                .or_else(|| in_text_enum.then_some(next).filter(|n| n.ends_with('{')));
            let name = rest.map(|rest| {
                rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            if let Some(name) = name.filter(|n| !n.is_empty()) {
                found.push((name, path.display().to_string()));
            }
        }
    }
}

fn shared_names(mut found: Vec<(String, String)>) -> Vec<String> {
    found.sort();
    found
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| format!("{} in {} and {}", w[0].0, w[0].1, w[1].1))
        .collect()
}

/// utoipa keeps one of two schemas with the same name, silently: the document (and the
/// request validation it drives) would describe the wrong body.
#[test]
fn no_two_schemas_share_a_name() {
    // The scan finds a name given twice.
    let scratch = tempfile::tempdir().unwrap();
    for file in ["a.rs", "b.rs"] {
        std::fs::write(
            scratch.path().join(file),
            "#[derive(Debug, Clone, ToSchema)]\n#[serde(deny_unknown_fields)]\npub struct Twice {}\n",
        )
        .unwrap();
    }
    let mut scratch_names = Vec::new();
    schema_names(scratch.path(), &mut scratch_names);
    assert_eq!(shared_names(scratch_names).len(), 1);

    let mut found = Vec::new();
    schema_names(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("backend/src"),
        &mut found,
    );
    assert!(found.len() > 50, "{} schemas found", found.len());
    let twice = shared_names(found);
    assert!(twice.is_empty(), "schemas sharing a name: {twice:#?}");
}
