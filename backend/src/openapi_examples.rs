//! An example on every schema of the document. Requests are written by hand, on the demo
//! data, so that an integrator can send them as they are; responses are built from their
//! schemas with realistic values chosen by field name. A test validates every example
//! against its schema.

use serde_json::{json, Map, Value};

/// Written by hand: the request bodies, as a client would send them to the demo service, and
/// the problem answer.
fn written_example(schema: &str) -> Option<Value> {
    let technical_file = json!({
        "affected_profiles": ["pupil", "teacher"],
        "users_affected": 27,
        "occurred_at": "2026-11-24T07:45:00Z",
        "steps_to_reproduce": "Espace de classe > Devoirs > Déposer un fichier de 3 Mo",
        "error_message": "Erreur 500 au dépôt",
        "browser_device": "Firefox 128 ESR, PC du collège",
        "url": "https://ent.example/classe/4b/devoirs"
    });
    Some(match schema {
        "ActionRequest" => json!({
            "action": "suspend",
            "pending_reason": "requester",
            "comment": "Pouvez-vous préciser le navigateur utilisé ?"
        }),
        "ChangePassword" => json!({
            "current_password": "l'actuel mot de passe",
            "new_password": "une phrase de passe assez longue"
        }),
        "CommentRequest" => json!({
            "visibility": "public",
            "body": "Le correctif est en cours de déploiement."
        }),
        "CreateServiceAccount" => json!({
            "name": "Support niveaux 2 et 3",
            "vendor": "titulaire-ent-grand-est"
        }),
        "CreateUser" => json!({
            "email": "camille.martin@ac-nancy-metz.example",
            "display_name": "Camille Martin",
            "territory": "GE"
        }),
        "EscalateRequest" => json!({
            "justification": "proven_malfunction",
            "technical_file": technical_file
        }),
        "GrantRequest" => json!({ "role": "guichet_agent", "organisation": "ac-nancy-metz" }),
        "InformationRequest" => json!({
            "body": "Firefox 128 ESR ; le dépôt échoue pour tout fichier de plus de 2 Mo."
        }),
        "LinkChild" => json!({ "child": "GE-2026-000043" }),
        "OutageEnd" => json!({ "ended_at": "2026-11-24T09:40:00Z" }),
        "OutageRequest" => json!({
            "territory": "GE",
            "academie": "ac-nancy-metz",
            "service": "authentication",
            "started_at": "2026-11-24T08:05:00Z",
            "ended_at": "2026-11-24T09:40:00Z",
            "description": "Connexion académique impossible : fédération d'identité hors service"
        }),
        "PolicyRequest" => json!({
            "territory": "GE",
            "excludes_school_holidays": true,
            "warning_percent": 75,
            "targets": [
                { "priority": 1, "response_minutes": 30, "resolution_minutes": 240 },
                { "priority": 1, "organisation_kind": "vendor", "response_minutes": 15, "resolution_minutes": 240 },
                { "priority": 2, "response_minutes": 60, "resolution_minutes": 840 },
                { "priority": 3, "response_minutes": 240, "resolution_minutes": 1680 },
                { "priority": 4, "response_minutes": 840, "resolution_minutes": 4200 },
                { "priority": 5, "response_minutes": 1680, "resolution_minutes": 8400 }
            ]
        }),
        "OpenTicket" => json!({
            "establishment": "0579001Z",
            "category": "messagerie",
            "title": "Messagerie inaccessible depuis lundi",
            "description": "Les enseignants ne peuvent plus ouvrir la messagerie de l'ENT."
        }),
        "QualifyRequest" => json!({
            "category": "messagerie",
            "type": "incident",
            "impact": "medium",
            "urgency": "high"
        }),
        "RefreshRequest" => json!({ "refresh_token": "k3Jx9vQ2mT7wLz4pR8sN1bY6cH0dF5gA" }),
        "RefuseRequest" => json!({
            "reason": "Ce collège n'est pas raccordé à notre réseau : voir la Région."
        }),
        "RouteRequest" => json!({
            "queue": "dep-57/reseau-materiel",
            "reason": "Coupure du réseau du collège"
        }),
        "RuleSpec" => json!({
            "authority": "ac-nancy-metz",
            "position": 15,
            "name": "Réseau et matériel vers la collectivité",
            "at_opening": false,
            "conditions": { "category_domain": "network_hardware" },
            "target": { "kind": "collectivite_in_charge" }
        }),
        "SetPassword" => json!({ "password": "une phrase de passe assez longue" }),
        "SimulateRequest" => json!({ "uai": "0579001Z", "category": "reseau-internet" }),
        "TechnicalFile" => technical_file,
        "TokenRequest" => json!({
            "grant_type": "client_credentials",
            "client_id": "sa-5f2c9a1e7b3d4c60",
            "client_secret": "k3Jx9vQ2mT7wLz4pR8sN1bY6cH0dF5gA"
        }),
        "Problem" => json!({
            "type": "urn:guichet:problem:unknown_category",
            "title": "Données invalides",
            "status": 422,
            "detail": "Paramètre « category » invalide : catégorie compta inconnue",
            "code": "unknown_category",
            "errors": [{
                "field": "category",
                "code": "unknown_category",
                "message": "catégorie compta inconnue"
            }]
        }),
        "SetNotificationPreferences" => json!({
            "muted": ["agent_comment"],
            "queue_digest": true
        }),
        "VendorAnswer" => json!({
            "kind": "workaround",
            "body": "En attendant : compresser le fichier sous 2 Mo avant le dépôt."
        }),
        _ => return None,
    })
}

/// A realistic value for a text field, by the schema it belongs to and its name.
fn text_for(owner: &str, field: &str) -> &'static str {
    match (owner, field) {
        ("QueueRef" | "QueueView", "code") | (_, "queue" | "current_queue") => {
            "ac-nancy-metz/guichet"
        }
        ("QueueRef" | "QueueView", "name") => "Guichet académique",
        ("CategoryView", "code") | (_, "category") => "messagerie",
        ("CategoryView", "label") => "Messagerie",
        ("Health", "status") => "ready",
        ("Health", "database") => "postgresql",
        ("TerritoryView", "code") | (_, "territory") => "GE",
        ("TerritoryView", "name") => "Grand Est",
        ("ServiceAccountView" | "CreatedServiceAccount", "name") => "Support niveaux 2 et 3",
        ("EventView", "kind") => "escalated",
        (_, "code" | "organisation" | "authority") => "ac-nancy-metz",
        (_, "name") => "Académie de Nancy-Metz",
        (_, "reference" | "parent" | "child") => "GE-2026-000042",
        (_, "establishment" | "uai") => "0579001Z",
        (_, "establishment_name") => "Collège Jean Moulin, Metz",
        (_, "email" | "assignee" | "requester" | "actor") => {
            "guichet-agent.ge@demo.guichet.example"
        }
        (_, "display_name") => "Agent du guichet — démo Grand Est",
        (_, "vendor") => "titulaire-ent-grand-est",
        (_, "editor") => "editeur-vie-scolaire",
        (_, "external_reference") => "INC-2026-1187",
        (_, "title") => "Messagerie inaccessible depuis lundi",
        (_, "resolution") => "Correctif déployé le 27/11 : la messagerie est rétablie.",
        (_, "reason") => "Coupure du réseau du collège",
        (_, "client_id") => "sa-5f2c9a1e7b3d4c60",
        (_, "access_token") => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl",
        (_, "refresh_token" | "client_secret") => "k3Jx9vQ2mT7wLz4pR8sN1bY6cH0dF5gA",
        (_, "token_type") => "Bearer",
        (_, "filename") => "capture-erreur.png",
        (_, "content_type") => "image/png",
        (_, "url") => "https://ent.example/classe/4b/devoirs",
        (_, "next_cursor" | "cursor") => "R0UtMjAyNi0wMDAwNDI",
        (_, "departement") => "57",
        (_, "city" | "commune") => "Metz",
        _ => "Les élèves de 4e B ne peuvent plus déposer leurs devoirs.",
    }
}

/// A value valid against `schema`, in `components`, for a field named `field`.
fn sample(
    schema: &Value,
    components: &Map<String, Value>,
    owner: &str,
    field: &str,
    depth: u8,
) -> Value {
    if let Some(example) = schema.get("examples").and_then(|e| e.get(0)) {
        return example.clone();
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if let Some(example) = written_example(name) {
            return example;
        }
        return match components.get(name) {
            Some(target) if depth < 6 => sample(target, components, name, field, depth + 1),
            _ => Value::Null,
        };
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.first().cloned().unwrap_or(Value::Null);
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get(combinator).and_then(Value::as_array) {
            if combinator == "allOf" {
                let mut merged = Map::new();
                for part in parts {
                    if let Value::Object(object) = sample(part, components, owner, field, depth) {
                        merged.extend(object);
                    }
                }
                return Value::Object(merged);
            }
            // The first branch that is not `null`.
            let branch = parts
                .iter()
                .find(|p| p.get("type") != Some(&json!("null")))
                .or(parts.first());
            return branch.map_or(Value::Null, |b| sample(b, components, owner, field, depth));
        }
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        Some(Value::String(kind)) => kind.as_str(),
        _ if schema.get("properties").is_some() => "object",
        // Any JSON (an event's `data`): a small object.
        _ => return json!({ "level": 2 }),
    };
    match kind {
        "object" => {
            let mut object = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    object.insert(
                        name.clone(),
                        sample(property, components, owner, name, depth),
                    );
                }
            }
            Value::Object(object)
        }
        "array" => match schema.get("items") {
            Some(items) => json!([sample(items, components, owner, field, depth)]),
            None => json!([]),
        },
        "integer" | "number" => {
            let minimum = schema.get("minimum").and_then(Value::as_i64);
            let maximum = schema.get("maximum").and_then(Value::as_i64);
            let typical = match field {
                "id" | "total" => 42,
                "version" => 3,
                "level" => 1,
                "priority" => 3,
                "status" => 422,
                "expires_in" => 900,
                "size" | "size_bytes" => 48_213,
                "year" => 2026,
                "users_affected" => 27,
                _ => 1,
            };
            json!(typical.clamp(minimum.unwrap_or(i64::MIN), maximum.unwrap_or(i64::MAX)))
        }
        "boolean" => json!(false),
        "null" => Value::Null,
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-11-24T07:45:00Z"),
            Some("date") => json!("2026-12-19"),
            _ => json!(text_for(owner, field)),
        },
    }
}

/// Gives every component schema an `examples` entry (JSON Schema 2020-12, as OpenAPI 3.1).
pub fn add_examples(document: &mut Value) {
    let Some(components) = document["components"]["schemas"].as_object().cloned() else {
        return;
    };
    for (name, schema) in &components {
        if schema.get("examples").is_some() {
            continue;
        }
        let example =
            written_example(name).unwrap_or_else(|| sample(schema, &components, name, "", 0));
        document["components"]["schemas"][name]["examples"] = json!([example]);
    }
}
