//! Settings of one call, over the client's: headers added to its requests (and signed), its
//! attempt and overall timeouts, its retry policy. Nothing else of the client changes.

use crate::retry::RetryPolicy;
use reqwest::header::{HeaderName, HeaderValue};
use std::time::Duration;

/// Headers the client sets itself: a call cannot replace them.
const RESERVED: &[&str] = &[
    "authorization",
    "content-type",
    "host",
    "x-tc-action",
    "x-tc-version",
    "x-tc-timestamp",
    "x-tc-region",
    "x-tc-token",
    "x-tc-language",
    "x-tc-requestclient",
];

/// Settings of one call. Start from [`CallOptions::new`]; a request builder takes them with
/// its `call_options` method.
///
/// ```
/// use std::time::Duration;
/// use tc3_runtime::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .header("X-TC-TraceId", "6a1c0a0e-trace")
///     .attempt_timeout(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::never());
/// assert!(format!("{options:?}").contains("x-tc-traceid"));
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct CallOptions {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// The first header refused, as the message the call then fails with.
    pub(crate) refused: Option<String>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) overall_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// No change to the client's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds header `name: value` to every request of the call, signed (its name joins
    /// `SignedHeaders`). A name or value HTTP does not allow, or a header the client sets
    /// itself (`Authorization`, `X-TC-Action`, …), makes the call fail before anything is
    /// sent, naming it.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let refused = |problem: &str| {
            format!(
                "call option header {}: {problem}",
                crate::text::quoted(name, crate::text::MAX_SHOWN_VALUE_CHARS)
            )
        };
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| refused("not a valid HTTP header name"))
            .and_then(|n| {
                if RESERVED.contains(&n.as_str()) {
                    Err(refused("is set by the client itself"))
                } else {
                    HeaderValue::from_str(value)
                        .map(|v| (n, v))
                        .map_err(|_| refused("its value is not a valid HTTP header value"))
                }
            });
        match parsed {
            Ok(header) => {
                self.headers.retain(|(n, _)| *n != header.0);
                self.headers.push(header);
            }
            Err(message) => {
                self.refused.get_or_insert(message);
            }
        }
        self
    }

    /// The time one attempt of this call may take.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The time the whole call may take: waits, attempts and backoff.
    pub fn overall_timeout(mut self, timeout: Duration) -> Self {
        self.overall_timeout = Some(timeout);
        self
    }

    /// How this call's failed attempts are retried (the client's retry budget still applies).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_malformed_headers_are_refused_naming_them() {
        let options = CallOptions::new().header("Authorization", "x");
        assert!(options
            .refused
            .as_deref()
            .is_some_and(|m| m.contains("\"Authorization\"") && m.contains("set by the client")));
        let options = CallOptions::new().header("bad name", "x");
        assert!(options.refused.is_some());
        let options = CallOptions::new()
            .header("X-Trace", "a")
            .header("x-trace", "b");
        assert_eq!(options.headers.len(), 1, "the last value wins");
        assert_eq!(options.headers[0].1, "b");
    }
}
