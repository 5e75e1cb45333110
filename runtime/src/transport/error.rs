//! Why a transport delivered no answer, and whether the request may have reached the service.

use crate::error::Cause;
use std::fmt;

/// Why a transport delivered no answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// The connection could not be made: nothing was sent.
    Connect(Cause),
    /// Opening the connection took longer than the connect timeout: nothing was sent.
    ConnectTimeout(Cause),
    /// The attempt took longer than its timeout: the request may have reached the service.
    Timeout(Cause),
    /// The connection failed after the request was written, or the answer could not be read:
    /// the request may have reached the service.
    AfterSend(Cause),
    /// The answer's body is larger than the client's cap; it was not read further.
    TooLarge {
        /// The cap, in bytes.
        cap: usize,
    },
}

impl TransportError {
    /// Whether the request may have reached the service.
    #[must_use]
    pub fn request_sent(&self) -> bool {
        !matches!(self, Self::Connect(_) | Self::ConnectTimeout(_))
    }

    /// An error after the request was sent, with `message` as its cause: what a lost answer
    /// looks like (tests, mock transports).
    #[must_use]
    pub fn lost(message: &str) -> Self {
        Self::AfterSend(message.to_owned().into())
    }

    /// A failure to connect, with `message` as its cause: nothing was sent.
    #[must_use]
    pub fn refused(message: &str) -> Self {
        Self::Connect(message.to_owned().into())
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "cannot connect: {e}"),
            Self::ConnectTimeout(e) => write!(f, "connecting timed out: {e}"),
            Self::Timeout(e) => write!(f, "the attempt timed out: {e}"),
            Self::AfterSend(e) => write!(f, "the connection failed after the request was sent: {e}"),
            Self::TooLarge { cap } => write!(
                f,
                "the answer is larger than the client's cap of {cap} bytes (max_answer_bytes); the rest was not read"
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connect(e) | Self::ConnectTimeout(e) | Self::Timeout(e) | Self::AfterSend(e) => {
                Some(e.as_ref())
            }
            Self::TooLarge { .. } => None,
        }
    }
}
