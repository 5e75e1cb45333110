//! The HTTP side: the API endpoint `POST /` (faults, signature, action, size, body, rate,
//! then the action itself) and the unsigned admin endpoints under `/_emulator/`.

use crate::api_error::ApiError;
use crate::auth::{Presented, Verifier};
use crate::faults::{FaultKind, Faults};
use crate::rate::RateLimiter;
use crate::sessions::{SessionSpec, Sessions};
use crate::spec_rules::SpecRules;
use crate::stats::Stats;
use crate::validate;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The action whose semantics the emulator implements.
pub const JOIN_ACTION: &str = "JoinGameServerSessionBatch";

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

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn respond(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
    date_skew: i64,
) -> Response<Full<Bytes>> {
    let date = UNIX_EPOCH + Duration::from_secs(unix_now().saturating_add(date_skew).max(0) as u64);
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("date", httpdate::fmt_http_date(date))
        .body(Full::new(body.into()))
        .expect("static parts form a valid response")
}

fn json_response(value: &Value, date_skew: i64) -> Response<Full<Bytes>> {
    respond(
        StatusCode::OK,
        "application/json",
        value.to_string(),
        date_skew,
    )
}

fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Emulator {
    /// Answers one HTTP request.
    pub(crate) async fn handle(&self, request: Request<Incoming>) -> Answer {
        let path = request.uri().path().to_string();
        match (request.method().clone(), path.as_str()) {
            (Method::POST, "/") => self.api(request).await,
            (Method::GET, "/_emulator/stats") => {
                Ok(json_response(&serde_json::to_value(self.stats.snapshot()).unwrap_or_default(), 0))
            }
            (Method::POST, "/_emulator/sessions") => Ok(self.create_session(request).await),
            (Method::POST, "/_emulator/reset") => {
                self.reset();
                Ok(json_response(&json!({"Reset": true}), 0))
            }
            (Method::GET, p) if p.starts_with("/_emulator/sessions/") => {
                let id = &p["/_emulator/sessions/".len()..];
                let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
                Ok(match self.sessions.describe(&id) {
                    Some(v) => json_response(&v, 0),
                    None => respond(StatusCode::NOT_FOUND, "text/plain", format!("no session {id:?}\n"), 0),
                })
            }
            _ => Ok(respond(
                StatusCode::NOT_FOUND,
                "text/plain",
                "the API is POST /; admin: GET /_emulator/stats, POST /_emulator/sessions, GET /_emulator/sessions/ID, POST /_emulator/reset\n",
                0,
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

    async fn create_session(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let body = match Limited::new(request.into_body(), 64 * 1024).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return respond(StatusCode::BAD_REQUEST, "text/plain", "body too large\n", 0),
        };
        match serde_json::from_slice::<SessionSpec>(&body) {
            Ok(spec) => {
                let id = spec.game_server_session_id.clone();
                self.sessions.put(spec);
                json_response(&json!({"Created": id}), 0)
            }
            Err(e) => respond(
                StatusCode::BAD_REQUEST,
                "text/plain",
                format!("expected {{\"GameServerSessionId\": ..., \"Capacity\": ...}}: {e}\n"),
                0,
            ),
        }
    }

    async fn api(&self, request: Request<Incoming>) -> Answer {
        self.stats.request(Instant::now());
        let fault = self.faults.draw();
        let mut date_skew = 0;
        if let Some(kind) = fault {
            self.stats.fault(kind.name());
            match kind {
                FaultKind::InternalError => {
                    return Ok(self.error_answer(
                        &ApiError::new("InternalError", "an internal error occurred (injected)"),
                        0,
                    ))
                }
                FaultKind::Http500 => {
                    self.stats.error("HTTP 500");
                    return Ok(respond(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "text/plain",
                        "internal server error (injected)\n",
                        0,
                    ));
                }
                FaultKind::Http503 => {
                    self.stats.error("HTTP 503");
                    return Ok(respond(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "text/plain",
                        "service unavailable (injected)\n",
                        0,
                    ));
                }
                FaultKind::DropConnection => return Err(DropConnection),
                FaultKind::MalformedBody => {
                    return Ok(respond(
                        StatusCode::OK,
                        "application/json",
                        "<html>upstream error</html>",
                        0,
                    ))
                }
                FaultKind::TruncatedBody => {
                    let full =
                        json!({"Response": {"PlayerSessions": [], "RequestId": request_id()}})
                            .to_string();
                    return Ok(respond(
                        StatusCode::OK,
                        "application/json",
                        full[..full.len() / 2].to_string(),
                        0,
                    ));
                }
                FaultKind::Latency => tokio::time::sleep(self.faults.config().latency).await,
                FaultKind::SkewedDate => date_skew = self.faults.config().date_skew_secs,
            }
        }
        let answer = match self.serve(request).await {
            Ok(response) => json_response(&response, date_skew),
            Err(error) => self.error_answer(&error, date_skew),
        };
        Ok(answer)
    }

    fn error_answer(&self, error: &ApiError, date_skew: i64) -> Response<Full<Bytes>> {
        self.stats.error(error.code);
        json_response(
            &json!({"Response": {"Error": {"Code": error.code, "Message": error.message}, "RequestId": request_id()}}),
            date_skew,
        )
    }

    /// The checks in order, then the action. Returns the `Response` envelope.
    async fn serve(&self, request: Request<Incoming>) -> Result<Value, ApiError> {
        let (parts, body) = request.into_parts();
        let too_large = || {
            ApiError::new(
                "RequestSizeLimitExceeded",
                format!(
                    "the request body is larger than {} bytes",
                    self.max_body_bytes
                ),
            )
        };
        let body = Limited::new(body, self.max_body_bytes)
            .collect()
            .await
            .map_err(|_| too_large())?
            .to_bytes();
        let request = Request::from_parts(parts, ());
        let get = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let presented = Presented {
            authorization: get("authorization"),
            timestamp: get("x-tc-timestamp"),
            token: get("x-tc-token"),
            content_type: get("content-type").unwrap_or_default(),
            host: get("host").unwrap_or_default(),
            body: &body,
        };
        let secret_id = self.verifier.verify(&presented, unix_now())?.to_string();

        let action_name = get("x-tc-action").unwrap_or_default();
        let action = self.rules.actions.get(action_name).ok_or_else(|| {
            ApiError::new(
                "InvalidAction",
                format!("the action {action_name:?} does not exist"),
            )
        })?;
        let version = get("x-tc-version").unwrap_or_default();
        if version != self.rules.version {
            return Err(ApiError::new(
                "NoSuchVersion",
                format!(
                    "the version {version:?} does not exist; this API is version {}",
                    self.rules.version
                ),
            ));
        }
        if get("x-tc-region").is_none_or(str::is_empty) {
            return Err(ApiError::new(
                "MissingParameter",
                "the required parameter `Region` (X-TC-Region) is missing",
            ));
        }
        let text = std::str::from_utf8(&body).map_err(|e| {
            ApiError::new(
                "InvalidParameter",
                format!("the request body is not valid UTF-8: {e}"),
            )
        })?;
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ApiError::new(
                "InvalidParameter",
                format!("the request body is not valid JSON: {e}"),
            )
        })?;
        validate::check(&self.rules, &action.request_schema, &value)?;
        let limiter = &self.limiters[&action.name];
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
        match action.name.as_str() {
            JOIN_ACTION => self.join(&value),
            other => Err(ApiError::new(
                "UnsupportedOperation",
                format!("the emulator does not implement {other}"),
            )),
        }
    }

    fn join(&self, body: &Value) -> Result<Value, ApiError> {
        let session = body["GameServerSessionId"].as_str().unwrap_or_default();
        let players: Vec<String> = body["PlayerIds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(String::from))
            .collect();
        let data = body.pointer("/PlayerDataMap/Value").and_then(Value::as_str);
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let created = self.sessions.join(session, &players, data, &now)?;
        self.stats.joined(session, created.len());
        Ok(json!({"Response": {"PlayerSessions": created, "RequestId": request_id()}}))
    }
}
