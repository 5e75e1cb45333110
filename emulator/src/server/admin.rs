//! The unsigned admin API under `/_emulator/`: the counters, creating and describing
//! sessions, a reset; and the not-found answer of every other path.

use super::answer::{closing, json_response, respond};
use super::body::read_body;
use super::state::Emulator;
use crate::actions::JOIN_ACTION;
use crate::api_error::ApiError;
use crate::clock::date_now;
use crate::sessions::{SessionSpec, ADMIN_PAGE_DEFAULT, ADMIN_PAGE_MAX};
use crate::spec_rules::SpecRules;
use crate::validate;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Body;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::fmt::Display;

/// The largest body the admin API reads.
const MAX_ADMIN_BODY_BYTES: usize = 64 * 1024;

/// Answers a request that is not the API's: `GET /_emulator/stats`, `POST
/// /_emulator/sessions`, `GET /_emulator/sessions/ID`, `POST /_emulator/reset`, or 404.
pub(crate) async fn handle<B>(state: &Emulator, request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    let path = request.uri().path().to_owned();
    let now = date_now();
    if let Some(token) = &state.admin_token {
        let given = request
            .headers()
            .get(crate::config::ADMIN_TOKEN_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !token.accepts(given) {
            return respond(
                StatusCode::UNAUTHORIZED,
                "text/plain",
                format!(
                    "the admin API needs the emulator's admin token in the {} header\n",
                    crate::config::ADMIN_TOKEN_HEADER
                ),
                &now,
            );
        }
    }
    match (request.method().clone(), path.as_str()) {
        (Method::GET, "/_emulator/stats") => json_response(
            &serde_json::to_value(state.stats.snapshot()).unwrap_or_default(),
            &now,
        ),
        (Method::POST, "/_emulator/sessions") => create_session(state, request).await,
        (Method::POST, "/_emulator/reset") => {
            state.reset();
            json_response(&json!({"Reset": true}), &now)
        }
        (Method::GET, p) if p.starts_with("/_emulator/sessions/") => {
            let id = &p["/_emulator/sessions/".len()..];
            let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
            let (after, limit) = match page_query(request.uri().query().unwrap_or_default()) {
                Ok(query) => query,
                Err(message) => {
                    return respond(StatusCode::BAD_REQUEST, "text/plain", message, &now)
                }
            };
            match state.sessions.describe_page(&id, after.as_deref(), limit) {
                Some(page) => json_response(&page.to_json(), &now),
                None => respond(
                    StatusCode::NOT_FOUND,
                    "text/plain",
                    format!("no session {id:?}\n"),
                    &now,
                ),
            }
        }
        _ => respond(
            StatusCode::NOT_FOUND,
            "text/plain",
            "the API is POST / and GET /; admin: GET /_emulator/stats, POST /_emulator/sessions, GET /_emulator/sessions/ID, POST /_emulator/reset\n",
            &now,
        ),
    }
}

/// `POST /_emulator/sessions`: creates or replaces the session of the body.
async fn create_session<B>(state: &Emulator, request: Request<B>) -> Response<Full<Bytes>>
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
        state.body_read_timeout,
    )
    .await
    {
        Ok(body) => body,
        Err(e) => {
            // The rest of the body is not read: the connection cannot carry another request.
            return closing(refuse(
                e.api_error(MAX_ADMIN_BODY_BYTES, state.body_read_timeout)
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
    if let Err(e) = check_session_id(&state.rules, &spec.game_server_session_id) {
        return refuse(e.message);
    }
    let id = spec.game_server_session_id.clone();
    if let Err(e) = state.sessions.try_put(spec) {
        return respond(
            StatusCode::CONFLICT,
            "text/plain",
            format!("POST /_emulator/sessions: {}: {}\n", e.code, e.message),
            &now,
        );
    }
    json_response(&json!({"Created": id}), &now)
}

/// Checks a session id against the limits the spec gives the join's
/// `GameServerSessionId` (1 to 256 ASCII characters in the workspace spec); at least one
/// character when the spec has no such field.
fn check_session_id(rules: &SpecRules, id: &str) -> Result<(), ApiError> {
    let field = "GameServerSessionId";
    let schema = rules.actions.get(JOIN_ACTION).and_then(|action| {
        rules
            .resolve(&action.request_schema)
            .get("properties")
            .and_then(|p| p.get(field))
    });
    match schema {
        Some(schema) => validate::check_field(rules, schema, &Value::String(id.to_owned()), field),
        None if id.is_empty() => Err(ApiError::new(
            "InvalidParameterValue",
            format!("`{field}`: 0 characters given, at least 1 required"),
        )),
        None => Ok(()),
    }
}

/// The page `GET /_emulator/sessions/ID` asks for: `after=PLAYER` (the last of the previous
/// page, its `NextAfter`) and `limit=N` (1 to [`ADMIN_PAGE_MAX`], default
/// [`ADMIN_PAGE_DEFAULT`]); an error naming the parameter otherwise.
fn page_query(query: &str) -> Result<(Option<String>, usize), String> {
    let mut after = None;
    let mut limit = ADMIN_PAGE_DEFAULT;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(&value.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned();
        match key {
            "after" => after = Some(value),
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=ADMIN_PAGE_MAX).contains(n))
                    .ok_or_else(|| {
                        format!(
                            "limit: {value:?} given, a number from 1 to {ADMIN_PAGE_MAX} required\n"
                        )
                    })?;
            }
            other => {
                return Err(format!(
                    "unknown parameter {other:?}; a page takes after=PLAYER and limit=N\n"
                ))
            }
        }
    }
    Ok((after, limit))
}
