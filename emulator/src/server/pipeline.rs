//! The API request pipeline, `POST /` and `GET /`: a fault drawn, the body read, then in
//! order the headers, the signature, the action and version, the region, the parameters
//! against the spec, the action's rate per SecretId (counted when the request arrived), and
//! the action itself; last, the answer (or what a fault after the action makes of it).

use super::answer::{closing, error_answer, respond, served_answer, Answer};
use super::body::read_body;
use super::call::{self, Params};
use super::headers::{check_header_text, repeated_header};
use super::injected::{self, Before};
use super::state::Emulator;
use crate::actions;
use crate::api_error::ApiError;
use crate::clock::{date_now, http_date};
use crate::lang::Language;
use crate::params;
use crate::validate;
use bytes::Bytes;
use hyper::body::Body;
use hyper::Request;
use std::fmt::Display;
use std::time::Instant;

/// Answers one API request.
pub(crate) async fn handle<B>(state: &Emulator, request: Request<B>) -> Answer
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    // The rate is the service's at its door: a request counts when it arrived, however long
    // its body, a fault or the checks before the rate then take.
    let arrived = Instant::now();
    state.stats.request(arrived);
    let now = date_now();
    let fault = state.faults.draw();
    let mut date_skew = 0;
    if let Some(kind) = fault {
        state.stats.fault(kind.name());
        match injected::before_apply(state, kind, &now).await {
            Before::Answered(answer) => return answer,
            Before::Serve { date_skew: skew } => date_skew = skew,
        }
    }
    // Everything the answer needs that can fail is made before the request can change
    // anything: a `Date` that cannot be written refuses the request untouched.
    let Some(date) = http_date(date_skew) else {
        return Ok(error_answer(
            &state.stats,
            &ApiError::new(
                "InternalError",
                format!(
                    "the Date header cannot be written: a skew of {date_skew} s puts it outside the years 1970 to 9999; nothing was changed"
                ),
            ),
            &now,
            Language::default(),
        ));
    };
    let (parts, body) = request.into_parts();
    if let Some(message) = repeated_header(&parts.headers) {
        return Ok(closing(respond(
            hyper::StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            message,
            &date,
        )));
    }
    let body = match read_body(body, state.max_body_bytes, state.body_read_timeout).await {
        Ok(body) => body,
        Err(e) => {
            // The rest of the body is not read: the connection cannot carry another request.
            let error = e.api_error(state.max_body_bytes, state.body_read_timeout);
            return Ok(closing(error_answer(
                &state.stats,
                &error,
                &date,
                Language::default(),
            )));
        }
    };
    let mut language = Language::default();
    let served = serve(state, &parts, &body, arrived, &mut language);
    match fault {
        Some(kind) if kind.after_apply() => {
            injected::after_apply(state, kind, served, &date, language).await
        }
        _ => Ok(served_answer(&state.stats, served, &date, language)),
    }
}

/// The checks in order, then the action. Returns the `Response` envelope as JSON text.
/// `language` is set to the language the request asks for as soon as it is known, so that
/// errors found after that are told in it.
fn serve(
    state: &Emulator,
    parts: &hyper::http::request::Parts,
    body: &[u8],
    arrived: Instant,
    language: &mut Language,
) -> Result<String, ApiError> {
    check_header_text(&parts.headers)?;
    match parts
        .headers
        .get("x-tc-action")
        .and_then(|a| a.to_str().ok())
    {
        Some(super::sts::ASSUME_ROLE) => {
            return super::sts::assume_role(state, parts, body, language)
        }
        Some(super::sts::ASSUME_ROLE_WITH_WEB_IDENTITY) => {
            return super::sts::assume_role_with_web_identity(state, parts, body)
        }
        _ => {}
    }
    let call = call::verify(&state.verifier, parts, body, language)?;
    let action_name = call.action.as_str();
    let action = state.rules.actions.get(action_name).ok_or_else(|| {
        ApiError::new(
            "InvalidAction",
            format!("the action {action_name:?} does not exist"),
        )
    })?;
    let version = call.version.as_str();
    if version != state.rules.version {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "the version {version:?} does not exist; this API is version {}",
                state.rules.version
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
        Params::Flat(pairs) => params::unflatten(&state.rules, &action.request_schema, pairs)?,
    };
    validate::check(&state.rules, &action.request_schema, &value)?;
    let secret_id = call.secret_id;
    let Some(limiter) = state.limiters.get(&action.name) else {
        return Err(ApiError::new(
            "InternalError",
            format!("no rate limiter for {}", action.name),
        ));
    };
    if !limiter.admit(&secret_id, arrived) {
        return Err(ApiError::new(
            "RequestLimitExceeded",
            format!(
                "{} is limited to {} requests per second per SecretId; retry later",
                action.name,
                limiter.limit()
            ),
        ));
    }
    // Sessions are per account: temporary credentials reach those of the account that
    // assumed their role.
    let account = state.verifier.owner_of(&secret_id);
    actions::dispatch(
        &action.name,
        &state.sessions,
        &state.stats,
        &account,
        &value,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::unix_now;
    use crate::config::{EmulatorConfig, DEMO_SECRET_ID, DEMO_SECRET_KEY};
    use crate::faults::{FaultConfig, FaultKind};
    use crate::sessions::SessionSpec;
    use http_body_util::{BodyExt, Full};
    use hyper::Method;
    use serde_json::{json, Value};
    use tc3_runtime::credentials::Credentials;
    use tc3_runtime::signing::Signer;

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
            .header("x-tc-action", actions::JOIN_ACTION)
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
        let state = Emulator::from_config(&config).unwrap();

        let answer =
            envelope(handle(&state, signed_join("gssess-unit", &["p1", "p2"])).await).await;
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
        let state = Emulator::from_config(&config).unwrap();
        let answer =
            envelope(handle(&state, signed_join("gssess-unit", &["p1", "p2"])).await).await;
        assert_eq!(
            answer["PlayerSessions"].as_array().map(Vec::len),
            Some(2),
            "{answer}"
        );
        assert_eq!(state.sessions.all_players().len(), 2);
    }
}
