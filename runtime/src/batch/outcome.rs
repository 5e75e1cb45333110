//! What a batch achieved: every item exactly once, succeeded or in a failure, and why a
//! request of a batch failed.

use crate::error::Error;
use crate::service::ServiceCode;
use std::fmt;

/// Why a request of a batch did not succeed for its items.
#[derive(Debug)]
#[non_exhaustive]
pub enum BatchError<C = String> {
    /// The request failed.
    Call(Error<C>),
    /// The request succeeded but its answer holds no result for some items: they are
    /// unknown.
    #[non_exhaustive]
    IncompleteAnswer {
        /// The items without a result, as shown.
        missing: Vec<String>,
    },
    /// Items sent again after an answer was lost were refused, and reading back could not
    /// settle them: the earlier request may have taken effect.
    #[non_exhaustive]
    Unsettled {
        /// The refusal of the request sent again, as it was shown (the error itself stays
        /// with the items it failed for).
        refusal: String,
    },
    /// The batch was stopped ([`super::BatchControl::stop`]) while the request was in flight
    /// or its items were being read back, and the grace ran out: the items may have been
    /// applied.
    Interrupted,
    /// The request's answer was lost and a complete read-back showed the items absent, but
    /// the batch was stopped before they could be sent again: not applied, safe to send again.
    NotResent,
}

impl<C: ServiceCode> BatchError<C> {
    /// The failed call's error, when the request failed as a call.
    pub fn call_error(&self) -> Option<&Error<C>> {
        match self {
            Self::Call(error) => Some(error),
            _ => None,
        }
    }

    /// The service's error code, when it answered with one.
    pub fn code(&self) -> Option<&C> {
        self.call_error().and_then(Error::code)
    }

    /// The items may have been applied (unknown: check before sending them again); false
    /// when the request did not take effect (failed: safe to send again).
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Self::Call(error) => error.may_have_taken_effect(),
            Self::IncompleteAnswer { .. } | Self::Unsettled { .. } | Self::Interrupted => true,
            Self::NotResent => false,
        }
    }
}

impl<C: ServiceCode> From<Error<C>> for BatchError<C> {
    fn from(error: Error<C>) -> Self {
        Self::Call(error)
    }
}

impl<C: ServiceCode> fmt::Display for BatchError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Call(error) => error.fmt(f),
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
            Self::Interrupted => f.write_str(
                "the batch was stopped while this request was in flight or being read back; it may have taken effect: check the state before sending them again",
            ),
            Self::NotResent => f.write_str(
                "the answer was lost and reading back showed them absent, but the batch was stopped before sending them again; safe to send again",
            ),
        }
    }
}

impl<C: ServiceCode> std::error::Error for BatchError<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Call(error) => error.source(),
            Self::IncompleteAnswer { .. }
            | Self::Unsettled { .. }
            | Self::Interrupted
            | Self::NotResent => None,
        }
    }
}

/// The items of one failed request and why it failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct BatchFailure<I, C = String> {
    /// The items the request carried (none of them is known to have succeeded).
    pub items: Vec<I>,
    /// Why; [`BatchError::may_have_taken_effect`] tells whether the items may have been
    /// applied (unknown) or were not (failed).
    pub error: BatchError<C>,
}

impl<I, C> BatchFailure<I, C> {
    pub(crate) fn new(items: Vec<I>, error: impl Into<BatchError<C>>) -> Self {
        Self {
            items,
            error: error.into(),
        }
    }
}

/// What reconciliation did for one batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reconciliation {
    /// Rounds run (0: nothing was unknown, or reconciliation is off).
    pub rounds: u32,
    /// Items read back (an item read in two rounds counts twice).
    pub looked_up: usize,
    /// Items found already joined: their request had taken effect.
    pub found_present: usize,
    /// Items sent again because a complete read showed them absent.
    pub resent: usize,
    /// Read-back requests sent (pages and attempts).
    pub read_requests: usize,
    /// Read-back requests that failed (each is sent again, up to
    /// [`crate::defaults::READ_ATTEMPTS`]).
    pub read_failures: usize,
}

/// What a batch achieved: every item exactly once in `succeeded` or in a failure.
#[derive(Debug)]
#[non_exhaustive]
pub struct BatchOutcome<I, R, C = String> {
    /// Every item the service took, in the order the answers came.
    pub succeeded: Vec<I>,
    /// The results of the successful requests. With a result key, `results[i]` is the
    /// result for `succeeded[i]`; without one, every result of every successful answer.
    pub results: Vec<R>,
    /// Every failed request, with its items.
    pub failures: Vec<BatchFailure<I, C>>,
    /// Requests sent.
    pub requests: usize,
    /// Results of successful answers that belong to no requested item (an item not asked
    /// for, or a second result for the same item): left out of `results`.
    pub unmatched_results: usize,
    /// What reconciliation did (all zero when it did not run).
    pub reconciliation: Reconciliation,
}

impl<I, R, C: ServiceCode> BatchOutcome<I, R, C> {
    /// An outcome of `requests` requests with nothing in it yet.
    pub(crate) fn empty(requests: usize) -> Self {
        Self {
            succeeded: Vec::new(),
            results: Vec::new(),
            failures: Vec::new(),
            requests,
            unmatched_results: 0,
            reconciliation: Reconciliation::default(),
        }
    }

    /// Whether every item succeeded.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }

    /// Items whose request failed without taking effect: safe to send again.
    pub fn failed_items(&self) -> impl Iterator<Item = &I> {
        self.failures
            .iter()
            .filter(|f| !f.error.may_have_taken_effect())
            .flat_map(|f| f.items.iter())
    }

    /// Items whose request may have taken effect though no success was seen: check the
    /// service's state before sending them again.
    pub fn unknown_items(&self) -> impl Iterator<Item = &I> {
        self.failures
            .iter()
            .filter(|f| f.error.may_have_taken_effect())
            .flat_map(|f| f.items.iter())
    }

    /// Every item not in `succeeded`: failed and unknown.
    pub fn not_succeeded_items(&self) -> impl Iterator<Item = &I> {
        self.failures.iter().flat_map(|f| f.items.iter())
    }
}
