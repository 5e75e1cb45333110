//! The error one call returns: what went wrong, the service's code and request id when it
//! answered, and whether the request may have reached the service.
//!
//! Every variant is `#[non_exhaustive]`, and so is the enum: a later release may add a
//! variant or a field without breaking a `match` (match with `..` and a `_` arm). Causes are
//! kept for [`std::error::Error::source`].

use crate::credentials::CredentialsError;
use crate::service::ServiceCode;
use crate::signing::SigningError;
use crate::text::{shown, MAX_SHOWN_CHARS};
use std::fmt;
use std::time::Duration;

/// The cause of a transport failure, a timeout or an unreadable answer, kept for
/// [`std::error::Error::source`].
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Which timeout ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutScope {
    /// Opening the connection (nothing was sent).
    Connect,
    /// One attempt (the request may have reached the service).
    Attempt,
    /// The whole call, waits and retries included, after a request that may have taken
    /// effect was sent.
    Overall,
    /// The whole call, while it waited for its pacer, its credentials or a retry of a refusal:
    /// nothing that may have taken effect was sent, so it is safe to send again.
    OverallNothingApplied,
}

/// Why a call failed. `C` is the service's error-code type (the generated `ErrorCode`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<C = String> {
    /// The request breaks a limit of the spec or misses a field; nothing was sent.
    #[non_exhaustive]
    InvalidRequest {
        /// Names the field, the limit and the value given.
        message: String,
    },
    /// No usable credentials could be had; nothing was sent.
    #[non_exhaustive]
    Credentials {
        /// Why (never a secret).
        source: CredentialsError,
    },
    /// The request could not be signed; nothing was sent.
    #[non_exhaustive]
    Signing {
        /// Why.
        source: SigningError,
    },
    /// The service answered with an error in the `Response` envelope.
    #[non_exhaustive]
    Api {
        /// The error code, e.g. `ErrorCode::InvalidParameterValue`.
        code: C,
        /// The service's message.
        message: String,
        /// The request's id, to quote when reporting a problem.
        request_id: String,
        /// What the spec advises after this code on this action, if it says.
        hint: Option<&'static str>,
    },
    /// The service answered with an HTTP status other than 200.
    #[non_exhaustive]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The request id, if the body held one.
        request_id: Option<String>,
        /// The start of the body.
        body: String,
    },
    /// The answer was not the JSON envelope expected (malformed, truncated, wrong shape, too
    /// large).
    #[non_exhaustive]
    MalformedResponse {
        /// The request id, if one could be read.
        request_id: Option<String>,
        /// What was wrong.
        detail: String,
        /// The parser's or the transport's error, when one reported it.
        source: Option<Cause>,
    },
    /// A timeout ran out.
    #[non_exhaustive]
    Timeout {
        /// Which one.
        scope: TimeoutScope,
        /// Its length.
        after: Duration,
        /// The transport's error, when the transport reported the timeout.
        source: Option<Cause>,
    },
    /// The connection failed.
    #[non_exhaustive]
    Transport {
        /// False when it failed before the request was written (nothing reached the service).
        request_sent: bool,
        /// The transport's error.
        source: Cause,
    },
    /// The shared rate limit could not be reached, and the client is set to fail then;
    /// nothing was sent.
    #[cfg(feature = "redis")]
    #[non_exhaustive]
    RateLimiter {
        /// What went wrong (never a password).
        message: String,
    },
}

impl<C: ServiceCode> Error<C> {
    /// An invalid-request error with this message (nothing was sent).
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
        }
    }

    /// The service's error code, when it answered with one.
    pub fn code(&self) -> Option<&C> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The request id, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. } => Some(request_id),
            Self::HttpStatus { request_id, .. } | Self::MalformedResponse { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    fn family(&self) -> Option<&str> {
        self.code().map(ServiceCode::family)
    }

    /// The service refused the request for its rate (`RequestLimitExceeded` and sub-codes, or
    /// an HTTP 429 from a gateway in front of it).
    pub fn is_throttling(&self) -> bool {
        self.family() == Some("RequestLimitExceeded")
            || matches!(self, Self::HttpStatus { status: 429, .. })
    }

    /// The credentials or the signature were refused (`AuthFailure.*`), or none could be had.
    pub fn is_authentication(&self) -> bool {
        matches!(self, Self::Credentials { .. } | Self::Signing { .. })
            || self.family() == Some("AuthFailure")
    }

    /// The request itself is wrong: fix it rather than retry.
    pub fn is_client_error(&self) -> bool {
        match self {
            Self::InvalidRequest { .. } => true,
            Self::Api { code, .. } => matches!(
                code.family(),
                "InvalidParameter"
                    | "InvalidParameterValue"
                    | "MissingParameter"
                    | "UnknownParameter"
                    | "InvalidAction"
                    | "NoSuchVersion"
                    | "RequestSizeLimitExceeded"
                    | "UnsupportedOperation"
                    | "UnsupportedRegion"
            ),
            _ => false,
        }
    }

    /// Retrying cannot do anything twice: the service guarantees nothing happened
    /// (throttling, a connection that failed before the request was written, a connect
    /// timeout).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { request_sent, .. } => !request_sent,
            Self::Timeout { scope, .. } => {
                matches!(
                    scope,
                    TimeoutScope::Connect | TimeoutScope::OverallNothingApplied
                )
            }
            _ => self.is_throttling(),
        }
    }

    /// The request may have reached the service and taken effect though the call failed
    /// (timeouts, 5xx, InternalError, dropped connections, unreadable answers): check the
    /// state before sending it again.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Self::Transport { request_sent, .. } => *request_sent,
            Self::Timeout { scope, .. } => !matches!(
                scope,
                TimeoutScope::Connect | TimeoutScope::OverallNothingApplied
            ),
            Self::HttpStatus { status, .. } => *status >= 500,
            Self::MalformedResponse { .. } => true,
            Self::Api { code, .. } => matches!(
                code.family(),
                "InternalError" | "ServiceUnavailable" | "FailedOperation"
            ),
            _ => false,
        }
    }

    /// What to do next, in one sentence: the spec's hint for the code when it gives one.
    pub fn hint(&self) -> &'static str {
        if let Self::Api {
            hint: Some(hint), ..
        } = self
        {
            return hint;
        }
        #[cfg(feature = "redis")]
        if let Self::RateLimiter { .. } = self {
            return "bring the shared rate limit's Redis back, or let calls fall back to a local share";
        }
        if self.is_throttling() {
            "slow down: lower the client's rate or spread calls over more time"
        } else if self.is_authentication() {
            "check the SecretId, SecretKey and token, and the machine's clock"
        } else if self.is_client_error() {
            "fix the request; sending it again unchanged will fail again"
        } else if self.family() == Some("ResourceNotFound") {
            "check the ids the request names: the service does not know one of them"
        } else if self.family() == Some("ResourceInsufficient") {
            "the resource has too little capacity for the request: ask for less, or use another"
        } else if self.family() == Some("ResourceUnavailable") {
            "the resource is not available now: use another, or try later"
        } else if self.may_have_taken_effect() {
            "the request may have taken effect: check the state before sending it again"
        } else if self.is_retryable() {
            "nothing reached the service: it is safe to send again"
        } else {
            "see the message and the request id"
        }
    }
}

/// The error and its causes, each after a `: `.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

impl<C: ServiceCode> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let max = MAX_SHOWN_CHARS;
        match self {
            Self::InvalidRequest { message } => {
                write!(f, "invalid request, nothing sent: {message}")
            }
            Self::Credentials { source } => {
                write!(f, "cannot sign the request: {source}; {}", self.hint())
            }
            Self::Signing { source } => write!(f, "cannot sign the request: {source}"),
            Self::Api {
                code,
                message,
                request_id,
                ..
            } => write!(
                f,
                "{}: {} (RequestId {}); {}",
                shown(code.as_str(), max),
                shown(message, max),
                shown(request_id, max),
                self.hint()
            ),
            Self::HttpStatus {
                status,
                request_id,
                body,
            } => {
                write!(f, "HTTP {status} from the service")?;
                if let Some(id) = request_id {
                    write!(f, " (RequestId {})", shown(id, max))?;
                }
                write!(f, ": {}; {}", shown(body, max), self.hint())
            }
            Self::MalformedResponse {
                request_id, detail, ..
            } => {
                write!(
                    f,
                    "the answer is not the expected JSON envelope: {}",
                    shown(detail, max)
                )?;
                if let Some(id) = request_id {
                    write!(f, " (RequestId {})", shown(id, max))?;
                }
                write!(f, "; {}", self.hint())
            }
            Self::Timeout { scope, after, .. } => {
                let what = match scope {
                    TimeoutScope::Connect => "connecting",
                    TimeoutScope::Attempt => "one attempt",
                    TimeoutScope::Overall => "the whole call",
                    TimeoutScope::OverallNothingApplied => {
                        "the whole call; nothing that may have taken effect was sent"
                    }
                };
                write!(f, "timed out after {after:?} ({what}); {}", self.hint())
            }
            Self::Transport {
                request_sent,
                source,
            } => write!(
                f,
                "connection failed {}: {}; {}",
                if *request_sent {
                    "after the request was sent"
                } else {
                    "before the request was sent"
                },
                chain(source.as_ref()),
                self.hint()
            ),
            #[cfg(feature = "redis")]
            Self::RateLimiter { message } => write!(f, "{message}; {}", self.hint()),
        }
    }
}

impl<C: ServiceCode> std::error::Error for Error<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credentials { source } => Some(source),
            Self::Signing { source } => Some(source),
            Self::Transport { source, .. } => Some(source.as_ref()),
            Self::Timeout {
                source: Some(cause),
                ..
            }
            | Self::MalformedResponse {
                source: Some(cause),
                ..
            } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn causes_are_kept_as_sources() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let e: Error = Error::Transport {
            request_sent: true,
            source: Box::new(io),
        };
        assert!(e.to_string().contains("reset by peer"), "{e}");
        assert_eq!(e.source().unwrap().to_string(), "reset by peer");
        let e: Error = Error::Credentials {
            source: CredentialsError::NoHomeDirectory,
        };
        assert!(e.source().is_some() && e.is_authentication());
    }

    #[test]
    fn an_http_429_is_throttling_and_safe_to_retry() {
        let e: Error = Error::HttpStatus {
            status: 429,
            request_id: None,
            body: String::new(),
        };
        assert!(e.is_throttling() && e.is_retryable() && !e.may_have_taken_effect());
    }

    #[test]
    fn service_text_is_escaped_and_cut() {
        let e: Error = Error::Api {
            code: "Code\n".to_owned(),
            message: "m".repeat(2000),
            request_id: "r".to_owned(),
            hint: None,
        };
        let text = e.to_string();
        assert!(text.starts_with("Code\\n: "), "{text}");
        assert!(text.contains("(1488 more characters)"), "{text}");
    }
}
