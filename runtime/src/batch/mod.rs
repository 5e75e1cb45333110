//! Sending any number of items of a batchable list field: checked for duplicates, split into
//! requests of at most the spec's `maxItems`, sent with bounded concurrency under the rate
//! limiter, and reported item by item: each requested item ends in exactly one of succeeded,
//! failed (its request did not take effect) or unknown (its request may have taken effect:
//! check before sending it again). Nothing is dropped silently, nothing is counted twice.
//!
//! A batch is a pipeline: items are pulled from the caller's iterator or stream in requests of
//! at most `maxItems`, at most [`BatchOptions::concurrency`] requests are in flight, and each
//! request settles as its answer comes. `send_in_batches` gathers it into one
//! [`BatchOutcome`]; `stream_in_batches` is a [`BatchStream`] of [`ItemOutcome`]s, one per item
//! as soon as it is known, whose memory is bounded by the requests in flight rather than by the
//! batch, and which [`BatchControl`] stops (no new request, a grace period for what is in
//! flight and the read-back, then [`BatchError::Interrupted`]).
//!
//! When the spec names a read-back action for the batch (`x-tc-reconcile`), unknown items are
//! then settled by reading them back, round by round ([`BatchOptions::reconcile`]):
//! 1. read the unknown items back: one listing of the request's scope, page by page, when the
//!    read action accepts the scope as a filter and more than one item is unknown, else one
//!    read per item (with the scope as a filter when it fits);
//! 2. an item found is joined (its result is the one read back); an item not found in a
//!    complete read is absent and is sent again, in requests of at most the batch's size;
//!    an item whose read failed stays unknown for the next round;
//! 3. a request refused with a code that may mean "an item is already there" is settled the
//!    same way: its items found are joined, the others sent again; when none of them is
//!    found, the refusal stands and its items failed for its reason;
//! 4. repeat while items are unknown, at most [`BatchOptions::reconcile_rounds`] rounds and
//!    within [`BatchOptions::reconcile_timeout`].
//!
//! An item is never sent again unless a complete read showed it absent. Reads are sent again
//! on any failure (reading twice changes nothing); a listing whose next-page token repeats is
//! refused rather than followed forever.

mod control;
pub(crate) mod entry;
pub(crate) mod matching;
mod options;
mod outcome;
mod pipeline;
pub(crate) mod reading;
mod reconcile;
pub(crate) mod request;
mod send;
#[cfg(test)]
mod simulated_tests;
mod stream;
#[cfg(test)]
mod stream_tests;

pub use control::BatchControl;
pub use options::BatchOptions;
pub use outcome::{BatchError, BatchFailure, BatchOutcome, Reconciliation};
pub use stream::{BatchStream, ItemOutcome};
