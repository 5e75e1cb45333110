//! A transport for tests, with no socket (the `test-util` feature): answers from a list, in
//! order, or from a closure that sees each request; every request recorded, headers and exact
//! body included.

use super::error::TransportError;
use super::sender::{Transport, TransportFuture};
use super::wire::{WireRequest, WireResponse};
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};

type Responder = dyn Fn(&WireRequest) -> Result<WireResponse, TransportError> + Send + Sync;

/// Answers requests without a network, and records them. Cheap to clone: clones share the
/// answers and the record, so keep one to inspect what the client sent.
///
/// ```
/// use tc3_runtime::transport::{MockTransport, WireResponse};
///
/// let mock = MockTransport::new()
///     .answer(WireResponse::new(200, r#"{"Response":{"RequestId":"r-1"}}"#));
/// assert_eq!(mock.requests().len(), 0);
/// ```
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    queued: VecDeque<Result<WireResponse, TransportError>>,
    responder: Option<Arc<Responder>>,
    recorded: Vec<WireRequest>,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("MockTransport")
            .field("queued", &state.queued.len())
            .field("responder", &state.responder.is_some())
            .field("recorded", &state.recorded.len())
            .finish()
    }
}

impl MockTransport {
    /// A mock with no answer yet: a request it cannot answer fails as refused (nothing sent).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `response` for the next request the queue has no answer for yet.
    #[must_use]
    pub fn answer(self, response: WireResponse) -> Self {
        self.push(Ok(response));
        self
    }

    /// Queues a transport failure (e.g. [`TransportError::lost`]: the request reached the
    /// service, its answer did not come back).
    #[must_use]
    pub fn fail(self, error: TransportError) -> Self {
        self.push(Err(error));
        self
    }

    /// Answers every request the queue does not with `responder`, which sees the request.
    #[must_use]
    pub fn respond_with(
        self,
        responder: impl Fn(&WireRequest) -> Result<WireResponse, TransportError> + Send + Sync + 'static,
    ) -> Self {
        self.lock().responder = Some(Arc::new(responder));
        self
    }

    /// Queues an answer (shared by every clone).
    pub fn push(&self, response: Result<WireResponse, TransportError>) {
        self.lock().queued.push_back(response);
    }

    /// Every request sent so far, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<WireRequest> {
        self.lock().recorded.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Transport for MockTransport {
    fn send(&self, request: WireRequest, cap: usize) -> TransportFuture<'_> {
        let answer = {
            let mut state = self.lock();
            state.recorded.push(request.clone());
            match state.queued.pop_front() {
                Some(answer) => answer,
                None => match &state.responder {
                    Some(responder) => {
                        let responder = Arc::clone(responder);
                        drop(state);
                        responder(&request)
                    }
                    None => Err(TransportError::refused(
                        "the mock transport has no answer for this request",
                    )),
                },
            }
        };
        let answer = answer.and_then(|response| {
            if response.body.len() > cap {
                Err(TransportError::TooLarge { cap })
            } else {
                Ok(response)
            }
        });
        Box::pin(std::future::ready(answer))
    }
}
