//! The error catalogue (`docs/errors.md`) is the list of codes a client can meet: every
//! problem an API test receives has its code there with its status, every code written in
//! the sources is there, and the catalogue lists no code the service cannot send.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

const CATALOGUE: &str = include_str!("../../docs/errors.md");

struct Catalogue {
    /// Problem code → status.
    problems: BTreeMap<String, u16>,
    /// Codes that only appear in `errors[]`.
    fields: BTreeSet<String>,
}

/// The two tables of the catalogue, read from their rows: "| `code` | 422 | …" for problems,
/// "| `code` | meaning |" for field codes (after the "Codes de champ" heading).
fn catalogue() -> &'static Catalogue {
    static PARSED: OnceLock<Catalogue> = OnceLock::new();
    PARSED.get_or_init(|| {
        let (problems_part, fields_part) = CATALOGUE
            .split_once("## Codes de champ")
            .expect("docs/errors.md has a « Codes de champ » section");
        let codes = |part: &str| -> Vec<(String, String)> {
            part.lines()
                .filter_map(|line| {
                    let mut cells = line.trim().strip_prefix("| `")?.splitn(2, "` |");
                    let code = cells.next()?.to_owned();
                    let rest = cells.next()?.trim().split('|').next()?.trim().to_owned();
                    Some((code, rest))
                })
                .collect()
        };
        let problems = codes(problems_part)
            .into_iter()
            .map(|(code, status)| {
                let status = status
                    .parse()
                    .unwrap_or_else(|_| panic!("docs/errors.md: {code} has status {status}"));
                (code, status)
            })
            .collect();
        let fields = codes(fields_part)
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        Catalogue { problems, fields }
    })
}

/// Panics when a problem+json answer carries a code the catalogue does not list with its
/// status, or a field code it does not list.
pub fn check_problem(method: &str, path: &str, status: u16, body: &Value) {
    let catalogue = catalogue();
    let code = body["code"].as_str().unwrap_or_default();
    assert_eq!(
        catalogue.problems.get(code),
        Some(&status),
        "catalogue: {method} {path} answered {status} `{code}`, which docs/errors.md does not \
         list with that status: {body:#}"
    );
    for error in body["errors"].as_array().into_iter().flatten() {
        let field_code = error["code"].as_str().unwrap_or_default();
        assert!(
            catalogue.fields.contains(field_code)
                || catalogue.problems.get(field_code) == Some(&422),
            "catalogue: {method} {path}: field code `{field_code}` is not in docs/errors.md"
        );
    }
}

/// The production part of every source file (what precedes its unit tests).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, into: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let production = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
                into.push((path.display().to_string(), production));
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("backend/src"),
        &mut files,
    );
    files
}

/// Every code the sources write, with the file that writes it: `code: "…"`, the code
/// argument of `invalid_field`, `FieldError::new` and `bad_request`, the refusals' tuples, and
/// the arms of the `fn code` matches in the files that name error causes.
fn codes_in_sources() -> BTreeMap<String, String> {
    let everywhere = [
        r#"\bcode: "([a-z_0-9]+)""#,
        r#"invalid_field\(\s*[^,()]+(?:\([^)]*\))?,\s*"([a-z_0-9]+)""#,
        r#"FieldError::new\(\s*[^,()]+(?:\([^)]*\))?,\s*"([a-z_0-9]+)""#,
        r#"bad_request\(\s*"([a-z_0-9]+)""#,
        r#"\(\s*"([a-z_0-9]+)",\s*at\("#,
    ]
    .map(|p| regex::Regex::new(p).unwrap());
    // Elsewhere `=> "…"` arms are vocabularies (`as_str`), not error codes.
    let arm = regex::Regex::new(r#"=> "([a-z_0-9]+)",?\n"#).unwrap();
    let names_causes = |path: &str| path.ends_with("error.rs") || path.ends_with("uai.rs");
    let mut found = BTreeMap::new();
    for (path, text) in sources() {
        let arms = names_causes(&path).then_some(&arm);
        for pattern in everywhere.iter().chain(arms) {
            for captures in pattern.captures_iter(&text) {
                found.insert(captures[1].to_owned(), path.clone());
            }
        }
    }
    found
}

#[test]
fn every_code_written_in_the_sources_is_in_the_catalogue() {
    let catalogue = catalogue();
    let missing: Vec<String> = codes_in_sources()
        .into_iter()
        .filter(|(code, _)| {
            !catalogue.problems.contains_key(code) && !catalogue.fields.contains(code)
        })
        .map(|(code, path)| format!("{code} ({path})"))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from docs/errors.md: {missing:?}"
    );
}

#[test]
fn the_catalogue_lists_no_code_the_service_cannot_send() {
    let written = codes_in_sources();
    let stale: Vec<&String> = catalogue()
        .problems
        .keys()
        .chain(&catalogue().fields)
        .filter(|code| !written.contains_key(*code))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/errors.md lists codes no source writes: {stale:?}"
    );
}
