//! Access tokens (RFC 8725 practice): one pinned algorithm, required `exp`, `iat`, `sub`,
//! `iss`, `aud`, honoured `nbf`, small leeway, an explicit type (`at+jwt`, RFC 9068) and a
//! per-subject version that revokes older tokens at once.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};

/// The `typ` header of our access tokens.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Clock skew tolerated on `exp` and `nbf`, in seconds (RFC 8725 advises little; at most 30).
pub const LEEWAY_SECONDS: u64 = 10;

/// Who a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    User(i64),
    /// A vendor integration's service account, by client id.
    Client(String),
}

impl Subject {
    fn encode(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Client(client_id) => format!("client:{client_id}"),
        }
    }

    fn decode(sub: &str) -> Option<Self> {
        if let Some(id) = sub.strip_prefix("user:") {
            return id.parse().ok().map(Self::User);
        }
        sub.strip_prefix("client:")
            .filter(|c| !c.is_empty())
            .map(|c| Self::Client(c.to_owned()))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    iat: i64,
    nbf: i64,
    /// The subject's token version when issued.
    ver: i32,
}

/// What a valid access token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub subject: Subject,
    pub version: i32,
}

/// Claims of a token from the external identity provider (académie SSO).
#[derive(Debug, Deserialize)]
struct ExternalClaims {
    email: String,
    /// The value the web desk asked the provider to put in an id_token.
    #[serde(default)]
    nonce: Option<String>,
}

/// Why a token is refused (always a 401; the reason goes to the log, not the client).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("not a JWT we accept: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("token type {0:?} is not {ACCESS_TOKEN_TYPE}")]
    WrongType(Option<String>),
    #[error("subject {0:?} names nobody")]
    BadSubject(String),
    #[error("token not valid at this time: {0}")]
    Time(&'static str),
}

/// A key set for tokens from an external identity provider, mapped to users by email.
#[derive(Clone)]
pub struct ExternalIssuer {
    pub key: DecodingKey,
    pub algorithm: Algorithm,
    pub issuer: String,
    pub audience: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    access_ttl: Duration,
    external: Option<ExternalIssuer>,
}

fn validation(algorithm: Algorithm, issuer: &str, audience: &str) -> Validation {
    let mut v = Validation::new(algorithm);
    v.set_issuer(&[issuer]);
    v.set_audience(&[audience]);
    v.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
    v.validate_nbf = true;
    v.leeway = LEEWAY_SECONDS;
    v
}

impl TokenKeys {
    /// HS256 keys from a secret of at least 32 bytes (checked by the settings).
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str, access_ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            access_ttl,
            external: None,
        }
    }

    pub fn with_external(mut self, external: ExternalIssuer) -> Self {
        self.external = Some(external);
        self
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// Signs an access token for `subject` at `version`, valid from `now` for the TTL.
    pub fn issue(&self, subject: &Subject, version: i32, now: DateTime<Utc>) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: subject.encode(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: (now + self.access_ttl).timestamp(),
            ver: version,
        };
        encode(&header, &claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    /// Checks one of our access tokens at `now` (the application's clock): signature,
    /// issuer, audience, type, and times — not expired, not before its `nbf`, not issued in
    /// the future, and not living longer than the settings allow.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<VerifiedToken, TokenError> {
        let header = decode_header(token)?;
        if header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(TokenError::WrongType(header.typ));
        }
        let mut validation = validation(Algorithm::HS256, &self.issuer, &self.audience);
        // Times are checked below against the application's clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = decode::<AccessClaims>(token, &self.decoding, &validation)?;
        let (now, leeway) = (now.timestamp(), LEEWAY_SECONDS as i64);
        let claims = &data.claims;
        if claims.exp < now - leeway {
            return Err(TokenError::Time("expired"));
        }
        if claims.nbf > now + leeway {
            return Err(TokenError::Time("not yet valid"));
        }
        if claims.iat > now + leeway {
            return Err(TokenError::Time("issued in the future"));
        }
        if claims.exp - claims.iat > self.access_ttl.num_seconds() {
            return Err(TokenError::Time("lifetime longer than the settings allow"));
        }
        let subject = Subject::decode(&data.claims.sub)
            .ok_or_else(|| TokenError::BadSubject(data.claims.sub.clone()))?;
        Ok(VerifiedToken {
            subject,
            version: data.claims.ver,
        })
    }

    /// Whether a token claims to come from the external identity provider (by its `iss`,
    /// read before any check), so that it is verified with that provider's key.
    pub fn is_external(&self, token: &str) -> bool {
        #[derive(Deserialize)]
        struct Issuer {
            iss: Option<String>,
        }
        let Some(external) = &self.external else {
            return false;
        };
        jsonwebtoken::dangerous::insecure_decode::<Issuer>(token)
            .ok()
            .and_then(|d| d.claims.iss)
            .is_some_and(|iss| iss == external.issuer)
    }

    fn external_claims(&self, token: &str) -> Result<ExternalClaims, TokenError> {
        let external = self
            .external
            .as_ref()
            .ok_or_else(|| TokenError::BadSubject("no external issuer".into()))?;
        let data = decode::<ExternalClaims>(
            token,
            &external.key,
            &validation(external.algorithm, &external.issuer, &external.audience),
        )?;
        Ok(data.claims)
    }

    /// Checks a token of the external identity provider; returns its email (lower-case).
    pub fn verify_external(&self, token: &str) -> Result<String, TokenError> {
        Ok(self.external_claims(token)?.email.trim().to_lowercase())
    }

    /// Checks an id_token the provider gave a browser for the web desk: valid, and carrying
    /// the nonce of that browser's sign-in (so that it cannot be replayed elsewhere).
    pub fn verify_external_id_token(&self, token: &str, nonce: &str) -> Result<String, TokenError> {
        let claims = self.external_claims(token)?;
        match claims.nonce {
            Some(n) if !nonce.is_empty() && crate::auth::secrets::same_secret(&n, nonce) => {
                Ok(claims.email.trim().to_lowercase())
            }
            _ => Err(TokenError::BadSubject(
                "id_token without this sign-in's nonce".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::hs256(
            b"0123456789abcdef0123456789abcdef",
            "guichet",
            "guichet-api",
            Duration::minutes(15),
        )
    }

    #[test]
    fn an_issued_token_verifies_to_its_subject_and_version() {
        let token = keys().issue(&Subject::User(42), 3, Utc::now());
        let verified = keys().verify(&token, Utc::now()).unwrap();
        assert_eq!(verified.subject, Subject::User(42));
        assert_eq!(verified.version, 3);
        let client = keys().issue(&Subject::Client("abc".into()), 0, Utc::now());
        assert_eq!(
            keys().verify(&client, Utc::now()).unwrap().subject,
            Subject::Client("abc".into())
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let token = keys().issue(&Subject::User(1), 0, Utc::now() - Duration::hours(1));
        assert!(keys().verify(&token, Utc::now()).is_err());
    }

    #[test]
    fn a_token_from_the_future_or_living_too_long_is_refused() {
        let now = Utc::now();
        let ahead = keys().issue(&Subject::User(1), 0, now + Duration::minutes(5));
        assert!(matches!(
            keys().verify(&ahead, now),
            Err(TokenError::Time("not yet valid" | "issued in the future"))
        ));
        let long = TokenKeys::hs256(
            b"0123456789abcdef0123456789abcdef",
            "guichet",
            "guichet-api",
            Duration::hours(10),
        )
        .issue(&Subject::User(1), 0, now);
        assert!(matches!(
            keys().verify(&long, now),
            Err(TokenError::Time("lifetime longer than the settings allow"))
        ));
    }

    #[test]
    fn subjects_round_trip_and_reject_garbage() {
        assert_eq!(Subject::decode("user:7"), Some(Subject::User(7)));
        assert_eq!(Subject::decode("user:x"), None);
        assert_eq!(Subject::decode("client:"), None);
        assert_eq!(Subject::decode("admin"), None);
    }
}
