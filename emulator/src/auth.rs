//! Verifying the TC3-HMAC-SHA256 `Authorization` of a request, in the order the service
//! checks: the header's form, the SecretId, the timestamp's distance from the clock, the token
//! of temporary credentials, then the signature (compared in constant time).

use crate::api_error::ApiError;
use std::collections::HashMap;
use subtle::ConstantTimeEq;
use tc3_runtime::signing::{self, Signer};
use tc3_runtime::Credentials;

/// One account the emulator knows: its key and, for temporary credentials, its token.
#[derive(Clone)]
pub struct Account {
    /// The SecretId.
    pub secret_id: String,
    /// The SecretKey.
    pub secret_key: String,
    /// The token requests must carry in `X-TC-Token`, if any.
    pub token: Option<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("secret_id", &self.secret_id)
            .finish_non_exhaustive()
    }
}

/// The parts of an `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The SecretId of the credential.
    pub secret_id: &'a str,
    /// The credential scope: `date/service/tc3_request`.
    pub scope: &'a str,
    /// `content-type;host`, as signed.
    pub signed_headers: &'a str,
    /// The hex signature.
    pub signature: &'a str,
}

/// Parses `TC3-HMAC-SHA256 Credential=ID/scope, SignedHeaders=..., Signature=...`.
pub fn parse_authorization(header: &str) -> Result<Authorization<'_>, ApiError> {
    let malformed = |what: &str| {
        ApiError::new(
            "AuthFailure.InvalidAuthorization",
            format!("the Authorization header is malformed: {what}"),
        )
    };
    let rest = header
        .strip_prefix(signing::ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| malformed("it must start with `TC3-HMAC-SHA256 `"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| malformed("expected Credential=, SignedHeaders= and Signature="))?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed("unknown part")),
        };
        if slot.replace(value).is_some() {
            return Err(malformed("a part appears twice"));
        }
    }
    let credential = credential.ok_or_else(|| malformed("no Credential"))?;
    let (secret_id, scope) = credential
        .split_once('/')
        .ok_or_else(|| malformed("Credential must be SecretId/date/service/tc3_request"))?;
    if secret_id.is_empty() || scope.split('/').count() != 3 {
        return Err(malformed(
            "Credential must be SecretId/date/service/tc3_request",
        ));
    }
    let signature = signature.ok_or_else(|| malformed("no Signature"))?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("Signature must be 64 hex digits"));
    }
    Ok(Authorization {
        secret_id,
        scope,
        signed_headers: signed_headers.ok_or_else(|| malformed("no SignedHeaders"))?,
        signature,
    })
}

/// The accounts and one cached signer each.
pub struct Verifier {
    service: String,
    max_skew_secs: u64,
    accounts: HashMap<String, (Account, Credentials, Signer)>,
}

/// What a TC3 request presents for verification.
pub struct Presented<'a> {
    /// The request method as received (`POST`, `GET`).
    pub method: &'a str,
    /// The request path as received (`/`).
    pub path: &'a str,
    /// The query string exactly as received (the bytes after `?`; empty when none).
    pub query: &'a str,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// `X-TC-Timestamp`.
    pub timestamp: Option<&'a str>,
    /// `X-TC-Token`.
    pub token: Option<&'a str>,
    /// `Content-Type` as sent.
    pub content_type: &'a str,
    /// `Host` as sent.
    pub host: &'a str,
    /// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` was sent: the payload hash signed is that of
    /// the text `UNSIGNED-PAYLOAD`, not of the body.
    pub unsigned_payload: bool,
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// The `Host` header without its `:PORT`, if it has one (`127.0.0.1:8080` -> `127.0.0.1`,
/// `[::1]:8080` -> `[::1]`).
pub fn host_without_port(host: &str) -> Option<&str> {
    let (name, port) = host.rsplit_once(':')?;
    let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    (is_port && (!name.contains(':') || name.ends_with(']'))).then_some(name)
}

/// The hosts a signature may cover: the `Host` header as received (what the Python and Go
/// SDKs sign, and every SDK's HmacSHA1/HmacSHA256) and, when it has a port, the host without
/// it (what the Node.js SDK signs in TC3: `new URL(url).hostname`).
pub fn signed_host_candidates(host: &str) -> impl Iterator<Item = &str> {
    std::iter::once(host).chain(host_without_port(host))
}

/// The SignatureFailure error.
pub(crate) fn signature_failure() -> ApiError {
    ApiError::new(
        "AuthFailure.SignatureFailure",
        "the signature does not match the request; check the SecretKey and how the request was signed",
    )
}

impl Verifier {
    /// A verifier for `service` accepting timestamps within `max_skew_secs` of `now`.
    pub fn new(service: &str, max_skew_secs: u64, accounts: &[Account]) -> Result<Self, String> {
        let mut map = HashMap::new();
        for account in accounts {
            let credentials = Credentials::new(&account.secret_id, &account.secret_key)
                .map_err(|e| format!("account {}: {e}", account.secret_id))?;
            map.insert(
                account.secret_id.clone(),
                (account.clone(), credentials, Signer::new(service)),
            );
        }
        Ok(Self {
            service: service.to_string(),
            max_skew_secs,
            accounts: map,
        })
    }

    /// The account of `secret_id`, or `AuthFailure.SecretIdNotFound`.
    pub(crate) fn account(
        &self,
        secret_id: &str,
    ) -> Result<&(Account, Credentials, Signer), ApiError> {
        self.accounts.get(secret_id).ok_or_else(|| {
            ApiError::new(
                "AuthFailure.SecretIdNotFound",
                format!("the SecretId {secret_id} does not exist"),
            )
        })
    }

    /// Parses a timestamp (`what` names where it came from) and checks it is within the
    /// allowed skew of `now`.
    pub(crate) fn timestamp(
        &self,
        text: Option<&str>,
        what: &str,
        now: i64,
    ) -> Result<i64, ApiError> {
        let timestamp: i64 = text.and_then(|t| t.parse().ok()).ok_or_else(|| {
            ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!("{what} is missing or not a whole number of seconds"),
            )
        })?;
        if timestamp.abs_diff(now) > self.max_skew_secs {
            return Err(ApiError::new(
                "AuthFailure.SignatureExpire",
                format!(
                    "the request timestamp {timestamp} is {} s from the server time {now}; at most {} s are allowed",
                    timestamp.abs_diff(now),
                    self.max_skew_secs
                ),
            ));
        }
        Ok(timestamp)
    }

    /// Checks the token of temporary credentials (`what` names where it is sent), compared
    /// in constant time.
    pub(crate) fn token(
        account: &Account,
        presented: Option<&str>,
        what: &str,
    ) -> Result<(), ApiError> {
        if let Some(expected) = &account.token {
            if presented
                .map(str::as_bytes)
                .unwrap_or_default()
                .ct_eq(expected.as_bytes())
                .unwrap_u8()
                != 1
            {
                return Err(ApiError::new(
                    "AuthFailure.TokenFailure",
                    format!("{what} is missing or does not belong to this SecretId"),
                ));
            }
        }
        Ok(())
    }

    /// Verifies a TC3 request at server time `now`; returns its SecretId.
    ///
    /// The credential scope must be `DATE/SERVICE/tc3_request` with the timestamp's UTC date
    /// and, as service, the spec's (`gse`, what Python and Go send) or the first dot-label of
    /// the `Host` header (what the Node.js SDK derives from its endpoint: `127` for
    /// `127.0.0.1:PORT`). The canonical request is built from the method, path and query as
    /// received, the signed host (with or without the port) and the body's hash (or that of
    /// `UNSIGNED-PAYLOAD`).
    pub fn verify<'a>(&self, request: &Presented<'a>, now: i64) -> Result<&'a str, ApiError> {
        let header = request.authorization.ok_or_else(|| {
            ApiError::new(
                "AuthFailure.InvalidAuthorization",
                "the Authorization header is missing",
            )
        })?;
        let auth = parse_authorization(header)?;
        if auth.signed_headers != signing::SIGNED_HEADERS {
            return Err(ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!(
                    "SignedHeaders must be {}, got {}",
                    signing::SIGNED_HEADERS,
                    auth.signed_headers
                ),
            ));
        }
        let (account, credentials, signer) = self.account(auth.secret_id)?;
        let timestamp = self.timestamp(request.timestamp, "X-TC-Timestamp", now)?;
        Self::token(account, request.token, "X-TC-Token")?;
        let date = signing::utc_date(timestamp).map_err(|_| signature_failure())?;
        let mut scope = auth.scope.split('/');
        let (scope_date, service, terminator) = (scope.next(), scope.next(), scope.next());
        let host_label = request.host.split('.').next().unwrap_or_default();
        let service = match service {
            Some(s) if s == self.service || (!s.is_empty() && s == host_label) => s,
            _ => return Err(signature_failure()),
        };
        if scope_date != Some(date.as_str()) || terminator != Some(signing::TERMINATOR) {
            return Err(signature_failure());
        }
        // The common request (the gse-client's, the Python and Go SDKs' POST) takes the
        // signer's cached path; any other is built step by step.
        let cached = request.method == "POST"
            && request.path == "/"
            && request.query.is_empty()
            && service == self.service
            && !request.unsigned_payload;
        let payload_hash = if request.unsigned_payload {
            signing::hashed_payload(b"UNSIGNED-PAYLOAD")
        } else {
            signing::hashed_payload(request.body)
        };
        let mut key = None;
        for host in signed_host_candidates(request.host) {
            let expected = if cached && host == request.host {
                let authorization = signer
                    .authorization(
                        credentials,
                        timestamp,
                        request.content_type,
                        host,
                        request.body,
                    )
                    .map_err(|_| signature_failure())?;
                let at = authorization.len().saturating_sub(64);
                authorization.get(at..).unwrap_or_default().to_string()
            } else {
                let canonical = format!(
                    "{}\n{}\n{}\ncontent-type:{}\nhost:{host}\n\n{}\n{payload_hash}",
                    request.method,
                    request.path,
                    request.query,
                    request.content_type,
                    signing::SIGNED_HEADERS,
                );
                let string_to_sign = signing::string_to_sign(timestamp, auth.scope, &canonical);
                let key = key.get_or_insert_with(|| {
                    signing::signing_key(&account.secret_key, &date, service)
                });
                signing::signature(key, &string_to_sign)
            };
            if expected
                .as_bytes()
                .ct_eq(auth.signature.as_bytes())
                .unwrap_u8()
                == 1
            {
                return Ok(auth.secret_id);
            }
        }
        Err(signature_failure())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sdk_form() {
        let a = parse_authorization("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/gse/tc3_request, SignedHeaders=content-type;host, Signature=415e2412fbce5b6ceea1ccf3f5d2943607708b5feeb276ddb97348773d18f3b3").unwrap();
        assert_eq!(a.secret_id, "AKID");
        assert_eq!(a.scope, "2023-11-14/gse/tc3_request");
        assert_eq!(a.signed_headers, "content-type;host");
    }

    #[test]
    fn rejects_malformed_headers() {
        for bad in [
            "",
            "Basic abc",
            "TC3-HMAC-SHA256",
            "TC3-HMAC-SHA256 Credential=AKID, SignedHeaders=content-type;host, Signature=00",
            "TC3-HMAC-SHA256 Credential=AKID/d/s/t, Credential=AKID/d/s/t, Signature=00",
            "TC3-HMAC-SHA256 Credential=AKID/d/s/t, SignedHeaders=content-type;host, Signature=zz",
        ] {
            let e = parse_authorization(bad).unwrap_err();
            assert_eq!(e.code, "AuthFailure.InvalidAuthorization", "{bad}");
        }
    }
}
