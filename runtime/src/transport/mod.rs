//! The seam between a call and the network: a signed request goes in, an answer (status,
//! headers, a body no larger than the client's cap) or a [`TransportError`] comes out.
//! [`ReqwestTransport`] is the default; the `test-util` feature adds [`MockTransport`], which
//! answers from a list or a closure and records every request, so code that uses a client can
//! be unit-tested with no socket. Every runtime behaviour (retries, the retry budget, clock
//! skew correction, pacing, batches and reconciliation) works the same over any transport.

mod error;
#[cfg(feature = "test-util")]
mod mock;
mod reqwest_transport;
mod sender;
mod wire;

pub use error::TransportError;
#[cfg(feature = "test-util")]
pub use mock::MockTransport;
pub use reqwest_transport::ReqwestTransport;
pub use sender::{Transport, TransportFuture};
pub use wire::{WireRequest, WireResponse};
