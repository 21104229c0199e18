//! Access tokens (JWT, HS256 pinned, `exp`/`nbf`/`iss`/`aud` checked),
//! refresh tokens and API tokens (random, stored only as SHA-256 hashes).
//!
//! The claims say who signed in and how (`amr`: `pwd` now, `dingtalk` for the
//! in-app login), never what they may do: roles, scope and permissions are
//! read from the database on every request, so a change takes effect at once.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::AuthSettings;

/// Prefix of API tokens, so they are told apart from JWTs at a glance (and
/// by secret scanners).
pub const API_TOKEN_PREFIX: &str = "cas_";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// Unique per token, for logs.
    pub jti: String,
    /// How the user proved who they are: `pwd` or `dingtalk`.
    pub amr: Vec<String>,
}

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl: i64,
    pub refresh_ttl: i64,
}

impl Keys {
    pub fn new(s: &AuthSettings) -> Keys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&s.issuer]);
        validation.set_audience(&[&s.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Keys {
            encoding: EncodingKey::from_secret(s.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(s.jwt_secret.as_bytes()),
            validation,
            issuer: s.issuer.clone(),
            audience: s.audience.clone(),
            access_ttl: i64::try_from(s.access_ttl_secs).unwrap_or(900),
            refresh_ttl: i64::try_from(s.refresh_ttl_secs).unwrap_or(86_400),
        }
    }

    /// A signed access token for `user_id`, valid from `now` (Unix seconds).
    pub fn access_token(&self, user_id: i64, method: &str, now: i64) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + self.access_ttl,
            nbf: now,
            iat: now,
            jti: random_token(12),
            amr: vec![method.to_owned()],
        };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The user id of a valid access token. Any other algorithm (including
    /// `none`), a wrong key, issuer or audience, or an expired token fails.
    pub fn verify(&self, token: &str) -> Result<i64, String> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => "the access token has expired; refresh it".to_owned(),
            _ => "the access token is not valid".to_owned(),
        })?;
        data.claims.sub.parse().map_err(|_| "the access token is not valid".to_owned())
    }
}

/// `bytes` random bytes from the OS, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// What is stored of a refresh or API token: its SHA-256, hex. The tokens
/// carry 256 random bits, so a fast hash is enough (no dictionary to try).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, Settings};

    fn keys() -> Keys {
        Keys::new(&Settings::load(None, &Overrides::default()).unwrap().auth)
    }

    #[test]
    fn round_trip_and_tamper() {
        let k = keys();
        let t = k.access_token(42, "pwd", chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(k.verify(&t), Ok(42));
        let mut forged = t.clone();
        forged.pop();
        assert!(k.verify(&forged).is_err());
        let expired = k.access_token(42, "pwd", chrono::Utc::now().timestamp() - 10_000).unwrap();
        assert!(k.verify(&expired).unwrap_err().contains("expired"));
        let future = k.access_token(42, "pwd", chrono::Utc::now().timestamp() + 10_000).unwrap();
        assert!(k.verify(&future).is_err(), "nbf is checked");
    }

    #[test]
    fn other_algorithms_and_audiences_are_refused() {
        let k = keys();
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "1".into(),
            iss: "cascade".into(),
            aud: "cascade-api".into(),
            exp: now + 60,
            nbf: now,
            iat: now,
            jti: "x".into(),
            amr: vec![],
        };
        let secret = EncodingKey::from_secret(crate::config::DEVELOPMENT_JWT_SECRET.as_bytes());
        let hs512 = encode(&Header::new(Algorithm::HS512), &claims, &secret).unwrap();
        assert!(k.verify(&hs512).is_err(), "algorithm is pinned");
        let other_aud =
            encode(&Header::new(Algorithm::HS256), &Claims { aud: "other".into(), ..claims.clone() }, &secret).unwrap();
        assert!(k.verify(&other_aud).is_err());
        let ok = encode(&Header::new(Algorithm::HS256), &claims, &secret).unwrap();
        assert_eq!(k.verify(&ok), Ok(1));
        // An unsigned token ("alg":"none") with the same claims.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
        );
        assert!(k.verify(&none).is_err());
    }

    #[test]
    fn hashes_are_stable_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(random_token(32).len(), 43);
    }
}
