//! A streamed batch as its caller sees it: one [`ItemOutcome`] per item as it settles, the
//! counters so far, and the [`BatchControl`] that stops it.

use super::control::BatchControl;
use super::outcome::{BatchError, Reconciliation};
use super::pipeline::{progress_of, Settled, SharedProgress};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// How one item of a streamed batch ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum ItemOutcome<I, R, C = String> {
    /// The service holds the item.
    #[non_exhaustive]
    Succeeded {
        /// The item.
        item: I,
        /// Its result, when the spec names the result field that echoes the item.
        result: Option<R>,
        /// Found there by reading back after its answer was lost (its request, or an
        /// earlier run's, had taken effect), rather than joined by an answer of this batch.
        found: bool,
    },
    /// Its request did not take effect: safe to send again.
    #[non_exhaustive]
    Failed {
        /// The item.
        item: I,
        /// Why (shared by the items of its request).
        error: Arc<BatchError<C>>,
    },
    /// Its request may have taken effect though no success was seen: check the service
    /// before sending it again.
    #[non_exhaustive]
    Unknown {
        /// The item.
        item: I,
        /// Why (shared by the items of its request).
        error: Arc<BatchError<C>>,
    },
}

impl<I, R, C> ItemOutcome<I, R, C> {
    /// The item this outcome is for.
    pub fn item(&self) -> &I {
        match self {
            Self::Succeeded { item, .. }
            | Self::Failed { item, .. }
            | Self::Unknown { item, .. } => item,
        }
    }

    /// Whether the service holds the item.
    #[must_use]
    pub fn is_succeeded(&self) -> bool {
        matches!(self, Self::Succeeded { .. })
    }
}

/// The items of one settled request, one outcome each.
fn item_outcomes<I, R, C: crate::service::ServiceCode>(
    settled: Settled<I, R, C>,
    keyed: bool,
) -> Vec<ItemOutcome<I, R, C>> {
    match settled {
        Settled::Succeeded {
            items,
            results,
            found,
        } => {
            let mut results = results.into_iter();
            items
                .into_iter()
                .map(|item| ItemOutcome::Succeeded {
                    item,
                    result: if keyed { results.next() } else { None },
                    found,
                })
                .collect()
        }
        Settled::Failed(failure) => {
            let unknown = failure.error.may_have_taken_effect();
            let error = Arc::new(failure.error);
            failure
                .items
                .into_iter()
                .map(|item| {
                    let error = Arc::clone(&error);
                    if unknown {
                        ItemOutcome::Unknown { item, error }
                    } else {
                        ItemOutcome::Failed { item, error }
                    }
                })
                .collect()
        }
    }
}

/// A batch sent as its items come, settled item by item: a [`Stream`] of [`ItemOutcome`],
/// one per item, each as soon as it is known (unknown items after they were read back, when
/// the spec names a read-back). At most the options' concurrency of requests is in flight,
/// and the next items are pulled from the input only when a request can leave: memory is
/// bounded by the requests in flight and the items left unknown, not by the batch.
///
/// Items are checked request by request: an item that breaks a limit of the spec, or repeats
/// an item of the same request, is not sent and ends failed; the rest of its request is sent.
/// An item given twice in different requests is sent twice and has two outcomes (the second
/// one usually found already there, when the spec names a read-back).
#[must_use = "a stream does nothing unless polled"]
pub struct BatchStream<'a, I, R, C = String> {
    outcomes: BoxStream<'a, ItemOutcome<I, R, C>>,
    control: BatchControl,
    progress: SharedProgress,
}

impl<'a, I: Send + 'a, R: Send + 'a, C: crate::service::ServiceCode + 'a> BatchStream<'a, I, R, C> {
    pub(crate) fn new(
        settled: BoxStream<'a, Settled<I, R, C>>,
        keyed: bool,
        control: BatchControl,
        progress: SharedProgress,
    ) -> Self {
        Self {
            outcomes: settled
                .flat_map(move |settled| futures_util::stream::iter(item_outcomes(settled, keyed)))
                .boxed(),
            control,
            progress,
        }
    }
}

impl<I, R, C> BatchStream<'_, I, R, C> {
    /// What stops this batch (clone it into a signal handler).
    #[must_use]
    pub fn control(&self) -> BatchControl {
        self.control.clone()
    }

    /// Requests sent so far (those sent again by reconciliation included).
    #[must_use]
    pub fn requests(&self) -> usize {
        progress_of(&self.progress).requests
    }

    /// Results of successful answers so far that belong to no requested item.
    #[must_use]
    pub fn unmatched_results(&self) -> usize {
        progress_of(&self.progress).unmatched_results
    }

    /// What reconciliation did (all zero until it ran).
    #[must_use]
    pub fn reconciliation(&self) -> Reconciliation {
        progress_of(&self.progress).reconciliation.clone()
    }
}

impl<I, R, C> Stream for BatchStream<'_, I, R, C> {
    type Item = ItemOutcome<I, R, C>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.outcomes.poll_next_unpin(cx)
    }
}

impl<I, R, C> std::fmt::Debug for BatchStream<'_, I, R, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let progress = progress_of(&self.progress);
        f.debug_struct("BatchStream")
            .field("requests", &progress.requests)
            .field("stopped", &self.control.is_stopped())
            .finish_non_exhaustive()
    }
}
