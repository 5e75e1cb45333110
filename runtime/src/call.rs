//! One call of an action, end to end: serialize the body once, then for each attempt wait for
//! the rate limiter, sign, send with the attempt timeout, read the envelope; retry where the
//! policy allows, correct the clock once on SignatureExpire, and stop at the overall timeout.
//! Each call and each attempt has a `tracing` span (action, attempt, request id, error code).

use crate::client::{Runtime, SIGNATURE_EXPIRE};
use crate::error::{Error, TimeoutScope};
use crate::service::{Action, ServiceCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::time::SystemTime;
use tracing::field::Empty;
use tracing::Instrument;

/// A failed attempt, with the service's clock when it sent one.
struct Failure<C> {
    error: Error<C>,
    server_date: Option<SystemTime>,
}

impl<C> From<Error<C>> for Failure<C> {
    fn from(error: Error<C>) -> Self {
        Self {
            error,
            server_date: None,
        }
    }
}

impl Runtime {
    /// Calls `action` with `body` and returns the inner `Response` as `T`, or a typed error
    /// whose codes are `C`.
    pub async fn call<T: DeserializeOwned, C: ServiceCode>(
        &self,
        http: &reqwest::Client,
        action: &'static Action,
        body: &impl serde::Serialize,
    ) -> Result<T, Error<C>> {
        let body = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_request(format!("the request cannot be serialized: {e}"))
        })?;
        let body = bytes::Bytes::from(body);
        let url = &self.action_url;
        let span = tracing::info_span!(
            "tc3.call",
            service = self.service().name,
            action = action.name,
            attempts = Empty,
            request_id = Empty,
            error_code = Empty
        );
        let work = self.attempts::<T, C>(http, url, action, &body);
        let result =
            match tokio::time::timeout(self.overall_timeout, work.instrument(span.clone())).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    scope: TimeoutScope::Overall,
                    after: self.overall_timeout,
                    source: None,
                }),
            };
        if let Err(error) = &result {
            if let Some(code) = error.code() {
                span.record("error_code", code.as_str());
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            span.in_scope(|| tracing::debug!(error = %error, "call failed"));
        }
        result
    }

    async fn attempts<T: DeserializeOwned, C: ServiceCode>(
        &self,
        http: &reqwest::Client,
        url: &reqwest::Url,
        action: &'static Action,
        body: &bytes::Bytes,
    ) -> Result<T, Error<C>> {
        let mut attempt = 0;
        let mut retries = 0;
        let mut skew_corrected = false;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let failure = match self.attempt::<T, C>(http, url, action, body, attempt).await {
                Ok((value, request_id)) => {
                    self.budget.refund();
                    tracing::Span::current().record("request_id", request_id.as_str());
                    return Ok(value);
                }
                Err(failure) => failure,
            };
            let skewed = failure.error.code().map(ServiceCode::as_str) == Some(SIGNATURE_EXPIRE);
            if let (true, false, Some(server_now)) = (skewed, skew_corrected, failure.server_date) {
                skew_corrected = true;
                match self.learn_server_time(server_now) {
                    Ok(skew) => {
                        tracing::warn!(
                            skew_seconds = skew,
                            "the local clock is off; retrying once with the service's time"
                        );
                        continue;
                    }
                    Err(skew) => tracing::warn!(
                        skew_seconds = skew,
                        max_seconds = crate::client::MAX_CLOCK_CORRECTION.as_secs(),
                        "the service's Date header is implausibly far from the local clock; not corrected"
                    ),
                }
            }
            retries += 1;
            if !(self
                .retry
                .allows(&failure.error, attempt - u32::from(skew_corrected))
                && self.budget.withdraw())
            {
                return Err(failure.error);
            }
            let wait = self.retry.backoff(retries);
            tracing::info!(error = %failure.error, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt<T: DeserializeOwned, C: ServiceCode>(
        &self,
        http: &reqwest::Client,
        url: &reqwest::Url,
        action: &'static Action,
        body: &bytes::Bytes,
        attempt: u32,
    ) -> Result<(T, String), Failure<C>> {
        let span = tracing::info_span!(
            "tc3.attempt",
            attempt,
            status = Empty,
            request_id = Empty,
            error_code = Empty
        );
        async move {
            let credentials = self.credentials().await.map_err(|e| Error::Signing {
                message: e.to_string(),
            })?;
            if let Some(pacer) = self.limiters.get(action.name) {
                pacer
                    .wait(credentials.secret_id())
                    .await
                    .map_err(|message| Error::RateLimiter { message })?;
            }
            let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
            let headers = request.headers_mut();
            headers.insert(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static("application/json"),
            );
            headers.insert(
                reqwest::header::HeaderName::from_static("x-tc-action"),
                reqwest::header::HeaderValue::from_static(action.name),
            );
            headers.insert(
                reqwest::header::HeaderName::from_static("x-tc-version"),
                reqwest::header::HeaderValue::from_static(self.service().version),
            );
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
            *request.timeout_mut() = Some(self.attempt_timeout);
            self.sign_with(&mut request, &credentials)
                .map_err(|e| Error::Signing {
                    message: e.to_string(),
                })?;
            let response = http
                .execute(request)
                .await
                .map_err(|e| self.transport_error(e))?;
            let status = response.status();
            tracing::Span::current().record("status", status.as_u16());
            let server_date = response
                .headers()
                .get(reqwest::header::DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok());
            let bytes = self.read_capped(response).await?;
            let parsed = read_answer::<T, C>(status.as_u16(), &bytes).map_err(|mut error| {
                if let Error::Api { code, hint, .. } = &mut error {
                    *hint = action.hint_for(code.as_str());
                }
                error
            });
            let span = tracing::Span::current();
            match &parsed {
                Ok((_, id)) => {
                    span.record("request_id", id.as_str());
                }
                Err(error) => {
                    if let Some(id) = error.request_id() {
                        span.record("request_id", id);
                    }
                    if let Some(code) = error.code() {
                        span.record("error_code", code.as_str());
                    }
                }
            }
            tracing::debug!(ok = parsed.is_ok(), "attempt finished");
            parsed.map_err(|error| Failure { error, server_date })
        }
        .instrument(span)
        .await
    }

    /// The answer's body, at most `max_answer_bytes` of it: a larger one is not read further.
    async fn read_capped<C>(&self, mut response: reqwest::Response) -> Result<Vec<u8>, Failure<C>> {
        let cap = self.max_answer_bytes;
        let too_large = || -> Failure<C> {
            Error::MalformedResponse {
                request_id: None,
                detail: format!(
                    "the answer is larger than the client's cap of {cap} bytes \
                     (max_answer_bytes); the rest was not read"
                ),
            }
            .into()
        };
        let declared = response.content_length().unwrap_or(0);
        if declared > cap as u64 {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e))?
        {
            if chunk.len() > cap - body.len() {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn transport_error<C>(&self, e: reqwest::Error) -> Failure<C> {
        let error = if e.is_timeout() && e.is_connect() {
            Error::Timeout {
                scope: TimeoutScope::Connect,
                after: self.connect_timeout,
                source: Some(Box::new(e)),
            }
        } else if e.is_timeout() {
            Error::Timeout {
                scope: TimeoutScope::Attempt,
                after: self.attempt_timeout,
                source: Some(Box::new(e)),
            }
        } else {
            Error::Transport {
                request_sent: !e.is_connect(),
                message: error_chain(&e),
                source: Some(Box::new(e)),
            }
        };
        error.into()
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "Response", borrow)]
    response: &'a serde_json::value::RawValue,
}

/// The parts of the inner `Response` every answer has, read leniently: a field of an
/// unexpected type is treated as absent rather than failing the whole answer.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Error", default)]
    error: Option<serde_json::Value>,
    #[serde(rename = "RequestId", default)]
    request_id: Option<serde_json::Value>,
}

fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut cut: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        cut.push('…');
    }
    cut
}

/// Reads an answer: the inner `Response` as `T` and its request id, or the error it holds.
/// Never panics, whatever the bytes.
pub fn read_answer<T: DeserializeOwned, C: ServiceCode>(
    status: u16,
    bytes: &[u8],
) -> Result<(T, String), Error<C>> {
    let envelope = serde_json::from_slice::<Envelope<'_>>(bytes);
    let probe = envelope
        .as_ref()
        .ok()
        .and_then(|e| serde_json::from_str::<Probe>(e.response.get()).ok());
    let request_id = probe
        .as_ref()
        .and_then(|p| p.request_id.as_ref())
        .and_then(|id| id.as_str())
        .map(String::from);
    if status != 200 {
        return Err(Error::HttpStatus {
            status,
            request_id,
            body: snippet(bytes),
        });
    }
    let envelope = envelope.map_err(|e| Error::MalformedResponse {
        request_id: None,
        detail: format!("{e}; the body starts {:?}", snippet(bytes)),
    })?;
    let Some(probe) = probe else {
        return Err(Error::MalformedResponse {
            request_id: None,
            detail: "`Response` is not an object".to_string(),
        });
    };
    match probe.error {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(error)) => {
            let text = |key: &str| error.get(key).and_then(|v| v.as_str()).unwrap_or_default();
            return Err(Error::Api {
                code: C::parse(text("Code")),
                message: text("Message").to_string(),
                request_id: request_id.unwrap_or_default(),
                hint: None,
            });
        }
        Some(other) => {
            return Err(Error::MalformedResponse {
                request_id,
                detail: format!("`Error` is not an object: {other}"),
            })
        }
    }
    let request_id = request_id.ok_or_else(|| Error::MalformedResponse {
        request_id: None,
        detail: "the answer has no RequestId".to_string(),
    })?;
    let value = serde_json::from_str::<T>(envelope.response.get()).map_err(|e| {
        Error::MalformedResponse {
            request_id: Some(request_id.clone()),
            detail: e.to_string(),
        }
    })?;
    Ok((value, request_id))
}
