//! One call of an action, end to end: serialize the body once, then for each attempt wait for
//! the rate limiter, sign, send with the attempt timeout, read the envelope; retry where the
//! policy allows, correct the clock once on SignatureExpire, and stop at the overall timeout.
//! Each call and each attempt has a `tracing` span (action, attempt, request id, error code).

use crate::answer::read_answer;
use crate::defaults;
use crate::error::{Error, TimeoutScope};
use crate::runtime::{Runtime, SIGNATURE_EXPIRE};
use crate::service::{Action, ServiceCode};
use serde::de::DeserializeOwned;
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
    pub(crate) async fn call<T: DeserializeOwned, C: ServiceCode>(
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
                        max_seconds = defaults::MAX_CLOCK_CORRECTION.as_secs(),
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
            let credentials = self
                .credentials()
                .await
                .map_err(|source| Error::Credentials { source })?;
            if let Some(pacer) = self.limiters.get(action.name) {
                let paced = pacer.wait(credentials.secret_id()).await;
                #[cfg(feature = "redis")]
                paced.map_err(|message| Error::RateLimiter { message })?;
                #[cfg(not(feature = "redis"))]
                let _ = paced;
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
                .map_err(|source| Error::Signing { source })?;
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
                source: None,
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
                source: Box::new(e),
            }
        };
        error.into()
    }
}
