//! Protection before sharing: what the vendor reads of a ticket — its text, its technical
//! file, its journal, its messages — has pupils' identifiers (INE), email addresses and
//! phone numbers masked; the authority reads the original, with the list of what the vendor
//! will not see, before it escalates.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::views::{EventView, TicketView};
use crate::domain::personal_identifiers::{mask_in_place, Found};
use crate::domain::role::Role;
use crate::services::caller::Caller;

/// A field whose text the vendor reads masked, and what it holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MaskedField {
    /// `title`, `description`, `resolution` or `technical_file.<element>`.
    pub field: String,
    pub found: Found,
    /// In French: « description : 1 INE, 2 adresses électroniques ».
    pub label: String,
}

/// A field's name, in French.
fn field_label(field: &str) -> &'static str {
    match field {
        "title" => "titre",
        "description" => "description",
        "resolution" => "résolution",
        "technical_file.browser_device" => "navigateur et appareil",
        "technical_file.steps_to_reproduce" => "étapes pour reproduire",
        "technical_file.error_message" => "message d'erreur",
        "technical_file.url" => "adresse de la page",
        _ => "texte",
    }
}

/// Whether the caller reads tickets as the vendor (its agents and integrations).
pub fn reads_as_vendor(caller: &Caller) -> bool {
    caller.has_role(Role::VendorAgent)
}

/// Masks each text field of the ticket; what each held.
fn each_text(view: &mut TicketView) -> Vec<MaskedField> {
    let file = &mut view.technical_file;
    let mut fields: Vec<(&str, &mut String)> = vec![
        ("title", &mut view.title),
        ("description", &mut view.description),
    ];
    for (name, text) in [
        ("resolution", view.resolution.as_mut()),
        (
            "technical_file.browser_device",
            file.browser_device.as_mut(),
        ),
        (
            "technical_file.steps_to_reproduce",
            file.steps_to_reproduce.as_mut(),
        ),
        ("technical_file.error_message", file.error_message.as_mut()),
        ("technical_file.url", file.url.as_mut()),
    ] {
        if let Some(text) = text {
            fields.push((name, text));
        }
    }
    fields
        .into_iter()
        .filter_map(|(field, text)| {
            let found = mask_in_place(text);
            found.any().then(|| MaskedField {
                field: field.to_owned(),
                label: format!("{} : {}", field_label(field), found.describe()),
                found,
            })
        })
        .collect()
}

/// The vendor's view of the ticket: its texts masked.
pub fn mask_ticket(view: &mut TicketView) {
    each_text(view);
}

/// What the vendor would read masked in this ticket (the authority's view keeps the text).
pub fn masked_for_vendor(view: &TicketView) -> Vec<MaskedField> {
    each_text(&mut view.clone())
}

/// Masks every text of a JSON value.
pub fn mask_json(value: &mut Value) -> Found {
    let mut found = Found::default();
    match value {
        Value::String(text) => found.add(mask_in_place(text)),
        Value::Array(items) => items.iter_mut().for_each(|v| found.add(mask_json(v))),
        Value::Object(map) => map.values_mut().for_each(|v| found.add(mask_json(v))),
        _ => {}
    }
    found
}

/// The vendor's view of a journal: bodies and data masked.
pub fn mask_events(events: &mut [EventView]) {
    for event in events {
        if let Some(body) = event.body.as_mut() {
            mask_in_place(body);
        }
        mask_json(&mut event.data);
    }
}
