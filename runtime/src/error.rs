//! The error every call returns: what went wrong, the service's code and request id when it
//! answered, and whether the request may have reached the service.

use crate::service::ServiceCode;
use std::fmt;
use std::time::Duration;

/// The most characters of one service-controlled value (a code, a message, a request id) an
/// error shows; the rest is cut and counted.
pub const MAX_SHOWN_CHARS: usize = 512;

/// Text that came from the wire, made safe to print: control and bidirectional-override
/// characters escaped (`\n`, `\u{1b}`, …), and cut after [`MAX_SHOWN_CHARS`] characters.
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SHOWN_CHARS + 32));
    let mut chars = text.chars();
    for c in chars.by_ref().take(MAX_SHOWN_CHARS) {
        let unsafe_to_print = c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        if unsafe_to_print {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    let rest = chars.count();
    if rest > 0 {
        out.push_str(&format!("…({rest} more characters)"));
    }
    out
}

/// The cause of a transport failure or a timeout, kept for [`std::error::Error::source`].
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Which timeout ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutScope {
    /// Opening the connection (nothing was sent).
    Connect,
    /// One attempt (the request may have reached the service).
    Attempt,
    /// The whole call, waits and retries included.
    Overall,
}

/// Why a call failed. `C` is the service's error-code type (the generated `ErrorCode`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<C = String> {
    /// The request breaks a limit of the spec or misses a field; nothing was sent.
    InvalidRequest {
        /// Names the field, the limit and the value given.
        message: String,
    },
    /// No usable credentials, or the request could not be signed; nothing was sent.
    Signing {
        /// What went wrong (never a secret).
        message: String,
    },
    /// The service answered with an error in the `Response` envelope.
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
    HttpStatus {
        /// The status code.
        status: u16,
        /// The request id, if the body held one.
        request_id: Option<String>,
        /// The start of the body.
        body: String,
    },
    /// The answer was not the JSON envelope expected (malformed, truncated, wrong shape).
    MalformedResponse {
        /// The request id, if one could be read.
        request_id: Option<String>,
        /// What was wrong.
        detail: String,
    },
    /// A timeout ran out.
    Timeout {
        /// Which one.
        scope: TimeoutScope,
        /// Its length.
        after: Duration,
        /// The transport's error, when the transport reported the timeout.
        source: Option<Cause>,
    },
    /// The connection failed.
    Transport {
        /// False when it failed before the request was written (nothing reached the service).
        request_sent: bool,
        /// The transport's description, causes included.
        message: String,
        /// The transport's error.
        source: Option<Cause>,
    },
    /// The shared rate limit could not be reached, and the client is set to fail then;
    /// nothing was sent.
    RateLimiter {
        /// What went wrong (never a password).
        message: String,
    },
    /// A batch request succeeded but its answer holds no result for some items.
    IncompleteAnswer {
        /// The items without a result.
        missing: Vec<String>,
    },
    /// Items sent again after an answer was lost were refused, and reading back could not
    /// settle them: the earlier request may have taken effect.
    Unsettled {
        /// The refusal of the request sent again, as it was shown.
        refusal: String,
    },
}

impl<C: ServiceCode> Error<C> {
    /// An invalid-request error with this message.
    pub fn invalid_request(message: impl Into<String>) -> Self {
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

    /// The service refused the request for its rate (`RequestLimitExceeded` and sub-codes).
    pub fn is_throttling(&self) -> bool {
        self.family() == Some("RequestLimitExceeded")
    }

    /// The credentials or the signature were refused (`AuthFailure.*`), or none could be had.
    pub fn is_authentication(&self) -> bool {
        matches!(self, Self::Signing { .. }) || self.family() == Some("AuthFailure")
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
            Self::Timeout { scope, .. } => *scope == TimeoutScope::Connect,
            _ => self.is_throttling(),
        }
    }

    /// The request may have reached the service and taken effect though the call failed
    /// (timeouts, 5xx, InternalError, dropped connections, unreadable answers): check the
    /// state before sending it again.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Self::Transport { request_sent, .. } => *request_sent,
            Self::Timeout { scope, .. } => *scope != TimeoutScope::Connect,
            Self::HttpStatus { status, .. } => *status >= 500,
            Self::MalformedResponse { .. }
            | Self::IncompleteAnswer { .. }
            | Self::Unsettled { .. } => true,
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
            hint
        } else if let Self::RateLimiter { .. } = self {
            "bring the shared rate limit's Redis back, or let calls fall back to a local share"
        } else if self.is_throttling() {
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

impl<C: ServiceCode> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest { message } => {
                write!(f, "invalid request, nothing sent: {message}")
            }
            Self::Signing { message } => write!(f, "{message}"),
            Self::Api {
                code,
                message,
                request_id,
                ..
            } => write!(
                f,
                "{}: {} (RequestId {}); {}",
                shown(code.as_str()),
                shown(message),
                shown(request_id),
                self.hint()
            ),
            Self::HttpStatus {
                status,
                request_id,
                body,
            } => {
                write!(f, "HTTP {status} from the service")?;
                if let Some(id) = request_id {
                    write!(f, " (RequestId {})", shown(id))?;
                }
                write!(f, ": {}; {}", shown(body), self.hint())
            }
            Self::MalformedResponse { request_id, detail } => {
                write!(
                    f,
                    "the answer is not the expected JSON envelope: {}",
                    shown(detail)
                )?;
                if let Some(id) = request_id {
                    write!(f, " (RequestId {})", shown(id))?;
                }
                write!(f, "; {}", self.hint())
            }
            Self::Timeout { scope, after, .. } => {
                let what = match scope {
                    TimeoutScope::Connect => "connecting",
                    TimeoutScope::Attempt => "one attempt",
                    TimeoutScope::Overall => "the whole call",
                };
                write!(f, "timed out after {after:?} ({what}); {}", self.hint())
            }
            Self::Transport {
                request_sent,
                message,
                ..
            } => write!(
                f,
                "connection failed {}: {message}; {}",
                if *request_sent {
                    "after the request was sent"
                } else {
                    "before the request was sent"
                },
                self.hint()
            ),
            Self::RateLimiter { message } => write!(f, "{message}; {}", self.hint()),
            Self::IncompleteAnswer { missing } => write!(
                f,
                "the answer holds no result for {} item(s): {}; check the state before sending them again",
                missing.len(),
                missing.join(", ")
            ),
            Self::Unsettled { refusal } => write!(
                f,
                "sent again after a lost answer and refused ({refusal}); the lost request may have taken effect: check the state before sending them again"
            ),
        }
    }
}

impl<C: ServiceCode> std::error::Error for Error<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport {
                source: Some(cause),
                ..
            }
            | Self::Timeout {
                source: Some(cause),
                ..
            } => Some(cause.as_ref()),
            _ => None,
        }
    }
}
