//! The default transport: reqwest (HTTP/1.1 with keep-alive, rustls), redirects never
//! followed, the answer read no further than the cap.

use super::error::TransportError;
use super::sender::{Transport, TransportFuture};
use super::wire::{WireRequest, WireResponse};

/// Sends through a `reqwest::Client` (the one the client builder makes, or yours).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport over `client`. Turn redirects off on it: the service never redirects, so a
    /// redirect is an answer, never to be followed.
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    let connect = e.is_connect();
    let timeout = e.is_timeout();
    let cause = Box::new(e);
    match (connect, timeout) {
        (true, true) => TransportError::ConnectTimeout(cause),
        (true, false) => TransportError::Connect(cause),
        (false, true) => TransportError::Timeout(cause),
        (false, false) => TransportError::AfterSend(cause),
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: WireRequest, cap: usize) -> TransportFuture<'_> {
        Box::pin(async move {
            let mut outgoing = reqwest::Request::new(request.method, request.url);
            *outgoing.headers_mut() = request.headers;
            *outgoing.body_mut() = Some(reqwest::Body::from(request.body));
            *outgoing.timeout_mut() = Some(request.timeout);
            let mut response = self.client.execute(outgoing).await.map_err(classify)?;
            let status = response.status().as_u16();
            let headers = std::mem::take(response.headers_mut());
            let declared = response.content_length().unwrap_or(0);
            if declared > cap as u64 {
                return Err(TransportError::TooLarge { cap });
            }
            let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
            while let Some(chunk) = response.chunk().await.map_err(classify)? {
                if chunk.len() > cap - body.len() {
                    return Err(TransportError::TooLarge { cap });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(WireResponse {
                status,
                headers,
                body: body.into(),
            })
        })
    }
}
