//! The figures as one CSV table for a spreadsheet: a row per figure, semicolon-separated as
//! French spreadsheets expect, with the table, the key and the measure it belongs to.

use super::views::{Compliance, Durations, Figures, VolumeBy};

const HEADER: [&str; 5] = ["tableau", "cle", "libelle", "mesure", "valeur"];

struct Rows(Vec<[String; 5]>);

impl Rows {
    fn push(&mut self, table: &str, key: &str, label: &str, measure: &str, value: impl ToString) {
        self.0.push([
            table.to_owned(),
            key.to_owned(),
            label.to_owned(),
            measure.to_owned(),
            value.to_string(),
        ]);
    }

    fn optional<T: ToString>(
        &mut self,
        table: &str,
        key: &str,
        label: &str,
        measure: &str,
        value: Option<T>,
    ) {
        self.push(
            table,
            key,
            label,
            measure,
            value.map(|v| v.to_string()).unwrap_or_default(),
        );
    }

    fn volumes(&mut self, table: &str, rows: &[VolumeBy]) {
        for row in rows {
            let v = &row.volumes;
            self.push(table, &row.key, &row.label, "ouverts", v.opened);
            self.push(table, &row.key, &row.label, "resolus", v.resolved);
            self.push(table, &row.key, &row.label, "en_stock", v.backlog);
        }
    }

    fn durations(&mut self, table: &str, key: &str, label: &str, prefix: &str, d: &Durations) {
        self.push(table, key, label, &format!("{prefix}_nombre"), d.count);
        self.optional(
            table,
            key,
            label,
            &format!("{prefix}_mediane_minutes"),
            d.median_minutes,
        );
        self.optional(
            table,
            key,
            label,
            &format!("{prefix}_p90_minutes"),
            d.p90_minutes,
        );
    }

    fn compliance(&mut self, table: &str, key: &str, label: &str, prefix: &str, c: &Compliance) {
        self.push(table, key, label, &format!("{prefix}_respectes"), c.met);
        self.push(table, key, label, &format!("{prefix}_depasses"), c.breached);
        self.optional(table, key, label, &format!("{prefix}_taux"), c.percent);
    }
}

/// The figures as rows of (table, key, label, measure, value): the CSV's lines, and the
/// web desk's table.
pub fn rows(figures: &Figures) -> Vec<[String; 5]> {
    let mut rows = Rows(Vec::new());
    let scope = &figures.scope;
    let t = &figures.tickets;
    rows.push("total", &scope.key, &scope.name, "ouverts", t.opened);
    rows.push("total", &scope.key, &scope.name, "resolus", t.resolved);
    rows.push("total", &scope.key, &scope.name, "en_stock", t.backlog);
    rows.optional(
        "total",
        &scope.key,
        &scope.name,
        "taux_escalade_editeur",
        figures.escalation_rate,
    );
    rows.optional(
        "total",
        &scope.key,
        &scope.name,
        "taux_reouverture",
        figures.reopen_rate,
    );
    rows.optional(
        "total",
        &scope.key,
        &scope.name,
        "resolus_niveau_0",
        figures.solved_at.level_0,
    );
    rows.optional(
        "total",
        &scope.key,
        &scope.name,
        "resolus_niveau_1",
        figures.solved_at.level_1,
    );
    rows.optional(
        "total",
        &scope.key,
        &scope.name,
        "resolus_editeur",
        figures.solved_at.vendor,
    );
    rows.durations(
        "total",
        &scope.key,
        &scope.name,
        "reponse",
        &figures.response,
    );
    rows.durations(
        "total",
        &scope.key,
        &scope.name,
        "resolution",
        &figures.resolution,
    );
    rows.durations(
        "total",
        &scope.key,
        &scope.name,
        "editeur_reponse",
        &figures.vendor_response,
    );
    rows.durations(
        "total",
        &scope.key,
        &scope.name,
        "editeur_resolution",
        &figures.vendor_resolution,
    );
    rows.volumes("niveau", &figures.by_level);
    rows.volumes("file", &figures.by_queue);
    rows.volumes("categorie", &figures.by_category);
    rows.volumes("type_etablissement", &figures.by_school_kind);
    for p in &figures.compliance_by_priority {
        let key = format!("P{}", p.priority);
        rows.compliance("priorite", &key, "", "reponse", &p.response);
        rows.compliance("priorite", &key, "", "resolution", &p.resolution);
    }
    for o in &figures.organisations {
        rows.durations("organisation", &o.code, &o.name, "reponse", &o.response);
        rows.durations(
            "organisation",
            &o.code,
            &o.name,
            "resolution",
            &o.resolution,
        );
        rows.compliance(
            "organisation",
            &o.code,
            &o.name,
            "reponse",
            &o.response_compliance,
        );
        rows.compliance(
            "organisation",
            &o.code,
            &o.name,
            "resolution",
            &o.resolution_compliance,
        );
        rows.push(
            "organisation",
            &o.code,
            &o.name,
            "transferts_refuses",
            o.refused,
        );
    }
    for w in &figures.weekly {
        let week = w.week.to_string();
        rows.push("semaine", &week, "", "ouverts", w.opened);
        rows.push("semaine", &week, "", "resolus", w.resolved);
    }
    rows.0
}

pub fn render(figures: &Figures) -> Result<String, ::csv::Error> {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for row in rows(figures) {
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
}
