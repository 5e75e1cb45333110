//! Reading a request body: capped in size, bounded in time, one buffer.

use crate::api_error::ApiError;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Body;
use std::fmt::Display;
use std::time::Duration;

/// The most a body buffer is sized to before any byte arrives, whatever Content-Length says:
/// a peer announcing 1 MiB and sending nothing costs no more than this.
const PRESIZE_MAX: usize = 8 * 1024;

/// Why a request body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over the cap (announced by Content-Length, or received).
    TooLarge,
    /// Not complete when the body deadline passed.
    TimedOut {
        received: usize,
        expected: Option<u64>,
    },
    /// The stream ended or failed before the body was complete (the client closed, or sent a
    /// malformed chunk).
    Ended {
        received: usize,
        expected: Option<u64>,
        cause: String,
    },
}

impl BodyError {
    /// The error answered, for a cap of `max_body_bytes` and a deadline of `timeout`.
    pub(crate) fn api_error(&self, max_body_bytes: usize, timeout: Duration) -> ApiError {
        let of = |received: usize, expected: &Option<u64>| match expected {
            Some(n) => format!("{received} of {n} bytes"),
            None => format!("{received} bytes"),
        };
        match self {
            Self::TooLarge => ApiError::new(
                "RequestSizeLimitExceeded",
                format!("the request body is larger than {max_body_bytes} bytes"),
            ),
            Self::TimedOut { received, expected } => ApiError::new(
                "InvalidParameter",
                format!(
                    "the request body did not arrive within {} ms: {} received; nothing was changed",
                    timeout.as_millis(),
                    of(*received, expected)
                ),
            ),
            Self::Ended {
                received,
                expected,
                cause,
            } => ApiError::new(
                "InvalidParameter",
                format!(
                    "the request body ended after {} ({cause}); nothing was changed",
                    of(*received, expected)
                ),
            ),
        }
    }
}

/// Reads a whole body into one buffer: each frame is copied and dropped at once (a frame
/// holds on to hyper's read buffer, so keeping thousands of 1-byte frames costs kilobytes
/// each). At most `max` bytes, within `timeout` of the call.
pub(crate) async fn read_body<B>(
    body: B,
    max: usize,
    timeout: Duration,
) -> Result<Vec<u8>, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    let expected = body.size_hint().exact();
    if expected.is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLarge);
    }
    let presize = expected.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut buffer = Vec::with_capacity(presize.min(PRESIZE_MAX));
    let deadline = tokio::time::Instant::now() + timeout;
    let mut body = body;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(BodyError::TimedOut {
                    received: buffer.len(),
                    expected,
                })
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(BodyError::Ended {
                    received: buffer.len(),
                    expected,
                    cause: e.to_string(),
                })
            }
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if buffer.len().saturating_add(data.len()) > max {
                return Err(BodyError::TooLarge);
            }
            buffer.extend_from_slice(&data);
        }
    }
    match expected {
        Some(n) if (buffer.len() as u64) < n => Err(BodyError::Ended {
            received: buffer.len(),
            expected,
            cause: "the stream ended early".to_owned(),
        }),
        _ => Ok(buffer),
    }
}
