//! Writing answers: status, `Content-Type` and `Date`; a served request's `Response`
//! envelope or its error's; `Connection: close`; and dropping the connection unanswered.

use crate::api_error::ApiError;
use crate::lang::Language;
use crate::request_id::request_id;
use crate::stats::Stats;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE, DATE};
use hyper::{Response, StatusCode};
use serde_json::{json, Value};

/// The service closes the connection without answering (a dropped-connection fault).
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// An answer, or the connection dropped without one.
pub(crate) type Answer = Result<Response<Full<Bytes>>, DropConnection>;

/// An answer with this status, `Content-Type`, body and `Date`.
pub(crate) fn respond(
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

/// A JSON answer of `value`.
pub(crate) fn json_response(value: &Value, date: &HeaderValue) -> Response<Full<Bytes>> {
    json_text_response(value.to_string(), date)
}

/// An answer whose body is JSON text already serialized.
pub(crate) fn json_text_response(text: String, date: &HeaderValue) -> Response<Full<Bytes>> {
    respond(StatusCode::OK, "application/json", text, date)
}

/// `response` with `Connection: close`.
pub(crate) fn closing(mut response: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The answer of a served request: its `Response` envelope (JSON text), or its error's.
pub(crate) fn served_answer(
    stats: &Stats,
    served: Result<String, ApiError>,
    date: &HeaderValue,
    language: Language,
) -> Response<Full<Bytes>> {
    match served {
        Ok(response) => json_text_response(response, date),
        Err(error) => error_answer(stats, &error, date, language),
    }
}

/// The `Response.Error` envelope of `error`, its message in `language`; counts the error.
pub(crate) fn error_answer(
    stats: &Stats,
    error: &ApiError,
    date: &HeaderValue,
    language: Language,
) -> Response<Full<Bytes>> {
    stats.error(error.code);
    json_response(
        &json!({"Response": {"Error": {"Code": error.code, "Message": language.message(error)}, "RequestId": request_id()}}),
        date,
    )
}
