//! A request as it goes on the wire, and an answer as it came back.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// One signed request: method, URL, headers (the signature's values are marked sensitive, so
/// `Debug` hides them) and the exact body bytes, with the attempt's timeout.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WireRequest {
    /// `POST` for every Tencent Cloud API 3.0 action.
    pub method: reqwest::Method,
    /// The endpoint with the path `/`.
    pub url: reqwest::Url,
    /// Every header sent, `Authorization` included.
    pub headers: HeaderMap,
    /// The JSON body, exactly as signed.
    pub body: Bytes,
    /// How long the attempt may take.
    pub timeout: Duration,
}

impl WireRequest {
    /// The value of header `name`, when it is present and text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The action (`X-TC-Action`).
    #[must_use]
    pub fn action(&self) -> Option<&str> {
        self.header("x-tc-action")
    }

    /// The body as JSON, when it is JSON.
    #[must_use]
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// An answer: its status, its headers and its body (at most the client's cap).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WireResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl WireResponse {
    /// An answer with `status` and `body`, and no header.
    #[must_use]
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// This answer with header `name: value` added; a name or value HTTP does not allow is
    /// left out.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.append(name, value);
        }
        self
    }
}
