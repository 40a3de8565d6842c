//! Attachments: size limit, sniffed type, safe download, visibility.

use serde_json::json;

use crate::helpers::{Call, TestApp};
use crate::ticket_chain::{chain, Chain};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn upload(
    chain: &Chain,
    token: &str,
    reference: &str,
    query: &str,
    bytes: &[u8],
) -> crate::helpers::Response {
    chain
        .app
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{reference}/attachments?{query}"),
            )
            .bearer(Some(token))
            .header("Content-Type", "text/html")
            .bytes(bytes),
        )
        .await
}

#[actix_web::test]
async fn a_screenshot_is_stored_sniffed_and_served_as_a_download() {
    let chain = chain().await;
    let opened = chain
        .open("0579001Z", "messagerie", "Message d'erreur à l'envoi")
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();

    let stored = upload(
        &chain,
        &chain.correspondent,
        &reference,
        "filename=..%2F..%2Fcapture.png",
        PNG,
    )
    .await;
    assert_eq!(stored.status, 201, "{:#}", stored.body);
    assert_eq!(stored.body["filename"], "capture.png");
    assert_eq!(
        stored.body["content_type"], "image/png",
        "sniffed, not the client's text/html"
    );
    assert_eq!(stored.body["size_bytes"], PNG.len());
    let id = stored.body["id"].as_i64().unwrap();

    let download = chain
        .app
        .get_as(
            &chain.guichet,
            &format!("/api/v1/tickets/{reference}/attachments/{id}"),
        )
        .await;
    assert_eq!(download.status, 200);
    assert_eq!(download.raw, PNG);
    assert_eq!(download.content_type, "image/png");
    assert!(
        download.headers["content-disposition"].starts_with("attachment"),
        "{:?}",
        download.headers
    );
    assert!(download.headers["content-disposition"].contains("capture.png"));
    assert_eq!(download.headers["x-content-type-options"], "nosniff");

    // Only to callers who may see the ticket.
    chain
        .app
        .get_as(
            &chain.other_correspondent,
            &format!("/api/v1/tickets/{reference}/attachments/{id}"),
        )
        .await
        .assert_problem(404, "not_found");
    chain
        .app
        .get_as(
            &chain.vendor_client,
            &format!("/api/v1/tickets/{reference}/attachments/{id}"),
        )
        .await
        .assert_problem(404, "not_found");
    upload(
        &chain,
        &chain.other_correspondent,
        &reference,
        "filename=x.txt",
        b"x",
    )
    .await
    .assert_problem(404, "not_found");
    upload(
        &chain,
        &chain.correspondent,
        &reference,
        "filename=%2F",
        b"x",
    )
    .await
    .assert_problem(422, "invalid_filename");
    upload(
        &chain,
        &chain.correspondent,
        &reference,
        "filename=vide.txt",
        b"",
    )
    .await
    .assert_problem(422, "empty_file");
}

#[actix_web::test]
async fn files_on_internal_notes_stay_among_agents_and_the_size_is_capped() {
    let chain = chain().await;
    let opened = chain.open("0579001Z", "wifi", "Wi-Fi instable").await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let note = chain
        .app
        .post_as(
            Some(&chain.guichet),
            &format!("/api/v1/tickets/{reference}/comments"),
            json!({ "body": "Relevé du contrôleur", "visibility": "internal" }),
        )
        .await;
    let note_id = note.body["id"].as_i64().unwrap();
    let internal = upload(
        &chain,
        &chain.guichet,
        &reference,
        &format!("filename=releve.txt&comment={note_id}"),
        b"canal 6 sature",
    )
    .await;
    assert_eq!(internal.status, 201, "{:#}", internal.body);
    assert_eq!(internal.body["content_type"], "text/plain; charset=utf-8");
    let id = internal.body["id"].as_i64().unwrap();
    let school = chain
        .app
        .get_as(
            &chain.correspondent,
            &format!("/api/v1/tickets/{reference}/attachments"),
        )
        .await;
    assert!(school.items().is_empty());
    chain
        .app
        .get_as(
            &chain.correspondent,
            &format!("/api/v1/tickets/{reference}/attachments/{id}"),
        )
        .await
        .assert_problem(404, "not_found");
    let agents = chain
        .app
        .get_as(
            &chain.guichet,
            &format!("/api/v1/tickets/{reference}/attachments"),
        )
        .await;
    assert_eq!(agents.items().len(), 1);
    // A correspondent cannot hang a file on a note it cannot see.
    upload(
        &chain,
        &chain.correspondent,
        &reference,
        &format!("filename=a.txt&comment={note_id}"),
        b"a",
    )
    .await
    .assert_problem(422, "unknown_comment");

    let small = TestApp::seeded_with(&[("GUICHET_MAX_ATTACHMENT_BYTES", "16")]);
    let token = small.demo_token("correspondent", "ge");
    let ticket = small
        .post_as(
            Some(&token),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": "t", "description": "d", "category": "wifi" }),
        )
        .await;
    let reference = ticket.body["reference"].as_str().unwrap();
    let too_big = small
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{reference}/attachments?filename=big.bin"),
            )
            .bearer(Some(&token))
            .bytes(&[7u8; 17]),
        )
        .await;
    too_big.assert_problem(413, "payload_too_large");
    let fits = small
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{reference}/attachments?filename=ok.bin"),
            )
            .bearer(Some(&token))
            .bytes(&[7u8; 16]),
        )
        .await;
    assert_eq!(fits.status, 201);
}
