//! The HTTP side: the API endpoint `POST /` and `GET /` (faults, signature, action, size, body, rate,
//! then the action itself) and the unsigned admin endpoints under `/_emulator/`.

use crate::actions::{self, JOIN_ACTION};
use crate::api_error::ApiError;
use crate::auth::{Presented, Verifier};
use crate::clock::{date_now, http_date, unix_now};
use crate::faults::{FaultKind, Faults};
use crate::lang::Language;
use crate::legacy_sign::{self, LegacyPresented};
use crate::params;
use crate::rate::RateLimiter;
use crate::request_id::request_id;
use crate::sessions::{SessionSpec, Sessions};
use crate::spec_rules::SpecRules;
use crate::stats::Stats;
use crate::validate;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Body;
use hyper::header::{HeaderMap, HeaderValue, CONNECTION, CONTENT_TYPE, DATE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Display;
use std::time::{Duration, Instant};

/// Everything a request handler needs.
pub(crate) struct Emulator {
    pub(crate) rules: SpecRules,
    pub(crate) verifier: Verifier,
    pub(crate) limiters: HashMap<String, RateLimiter>,
    pub(crate) sessions: Sessions,
    pub(crate) initial_sessions: Vec<SessionSpec>,
    pub(crate) stats: Stats,
    pub(crate) faults: Faults,
    pub(crate) max_body_bytes: usize,
    pub(crate) body_read_timeout: Duration,
}

/// The largest body the admin API reads.
const MAX_ADMIN_BODY_BYTES: usize = 64 * 1024;
/// The most a body buffer is sized to before any byte arrives, whatever Content-Length says:
/// a peer announcing 1 MiB and sending nothing costs no more than this.
const PRESIZE_MAX: usize = 8 * 1024;
/// Why a request body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over the cap (announced by Content-Length, or received).
    TooLarge,
    /// Not complete when the body deadline passed.
    TimedOut {
        received: usize,
        expected: Option<u64>,
    },
    /// The stream ended or failed before the body was complete (the client closed, or sent a
    /// malformed chunk).
    Ended {
        received: usize,
        expected: Option<u64>,
        cause: String,
    },
}

impl BodyError {
    fn api_error(&self, max_body_bytes: usize, timeout: Duration) -> ApiError {
        let of = |received: usize, expected: &Option<u64>| match expected {
            Some(n) => format!("{received} of {n} bytes"),
            None => format!("{received} bytes"),
        };
        match self {
            Self::TooLarge => ApiError::new(
                "RequestSizeLimitExceeded",
                format!("the request body is larger than {max_body_bytes} bytes"),
            ),
            Self::TimedOut { received, expected } => ApiError::new(
                "InvalidParameter",
                format!(
                    "the request body did not arrive within {} ms: {} received; nothing was changed",
                    timeout.as_millis(),
                    of(*received, expected)
                ),
            ),
            Self::Ended {
                received,
                expected,
                cause,
            } => ApiError::new(
                "InvalidParameter",
                format!(
                    "the request body ended after {} ({cause}); nothing was changed",
                    of(*received, expected)
                ),
            ),
        }
    }
}

/// Reads a whole body into one buffer: each frame is copied and dropped at once (a frame
/// holds on to hyper's read buffer, so keeping thousands of 1-byte frames costs kilobytes
/// each). At most `max` bytes, within `timeout` of the call.
pub(crate) async fn read_body<B>(
    body: B,
    max: usize,
    timeout: Duration,
) -> Result<Vec<u8>, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    let expected = body.size_hint().exact();
    if expected.is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLarge);
    }
    let presize = expected.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut buffer = Vec::with_capacity(presize.min(PRESIZE_MAX));
    let deadline = tokio::time::Instant::now() + timeout;
    let mut body = body;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(BodyError::TimedOut {
                    received: buffer.len(),
                    expected,
                })
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(BodyError::Ended {
                    received: buffer.len(),
                    expected,
                    cause: e.to_string(),
                })
            }
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if buffer.len().saturating_add(data.len()) > max {
                return Err(BodyError::TooLarge);
            }
            buffer.extend_from_slice(&data);
        }
    }
    match expected {
        Some(n) if (buffer.len() as u64) < n => Err(BodyError::Ended {
            received: buffer.len(),
            expected,
            cause: "the stream ended early".to_string(),
        }),
        _ => Ok(buffer),
    }
}

/// The headers the emulator reads, parsed once (not from text at each lookup).
mod names {
    use hyper::header::HeaderName;

    pub(super) const AUTHORIZATION: HeaderName = hyper::header::AUTHORIZATION;
    pub(super) const CONTENT_TYPE: HeaderName = hyper::header::CONTENT_TYPE;
    pub(super) const HOST: HeaderName = hyper::header::HOST;
    pub(super) const X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
    pub(super) const X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");
    pub(super) const X_TC_ACTION: HeaderName = HeaderName::from_static("x-tc-action");
    pub(super) const X_TC_VERSION: HeaderName = HeaderName::from_static("x-tc-version");
    pub(super) const X_TC_REGION: HeaderName = HeaderName::from_static("x-tc-region");
    pub(super) const X_TC_LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
    pub(super) const X_TC_CONTENT_SHA256: HeaderName =
        HeaderName::from_static("x-tc-content-sha256");
}

/// The headers the emulator reads, as they are named in messages, and the code a header
/// that is present but not text gets (those read by the signature check are part of the
/// authorization).
const READ_HEADERS: [(&str, hyper::header::HeaderName, &str); 10] = [
    (
        "Authorization",
        names::AUTHORIZATION,
        "AuthFailure.InvalidAuthorization",
    ),
    (
        "X-TC-Timestamp",
        names::X_TC_TIMESTAMP,
        "AuthFailure.InvalidAuthorization",
    ),
    (
        "X-TC-Token",
        names::X_TC_TOKEN,
        "AuthFailure.InvalidAuthorization",
    ),
    (
        "Content-Type",
        names::CONTENT_TYPE,
        "AuthFailure.InvalidAuthorization",
    ),
    ("Host", names::HOST, "AuthFailure.InvalidAuthorization"),
    ("X-TC-Action", names::X_TC_ACTION, "InvalidParameter"),
    ("X-TC-Version", names::X_TC_VERSION, "InvalidParameter"),
    ("X-TC-Region", names::X_TC_REGION, "InvalidParameter"),
    ("X-TC-Language", names::X_TC_LANGUAGE, "InvalidParameter"),
    (
        "X-TC-Content-SHA256",
        names::X_TC_CONTENT_SHA256,
        "AuthFailure.InvalidAuthorization",
    ),
];

/// Refuses a header the emulator reads that is present but not visible ASCII text (which
/// would otherwise read as missing), naming it and its first offending byte.
fn check_header_text(headers: &HeaderMap) -> Result<(), ApiError> {
    for (name, header, code) in READ_HEADERS {
        for value in headers.get_all(header) {
            if value.to_str().is_err() {
                let bytes = value.as_bytes();
                let (at, byte) = bytes
                    .iter()
                    .enumerate()
                    .find(|(_, b)| !(b.is_ascii_graphic() || **b == b' ' || **b == b'\t'))
                    .map_or((0, 0), |(i, b)| (i, *b));
                return Err(ApiError::new(
                    code,
                    format!(
                        "the header {name} is present but is not visible ASCII text: byte 0x{byte:02X} at position {at} of {}",
                        bytes.len()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The service closes the connection without answering (a dropped-connection fault).
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

type Answer = Result<Response<Full<Bytes>>, DropConnection>;

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
    date: &HeaderValue,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(DATE, date.clone());
    response
}

fn json_response(value: &Value, date: &HeaderValue) -> Response<Full<Bytes>> {
    json_text_response(value.to_string(), date)
}

/// An answer whose body is JSON text already serialized.
fn json_text_response(text: String, date: &HeaderValue) -> Response<Full<Bytes>> {
    respond(StatusCode::OK, "application/json", text, date)
}

fn closing(mut response: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The action's parameters as sent: a JSON body, or flattened pairs (a query string or a
/// form body).
enum Params<'a> {
    Json(&'a str),
    Flat(Vec<(String, String)>),
}

/// A verified call: who, what, and the parameters.
struct Call<'a> {
    secret_id: String,
    action: String,
    version: String,
    region: Option<String>,
    params: Params<'a>,
}

/// The media type of a `Content-Type` value, without parameters, lower case.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn utf8_body(body: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(body).map_err(|e| {
        ApiError::new(
            "InvalidParameter",
            format!("the request body is not valid UTF-8: {e}"),
        )
    })
}

impl Emulator {
    /// Answers one HTTP request.
    pub(crate) async fn handle<B>(&self, request: Request<B>) -> Answer
    where
        B: Body<Data = Bytes> + Unpin,
        B::Error: Display,
    {
        if matches!(*request.method(), Method::POST | Method::GET) && request.uri().path() == "/" {
            return self.api(request).await;
        }
        let path = request.uri().path().to_string();
        let now = date_now();
        match (request.method().clone(), path.as_str()) {
            (Method::GET, "/_emulator/stats") => {
                Ok(json_response(&serde_json::to_value(self.stats.snapshot()).unwrap_or_default(), &now))
            }
            (Method::POST, "/_emulator/sessions") => Ok(self.create_session(request).await),
            (Method::POST, "/_emulator/reset") => {
                self.reset();
                Ok(json_response(&json!({"Reset": true}), &now))
            }
            (Method::GET, p) if p.starts_with("/_emulator/sessions/") => {
                let id = &p["/_emulator/sessions/".len()..];
                let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
                Ok(match self.sessions.describe(&id) {
                    Some(v) => json_response(&v, &now),
                    None => respond(StatusCode::NOT_FOUND, "text/plain", format!("no session {id:?}\n"), &now),
                })
            }
            _ => Ok(respond(
                StatusCode::NOT_FOUND,
                "text/plain",
                "the API is POST / and GET /; admin: GET /_emulator/stats, POST /_emulator/sessions, GET /_emulator/sessions/ID, POST /_emulator/reset\n",
                &now,
            )),
        }
    }

    /// Back to the state at start: configured sessions, empty; counters and rate windows zero.
    pub(crate) fn reset(&self) {
        self.sessions.clear();
        for spec in &self.initial_sessions {
            self.sessions.put(spec.clone());
        }
        self.stats.reset();
        self.limiters.values().for_each(RateLimiter::reset);
    }

    async fn create_session<B>(&self, request: Request<B>) -> Response<Full<Bytes>>
    where
        B: Body<Data = Bytes> + Unpin,
        B::Error: Display,
    {
        let now = date_now();
        let refuse = |message: String| {
            respond(
                StatusCode::BAD_REQUEST,
                "text/plain",
                format!("POST /_emulator/sessions: {message}\n"),
                &now,
            )
        };
        let body = match read_body(
            request.into_body(),
            MAX_ADMIN_BODY_BYTES,
            self.body_read_timeout,
        )
        .await
        {
            Ok(body) => body,
            Err(e) => {
                // The rest of the body is not read: the connection cannot carry another request.
                return closing(refuse(
                    e.api_error(MAX_ADMIN_BODY_BYTES, self.body_read_timeout)
                        .message,
                ));
            }
        };
        let spec = match serde_json::from_slice::<SessionSpec>(&body) {
            Ok(spec) => spec,
            Err(e) => {
                return refuse(format!(
                    "expected {{\"GameServerSessionId\": ..., \"Capacity\": ...}} and optionally FleetId, Status, JoinPolicy, IpAddress, Port, DnsName: {e}"
                ))
            }
        };
        if let Err(e) = self.check_session_id(&spec.game_server_session_id) {
            return refuse(e.message);
        }
        let id = spec.game_server_session_id.clone();
        self.sessions.put(spec);
        json_response(&json!({"Created": id}), &now)
    }

    /// Checks a session id against the limits the spec gives the join's
    /// `GameServerSessionId` (1 to 256 ASCII characters in the workspace spec); at least one
    /// character when the spec has no such field.
    fn check_session_id(&self, id: &str) -> Result<(), ApiError> {
        let field = "GameServerSessionId";
        let schema = self.rules.actions.get(JOIN_ACTION).and_then(|action| {
            self.rules
                .resolve(&action.request_schema)
                .get("properties")
                .and_then(|p| p.get(field))
        });
        match schema {
            Some(schema) => {
                validate::check_field(&self.rules, schema, &Value::String(id.to_string()), field)
            }
            None if id.is_empty() => Err(ApiError::new(
                "InvalidParameterValue",
                format!("`{field}`: 0 characters given, at least 1 required"),
            )),
            None => Ok(()),
        }
    }

    async fn api<B>(&self, request: Request<B>) -> Answer
    where
        B: Body<Data = Bytes> + Unpin,
        B::Error: Display,
    {
        self.stats.request(Instant::now());
        let now = date_now();
        let fault = self.faults.draw();
        let mut date_skew = 0;
        if let Some(kind) = fault {
            self.stats.fault(kind.name());
            match kind {
                FaultKind::InternalError => {
                    return Ok(self.error_answer(
                        &ApiError::new("InternalError", "an internal error occurred (injected)"),
                        &now,
                    ))
                }
                FaultKind::Http500 => {
                    self.stats.error("HTTP 500");
                    return Ok(respond(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "text/plain",
                        "internal server error (injected)\n",
                        &now,
                    ));
                }
                FaultKind::Http503 => {
                    self.stats.error("HTTP 503");
                    return Ok(respond(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "text/plain",
                        "service unavailable (injected)\n",
                        &now,
                    ));
                }
                FaultKind::DropConnection => return Err(DropConnection),
                FaultKind::MalformedBody => {
                    return Ok(respond(
                        StatusCode::OK,
                        "application/json",
                        "<html>upstream error</html>",
                        &now,
                    ))
                }
                FaultKind::TruncatedBody => {
                    let full =
                        json!({"Response": {"PlayerSessions": [], "RequestId": request_id()}})
                            .to_string();
                    return Ok(respond(
                        StatusCode::OK,
                        "application/json",
                        full.get(..full.len() / 2).unwrap_or_default().to_string(),
                        &now,
                    ));
                }
                FaultKind::Latency => tokio::time::sleep(self.faults.config().latency).await,
                FaultKind::SkewedDate => date_skew = self.faults.config().date_skew_secs,
                // Served first; the answer is lost below.
                FaultKind::DropAfterApply
                | FaultKind::Http500AfterApply
                | FaultKind::TruncatedAfterApply
                | FaultKind::LatencyAfterApply => {}
            }
        }
        // Everything the answer needs that can fail is made before the request can change
        // anything: a `Date` that cannot be written refuses the request untouched.
        let Some(date) = http_date(date_skew) else {
            return Ok(self.error_answer(
                &ApiError::new(
                    "InternalError",
                    format!(
                        "the Date header cannot be written: a skew of {date_skew} s puts it outside the years 1970 to 9999; nothing was changed"
                    ),
                ),
                &now,
            ));
        };
        let (parts, body) = request.into_parts();
        let body = match read_body(body, self.max_body_bytes, self.body_read_timeout).await {
            Ok(body) => body,
            Err(e) => {
                // The rest of the body is not read: the connection cannot carry another request.
                let error = e.api_error(self.max_body_bytes, self.body_read_timeout);
                return Ok(closing(self.error_answer(&error, &date)));
            }
        };
        let mut language = Language::default();
        let served = self.serve(&parts, &body, &mut language);
        match (fault, served) {
            (Some(FaultKind::DropAfterApply), _) => Err(DropConnection),
            (Some(FaultKind::Http500AfterApply), _) => {
                self.stats.error("HTTP 500");
                Ok(respond(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/plain",
                    "internal server error (injected after the request was served)\n",
                    &date,
                ))
            }
            (Some(FaultKind::TruncatedAfterApply), Ok(full)) => Ok(respond(
                StatusCode::OK,
                "application/json",
                full.get(..full.len() / 2).unwrap_or_default().to_string(),
                &date,
            )),
            (Some(FaultKind::LatencyAfterApply), served) => {
                tokio::time::sleep(self.faults.config().latency_after_apply).await;
                Ok(match served {
                    Ok(response) => json_text_response(response, &date),
                    Err(error) => self.localized_error_answer(&error, &date, language),
                })
            }
            (_, Ok(response)) => Ok(json_text_response(response, &date)),
            (_, Err(error)) => Ok(self.localized_error_answer(&error, &date, language)),
        }
    }

    fn error_answer(&self, error: &ApiError, date: &HeaderValue) -> Response<Full<Bytes>> {
        self.localized_error_answer(error, date, Language::default())
    }

    fn localized_error_answer(
        &self,
        error: &ApiError,
        date: &HeaderValue,
        language: Language,
    ) -> Response<Full<Bytes>> {
        self.stats.error(error.code);
        json_response(
            &json!({"Response": {"Error": {"Code": error.code, "Message": language.message(error)}, "RequestId": request_id()}}),
            date,
        )
    }

    /// The checks in order, then the action. Returns the `Response` envelope as JSON text. `language` is
    /// set to the language the request asks for as soon as it is known, so that errors found
    /// after that are told in it.
    fn serve(
        &self,
        parts: &hyper::http::request::Parts,
        body: &[u8],
        language: &mut Language,
    ) -> Result<String, ApiError> {
        check_header_text(&parts.headers)?;
        let headers = &parts.headers;
        let get = |name: hyper::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        let method = parts.method.as_str();
        let path = parts.uri.path();
        let query = parts.uri.query().unwrap_or_default();
        let content_type = get(names::CONTENT_TYPE).unwrap_or_default();
        let host = get(names::HOST).unwrap_or_default();
        let form = media_type(content_type) == "application/x-www-form-urlencoded";
        let call = if let Some(authorization) = get(names::AUTHORIZATION) {
            *language = Language::parse(get(names::X_TC_LANGUAGE)).unwrap_or_default();
            let presented = Presented {
                method,
                path,
                query,
                authorization: Some(authorization),
                timestamp: get(names::X_TC_TIMESTAMP),
                token: get(names::X_TC_TOKEN),
                content_type,
                host,
                unsigned_payload: get(names::X_TC_CONTENT_SHA256) == Some("UNSIGNED-PAYLOAD"),
                body,
            };
            let secret_id = self.verifier.verify(&presented, unix_now())?.to_string();
            Language::parse(get(names::X_TC_LANGUAGE))?;
            let params = if parts.method == Method::GET {
                Params::Flat(params::form_decode(query)?)
            } else if form {
                Params::Flat(params::form_decode(utf8_body(body)?)?)
            } else {
                Params::Json(utf8_body(body)?)
            };
            Call {
                secret_id,
                action: get(names::X_TC_ACTION).unwrap_or_default().to_string(),
                version: get(names::X_TC_VERSION).unwrap_or_default().to_string(),
                region: get(names::X_TC_REGION).map(str::to_string),
                params,
            }
        } else {
            // No Authorization: a HmacSHA1/HmacSHA256 request, all in its parameters.
            let mut all = if parts.method == Method::GET {
                params::form_decode(query)?
            } else if form {
                params::form_decode(utf8_body(body)?)?
            } else {
                Vec::new()
            };
            if legacy_sign::param(&all, "Signature").is_none() {
                return Err(ApiError::new(
                    "AuthFailure.InvalidAuthorization",
                    "the Authorization header is missing (and there is no Signature parameter of a HmacSHA1/HmacSHA256 request)",
                ));
            }
            *language = Language::parse(legacy_sign::param(&all, "Language")).unwrap_or_default();
            let secret_id = self
                .verifier
                .verify_legacy(
                    &LegacyPresented {
                        method,
                        host,
                        path,
                        params: &all,
                    },
                    unix_now(),
                )?
                .to_string();
            Language::parse(legacy_sign::param(&all, "Language"))?;
            let take = |all: &[(String, String)], name: &str| {
                legacy_sign::param(all, name).map(str::to_string)
            };
            let call = Call {
                secret_id,
                action: take(&all, "Action").unwrap_or_default(),
                version: take(&all, "Version").unwrap_or_default(),
                region: take(&all, "Region"),
                params: Params::Flat(Vec::new()),
            };
            all.retain(|(k, _)| !legacy_sign::COMMON_PARAMS.contains(&k.as_str()));
            Call {
                params: Params::Flat(all),
                ..call
            }
        };

        let action_name = call.action.as_str();
        let action = self.rules.actions.get(action_name).ok_or_else(|| {
            ApiError::new(
                "InvalidAction",
                format!("the action {action_name:?} does not exist"),
            )
        })?;
        let version = call.version.as_str();
        if version != self.rules.version {
            return Err(ApiError::new(
                "NoSuchVersion",
                format!(
                    "the version {version:?} does not exist; this API is version {}",
                    self.rules.version
                ),
            ));
        }
        if call.region.as_deref().is_none_or(str::is_empty) {
            return Err(ApiError::new(
                "MissingParameter",
                "the required parameter `Region` (X-TC-Region) is missing",
            ));
        }
        let value = match &call.params {
            Params::Json(text) => validate::parse_body(text)?,
            Params::Flat(pairs) => params::unflatten(&self.rules, &action.request_schema, pairs)?,
        };
        validate::check(&self.rules, &action.request_schema, &value)?;
        let secret_id = call.secret_id;
        let Some(limiter) = self.limiters.get(&action.name) else {
            return Err(ApiError::new(
                "InternalError",
                format!("no rate limiter for {}", action.name),
            ));
        };
        if !limiter.admit(&secret_id, Instant::now()) {
            return Err(ApiError::new(
                "RequestLimitExceeded",
                format!(
                    "{} is limited to {} requests per second per SecretId; retry later",
                    action.name,
                    limiter.limit()
                ),
            ));
        }
        actions::dispatch(&action.name, &self.sessions, &self.stats, &value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{FaultConfig, FaultKind};
    use crate::{EmulatorConfig, DEMO_SECRET_ID, DEMO_SECRET_KEY};
    use tc3_runtime::signing::Signer;
    use tc3_runtime::Credentials;

    /// A join of `players` to `session`, signed by the demo account now.
    fn signed_join(session: &str, players: &[&str]) -> Request<Full<Bytes>> {
        let body = json!({"GameServerSessionId": session, "PlayerIds": players}).to_string();
        let (content_type, host) = ("application/json", "emulator.test");
        let timestamp = unix_now();
        let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
        let authorization = Signer::new("gse")
            .authorization(&credentials, timestamp, content_type, host, body.as_bytes())
            .unwrap();
        Request::builder()
            .method(Method::POST)
            .uri("/")
            .header("host", host)
            .header("content-type", content_type)
            .header("authorization", authorization)
            .header("x-tc-timestamp", timestamp.to_string())
            .header("x-tc-action", JOIN_ACTION)
            .header("x-tc-version", "2019-11-12")
            .header("x-tc-region", "ap-shanghai")
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    }

    async fn envelope(answer: Answer) -> Value {
        let body = answer
            .unwrap()
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes();
        serde_json::from_slice::<Value>(&body).unwrap()["Response"].clone()
    }

    #[tokio::test]
    async fn a_join_whose_answer_cannot_be_written_changes_no_state() {
        // A skew no start accepts (`FaultConfig::validate`), built past it: the `Date` of the
        // answer cannot be written. The join must not happen without its answer.
        let config = EmulatorConfig {
            faults: FaultConfig {
                shares: vec![(FaultKind::SkewedDate, 1.0)],
                date_skew_secs: i64::MAX,
                ..FaultConfig::default()
            },
            ..EmulatorConfig::default()
        }
        .session(SessionSpec::new("gssess-unit", 10));
        assert!(config.validate().is_err(), "start refuses this skew");
        let state = crate::build_state(&config).unwrap();

        let answer = envelope(
            state
                .handle(signed_join("gssess-unit", &["p1", "p2"]))
                .await,
        )
        .await;
        assert_eq!(answer["Error"]["Code"], "InternalError", "{answer}");
        let message = answer["Error"]["Message"].as_str().unwrap();
        assert!(
            message.contains("Date") && message.contains(&i64::MAX.to_string()),
            "{message}"
        );
        assert!(state.sessions.all_players().is_empty(), "no player joined");
        assert_eq!(state.stats.snapshot().joined_players, 0);
        let described = state.sessions.describe("gssess-unit").unwrap();
        assert_eq!(described["Players"], json!([]));
    }

    #[tokio::test]
    async fn the_same_join_with_a_writable_date_is_applied() {
        // The control of the test above: the request itself is valid.
        let config = EmulatorConfig {
            faults: FaultConfig {
                shares: vec![(FaultKind::SkewedDate, 1.0)],
                date_skew_secs: crate::faults::MAX_DATE_SKEW_SECS,
                ..FaultConfig::default()
            },
            ..EmulatorConfig::default()
        }
        .session(SessionSpec::new("gssess-unit", 10));
        config.validate().unwrap();
        let state = crate::build_state(&config).unwrap();
        let answer = envelope(
            state
                .handle(signed_join("gssess-unit", &["p1", "p2"]))
                .await,
        )
        .await;
        assert_eq!(
            answer["PlayerSessions"].as_array().map(Vec::len),
            Some(2),
            "{answer}"
        );
        assert_eq!(state.sessions.all_players().len(), 2);
    }
}
