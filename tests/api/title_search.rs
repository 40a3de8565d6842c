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
