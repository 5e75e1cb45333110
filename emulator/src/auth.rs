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

/// What a request presents for verification.
pub struct Presented<'a> {
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
    /// The exact body bytes.
    pub body: &'a [u8],
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

    /// Verifies a request at server time `now`; returns its SecretId.
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
        let (account, credentials, signer) =
            self.accounts.get(auth.secret_id).ok_or_else(|| {
                ApiError::new(
                    "AuthFailure.SecretIdNotFound",
                    format!("the SecretId {} does not exist", auth.secret_id),
                )
            })?;
        let timestamp: i64 = request
            .timestamp
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| {
                ApiError::new(
                    "AuthFailure.InvalidAuthorization",
                    "X-TC-Timestamp is missing or not a whole number of seconds",
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
        if let Some(expected) = &account.token {
            if request
                .token
                .map(str::as_bytes)
                .unwrap_or_default()
                .ct_eq(expected.as_bytes())
                .unwrap_u8()
                != 1
            {
                return Err(ApiError::new(
                    "AuthFailure.TokenFailure",
                    "X-TC-Token is missing or does not belong to this SecretId",
                ));
            }
        }
        let failure = || {
            ApiError::new(
                "AuthFailure.SignatureFailure",
                "the signature does not match the request; check the SecretKey and how the request was signed",
            )
        };
        let date = signing::utc_date(timestamp).map_err(|_| failure())?;
        if auth.scope != signing::credential_scope(&date, &self.service) {
            return Err(failure());
        }
        let expected = signer
            .authorization(
                credentials,
                timestamp,
                request.content_type,
                request.host,
                request.body,
            )
            .map_err(|_| failure())?;
        if expected.as_bytes().ct_eq(header.as_bytes()).unwrap_u8() != 1 {
            return Err(failure());
        }
        Ok(auth.secret_id)
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
