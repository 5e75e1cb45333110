//! TC3-HMAC-SHA256 request signing, as Tencent Cloud API 3.0 specifies it.
//!
//! Each step is a small function of its own (payload hash, canonical request, credential
//! scope, string to sign, signing key, signature, `Authorization` header), so each can be
//! checked against published vectors. [`Signer`] caches the signing key, which depends only
//! on the secret key, the UTC date and the service: a request then costs one HMAC and two
//! SHA-256 hashes.

use crate::digest::{HmacSha256, Sha256};
use std::sync::{Arc, Mutex};

/// What a signature needs of a key: the SecretId it names, the SecretKey it is made with,
/// and the session token temporary credentials carry.
/// The credentials module's `Credentials` is one; signing knows no more of them.
pub trait SigningKey {
    /// The SecretId, written into `Authorization`.
    fn secret_id(&self) -> &str;
    /// The SecretKey the signature is made with.
    fn secret_key(&self) -> &str;
    /// The session token of temporary credentials (`X-TC-Token`), if any.
    fn token(&self) -> Option<&str>;
}

/// The signature algorithm's name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers covered by the signature, in canonical order.
pub const SIGNED_HEADERS: &str = "content-type;host";
/// The last element of the credential scope.
pub const TERMINATOR: &str = "tc3_request";

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
#[must_use]
pub fn hashed_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The canonical request of a `POST /` with an empty query, signing `content-type` and `host`.
#[must_use]
pub fn canonical_request(content_type: &str, host: &str, hashed_payload: &str) -> String {
    format!(
        "POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n{SIGNED_HEADERS}\n{hashed_payload}"
    )
}

/// The canonical request of a `POST /` with an empty query signing `headers`: each
/// `(name, value)` with its name in lowercase and its value trimmed, sorted by name; the
/// second value is the `SignedHeaders` list (`content-type;host;x-tc-traceid`).
#[must_use]
pub fn canonical_request_signing(
    headers: &[(&str, &str)],
    hashed_payload: &str,
) -> (String, String) {
    let mut sorted: Vec<(String, &str)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical = String::from("POST\n/\n\n");
    for (name, value) in &sorted {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(value);
        canonical.push('\n');
    }
    let signed: Vec<&str> = sorted.iter().map(|(name, _)| name.as_str()).collect();
    let signed = signed.join(";");
    canonical.push('\n');
    canonical.push_str(&signed);
    canonical.push('\n');
    canonical.push_str(hashed_payload);
    (canonical, signed)
}

/// `date/service/tc3_request`.
#[must_use]
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{TERMINATOR}")
}

/// The string to sign: algorithm, timestamp, scope and the canonical request's hash.
#[must_use]
pub fn string_to_sign(timestamp: i64, scope: &str, canonical_request: &str) -> String {
    let digest = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{timestamp}\n{scope}\n{digest}")
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    HmacSha256::mac(key, message)
}

/// The signing key: `HMAC(HMAC(HMAC("TC3" + secret_key, date), service), "tc3_request")`.
#[must_use]
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    hmac(&k_service, TERMINATOR.as_bytes())
}

/// Lowercase hex of `HMAC(signing_key, string_to_sign)`.
#[must_use]
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac(signing_key, string_to_sign.as_bytes()))
}

/// The `Authorization` header value.
#[must_use]
pub fn authorization(secret_id: &str, scope: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp.
pub fn utc_date(timestamp: i64) -> Result<String, SigningError> {
    crate::calendar::utc_date(timestamp).ok_or(SigningError::TimestampOutOfRange(timestamp))
}

/// The host as signed: the URL's host, with the port when it is not the scheme's default.
pub fn signed_host(url: &reqwest::Url) -> Result<String, SigningError> {
    let host = url.host_str().ok_or(SigningError::MissingHost)?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// What one (secret key, UTC day) signs with: the credential scope and the keyed HMAC,
/// computed once and reused all day.
struct DayKey {
    secret_key: String,
    day: i64,
    scope: Arc<str>,
    mac: HmacSha256,
}

/// The canonical request's hash state after its constant part for one (content type, host):
/// everything but the payload hash.
struct CanonicalPrefix {
    content_type: String,
    host: String,
    hasher: Sha256,
}

/// What a [`Signer`] reuses between requests.
#[derive(Default)]
struct SignerCache {
    day: Option<DayKey>,
    prefix: Option<CanonicalPrefix>,
}

/// Signs requests for one service, reusing the signing key for the rest of the UTC day.
///
/// [`Signer::authorization`] computes exactly what the step functions above compose to, but
/// streams each step into the next hash instead of building intermediate strings, and keeps
/// the keyed HMAC and the canonical request's constant part between requests.
pub struct Signer {
    service: String,
    cache: Mutex<SignerCache>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

const SECONDS_PER_DAY: i64 = 86_400;

impl Signer {
    /// A signer for `service` (the credential scope's service, e.g. the spec's `x-tc-service`).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            cache: Mutex::new(SignerCache::default()),
        }
    }

    /// The service this signer signs for.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The day's scope and keyed HMAC, and the canonical request's state after its constant
    /// part; each computed again only when its inputs change.
    fn prepared(
        &self,
        secret_key: &str,
        timestamp: i64,
        content_type: &str,
        host: &str,
    ) -> Result<(Arc<str>, HmacSha256, Sha256), SigningError> {
        let day = timestamp.div_euclid(SECONDS_PER_DAY);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let day_key = match cache.day.take() {
            Some(k) if k.day == day && k.secret_key == secret_key => k,
            _ => {
                let date = utc_date(timestamp)?;
                let key = signing_key(secret_key, &date, &self.service);
                DayKey {
                    secret_key: secret_key.to_owned(),
                    day,
                    scope: credential_scope(&date, &self.service).into(),
                    mac: HmacSha256::new(&key),
                }
            }
        };
        let prefix = match cache.prefix.take() {
            Some(p) if p.content_type == content_type && p.host == host => p,
            _ => {
                let mut hasher = Sha256::new();
                for part in [
                    "POST\n/\n\ncontent-type:",
                    content_type,
                    "\nhost:",
                    host,
                    "\n\n",
                    SIGNED_HEADERS,
                    "\n",
                ] {
                    hasher.update(part.as_bytes());
                }
                CanonicalPrefix {
                    content_type: content_type.to_owned(),
                    host: host.to_owned(),
                    hasher,
                }
            }
        };
        let prepared = (
            day_key.scope.clone(),
            day_key.mac.clone(),
            prefix.hasher.clone(),
        );
        cache.day = Some(day_key);
        cache.prefix = Some(prefix);
        Ok(prepared)
    }

    /// The `Authorization` value for a `POST /` of `body` with this content type and host.
    pub fn authorization(
        &self,
        key: &dyn SigningKey,
        timestamp: i64,
        content_type: &str,
        host: &str,
        body: &[u8],
    ) -> Result<String, SigningError> {
        let (scope, mut mac, mut canonical) =
            self.prepared(key.secret_key(), timestamp, content_type, host)?;
        let mut hex_buf = [0u8; 64];
        canonical.update(hex_into(&Sha256::digest(body), &mut hex_buf).as_bytes());
        let canonical_hex = hex_into(&canonical.finish(), &mut hex_buf);
        let mut digits = itoa::Buffer::new();
        for part in [
            ALGORITHM,
            "\n",
            digits.format(timestamp),
            "\n",
            &scope,
            "\n",
            canonical_hex,
        ] {
            mac.update(part.as_bytes());
        }
        let mut signature_buf = [0u8; 64];
        let signature = hex_into(&mac.finish(), &mut signature_buf);
        let secret_id = key.secret_id();
        let mut header = String::with_capacity(
            ALGORITHM.len() + secret_id.len() + scope.len() + SIGNED_HEADERS.len() + 96,
        );
        for part in [
            ALGORITHM,
            " Credential=",
            secret_id,
            "/",
            &scope,
            ", SignedHeaders=",
            SIGNED_HEADERS,
            ", Signature=",
            signature,
        ] {
            header.push_str(part);
        }
        Ok(header)
    }
}

impl Signer {
    /// The `Authorization` value for a `POST /` of `body` signing `headers` besides
    /// `content-type` and `host` (see [`canonical_request_signing`]); with none, the same as
    /// [`Signer::authorization`].
    pub fn authorization_signing(
        &self,
        key: &dyn SigningKey,
        timestamp: i64,
        content_type: &str,
        host: &str,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> Result<String, SigningError> {
        if extra.is_empty() {
            return self.authorization(key, timestamp, content_type, host, body);
        }
        let mut headers = vec![("content-type", content_type), ("host", host)];
        headers.extend_from_slice(extra);
        let (canonical, signed) = canonical_request_signing(&headers, &hashed_payload(body));
        let date = utc_date(timestamp)?;
        let scope = credential_scope(&date, &self.service);
        let derived = signing_key(key.secret_key(), &date, &self.service);
        let signature = signature(&derived, &string_to_sign(timestamp, &scope, &canonical));
        Ok(format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
            key.secret_id()
        ))
    }
}

/// Lowercase hex of a 32-byte digest, written into `buf`.
fn hex_into<'b>(digest: &[u8], buf: &'b mut [u8; 64]) -> &'b str {
    hex::encode_to_slice(digest, buf).expect("a 32-byte digest fills 64 hex digits");
    std::str::from_utf8(buf).expect("hex digits are ASCII")
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
    key: &dyn SigningKey,
    timestamp: i64,
    context: RequestContext<'_>,
) -> Result<(), SigningError> {
    let url = request.url().clone();
    let body = match request.body() {
        None => bytes::Bytes::new(),
        Some(body) => {
            bytes::Bytes::copy_from_slice(body.as_bytes().ok_or(SigningError::StreamingBody)?)
        }
    };
    sign_headers(
        request.headers_mut(),
        &url,
        &body,
        signer,
        key,
        timestamp,
        context,
        &[],
    )
}

/// Signs a request given as its parts: adds to `headers` what [`sign_request`] adds, for a
/// `POST` of `body` to `url` whose `headers` hold its `Content-Type`; the headers named in
/// `also_signed` (which `headers` hold) are signed too.
#[allow(clippy::too_many_arguments)]
pub fn sign_headers(
    headers: &mut reqwest::header::HeaderMap,
    url: &reqwest::Url,
    body: &[u8],
    signer: &Signer,
    key: &dyn SigningKey,
    timestamp: i64,
    context: RequestContext<'_>,
    also_signed: &[reqwest::header::HeaderName],
) -> Result<(), SigningError> {
    use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
    let host = signed_host(url)?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or(SigningError::MissingContentType)?
        .to_owned();
    let mut extra = Vec::with_capacity(also_signed.len());
    for name in also_signed {
        let value = headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or(SigningError::InvalidHeaderValue("a signed header"))?;
        extra.push((name.as_str(), value));
    }
    let auth = signer.authorization_signing(key, timestamp, &content_type, &host, &extra, body)?;
    let value = |name: &'static str, text: &str| {
        HeaderValue::from_str(text).map_err(|_| SigningError::InvalidHeaderValue(name))
    };
    let mut auth = value("Authorization", &auth)?;
    auth.set_sensitive(true);
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
    if let Some(token) = key.token() {
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

    /// A key as signing sees it (the credentials module is not this one's to use).
    struct TestKey(&'static str, String);

    impl SigningKey for TestKey {
        fn secret_id(&self) -> &str {
            self.0
        }
        fn secret_key(&self) -> &str {
            &self.1
        }
        fn token(&self) -> Option<&str> {
            None
        }
    }

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
            host("https://example.tencentcloudapi.com/"),
            "example.tencentcloudapi.com"
        );
        assert_eq!(
            host("https://example.tencentcloudapi.com:443/"),
            "example.tencentcloudapi.com"
        );
        assert_eq!(host("http://127.0.0.1:8080/"), "127.0.0.1:8080");
        assert_eq!(host("http://127.0.0.1/"), "127.0.0.1");
    }

    #[test]
    fn the_fast_path_equals_the_composed_steps() {
        let signer = Signer::new("svc");
        let cases = [
            (
                "k1",
                1_700_006_399_i64,
                "application/json",
                "127.0.0.1:8080",
                &b"{}"[..],
            ),
            (
                "k1",
                1_700_006_400,
                "application/json",
                "127.0.0.1:8080",
                b"{\"a\":1}",
            ),
            (
                "k2",
                1_700_006_400,
                "application/json; charset=utf-8",
                "h",
                "\u{73a9}".as_bytes(),
            ),
            ("k1", 0, "application/json", "h", b""),
            ("k1", -86_401, "application/json", "h", b"x"),
        ];
        for (key, ts, content_type, host, body) in cases {
            let credentials = TestKey("AKID", key.to_owned());
            let date = utc_date(ts).unwrap();
            let scope = credential_scope(&date, "svc");
            let canonical = canonical_request(content_type, host, &hashed_payload(body));
            let expected = authorization(
                "AKID",
                &scope,
                &signature(
                    &signing_key(key, &date, "svc"),
                    &string_to_sign(ts, &scope, &canonical),
                ),
            );
            assert_eq!(
                signer
                    .authorization(&credentials, ts, content_type, host, body)
                    .unwrap(),
                expected,
                "{key} {ts}"
            );
        }
    }

    #[test]
    fn debug_of_a_signer_shows_no_key() {
        let signer = Signer::new("svc");
        let credentials = TestKey("AKID", "very-secret-key".to_owned());
        signer
            .authorization(&credentials, 1_700_000_000, "application/json", "h", b"{}")
            .unwrap();
        let text = format!("{signer:?}");
        assert!(!text.contains("very-secret-key"), "{text}");
    }
}
