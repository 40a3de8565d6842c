//! Protection before sharing: the vendor reads a ticket's text, technical file, journal,
//! lists and messages with pupils' identifiers (INE), email addresses and phone numbers
//! masked; the authority reads the original and is told what the vendor will not see.

use diesel::prelude::*;
use serde_json::{json, Value};

use guichet::db::schema::{outbox, tickets};

use crate::browser::{html, Browser};
use crate::helpers::demo_email;
use crate::ticket_chain::{chain, Chain};

const DESCRIPTION: &str = "Léa (INE 1234567890A) ne reçoit plus rien ; sa mère, \
                           lea.parent@free.fr, 06 12 34 56 78, s'inquiète.";

/// A ticket of the Metz collège whose description names a pupil and her mother.
async fn open(chain: &Chain, title: &str) -> String {
    let opened = chain
        .app
        .post_as(
            Some(&chain.correspondent),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": title,
                    "description": DESCRIPTION, "category": "messagerie" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    opened.body["reference"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn the_vendor_reads_personal_identifiers_masked_and_the_authority_knows_it() {
    let chain = chain().await;
    let app = &chain.app;
    let reference = open(&chain, "Messagerie de lea.parent@free.fr bloquée").await;

    // Before escalating, the guichet reads the original and what will be masked.
    let seen = chain.get(&chain.guichet, &reference).await.body;
    assert_eq!(seen["description"], DESCRIPTION);
    let masked: Vec<&str> = seen["masked_for_vendor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        masked,
        [
            "titre : 1 adresse électronique",
            "description : 1 INE, 1 adresse électronique, 1 numéro de téléphone"
        ]
    );
    // The school reads its own text, with no such list.
    let school = chain.get(&chain.correspondent, &reference).await.body;
    assert_eq!(school["description"], DESCRIPTION);
    assert_eq!(school["masked_for_vendor"], json!([]));

    let escalated = chain
        .write(
            &chain.guichet,
            &reference,
            "escalation",
            json!({
                "justification": "proven_malfunction",
                "technical_file": {
                    "affected_profiles": ["pupil"], "occurred_at": "2026-11-24T07:45:00Z",
                    "steps_to_reproduce": "Se connecter comme l'élève 123456789AB",
                    "error_message": "Erreur 500", "browser_device": "Firefox 128",
                    "url": "https://ent.example/messagerie", "users_affected": 1
                }
            }),
        )
        .await;
    assert_eq!(escalated.status, 200, "{:#}", escalated.body);
    let comment = chain
        .write(
            &chain.guichet,
            &reference,
            "comments",
            json!({ "visibility": "internal", "body": "Famille joignable au 03 87 12 34 56." }),
        )
        .await;
    assert_eq!(comment.status, 201, "{:#}", comment.body);

    // The vendor reads it masked: text, technical file, journal, list.
    let vendor = chain.get(&chain.vendor_client, &reference).await;
    assert_eq!(vendor.status, 200, "{:#}", vendor.body);
    let vendor = vendor.body;
    assert_eq!(
        vendor["description"],
        "Léa (INE [INE masqué]) ne reçoit plus rien ; sa mère, [adresse masquée], \
         [téléphone masqué], s'inquiète."
    );
    assert_eq!(vendor["title"], "Messagerie de [adresse masquée] bloquée");
    assert_eq!(
        vendor["technical_file"]["steps_to_reproduce"],
        "Se connecter comme l'élève [INE masqué]"
    );
    assert_eq!(vendor["masked_for_vendor"], json!([]));
    let bodies: Vec<Value> = chain
        .events(&chain.vendor_client, &reference)
        .await
        .into_iter()
        .map(|e| e["body"].clone())
        .collect();
    assert!(
        bodies.contains(&json!("Famille joignable au [téléphone masqué].")),
        "{bodies:?}"
    );
    let text =
        serde_json::to_string(&chain.events(&chain.vendor_client, &reference).await).unwrap();
    for secret in [
        "1234567890A",
        "lea.parent@free.fr",
        "06 12 34 56 78",
        "03 87 12 34 56",
        "123456789AB",
    ] {
        assert!(!text.contains(secret), "{secret} in the vendor's journal");
    }
    let listed = app.get_as(&chain.vendor_client, "/api/v1/tickets").await;
    let titles: Vec<&Value> = listed.items().iter().map(|t| &t["title"]).collect();
    assert!(
        titles.contains(&&json!("Messagerie de [adresse masquée] bloquée")),
        "{titles:?}"
    );

    // The authority still reads the original.
    let again = chain.get(&chain.guichet, &reference).await.body;
    assert_eq!(again["description"], DESCRIPTION);

    // The vendor's agents are told of the arrival without the identifiers.
    let mut conn = app.conn();
    let id: i64 = tickets::table
        .filter(tickets::reference.eq(&reference))
        .select(tickets::id)
        .first(&mut conn)
        .unwrap();
    let to_vendor: Vec<String> = outbox::table
        .filter(outbox::ticket_id.eq(id))
        .filter(outbox::recipient_email.eq(demo_email("vendor_agent", "ge")))
        .select(outbox::payload)
        .load(&mut conn)
        .unwrap();
    assert!(!to_vendor.is_empty());
    for payload in &to_vendor {
        assert!(!payload.contains("lea.parent@free.fr"), "{payload}");
        assert!(payload.contains("[adresse masquée]"), "{payload}");
    }
}

#[actix_web::test]
async fn the_desk_tells_the_guichet_what_the_vendor_will_not_see_before_it_escalates() {
    let chain = chain().await;
    let app = &chain.app;
    let reference = open(&chain, "Messagerie bloquée").await;
    let mut guichet = Browser::signed_in(app, "guichet-agent", "ge").await;
    let page = html(&guichet.get(&format!("/tickets/{reference}")).await).replace("&#x27;", "'");
    assert!(
        page.contains(
            "Le titulaire lira ce ticket sans les données personnelles qu'il contient, \
             masquées : description : 1 INE, 1 adresse électronique, 1 numéro de téléphone."
        ),
        "{page}"
    );
    assert!(
        page.contains("lea.parent@free.fr"),
        "the guichet reads the original"
    );
}
