//! The `Authenticated` extractor: a bearer token, verified, turned into the caller.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::error::AppError;
use crate::services::caller::{self, Caller};
use crate::state::AppState;

/// A request made with a valid access token (ours, or the external SSO's when configured).
pub struct Authenticated(pub Caller);

/// The client address: the TCP peer (proxies' headers are not trusted).
pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "inconnue".to_owned())
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let address = client_address(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
            let token = token.ok_or_else(AppError::unauthorized)?;
            Ok(Authenticated(
                caller::from_bearer(&state, token, address).await?,
            ))
        })
    }
}
