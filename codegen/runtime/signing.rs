//! TC3-HMAC-SHA256 request signing, as Tencent Cloud API 3.0 specifies it.
//!
//! Each step is a small function of its own (payload hash, canonical request, credential
//! scope, string to sign, signing key, signature, `Authorization` header), so each can be
//! checked against published vectors. [`Signer`] caches the signing key, which depends only
//! on the secret key, the UTC date and the service: a request then costs one HMAC and two
//! SHA-256 hashes.

use crate::credentials::Credentials;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// The signature algorithm's name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers covered by the signature, in canonical order.
pub const SIGNED_HEADERS: &str = "content-type;host";
/// The last element of the credential scope.
pub const TERMINATOR: &str = "tc3_request";

type HmacSha256 = Hmac<Sha256>;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    /// The timestamp is outside the range a calendar date can be computed for.
    TimestampOutOfRange(i64),
    /// The request has no `Content-Type` header, which the signature covers.
    MissingContentType,
    /// The request body is a stream: only in-memory bodies can be hashed before sending.
    StreamingBody,
    /// The URL has no host.
    MissingHost,
    /// A header value holds characters HTTP does not allow.
    InvalidHeaderValue(&'static str),
}

impl std::fmt::Display for SigningError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TimestampOutOfRange(t) => {
                write!(f, "timestamp {t} is out of range for a UTC date")
            }
            Self::MissingContentType => {
                f.write_str("the request has no Content-Type header to sign")
            }
            Self::StreamingBody => {
                f.write_str("the request body is a stream; only in-memory bodies can be signed")
            }
            Self::MissingHost => f.write_str("the request URL has no host"),
            Self::InvalidHeaderValue(name) => {
                write!(
                    f,
                    "the value for header {name} is not a valid HTTP header value"
                )
            }
        }
    }
}

impl std::error::Error for SigningError {}

/// Lowercase hex of the SHA-256 of `body`: the last line of the canonical request.
pub fn hashed_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The canonical request of a `POST /` with an empty query, signing `content-type` and `host`.
pub fn canonical_request(content_type: &str, host: &str, hashed_payload: &str) -> String {
    format!(
        "POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n{SIGNED_HEADERS}\n{hashed_payload}"
    )
}

/// `date/service/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{TERMINATOR}")
}

/// The string to sign: algorithm, timestamp, scope and the canonical request's hash.
pub fn string_to_sign(timestamp: i64, scope: &str, canonical_request: &str) -> String {
    let digest = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{timestamp}\n{scope}\n{digest}")
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The signing key: `HMAC(HMAC(HMAC("TC3" + secret_key, date), service), "tc3_request")`.
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    hmac(&k_service, TERMINATOR.as_bytes())
}

/// Lowercase hex of `HMAC(signing_key, string_to_sign)`.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac(signing_key, string_to_sign.as_bytes()))
}

/// The `Authorization` header value.
pub fn authorization(secret_id: &str, scope: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp.
pub fn utc_date(timestamp: i64) -> Result<String, SigningError> {
    let at = time::OffsetDateTime::from_unix_timestamp(timestamp)
        .map_err(|_| SigningError::TimestampOutOfRange(timestamp))?;
    let date = at.date();
    Ok(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// The host as signed: the URL's host, with the port when it is not the scheme's default.
pub fn signed_host(url: &reqwest::Url) -> Result<String, SigningError> {
    let host = url.host_str().ok_or(SigningError::MissingHost)?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// A signing key computed once for one (secret key, date, service).
struct CachedKey {
    secret_key: String,
    date: String,
    key: [u8; 32],
}

/// Signs requests for one service, reusing the signing key for the rest of the UTC day.
pub struct Signer {
    service: String,
    cache: Mutex<Option<CachedKey>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer for `service` (the credential scope's service, e.g. the spec's `x-tc-service`).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            cache: Mutex::new(None),
        }
    }

    /// The service this signer signs for.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn key(&self, secret_key: &str, date: &str) -> [u8; 32] {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        match cache.as_ref() {
            Some(c) if c.date == date && c.secret_key == secret_key => c.key,
            _ => {
                let key = signing_key(secret_key, date, &self.service);
                *cache = Some(CachedKey {
                    secret_key: secret_key.to_string(),
                    date: date.to_string(),
                    key,
                });
                key
            }
        }
    }

    /// The `Authorization` value for a `POST /` of `body` with this content type and host.
    pub fn authorization(
        &self,
        credentials: &Credentials,
        timestamp: i64,
        content_type: &str,
        host: &str,
        body: &[u8],
    ) -> Result<String, SigningError> {
        let date = utc_date(timestamp)?;
        let scope = credential_scope(&date, &self.service);
        let canonical = canonical_request(content_type, host, &hashed_payload(body));
        let to_sign = string_to_sign(timestamp, &scope, &canonical);
        let key = self.key(credentials.secret_key(), &date);
        Ok(authorization(
            credentials.secret_id(),
            &scope,
            &signature(&key, &to_sign),
        ))
    }
}

/// What a signed request carries besides the signature.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestContext<'a> {
    /// `X-TC-Region`, when the action needs one.
    pub region: Option<&'a str>,
    /// `X-TC-Language` (`zh-CN` or `en-US`), when set.
    pub language: Option<&'a str>,
}

/// Signs `request` in place: `Authorization`, `X-TC-Timestamp`, and `X-TC-Region`,
/// `X-TC-Token`, `X-TC-Language` when they apply. The signature covers the exact body bytes,
/// the `Content-Type` as sent and the host of the URL.
pub fn sign_request(
    request: &mut reqwest::Request,
    signer: &Signer,
    credentials: &Credentials,
    timestamp: i64,
    context: RequestContext<'_>,
) -> Result<(), SigningError> {
    use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
    let host = signed_host(request.url())?;
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or(SigningError::MissingContentType)?
        .to_string();
    let body = match request.body() {
        None => &[][..],
        Some(body) => body.as_bytes().ok_or(SigningError::StreamingBody)?,
    };
    let auth = signer.authorization(credentials, timestamp, &content_type, &host, body)?;
    let value = |name: &'static str, text: &str| {
        HeaderValue::from_str(text).map_err(|_| SigningError::InvalidHeaderValue(name))
    };
    let mut auth = value("Authorization", &auth)?;
    auth.set_sensitive(true);
    let headers = request.headers_mut();
    headers.insert(AUTHORIZATION, auth);
    headers.insert(
        HeaderName::from_static("x-tc-timestamp"),
        HeaderValue::from(timestamp),
    );
    if let Some(region) = context.region {
        headers.insert(
            HeaderName::from_static("x-tc-region"),
            value("X-TC-Region", region)?,
        );
    }
    if let Some(token) = credentials.token() {
        let mut token = value("X-TC-Token", token)?;
        token.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-tc-token"), token);
    }
    if let Some(language) = context.language {
        headers.insert(
            HeaderName::from_static("x-tc-language"),
            value("X-TC-Language", language)?,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_date_turns_at_midnight() {
        assert_eq!(utc_date(1_700_006_399).unwrap(), "2023-11-14");
        assert_eq!(utc_date(1_700_006_400).unwrap(), "2023-11-15");
        assert_eq!(utc_date(0).unwrap(), "1970-01-01");
        assert!(utc_date(i64::MAX).is_err());
    }

    #[test]
    fn signed_host_keeps_only_non_default_ports() {
        let host = |u: &str| signed_host(&reqwest::Url::parse(u).unwrap()).unwrap();
        assert_eq!(
            host("https://gse.tencentcloudapi.com/"),
            "gse.tencentcloudapi.com"
        );
        assert_eq!(
            host("https://gse.tencentcloudapi.com:443/"),
            "gse.tencentcloudapi.com"
        );
        assert_eq!(host("http://127.0.0.1:8080/"), "127.0.0.1:8080");
        assert_eq!(host("http://127.0.0.1/"), "127.0.0.1");
    }

    #[test]
    fn cached_key_follows_date_and_secret() {
        let signer = Signer::new("svc");
        let a = signer.key("k1", "2024-01-01");
        assert_eq!(a, signing_key("k1", "2024-01-01", "svc"));
        assert_eq!(signer.key("k1", "2024-01-01"), a);
        assert_ne!(signer.key("k1", "2024-01-02"), a);
        assert_ne!(
            signer.key("k2", "2024-01-02"),
            signing_key("k1", "2024-01-02", "svc")
        );
    }

    #[test]
    fn debug_of_a_signer_shows_no_key() {
        let signer = Signer::new("svc");
        signer.key("very-secret-key", "2024-01-01");
        let text = format!("{signer:?}");
        assert!(!text.contains("very-secret-key"), "{text}");
    }
}
