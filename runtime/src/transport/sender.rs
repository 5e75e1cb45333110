//! What a transport is: one signed request in, an answer or an error out.

use super::error::TransportError;
use super::wire::{WireRequest, WireResponse};
use std::future::Future;
use std::pin::Pin;

/// The future a transport returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<WireResponse, TransportError>> + Send + 'a>>;

/// Sends one signed request and reads its answer. The request's `timeout` bounds the whole
/// exchange; an answer body larger than `max_answer_bytes` is [`TransportError::TooLarge`].
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Sends `request`; the answer, or why there is none.
    fn send(&self, request: WireRequest, max_answer_bytes: usize) -> TransportFuture<'_>;
}
