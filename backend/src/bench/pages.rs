//! The web desk's pages timed on the server: the whole application in the process (routing,
//! session, services, rendering), each person signed in through the sign-in form, each page
//! asked `samples` times on the bench's database.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::test::{self, TestRequest};

use super::{timing, Timing};
use crate::services::seed::DEMO_PASSWORD;
use crate::startup::build_app;
use crate::state::AppState;

/// The value of the cookie `name` an answer sets.
fn set_cookie<B>(response: &ServiceResponse<B>, name: &str) -> Option<String> {
    response
        .response()
        .cookies()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The value of the hidden field `name` of a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    Some(page.split(&marker).nth(1)?.split('"').next()?.to_owned())
}

async fn body_of<B: MessageBody>(response: ServiceResponse<B>) -> String {
    let bytes = test::read_body(response).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Signs in through the form; the session cookie's value.
async fn sign_in<S, B>(app: &S, email: &str) -> Result<String, String>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let form = test::call_service(app, TestRequest::get().uri("/connexion").to_request()).await;
    let login = set_cookie(&form, "guichet_login").ok_or("pas de cookie de connexion")?;
    let csrf = hidden(&body_of(form).await, "csrf").ok_or("formulaire sans jeton")?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("password", DEMO_PASSWORD)
        .append_pair("csrf", &csrf)
        .finish();
    let request = TestRequest::post()
        .uri("/connexion")
        .insert_header((header::COOKIE, format!("guichet_login={login}")))
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .set_payload(body)
        .to_request();
    let signed = test::call_service(app, request).await;
    set_cookie(&signed, "guichet_session").ok_or_else(|| format!("connexion de {email} refusée"))
}

/// Asks `path` `samples` times with the session; each answer must be a 200.
async fn time_page<S, B>(
    app: &S,
    session: &str,
    path: &str,
    samples: usize,
) -> Result<Vec<Duration>, String>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let request = TestRequest::get()
            .uri(path)
            .insert_header((header::COOKIE, format!("guichet_session={session}")))
            .to_request();
        let started = Instant::now();
        let response = test::call_service(app, request).await;
        let status = response.status();
        let _ = test::read_body(response).await;
        times.push(started.elapsed());
        if !status.is_success() {
            return Err(format!("{path} : {status}"));
        }
    }
    Ok(times)
}

/// The first ticket a page links to.
fn first_ticket(page: &str) -> Option<String> {
    let after = page.split("href=\"/tickets/").find(|s| {
        s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !s.starts_with("nouveau")
    })?;
    Some(after.split('"').next()?.to_owned())
}

/// Times the desk's pages as a guichet agent, a correspondent, steering and an admin see them.
pub async fn time_pages(state: AppState, samples: usize) -> Result<Vec<Timing>, String> {
    let app = test::init_service(build_app(state)).await;
    let guichet = sign_in(&app, "guichet-agent.ge@demo.guichet.example").await?;
    let school = sign_in(&app, "correspondent.ge@demo.guichet.example").await?;
    let steering = sign_in(&app, "steering.ge@demo.guichet.example").await?;
    let admin = sign_in(&app, "admin.ge@demo.guichet.example").await?;
    let list = TestRequest::get()
        // A ticket of the Metz collège: its school and its guichet (Nancy-Metz) both see it.
        .uri("/tickets?etablissement=0579001Z")
        .insert_header((header::COOKIE, format!("guichet_session={school}")))
        .to_request();
    let listed = body_of(test::call_service(&app, list).await).await;
    let reference = first_ticket(&listed).ok_or("aucun ticket dans la liste")?;
    let ticket = format!("/tickets/{reference}");
    let pages: [(&'static str, &str, &str); 9] = [
        ("page : liste du guichet (50 tickets)", &guichet, "/tickets"),
        (
            "page : liste filtrée P1 nouveaux",
            &guichet,
            "/tickets?priorite=1&statut=new",
        ),
        ("page : un ticket vu du guichet", &guichet, &ticket),
        ("page : liste du correspondant", &school, "/tickets"),
        ("page : un ticket vu de l'établissement", &school, &ticket),
        (
            "page : ouvrir un ticket, formulaire",
            &school,
            "/tickets/nouveau/formulaire?etablissement=0579001Z&categorie=messagerie",
        ),
        ("page : revues d'incidents", &steering, "/revues"),
        ("page : utilisateurs (admin)", &admin, "/admin/utilisateurs"),
        (
            "page : règles et simulation (admin)",
            &admin,
            "/admin/regles?autorite=ac-nancy-metz&uai=0579001Z&categorie=reseau-internet",
        ),
    ];
    let mut timings = Vec::new();
    for (name, session, path) in pages {
        timings.push(timing(name, time_page(&app, session, path, samples).await?));
    }
    Ok(timings)
}
