use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::TestApp;

const REAL_LYCEES: [(&str, &str); 5] = [
    ("0750655E", "Lycée Louis-le-Grand"),
    ("0750654D", "Lycée Henri-IV"),
    ("0540038Y", "Lycée Henri-Poincaré"),
    ("0590117G", "Lycée Louis-Pasteur"),
    ("0590119J", "Lycée Faidherbe"),
];

#[actix_web::test]
async fn louis_le_grand_comes_with_its_academie_and_collectivite() {
    let app = TestApp::seeded();
    let response = app.get("/api/v1/establishments/0750655E").await;
    assert_eq!(response.status, 200, "{:#}", response.body);
    let body = &response.body;
    assert_eq!(body["name"], "Lycée Louis-le-Grand");
    assert_eq!(body["kind"], "lycee");
    assert_eq!(body["departement"], "75");
    assert_eq!(body["territory"], "PARIS");
    assert_eq!(body["holiday_zone"], "C");
    assert_eq!(body["authority"]["code"], "ac-paris");
    assert_eq!(body["authority"]["name"], "Académie de Paris");
    assert_eq!(body["collectivite"]["kind"], "collectivite");
    assert_eq!(body["collectivite"]["name"], "Région Île-de-France");
}

#[actix_web::test]
async fn the_five_real_lycees_are_seeded_under_their_real_uai() {
    let app = TestApp::seeded();
    for (uai, name) in REAL_LYCEES {
        let response = app.get(&format!("/api/v1/establishments/{uai}")).await;
        assert_eq!(response.status, 200, "{uai}");
        assert_eq!(response.body["name"], name);
    }
}

#[actix_web::test]
async fn a_wrong_check_letter_is_invalid_uai() {
    let app = TestApp::seeded();
    let response = app.get("/api/v1/establishments/0750655F").await;
    response.assert_problem(422, "invalid_uai");
    assert_eq!(response.body["errors"][0]["field"], "uai");
    assert_eq!(response.body["errors"][0]["code"], "wrong_check_letter");
    app.get("/api/v1/establishments/075065")
        .await
        .assert_problem(422, "invalid_uai");
    app.get("/api/v1/establishments/0750655O")
        .await
        .assert_problem(422, "invalid_uai");
}

#[actix_web::test]
async fn a_valid_but_unknown_uai_is_404() {
    let app = TestApp::seeded();
    // 0750656 mod 23 gives F: valid, but no such school in the seeds.
    app.get("/api/v1/establishments/0750656F")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_lower_case_check_letter_finds_the_school() {
    let app = TestApp::seeded();
    let response = app.get("/api/v1/establishments/0540038y").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body["uai"], "0540038Y");
}

#[actix_web::test]
async fn territories_carry_vendor_commitments_and_window() {
    let app = TestApp::seeded();
    let response = app.get("/api/v1/territories").await;
    assert_eq!(response.field("code"), ["GE", "HDF", "PARIS"]);
    for territory in response.items() {
        assert_eq!(territory["availability"]["in_window_percent"], 99.7);
        assert_eq!(territory["availability"]["out_of_window_percent"], 97.0);
        let window = &territory["business_window"];
        assert_eq!(window["weekdays"], serde_json::json!([1, 2, 3, 4, 5]));
        assert_eq!(window["opens"], "08:00");
        assert_eq!(window["closes"], "22:00");
        assert_eq!(window["timezone"], "Europe/Paris");
        assert_eq!(window["excludes_school_holidays"], true);
        assert_eq!(territory["vendor"]["kind"], "vendor");
    }
    let ge = &response.items()[0];
    assert_eq!(ge["ent_name"], "Mon Bureau Numérique");
    assert_eq!(ge["holiday_zone"], "B");
    assert_eq!(response.items()[2]["holiday_zone"], "C");
}

#[actix_web::test]
async fn grand_est_has_its_academies_draaf_and_eleven_collectivites() {
    let app = TestApp::seeded();
    let authorities = app
        .get("/api/v1/organisations?territory=GE&kind=academic_authority")
        .await
        .field("code");
    for code in ["ac-nancy-metz", "ac-reims", "ac-strasbourg"] {
        assert!(
            authorities.contains(&code.to_owned()),
            "{code} in {authorities:?}"
        );
    }
    let draaf = app
        .get("/api/v1/organisations?territory=GE&kind=agricultural_authority")
        .await
        .field("code");
    assert_eq!(draaf, ["draaf-grand-est"]);
    let collectivites = app
        .get("/api/v1/organisations?territory=GE&kind=collectivite")
        .await;
    let subkinds: Vec<_> = collectivites
        .items()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap(),
                c["collectivite_subkind"].as_str().unwrap(),
            )
        })
        .collect();
    let departements = subkinds.iter().filter(|(_, s)| *s == "departement").count();
    assert_eq!(departements, 10, "{subkinds:?}");
    assert!(subkinds.contains(&("region-grand-est", "region")));
    assert!(subkinds.contains(&("dep-57", "departement")));
}

#[actix_web::test]
async fn hauts_de_france_public_bodies_hang_under_their_collectivite() {
    let app = TestApp::seeded();
    let response = app
        .get("/api/v1/organisations?territory=HDF&kind=collectivite")
        .await;
    let bodies: Vec<(&str, &str)> = response
        .items()
        .iter()
        .filter(|o| o["collectivite_subkind"] == "public_body")
        .map(|o| (o["code"].as_str().unwrap(), o["parent"].as_str().unwrap()))
        .collect();
    assert_eq!(bodies.len(), 4, "{bodies:?}");
    assert!(bodies.contains(&("adica", "dep-02")));
    assert!(bodies.contains(&("somme-numerique", "dep-80")));
}

#[actix_web::test]
async fn an_unknown_organisation_kind_is_422_naming_the_field() {
    let app = TestApp::seeded();
    let response = app.get("/api/v1/organisations?kind=rectorat").await;
    response.assert_problem(422, "unknown_value");
    assert_eq!(response.body["errors"][0]["field"], "kind");
    assert_eq!(response.body["errors"][0]["code"], "unknown_value");
}

#[actix_web::test]
async fn an_unknown_query_parameter_is_a_400() {
    let app = TestApp::seeded();
    app.get("/api/v1/establishments?authorty=ac-reims")
        .await
        .assert_problem(400, "invalid_query");
}

/// Walks every page of a list and returns the UAIs in order.
async fn all_uais(app: &TestApp, query: &str, limit: u32) -> Vec<String> {
    let mut uais = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/establishments?limit={limit}{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&path).await;
        let items = page.field("uai");
        assert!(items.len() <= limit as usize);
        uais.extend(items);
        match &page.body["next_cursor"] {
            Value::String(next) => cursor = Some(next.clone()),
            _ => return uais,
        }
    }
}

#[actix_web::test]
async fn establishments_paginate_by_keyset_without_gaps_or_repeats() {
    let app = TestApp::seeded();
    let paged = all_uais(&app, "", 7).await;
    let whole = app
        .get("/api/v1/establishments?limit=200")
        .await
        .field("uai");
    assert!(whole.len() >= 40, "{} establishments", whole.len());
    assert_eq!(paged, whole);
    let mut sorted = whole.clone();
    sorted.sort();
    assert_eq!(whole, sorted);
    assert_eq!(whole.iter().collect::<HashSet<_>>().len(), whole.len());
    // The default page is 50.
    let first = app.get("/api/v1/establishments").await;
    assert_eq!(first.items().len(), whole.len().min(50));
}

#[actix_web::test]
async fn the_demo_schools_cover_every_kind_both_sectors_and_three_territories() {
    let app = TestApp::seeded();
    let all = app.get("/api/v1/establishments?limit=200").await;
    let kinds: HashSet<_> = all.field("kind").into_iter().collect();
    let sectors: HashSet<_> = all.field("sector").into_iter().collect();
    let territories: HashSet<_> = all.field("territory").into_iter().collect();
    for kind in [
        "ecole",
        "college",
        "lycee",
        "lycee_professionnel",
        "eplefpa",
    ] {
        assert!(kinds.contains(kind), "{kind}");
    }
    assert_eq!(sectors.len(), 2);
    assert_eq!(territories.len(), 3);
    for school in all.items() {
        let real = REAL_LYCEES.iter().any(|(uai, _)| school["uai"] == *uai);
        let name = school["name"].as_str().unwrap();
        assert!(
            real || name.contains("démo"),
            "{name} must say it is demo data"
        );
    }
}

#[actix_web::test]
async fn establishments_filter_by_authority_collectivite_and_kind() {
    let app = TestApp::seeded();
    let reims = app
        .get("/api/v1/establishments?authority=ac-reims&limit=200")
        .await;
    assert!(!reims.items().is_empty());
    assert!(reims
        .items()
        .iter()
        .all(|e| e["authority"]["code"] == "ac-reims"));

    let moselle = app.get("/api/v1/establishments?collectivite=dep-57").await;
    assert!(!moselle.items().is_empty());
    assert!(moselle
        .items()
        .iter()
        .all(|e| e["kind"] == "college" && e["departement"] == "57"));

    let agricultural = app.get("/api/v1/establishments?kind=eplefpa").await;
    assert!(!agricultural.items().is_empty());
    assert!(agricultural
        .items()
        .iter()
        .all(|e| e["authority"]["kind"] == "agricultural_authority"));

    let nothing = app
        .get("/api/v1/establishments?authority=ac-reims&collectivite=dep-57")
        .await;
    assert!(nothing.items().is_empty());
    assert_eq!(nothing.body["next_cursor"], Value::Null);
}

#[actix_web::test]
async fn text_search_ignores_accents_case_and_punctuation() {
    let app = TestApp::seeded();
    let found = app
        .get("/api/v1/establishments?q=lycee%20HENRI%20poincare")
        .await
        .field("uai");
    assert_eq!(found, ["0540038Y"]);
    let by_uai = app
        .get("/api/v1/establishments?q=0750654d")
        .await
        .field("uai");
    assert_eq!(by_uai, ["0750654D"]);
    let wildcard = app.get("/api/v1/establishments?q=%25").await;
    assert!(
        wildcard.items().len() >= 40,
        "a lone % is no filter, not a wildcard"
    );
}

#[actix_web::test]
async fn bad_paging_parameters_are_422() {
    let app = TestApp::seeded();
    for (query, field, code) in [
        ("limit=0", "limit", "out_of_range"),
        ("limit=201", "limit", "out_of_range"),
        ("limit=abc", "limit", "not_an_integer"),
        ("cursor=%%%", "cursor", "invalid_cursor"),
        ("kind=lycee_agricole", "kind", "unknown_value"),
    ] {
        let response = app.get(&format!("/api/v1/establishments?{query}")).await;
        response.assert_problem(422, code);
        assert_eq!(response.body["errors"][0]["field"], field, "{query}");
    }
}

#[actix_web::test]
async fn each_authority_has_guichet_dane_and_dsi_queues() {
    let app = TestApp::seeded();
    let reims = app.get("/api/v1/queues?organisation=ac-reims").await;
    let domains: HashSet<_> = reims
        .items()
        .iter()
        .map(|q| q["domain"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        domains,
        ["guichet", "usage", "identity"].map(String::from).into()
    );
    assert!(reims.items().iter().all(|q| q["level"] == 1));

    let moselle = app.get("/api/v1/queues?organisation=dep-57").await;
    assert_eq!(moselle.items().len(), 1);
    assert_eq!(moselle.items()[0]["domain"], "network_hardware");

    let vendor = app
        .get("/api/v1/queues?organisation=titulaire-ent-grand-est")
        .await;
    let levels: Vec<_> = vendor
        .items()
        .iter()
        .map(|q| q["level"].as_i64().unwrap())
        .collect();
    assert_eq!(levels.len(), 3);
    assert!(levels.contains(&1) && levels.contains(&2) && levels.contains(&3));

    let level_three = app.get("/api/v1/queues?level=3").await;
    assert_eq!(level_three.items().len(), 3, "one level-3 queue per vendor");
    assert!(level_three
        .items()
        .iter()
        .all(|q| q["organisation"]["kind"] == "vendor"));

    app.get("/api/v1/queues?level=4")
        .await
        .assert_problem(422, "out_of_range");
}

#[actix_web::test]
async fn paris_keeps_vie_scolaire_level_one_at_the_academie() {
    let app = TestApp::seeded();
    let paris = app.get("/api/v1/queues?organisation=ac-paris").await;
    assert!(paris.items().iter().any(|q| q["domain"] == "vie_scolaire"));
}

#[actix_web::test]
async fn the_category_catalogue_covers_the_ent_domains() {
    let app = TestApp::seeded();
    let response = app.get("/api/v1/categories").await;
    let domains: HashSet<_> = response
        .items()
        .iter()
        .map(|c| c["domain"].as_str().unwrap().to_owned())
        .collect();
    for domain in [
        "identity",
        "vie_scolaire",
        "usage",
        "network_hardware",
        "third_party",
        "guichet",
    ] {
        assert!(domains.contains(domain), "{domain}");
    }
    let types: HashSet<_> = response.field("default_type").into_iter().collect();
    assert_eq!(types, ["incident", "request"].map(String::from).into());
    let labels = response.field("label");
    assert!(labels.iter().any(|l| l.contains("ÉduConnect")));
    assert!(labels.iter().any(|l| l.contains("AAF")));
    assert!(labels.iter().any(|l| l.contains("GAR")));
}
