//! Verifying the TC3-HMAC-SHA256 `Authorization` of a request, in the order the service
//! checks: the header's form, the SecretId, the timestamp's distance from the clock, the token
//! of temporary credentials, then the signature (compared in constant time).

use crate::api_error::ApiError;
use std::collections::HashMap;
use subtle::ConstantTimeEq;
use tc3_runtime::credentials::Credentials;
use tc3_runtime::signing::{self, Signer};

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

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").finish_non_exhaustive()
    }
}

/// One account as the verifier keeps it: its credentials, a cached signer and, for the
/// temporary credentials the emulator issued, when they expire.
pub(crate) struct Entry {
    pub(crate) account: Account,
    pub(crate) credentials: Credentials,
    pub(crate) signer: Signer,
    /// Unix seconds from which the credentials are refused.
    pub(crate) expires_at: Option<i64>,
    /// The account whose resources the credentials reach: the SecretId itself for an
    /// account's own keys, the caller's for credentials of its `AssumeRole`.
    pub(crate) owner: String,
}

/// The service in the credential scope of STS calls (`AssumeRole`).
pub const STS_SERVICE: &str = "sts";

/// The most temporary credentials kept at once (expired ones are dropped first).
pub const MAX_ISSUED_CREDENTIALS: usize = 10_000;

/// The accounts and one cached signer each.
pub struct Verifier {
    service: String,
    max_skew_secs: u64,
    accounts: HashMap<String, std::sync::Arc<Entry>>,
    /// Temporary credentials issued by the emulator, by SecretId.
    issued: std::sync::RwLock<HashMap<String, std::sync::Arc<Entry>>>,
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Presented<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presented").finish_non_exhaustive()
    }
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
    /// Every header received, for the ones `SignedHeaders` names besides `content-type` and
    /// `host` (none: only those two may be signed).
    pub headers: Option<&'a hyper::HeaderMap>,
}

/// The service the Node.js SDK signs for an endpoint given as an IP address or a one-label
/// name: the endpoint up to its first dot (`127` for `127.0.0.1:PORT`, `localhost:PORT` for
/// `localhost:PORT`); none for a dotted host name, whose first label could name another
/// service (`cvm.tencentcloudapi.com`): only the spec's service is accepted there.
fn node_service(host: &str) -> &str {
    let name = host_without_port(host).unwrap_or(host);
    let node_derived = name.parse::<std::net::Ipv4Addr>().is_ok()
        || (!name.contains('.') && !name.starts_with('['));
    if node_derived {
        host.split('.').next().unwrap_or_default()
    } else {
        ""
    }
}

/// The `Host` header without its `:PORT`, if it has one (`127.0.0.1:8080` -> `127.0.0.1`,
/// `[::1]:8080` -> `[::1]`).
#[must_use]
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

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp, as the signing runtime writes it; made
/// once a day (per thread). `None` when the timestamp is out of range.
fn utc_date(timestamp: i64) -> Option<std::rc::Rc<str>> {
    thread_local! {
        static DAY: std::cell::RefCell<Option<(i64, std::rc::Rc<str>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let day = timestamp.div_euclid(86_400);
    DAY.with_borrow_mut(|cached| match cached {
        Some((at, date)) if *at == day => Some(date.clone()),
        _ => {
            let date: std::rc::Rc<str> = signing::utc_date(timestamp).ok()?.into();
            *cached = Some((day, date.clone()));
            Some(date)
        }
    })
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
                std::sync::Arc::new(Entry {
                    owner: account.secret_id.clone(),
                    account: account.clone(),
                    credentials,
                    signer: Signer::new(service),
                    expires_at: None,
                }),
            );
        }
        Ok(Self {
            service: service.to_owned(),
            max_skew_secs,
            accounts: map,
            issued: std::sync::RwLock::new(HashMap::new()),
        })
    }

    /// New temporary credentials (SecretId, SecretKey, token), accepted from now until
    /// `expires_at` (Unix seconds), then refused with `AuthFailure.TokenFailure`. At most
    /// [`MAX_ISSUED_CREDENTIALS`] are kept: expired ones go first, then the oldest.
    /// `owner` is the account whose resources they reach (`None`: their own, as an instance
    /// role's or a web identity's).
    pub(crate) fn issue(&self, now: i64, expires_at: i64, owner: Option<&str>) -> Account {
        let random = || uuid::Uuid::new_v4().simple().to_string();
        let account = Account {
            secret_id: format!("AKIDTMP{}", &random()[..29]),
            secret_key: format!("{}{}", random(), &random()[..8]),
            token: Some(format!("{}{}", random(), random())),
        };
        let credentials = Credentials::new(&account.secret_id, &account.secret_key)
            .expect("issued keys are visible ASCII");
        let entry = std::sync::Arc::new(Entry {
            owner: owner.unwrap_or(&account.secret_id).to_owned(),
            account: account.clone(),
            credentials,
            signer: Signer::new(&self.service),
            expires_at: Some(expires_at),
        });
        let mut issued = self.issued.write().unwrap_or_else(|e| e.into_inner());
        if issued.len() >= MAX_ISSUED_CREDENTIALS {
            issued.retain(|_, e| e.expires_at.is_some_and(|at| at > now));
        }
        if issued.len() >= MAX_ISSUED_CREDENTIALS {
            let oldest = issued
                .iter()
                .min_by_key(|(_, e)| e.expires_at)
                .map(|(id, _)| id.clone());
            if let Some(id) = oldest {
                issued.remove(&id);
            }
        }
        issued.insert(account.secret_id.clone(), entry);
        account
    }

    /// Forgets every issued credential (a reset).
    pub(crate) fn forget_issued(&self) {
        self.issued
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The account of `secret_id`, or `AuthFailure.SecretIdNotFound`.
    pub(crate) fn account(&self, secret_id: &str) -> Result<std::sync::Arc<Entry>, ApiError> {
        if let Some(entry) = self.accounts.get(secret_id) {
            return Ok(entry.clone());
        }
        let issued = self.issued.read().unwrap_or_else(|e| e.into_inner());
        issued.get(secret_id).cloned().ok_or_else(|| {
            ApiError::new(
                "AuthFailure.SecretIdNotFound",
                format!("the SecretId {secret_id} does not exist"),
            )
        })
    }

    /// The account whose resources `secret_id` reaches (itself, or the account that assumed
    /// the role it was issued for); `secret_id` itself when unknown.
    pub(crate) fn owner_of(&self, secret_id: &str) -> String {
        self.account(secret_id)
            .map_or_else(|_| secret_id.to_owned(), |entry| entry.owner.clone())
    }

    /// `AuthFailure.TokenFailure` once temporary credentials have expired at `now`.
    pub(crate) fn unexpired(entry: &Entry, now: i64) -> Result<(), ApiError> {
        match entry.expires_at {
            Some(at) if now >= at => Err(ApiError::new(
                "AuthFailure.TokenFailure",
                format!(
                    "the temporary credentials of SecretId {} expired at {at} (Unix time); fetch new ones",
                    entry.account.secret_id
                ),
            )),
            _ => Ok(()),
        }
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
    /// and, as service, the spec's (`gse`, what Python and Go send) or, when the `Host` is an
    /// IPv4 address or a one-label name, the `Host` up to its first dot (what the Node.js SDK
    /// derives from its endpoint: `127` for `127.0.0.1:PORT`, `localhost:PORT` for
    /// `localhost:PORT`); a dotted host name's first label is never a service. The canonical request is built from the method, path and query as
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
        let standard = auth.signed_headers == signing::SIGNED_HEADERS;
        let extra = if standard {
            Vec::new()
        } else {
            signed_extra(auth.signed_headers, request.headers)?
        };
        let entry = self.account(auth.secret_id)?;
        let (account, credentials, signer) = (&entry.account, &entry.credentials, &entry.signer);
        let timestamp = self.timestamp(request.timestamp, "X-TC-Timestamp", now)?;
        Self::unexpired(&entry, now)?;
        Self::token(account, request.token, "X-TC-Token")?;
        let date = utc_date(timestamp).ok_or_else(signature_failure)?;
        let mut scope = auth.scope.split('/');
        let (scope_date, service, terminator) = (scope.next(), scope.next(), scope.next());
        let service = match service {
            Some(s) if s == self.service || (!s.is_empty() && s == node_service(request.host)) => s,
            _ => return Err(signature_failure()),
        };
        if scope_date != Some(&*date) || terminator != Some(signing::TERMINATOR) {
            return Err(signature_failure());
        }
        // The common request (the gse-client's, the Python and Go SDKs' POST) takes the
        // signer's cached path; any other is built step by step.
        let cached = standard
            && request.method == "POST"
            && request.path == "/"
            && request.query.is_empty()
            && service == self.service
            && !request.unsigned_payload;
        // Hashed only if the canonical request is built step by step (the cached path hashes
        // the body itself).
        let mut payload_hash = None;
        let mut key = None;
        for host in signed_host_candidates(request.host) {
            // The cached path gives the whole header: the signature is its last 64 bytes.
            let (signed, at) = if cached && host == request.host {
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
                (authorization, at)
            } else {
                let payload_hash = payload_hash.get_or_insert_with(|| {
                    signing::hashed_payload(if request.unsigned_payload {
                        b"UNSIGNED-PAYLOAD"
                    } else {
                        request.body
                    })
                });
                let mut canonical_headers =
                    format!("content-type:{}\nhost:{host}\n", request.content_type);
                // The other signed headers sort after `host` or between the two; rebuilt in
                // the order SignedHeaders lists them (checked sorted).
                if !extra.is_empty() {
                    canonical_headers.clear();
                    for name in auth.signed_headers.split(';') {
                        let value = match name {
                            "content-type" => request.content_type,
                            "host" => host,
                            other => extra
                                .iter()
                                .find(|(n, _)| n == other)
                                .map_or("", |(_, v)| *v),
                        };
                        canonical_headers.push_str(name);
                        canonical_headers.push(':');
                        canonical_headers.push_str(value.trim());
                        canonical_headers.push('\n');
                    }
                }
                let canonical = format!(
                    "{}\n{}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
                    request.method, request.path, request.query, auth.signed_headers,
                );
                let string_to_sign = signing::string_to_sign(timestamp, auth.scope, &canonical);
                let key = key.get_or_insert_with(|| {
                    signing::signing_key(&account.secret_key, &date, service)
                });
                (signing::signature(key, &string_to_sign), 0)
            };
            let expected = signed.as_bytes().get(at..).unwrap_or_default();
            if expected.ct_eq(auth.signature.as_bytes()).unwrap_u8() == 1 {
                return Ok(auth.secret_id);
            }
        }
        Err(signature_failure())
    }
}

/// The headers `signed_headers` names besides `content-type` and `host`, with their values:
/// the list must be lowercase, sorted, without repeats, hold both of those, and name only
/// headers the request has.
fn signed_extra<'a>(
    signed_headers: &str,
    headers: Option<&'a hyper::HeaderMap>,
) -> Result<Vec<(String, &'a str)>, ApiError> {
    let invalid = |problem: String| ApiError::new("AuthFailure.InvalidAuthorization", problem);
    let names: Vec<&str> = signed_headers.split(';').collect();
    let ordered = names.windows(2).all(|w| w[0] < w[1]);
    let lowercase = names
        .iter()
        .all(|n| !n.is_empty() && n.bytes().all(|b| !b.is_ascii_uppercase()));
    if !(ordered && lowercase && names.contains(&"content-type") && names.contains(&"host")) {
        return Err(invalid(format!(
            "SignedHeaders must list {} and any other signed header, lowercase, sorted, once each; got {}",
            signing::SIGNED_HEADERS,
            crate::text::shown(signed_headers)
        )));
    }
    let mut extra = Vec::new();
    for name in names
        .into_iter()
        .filter(|n| *n != "content-type" && *n != "host")
    {
        let value = headers
            .and_then(|h| h.get(name))
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                invalid(format!(
                    "SignedHeaders names {}, which the request does not send",
                    crate::text::shown(name)
                ))
            })?;
        extra.push((name.to_owned(), value));
    }
    Ok(extra)
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

    // Requests the official SDKs sent (docs/research/official-sdks.md), signed with the
    // research's dummy account; each is verified at its own timestamp.
    const ID: &str = "AKIDDUMMYRESEARCH0001";
    const KEY: &str = "dummySecretKeyForResearch00";
    const POST_BODY_COMPACT: &str = r#"{"GameServerSessionId":"qcs::gse:ap-guangzhou:uin/100000:gameserversession/fleet-1/gss-1","PlayerIds":["p1","p2"],"PlayerDataMap":{"Key":"k1","Value":"v1"}}"#;

    fn verifier(token: Option<&str>) -> Verifier {
        Verifier::new(
            "gse",
            300,
            &[Account {
                secret_id: ID.into(),
                secret_key: KEY.into(),
                token: token.map(String::from),
            }],
        )
        .unwrap()
    }

    struct Capture {
        name: &'static str,
        method: &'static str,
        query: &'static str,
        content_type: &'static str,
        host: &'static str,
        timestamp: i64,
        authorization: String,
        body: &'static str,
    }

    fn auth(service: &str, signature: &str) -> String {
        format!("TC3-HMAC-SHA256 Credential={ID}/2026-11-25/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}")
    }

    fn captures() -> Vec<Capture> {
        vec![
            Capture {
                name: "python POST (host with port, service gse, body with spaces)",
                method: "POST",
                query: "",
                content_type: "application/json",
                host: "127.0.0.1:41739",
                timestamp: 1795629540,
                authorization: auth("gse", "674cfd6d0819d5ee98a5757c2afa3e31e14bf00902c24ff3ff9f67696713dc04"),
                body: r#"{"GameServerSessionId": "qcs::gse:ap-guangzhou:uin/100000:gameserversession/fleet-1/gss-1", "PlayerIds": ["p1", "p2"], "PlayerDataMap": {"Key": "k1", "Value": "v1"}}"#,
            },
            Capture {
                name: "node POST (host without port, service 127)",
                method: "POST",
                query: "",
                content_type: "application/json",
                host: "127.0.0.1:41739",
                timestamp: 1795629559,
                authorization: auth("127", "002c832e1738ffaeaa6992e9e0a68d8d9a707a222ce7a2be53ba777f48228f52"),
                body: POST_BODY_COMPACT,
            },
            Capture {
                name: "go POST",
                method: "POST",
                query: "",
                content_type: "application/json",
                host: "127.0.0.1:44959",
                timestamp: 1795629774,
                authorization: auth("gse", "c31d980177e763e97be9389405856beb2dafb6adbf00799aac69000885fb1b83"),
                body: POST_BODY_COMPACT,
            },
            Capture {
                name: "python GET (query as sent, form content type, empty payload)",
                method: "GET",
                query: "GameServerSessionId=gss+1%2Fx~y%2Az%27%28a%29%21&PlayerIds.0=p+1&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc&PlayerDataMap.Key=k&PlayerDataMap.Value=v+v",
                content_type: "application/x-www-form-urlencoded",
                host: "127.0.0.1:41739",
                timestamp: 1795629542,
                authorization: auth("gse", "41c5c130dd86939eb62e98d14bf63bbe994ddede6d0a9ff26ad72799ada92b4a"),
                body: "",
            },
            Capture {
                name: "node GET",
                method: "GET",
                query: "GameServerSessionId=gss%201%2Fx~y*z%27(a)!&PlayerIds.0=p%201&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc&PlayerDataMap.Key=k&PlayerDataMap.Value=v%20v",
                content_type: "application/x-www-form-urlencoded",
                host: "127.0.0.1:41739",
                timestamp: 1795629562,
                authorization: auth("127", "1ef2dbd9008a13a9a03adfea0730991901c7fe98c05864de4afe7fd220910e16"),
                body: "",
            },
        ]
    }

    fn presented<'a>(c: &'a Capture, authorization: &'a str) -> Presented<'a> {
        Presented {
            method: c.method,
            path: "/",
            query: c.query,
            authorization: Some(authorization),
            timestamp: None,
            token: None,
            content_type: c.content_type,
            host: c.host,
            unsigned_payload: false,
            body: c.body.as_bytes(),
            headers: None,
        }
    }

    #[test]
    fn what_each_official_sdk_signed_is_accepted() {
        let verifier = verifier(None);
        for c in captures() {
            let ts = c.timestamp.to_string();
            let request = Presented {
                timestamp: Some(&ts),
                ..presented(&c, &c.authorization)
            };
            assert_eq!(
                verifier.verify(&request, c.timestamp + 299),
                Ok(ID),
                "{}",
                c.name
            );
        }
    }

    #[test]
    fn each_capture_changed_in_one_way_is_refused_with_its_code() {
        let verifier = verifier(None);
        for c in captures() {
            let ts = c.timestamp.to_string();
            let base = Presented {
                timestamp: Some(&ts),
                ..presented(&c, &c.authorization)
            };
            let code = |r: &Presented<'_>, now: i64| verifier.verify(r, now).unwrap_err().code;
            // One hex digit of the signature changed.
            let last = c.authorization.chars().last().unwrap();
            let flipped = format!(
                "{}{}",
                &c.authorization[..c.authorization.len() - 1],
                if last == '0' { '1' } else { '0' }
            );
            let r = Presented {
                authorization: Some(&flipped),
                ..presented(&c, "")
            };
            let r = Presented {
                timestamp: Some(&ts),
                ..r
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.SignatureFailure",
                "{}",
                c.name
            );
            // Another host, another query, another body, another method.
            let r = Presented {
                host: "127.0.0.2:41739",
                ..presented(&c, &c.authorization)
            };
            let r = Presented {
                timestamp: Some(&ts),
                ..r
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.SignatureFailure",
                "{} host",
                c.name
            );
            let r = Presented {
                query: "PlayerIds.0=x",
                timestamp: Some(&ts),
                ..presented(&c, &c.authorization)
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.SignatureFailure",
                "{} query",
                c.name
            );
            let r = Presented {
                body: b"{}",
                timestamp: Some(&ts),
                ..presented(&c, &c.authorization)
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.SignatureFailure",
                "{} body",
                c.name
            );
            let r = Presented {
                unsigned_payload: true,
                timestamp: Some(&ts),
                ..presented(&c, &c.authorization)
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.SignatureFailure",
                "{} unsigned",
                c.name
            );
            // Timestamps: 301 s off either way, missing.
            assert_eq!(
                code(&base, c.timestamp + 301),
                "AuthFailure.SignatureExpire",
                "{}",
                c.name
            );
            assert_eq!(
                code(&base, c.timestamp - 301),
                "AuthFailure.SignatureExpire",
                "{}",
                c.name
            );
            let r = Presented {
                timestamp: None,
                ..presented(&c, &c.authorization)
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.InvalidAuthorization",
                "{}",
                c.name
            );
            // Unknown SecretId.
            let other = c.authorization.replace(ID, "AKIDSOMEONEELSE");
            let r = Presented {
                timestamp: Some(&ts),
                ..presented(&c, &other)
            };
            assert_eq!(
                code(&r, c.timestamp),
                "AuthFailure.SecretIdNotFound",
                "{}",
                c.name
            );
            // A temporary account without its token.
            let with_token = super::tests::verifier(Some("tok"));
            assert_eq!(
                with_token.verify(&base, c.timestamp).unwrap_err().code,
                "AuthFailure.TokenFailure"
            );
            let r = Presented {
                token: Some("tok"),
                timestamp: Some(&ts),
                ..presented(&c, &c.authorization)
            };
            assert_eq!(
                with_token.verify(&r, c.timestamp),
                Ok(ID),
                "{} token",
                c.name
            );
        }
    }

    /// A request to `host` signed correctly for `service` (the demo body, now).
    fn signed_for(service: &str, host: &'static str, now: i64) -> (String, String) {
        let body = r#"{"GameServerSessionId":"s","PlayerIds":["p"]}"#;
        let date = signing::utc_date(now).unwrap();
        let scope = signing::credential_scope(&date, service);
        let canonical = signing::canonical_request(
            "application/json",
            host,
            &signing::hashed_payload(body.as_bytes()),
        );
        let to_sign = signing::string_to_sign(now, &scope, &canonical);
        let signature = signing::signature(&signing::signing_key(KEY, &date, service), &to_sign);
        (
            signing::authorization(ID, &scope, &signature),
            body.to_owned(),
        )
    }

    #[test]
    fn a_scope_of_another_service_is_refused_even_when_the_host_names_it() {
        let verifier = verifier(None);
        let now = 1_764_000_000;
        let ts = now.to_string();
        let check = |service: &str, host: &'static str| {
            let (authorization, body) = signed_for(service, host, now);
            let r = Presented {
                method: "POST",
                path: "/",
                query: "",
                authorization: Some(&authorization),
                timestamp: Some(&ts),
                token: None,
                content_type: "application/json",
                host,
                unsigned_payload: false,
                body: body.as_bytes(),
                headers: None,
            };
            verifier
                .verify(&r, now)
                .map(str::to_owned)
                .map_err(|e| e.code)
        };
        assert_eq!(check("gse", "gse.tencentcloudapi.com"), Ok(ID.to_owned()));
        assert_eq!(
            check("127", "127.0.0.1:8080"),
            Ok(ID.to_owned()),
            "Node.js's"
        );
        assert_eq!(
            check("localhost:8080", "localhost:8080"),
            Ok(ID.to_owned()),
            "Node.js's, port and all"
        );
        for (service, host) in [
            ("cvm", "cvm.tencentcloudapi.com"),
            ("cvm", "cvm.localhost:8080"),
            ("localhost", "localhost.example:8080"),
            ("localhost", "localhost:8080"),
        ] {
            assert_eq!(
                check(service, host),
                Err("AuthFailure.SignatureFailure"),
                "{service} at {host}"
            );
        }
    }

    #[test]
    fn the_scope_service_is_gse_or_the_hosts_first_label() {
        let verifier = verifier(None);
        let node = &captures()[1];
        let ts = node.timestamp.to_string();
        // Node's signature with service `127`, presented with a Host whose first label is
        // not `127`: refused (the scope's service is not free).
        let r = Presented {
            host: "localhost:41739",
            timestamp: Some(&ts),
            ..presented(node, &node.authorization)
        };
        assert_eq!(
            verifier.verify(&r, node.timestamp).unwrap_err().code,
            "AuthFailure.SignatureFailure"
        );
        // Any other service, or a scope of another date, is refused before the signature.
        for scope in [
            "2026-11-25/cvm/tc3_request",
            "2026-11-24/gse/tc3_request",
            "2026-11-25/gse/tc2_request",
            "2026-11-25//tc3_request",
        ] {
            let header = node
                .authorization
                .replace("2026-11-25/127/tc3_request", scope);
            let r = Presented {
                timestamp: Some(&ts),
                ..presented(node, &header)
            };
            assert_eq!(
                verifier.verify(&r, node.timestamp).unwrap_err().code,
                "AuthFailure.SignatureFailure",
                "{scope}"
            );
        }
    }

    #[test]
    fn unsigned_payload_signs_the_literal_not_the_body() {
        let verifier = verifier(None);
        let ts = 1795629540;
        let date = signing::utc_date(ts).unwrap();
        let canonical = format!(
            "POST\n/\n\ncontent-type:application/json\nhost:127.0.0.1:9\n\ncontent-type;host\n{}",
            signing::hashed_payload(b"UNSIGNED-PAYLOAD")
        );
        let scope = signing::credential_scope(&date, "gse");
        let signature = signing::signature(
            &signing::signing_key(KEY, &date, "gse"),
            &signing::string_to_sign(ts, &scope, &canonical),
        );
        let header = signing::authorization(ID, &scope, &signature);
        let text = ts.to_string();
        let request = Presented {
            method: "POST",
            path: "/",
            query: "",
            authorization: Some(&header),
            timestamp: Some(&text),
            token: None,
            content_type: "application/json",
            host: "127.0.0.1:9",
            unsigned_payload: true,
            body: b"{\"any\":\"body\"}",
            headers: None,
        };
        assert_eq!(verifier.verify(&request, ts), Ok(ID));
        let signed_body = Presented {
            unsigned_payload: false,
            ..request
        };
        assert_eq!(
            verifier.verify(&signed_body, ts).unwrap_err().code,
            "AuthFailure.SignatureFailure"
        );
    }

    #[test]
    fn hosts_without_their_port() {
        assert_eq!(host_without_port("127.0.0.1:8080"), Some("127.0.0.1"));
        assert_eq!(host_without_port("[::1]:8080"), Some("[::1]"));
        assert_eq!(host_without_port("example.com"), None);
        assert_eq!(host_without_port("[::1]"), None);
        assert_eq!(host_without_port("::1"), None);
        assert_eq!(host_without_port("h:"), None);
    }
}
