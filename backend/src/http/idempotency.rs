//! Runs a creating POST at most once per `Idempotency-Key` (see services::idempotency).

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};

use crate::auth::secrets;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::idempotency::{self, Claim};
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";

/// A JSON answer that can be stored and sent again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Result<Self, AppError> {
        Ok(Self {
            status: status.as_u16(),
            headers: Vec::new(),
            body: serde_json::to_value(body).map_err(|e| AppError::Internal(e.to_string()))?,
        })
    }

    pub fn header(mut self, name: &str, value: String) -> Self {
        self.headers.push((name.to_owned(), value));
        self
    }

    fn into_response(self, replayed: bool) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = HttpResponse::build(status);
        for (name, value) in self.headers {
            response.insert_header((name, value));
        }
        if replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        if status.is_client_error() {
            response.content_type("application/problem+json");
        }
        response.json(self.body)
    }
}

fn owner(caller: &Caller) -> String {
    match caller.user_id() {
        Some(id) => format!("user:{id}"),
        None => format!("client:{}", caller.label()),
    }
}

/// Runs `work` unless the same key already ran with the same body (then replays its
/// answer); without a key, just runs it.
pub async fn once<F, Fut>(
    state: &AppState,
    req: &HttpRequest,
    caller: &Caller,
    body: &[u8],
    work: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Answer, AppError>>,
{
    let Some(key) = req.headers().get(HEADER) else {
        return Ok(work().await?.into_response(false));
    };
    let key = key.to_str().unwrap_or("").to_owned();
    let owner = owner(caller);
    let route = format!("{} {}", req.method(), req.path());
    let hash = secrets::digest_bytes(body);
    let now = state.now();
    let claim = state
        .db(move |c| idempotency::claim(c, &owner, &route, &key, &hash, now))
        .await?;
    let id = match claim {
        Claim::Replay { stored, .. } => {
            let answer: Answer =
                serde_json::from_str(&stored).map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok(answer.into_response(true));
        }
        Claim::Run(id) => id,
    };
    let (answer, result) = match work().await {
        Ok(answer) => (answer.clone(), Ok(answer)),
        Err(e) => {
            let problem = Answer::json(e.status_code(), &e.problem())?;
            (problem, Err(e))
        }
    };
    let stored = serde_json::to_string(&answer).map_err(|e| AppError::Internal(e.to_string()))?;
    let status = answer.status;
    state
        .db(move |c| idempotency::finish(c, id, status, &stored))
        .await?;
    result.map(|a| a.into_response(false))
}
