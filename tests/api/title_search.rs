//! The title search reads a text index (FTS5 trigrams on SQLite, pg_trgm on PostgreSQL) of
//! the titles' search keys: a word's part, in any case, with or without its accents; the
//! index follows a title's key when it is rewritten (anonymisation, erasure).

use diesel::prelude::*;

use guichet::db::schema::tickets;

use crate::ticket_chain::chain;

#[actix_web::test]
async fn a_word_is_found_with_or_without_its_accents_and_the_index_follows_the_titles() {
    let chain = chain().await;
    let projector = chain
        .open(
            "0579001Z",
            "materiel-demande",
            "Vidéoprojecteur HS en salle 8",
        )
        .await;
    let cdi = chain
        .open(
            "0579001Z",
            "materiel-demande",
            "Le VIDEOPROJECTEUR du CDI clignote",
        )
        .await;
    let printer = chain
        .open(
            "0579001Z",
            "materiel-poste",
            "Imprimante bloquée au secrétariat",
        )
        .await;
    let reference = |r: &crate::helpers::Response| r.body["reference"].as_str().unwrap().to_owned();
    let (projector, cdi, printer) = (reference(&projector), reference(&cdi), reference(&printer));
    let found = |q: &'static str| {
        let chain = &chain;
        async move {
            let mut found = chain
                .app
                .get_as(&chain.correspondent, &format!("/api/v1/tickets?q={q}"))
                .await
                .field("reference");
            found.sort();
            found
        }
    };
    let mut both = vec![projector.clone(), cdi.clone()];
    both.sort();
    assert_eq!(found("vid%C3%A9oprojecteur").await, both);
    assert_eq!(found("VIDEOPROJ").await, both);
    assert_eq!(found("projecteur%20du%20cdi").await, vec![cdi.clone()]);
    assert_eq!(found("bloqu%C3%A9e").await, vec![printer.clone()]);
    assert_eq!(found("secretariat").await, vec![printer.clone()]);
    // Shorter than a trigram: still answered, from the same index.
    assert_eq!(found("hs").await, vec![projector.clone()]);
    assert!(found("tableau%20blanc").await.is_empty());

    // A title's key rewritten (as anonymisation does): the old words no longer find it.
    diesel::update(tickets::table.filter(tickets::reference.eq(&printer)))
        .set(tickets::title_search.eq("[anonymise]"))
        .execute(&mut *chain.app.conn())
        .unwrap();
    assert!(found("secretariat").await.is_empty());
    assert_eq!(found("anonymise").await, vec![printer]);
}

/// A title search lists its matches newest first, page after page, and only those the caller
/// sees, even when the newest hundreds belong to a school it does not see; `sort=priority`
/// still orders the same matches as the queue does.
#[actix_web::test]
async fn a_search_lists_the_newest_matches_first_and_only_the_visible_ones() {
    let chain = chain().await;
    let mut own = Vec::new();
    for (i, category) in ["materiel-demande", "materiel-poste", "materiel-demande"]
        .iter()
        .enumerate()
    {
        let opened = chain
            .open("0579001Z", category, &format!("Tableau numérique {i} muet"))
            .await;
        own.push(opened.body["reference"].as_str().unwrap().to_owned());
    }
    // More newer matches elsewhere than the text index's first batches hold.
    let mut elsewhere = Vec::new();
    for i in 0..450 {
        let opened = chain
            .app
            .post_as(
                Some(&chain.other_correspondent),
                "/api/v1/tickets",
                serde_json::json!({ "establishment": "0679002W", "title": format!("Tableau numerique {i} muet a Strasbourg"), "description": "Plus de son depuis ce matin", "category": "materiel-demande" }),
            )
            .await;
        assert_eq!(opened.status, 201, "{:#}", opened.body);
        elsewhere.push(opened.body["reference"].as_str().unwrap().to_owned());
    }
    let newest_first: Vec<String> = own.iter().rev().cloned().collect();
    let page = chain
        .app
        .get_as(
            &chain.correspondent,
            "/api/v1/tickets?q=tableau%20numerique",
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.field("reference"), newest_first);

    // Page by page: two, then the last one, in the same order.
    let first = chain
        .app
        .get_as(
            &chain.correspondent,
            "/api/v1/tickets?q=tableau%20numerique&limit=2",
        )
        .await;
    assert_eq!(first.field("reference"), newest_first[..2].to_vec());
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let cursor: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
    let rest = chain
        .app
        .get_as(
            &chain.correspondent,
            &format!("/api/v1/tickets?q=tableau%20numerique&limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest.field("reference"), newest_first[2..].to_vec());
    assert!(rest.body["next_cursor"].is_null());
    // A newest-first cursor names no place in the queue's order.
    chain
        .app
        .get_as(
            &chain.correspondent,
            &format!("/api/v1/tickets?q=tableau%20numerique&sort=priority&cursor={cursor}"),
        )
        .await
        .assert_problem(422, "invalid_cursor");

    // Strasbourg's correspondent sees its 450, newest first, over three pages.
    let mut seen = Vec::new();
    let mut next = Some(String::new());
    while let Some(cursor) = next {
        let cursor: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
        let page = chain
            .app
            .get_as(
                &chain.other_correspondent,
                &format!("/api/v1/tickets?q=muet&limit=200&cursor={cursor}"),
            )
            .await;
        assert_eq!(page.status, 200, "{:#}", page.body);
        seen.extend(page.field("reference"));
        next = page.body["next_cursor"].as_str().map(str::to_owned);
    }
    elsewhere.reverse();
    assert_eq!(seen, elsewhere);

    // By priority on request: the queue's order, whatever the age.
    let by_priority = chain
        .app
        .get_as(
            &chain.correspondent,
            "/api/v1/tickets?q=tableau%20numerique&sort=priority",
        )
        .await;
    let priority_of: std::collections::HashMap<String, i64> = by_priority.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let reference = t["reference"].as_str().unwrap().to_owned();
            (reference, t["priority"].as_i64().unwrap())
        })
        .collect();
    // Oldest first within a priority: `own` is in opening order.
    let mut expected = own.clone();
    expected.sort_by_key(|r| priority_of[r]);
    assert_eq!(by_priority.field("reference"), expected);
}
