//! The steering committees' place in the desk: the incident reviews of the territories the
//! person reads (steering users and admins), and each review's printable page as the API
//! renders it, its own style allowed by its digest in the page's policy (still no inline
//! script).

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpResponse};
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::render::{page, secured, Frame, CONTENT_SECURITY_POLICY};
use super::session::{SignedIn, WebError};
use crate::domain::french;
use crate::domain::review::ReviewStatus;
use crate::services::reviews::read::{self, Format};
use crate::state::AppState;

fn status_label(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::Draft => "En préparation",
        ReviewStatus::Held => "Tenue",
        ReviewStatus::Published => "Publiée",
    }
}

/// `GET /revues`: the reviews, latest period first.
#[get("/revues")]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, WebError> {
    let reviews = read::list(&state, &signed_in.session.caller, None).await?;
    let zone = chrono_tz::Europe::Paris;
    let items: Vec<_> = reviews
        .items
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "title": r.title,
                "territory": r.territory,
                "from": french::date(r.from.with_timezone(&zone).date_naive()),
                "to": french::date((r.to.with_timezone(&zone) - chrono::Duration::days(1)).date_naive()),
                "status": status_label(r.status),
            })
        })
        .collect();
    let frame = Frame::signed_in(
        &signed_in.session,
        state.settings.web_state_brand,
        "revues",
        "Revues d'incidents",
    );
    Ok(page(
        StatusCode::OK,
        "reviews",
        &frame,
        json!({ "reviews": items }),
    ))
}

/// The policy of a page whose one `<style>` block is allowed by its digest.
fn policy_with_style(body: &str) -> String {
    let style = body
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(css, _)| css);
    match style {
        Some(css) => {
            let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css));
            CONTENT_SECURITY_POLICY.replace(
                "style-src 'self'",
                &format!("style-src 'self' 'sha256-{digest}'"),
            )
        }
        None => CONTENT_SECURITY_POLICY.to_owned(),
    }
}

/// `GET /revues/{id}`: the review's printable page.
#[get("/revues/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let body = read::rendered(&state, &signed_in.session.caller, id, Format::Html).await?;
    Ok(secured(HttpResponse::Ok())
        .insert_header((header::CONTENT_SECURITY_POLICY, policy_with_style(&body)))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::policy_with_style;

    #[test]
    fn only_the_pages_own_style_is_allowed() {
        let policy = policy_with_style("<html><style>h1{color:red}</style><h1>x</h1>");
        assert!(policy.contains("style-src 'self' 'sha256-"), "{policy}");
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy_with_style("<p>no style</p>").contains("sha256"));
    }
}
