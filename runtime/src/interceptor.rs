//! Hooks around each attempt: before signing (add headers; they are signed) and after the
//! attempt (what happened: status, code, request id, latency). Give them to the client builder
//! with `interceptor(..)`; every call of the client runs them, in the order given.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// What a hook before signing may change: the attempt's headers.
#[non_exhaustive]
pub struct BeforeSigning<'a> {
    /// The action (`X-TC-Action`).
    pub action: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) signed: &'a mut Vec<HeaderName>,
    pub(crate) refused: &'a mut Option<String>,
}

impl fmt::Debug for BeforeSigning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BeforeSigning")
            .field("action", &self.action)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl BeforeSigning<'_> {
    /// Adds header `name: value` to this attempt, signed, as [`crate::CallOptions::header`]
    /// does (a header the client sets itself, or one HTTP does not allow, fails the call
    /// before anything is sent, naming it).
    pub fn header(&mut self, name: &str, value: &str) {
        let options = crate::CallOptions::new().header(name, value);
        if let Some(message) = options.refused {
            self.refused.get_or_insert(message);
            return;
        }
        for (name, value) in options.headers {
            self.headers.insert(name.clone(), value);
            if !self.signed.contains(&name) {
                self.signed.push(name);
            }
        }
    }

    /// The value of header `name` as it stands, if it is text.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    }
}

/// What one attempt did.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptReport<'a> {
    /// The service's name (`x-tc-service`).
    pub service: &'static str,
    /// The action (`X-TC-Action`).
    pub action: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The service's error code, when it answered with one.
    pub error_code: Option<&'a str>,
    /// The request id, when the answer held one.
    pub request_id: Option<&'a str>,
    /// From sending to the end of the answer (or the failure).
    pub latency: Duration,
    /// Whether the attempt succeeded.
    pub ok: bool,
}

/// Hooks around each attempt of every call of a client. Both have empty defaults: implement
/// the ones you need.
///
/// ```
/// use tc3_runtime::interceptor::{AttemptReport, BeforeSigning, Interceptor};
///
/// #[derive(Debug)]
/// struct TraceIds;
///
/// impl Interceptor for TraceIds {
///     fn before_signing(&self, request: &mut BeforeSigning<'_>) {
///         request.header("X-TC-TraceId", "3f6c1d7e-example");
///     }
///
///     fn after_attempt(&self, report: &AttemptReport<'_>) {
///         println!("{} attempt {}: {:?} in {:?}", report.action, report.attempt, report.status, report.latency);
///     }
/// }
/// ```
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Before each attempt is signed.
    fn before_signing(&self, request: &mut BeforeSigning<'_>) {
        let _ = request;
    }

    /// After each attempt.
    fn after_attempt(&self, report: &AttemptReport<'_>) {
        let _ = report;
    }
}
