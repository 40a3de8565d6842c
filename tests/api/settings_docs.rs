use std::path::Path;

use guichet::settings::VARIABLES;

fn read(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

#[test]
fn env_example_documents_every_variable_with_its_default() {
    let example = read(".env.example");
    for (name, default, _) in VARIABLES {
        assert!(
            example.lines().any(|l| l == format!("{name}={default}")),
            ".env.example lacks `{name}={default}`"
        );
    }
}

#[test]
fn the_readme_table_lists_every_variable() {
    let readme = read("README.md");
    for (name, default, _) in VARIABLES {
        let start = format!("| `{name}` |");
        let row = readme.lines().find(|l| l.starts_with(&start));
        let row = row.unwrap_or_else(|| panic!("README lacks a row for {name}"));
        assert!(
            row.contains(&format!("`{default}`")) || default.is_empty(),
            "{row}"
        );
    }
}
