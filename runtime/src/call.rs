//! One call of an action, end to end: serialize the body once, then for each attempt wait for
//! the rate limiter, sign, send with the attempt timeout, read the envelope; retry where the
//! policy allows, correct the clock once on SignatureExpire, and stop at the overall timeout.
//! Each call and each attempt has a `tracing` span (action, attempt, request id, error code).

use crate::answer::read_answer;
use crate::call_options::CallOptions;
use crate::defaults;
use crate::error::{Error, TimeoutScope};
use crate::interceptor::{AttemptReport, BeforeSigning};
use crate::runtime::{Runtime, SIGNATURE_EXPIRE};
use crate::service::{Action, ServiceCode};
use crate::signing::sign_headers;
use crate::telemetry;
use crate::transport::{TransportError, WireRequest};
use crate::wire_trace;
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant, SystemTime};
use tracing::field::Empty;
use tracing::Instrument;

/// Whether a call has sent a request that may have taken effect: one in flight, or one whose
/// failure left its effect unknown.
#[derive(Default)]
struct Progress {
    in_flight: std::sync::atomic::AtomicBool,
    applied: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn may_have_applied(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.in_flight.load(Relaxed) || self.applied.load(Relaxed)
    }

    /// An attempt is handed to the transport.
    fn sending(&self) {
        self.in_flight
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// An attempt ended; `applied` when its failure may have taken effect.
    fn ended(&self, applied: bool) {
        use std::sync::atomic::Ordering::Relaxed;
        if applied {
            self.applied.store(true, Relaxed);
        }
        self.in_flight.store(false, Relaxed);
    }
}

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
        action: &'static Action,
        body: &impl serde::Serialize,
        options: &CallOptions,
    ) -> Result<T, Error<C>> {
        if let Some(message) = &options.refused {
            return Err(Error::invalid_request(message.clone()));
        }
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
        let overall = options.overall_timeout.unwrap_or(self.overall_timeout);
        let started = Instant::now();
        let progress = Progress::default();
        let work = self.attempts::<T, C>(url, action, &body, options, &progress);
        let result = match tokio::time::timeout(overall, work.instrument(span.clone())).await {
            Ok(result) => result,
            // Unknown only if a request that may have taken effect was sent: a call that ran
            // out of time waiting for its pacer or between retries of refusals sent nothing.
            Err(_) => Err(Error::Timeout {
                scope: if progress.may_have_applied() {
                    TimeoutScope::Overall
                } else {
                    TimeoutScope::OverallNothingApplied
                },
                after: overall,
                source: None,
            }),
        };
        telemetry::call(
            self.service.name,
            action.name,
            result.is_ok(),
            result
                .as_ref()
                .err()
                .is_some_and(Error::may_have_taken_effect),
            started.elapsed(),
        );
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
        url: &reqwest::Url,
        action: &'static Action,
        body: &bytes::Bytes,
        options: &CallOptions,
        progress: &Progress,
    ) -> Result<T, Error<C>> {
        let retry = options.retry.as_ref().unwrap_or(&self.retry);
        let mut attempt = 0;
        let mut retries = 0;
        let mut skew_corrected = false;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let failure = match self
                .attempt::<T, C>(url, action, body, attempt, options, progress)
                .await
            {
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
                        telemetry::retry(self.service.name, action.name, "clock_skew");
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
            if !(retry.allows(&failure.error, attempt - u32::from(skew_corrected))
                && self.budget.withdraw())
            {
                return Err(failure.error);
            }
            let reason = if failure.error.is_throttling() {
                "throttled"
            } else if failure.error.may_have_taken_effect() {
                "effect_unknown"
            } else {
                "not_sent"
            };
            telemetry::retry(self.service.name, action.name, reason);
            let wait = retry.backoff(retries);
            tracing::info!(error = %failure.error, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt<T: DeserializeOwned, C: ServiceCode>(
        &self,
        url: &reqwest::Url,
        action: &'static Action,
        body: &bytes::Bytes,
        attempt: u32,
        options: &CallOptions,
        progress: &Progress,
    ) -> Result<(T, String), Failure<C>> {
        let attempt_timeout = options.attempt_timeout.unwrap_or(self.attempt_timeout);
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
                let waiting = Instant::now();
                let paced = pacer.wait(credentials.secret_id()).await;
                telemetry::limiter_wait(self.service.name, action.name, waiting.elapsed());
                #[cfg(feature = "redis")]
                paced.map_err(|message| Error::RateLimiter { message })?;
                #[cfg(not(feature = "redis"))]
                let _ = paced;
            }
            let mut request = WireRequest {
                method: reqwest::Method::POST,
                url: url.clone(),
                headers: self.base_headers(action),
                body: body.clone(),
                timeout: attempt_timeout,
            };
            let mut signed = Vec::with_capacity(options.headers.len());
            for (name, value) in &options.headers {
                request.headers.insert(name.clone(), value.clone());
                signed.push(name.clone());
            }
            if !self.interceptors.is_empty() {
                let mut refused = None;
                let mut hook = BeforeSigning {
                    action: action.name,
                    attempt,
                    headers: &mut request.headers,
                    signed: &mut signed,
                    refused: &mut refused,
                };
                for interceptor in self.interceptors.iter() {
                    interceptor.before_signing(&mut hook);
                }
                if let Some(message) = refused {
                    return Err(Error::invalid_request(message).into());
                }
            }
            sign_headers(
                &mut request.headers,
                &request.url,
                &request.body,
                &self.signer,
                &credentials,
                self.timestamp(),
                self.context(),
                &signed,
            )
            .map_err(|source| Error::Signing { source })?;
            tracing::debug!(
                secret_id = credentials.secret_id(),
                url = %request.url,
                "signed request"
            );
            wire_trace::request(&request);
            let sent_at = Instant::now();
            progress.sending();
            let response = match self.transport.send(request, self.max_answer_bytes).await {
                Ok(response) => response,
                Err(e) => {
                    let failure = self.transport_error(e, attempt_timeout);
                    progress.ended(failure.error.may_have_taken_effect());
                    self.report_attempt(action, attempt, None, &failure.error, sent_at);
                    return Err(failure);
                }
            };
            wire_trace::response(&response);
            let status = response.status;
            tracing::Span::current().record("status", status);
            let server_date = response
                .headers
                .get(reqwest::header::DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok());
            let bytes = response.body;
            let parsed = read_answer::<T, C>(status, &bytes).map_err(|mut error| {
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
            progress.ended(
                parsed
                    .as_ref()
                    .err()
                    .is_some_and(Error::may_have_taken_effect),
            );
            match &parsed {
                Ok((_, id)) => self.report_success(action, attempt, status, id, sent_at),
                Err(error) => self.report_attempt(action, attempt, Some(status), error, sent_at),
            }
            parsed.map_err(|error| Failure { error, server_date })
        }
        .instrument(span)
        .await
    }

    /// Tells the interceptors (and the metrics) about a failed attempt.
    fn report_attempt<C: ServiceCode>(
        &self,
        action: &'static Action,
        attempt: u32,
        status: Option<u16>,
        error: &Error<C>,
        sent_at: Instant,
    ) {
        let report = AttemptReport {
            service: self.service.name,
            action: action.name,
            attempt,
            status,
            error_code: error.code().map(ServiceCode::as_str),
            request_id: error.request_id(),
            latency: sent_at.elapsed(),
            ok: false,
        };
        telemetry::attempt(&report);
        for interceptor in self.interceptors.iter() {
            interceptor.after_attempt(&report);
        }
    }

    /// Tells the interceptors (and the metrics) about a successful attempt.
    fn report_success(
        &self,
        action: &'static Action,
        attempt: u32,
        status: u16,
        request_id: &str,
        sent_at: Instant,
    ) {
        let report = AttemptReport {
            service: self.service.name,
            action: action.name,
            attempt,
            status: Some(status),
            error_code: None,
            request_id: Some(request_id),
            latency: sent_at.elapsed(),
            ok: true,
        };
        telemetry::attempt(&report);
        for interceptor in self.interceptors.iter() {
            interceptor.after_attempt(&report);
        }
    }

    fn transport_error<C>(&self, e: TransportError, attempt_timeout: Duration) -> Failure<C> {
        let error = match e {
            TransportError::ConnectTimeout(source) => Error::Timeout {
                scope: TimeoutScope::Connect,
                after: self.connect_timeout,
                source: Some(source),
            },
            TransportError::Timeout(source) => Error::Timeout {
                scope: TimeoutScope::Attempt,
                after: attempt_timeout,
                source: Some(source),
            },
            TransportError::TooLarge { .. } => Error::MalformedResponse {
                request_id: None,
                detail: e.to_string(),
                source: Some(Box::new(e)),
            },
            TransportError::Connect(source) => Error::Transport {
                request_sent: false,
                source,
            },
            TransportError::AfterSend(source) => Error::Transport {
                request_sent: true,
                source,
            },
        };
        error.into()
    }
}
