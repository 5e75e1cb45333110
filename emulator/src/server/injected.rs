//! What an injected fault does to a request: before it is read (an answer in its place, a
//! delay, a skewed `Date`), or after it was served (its answer lost, broken or late).

use super::answer::{error_answer, respond, served_answer, Answer, DropConnection};
use super::state::Emulator;
use crate::api_error::ApiError;
use crate::faults::FaultKind;
use crate::lang::Language;
use crate::request_id::request_id;
use hyper::header::HeaderValue;
use hyper::StatusCode;
use serde_json::json;

/// What is left to do after a fault drawn before the request is read.
pub(crate) enum Before {
    /// Nothing: this is the answer, and the request is not served.
    Answered(Answer),
    /// Serve the request, its answer's `Date` this many seconds off the clock.
    Serve {
        /// Seconds from the clock.
        date_skew: i64,
    },
}

/// Applies `kind` before the request is read; `now` is the `Date` of an answer in its place.
pub(crate) async fn before_apply(state: &Emulator, kind: FaultKind, now: &HeaderValue) -> Before {
    let answered = match kind {
        FaultKind::InternalError => Ok(error_answer(
            &state.stats,
            &ApiError::new("InternalError", "an internal error occurred (injected)"),
            now,
            Language::default(),
        )),
        FaultKind::Http500 => {
            state.stats.error("HTTP 500");
            Ok(respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                "internal server error (injected)\n",
                now,
            ))
        }
        FaultKind::Http503 => {
            state.stats.error("HTTP 503");
            Ok(respond(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain",
                "service unavailable (injected)\n",
                now,
            ))
        }
        FaultKind::DropConnection => Err(DropConnection),
        FaultKind::MalformedBody => Ok(respond(
            StatusCode::OK,
            "application/json",
            "<html>upstream error</html>",
            now,
        )),
        FaultKind::TruncatedBody => {
            let full =
                json!({"Response": {"PlayerSessions": [], "RequestId": request_id()}}).to_string();
            Ok(respond(
                StatusCode::OK,
                "application/json",
                full.get(..full.len() / 2).unwrap_or_default().to_owned(),
                now,
            ))
        }
        FaultKind::Latency => {
            tokio::time::sleep(state.faults.config().latency).await;
            return Before::Serve { date_skew: 0 };
        }
        FaultKind::SkewedDate => {
            return Before::Serve {
                date_skew: state.faults.config().date_skew_secs,
            }
        }
        // Served first; the answer is lost after.
        FaultKind::DropAfterApply
        | FaultKind::Http500AfterApply
        | FaultKind::TruncatedAfterApply
        | FaultKind::LatencyAfterApply => return Before::Serve { date_skew: 0 },
    };
    Before::Answered(answered)
}

/// The answer of a request `served` under `kind`, a fault drawn to strike after it was
/// served ([`FaultKind::after_apply`]); `date` and `language` are the served request's.
pub(crate) async fn after_apply(
    state: &Emulator,
    kind: FaultKind,
    served: Result<String, ApiError>,
    date: &HeaderValue,
    language: Language,
) -> Answer {
    match (kind, served) {
        (FaultKind::DropAfterApply, _) => Err(DropConnection),
        (FaultKind::Http500AfterApply, _) => {
            state.stats.error("HTTP 500");
            Ok(respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                "internal server error (injected after the request was served)\n",
                date,
            ))
        }
        (FaultKind::TruncatedAfterApply, Ok(full)) => Ok(respond(
            StatusCode::OK,
            "application/json",
            full.get(..full.len() / 2).unwrap_or_default().to_owned(),
            date,
        )),
        (FaultKind::LatencyAfterApply, served) => {
            tokio::time::sleep(state.faults.config().latency_after_apply).await;
            Ok(served_answer(&state.stats, served, date, language))
        }
        (_, served) => Ok(served_answer(&state.stats, served, date, language)),
    }
}
