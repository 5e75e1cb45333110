//! When and how often a failed attempt is tried again: only where the service guarantees
//! nothing happened (unless the caller opts in), with full-jitter exponential backoff, within
//! a retry budget shared by every clone of a client.

use crate::defaults;
use crate::error::Error;
use crate::service::ServiceCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How failed attempts are retried. Start from [`RetryPolicy::default`] or
/// [`RetryPolicy::never`] and change what you need.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) retry_when_effect_unknown: bool,
    pub(crate) budget: u32,
}

impl Default for RetryPolicy {
    /// [`defaults::MAX_ATTEMPTS`] attempts, backoff from [`defaults::BASE_DELAY`] up to
    /// [`defaults::MAX_DELAY`], a budget of [`defaults::RETRY_BUDGET`], and never a retry
    /// after which the request may have taken effect twice.
    fn default() -> Self {
        Self {
            max_attempts: defaults::MAX_ATTEMPTS,
            base_delay: defaults::BASE_DELAY,
            max_delay: defaults::MAX_DELAY,
            retry_when_effect_unknown: false,
            budget: defaults::RETRY_BUDGET,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts per call, the first included (1: never retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The backoff before retry n is a random time up to `delay * 2^(n-1)`.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The most any backoff waits.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Also retry errors after which the request may have taken effect (timeouts, 5xx,
    /// InternalError, dropped connections). Off by default: an action could take effect twice.
    pub fn retry_when_effect_unknown(mut self, on: bool) -> Self {
        self.retry_when_effect_unknown = on;
        self
    }

    /// Retries allowed in a burst, shared by every clone of a client; each success earns back
    /// a fifth of one.
    pub fn budget(mut self, retries: u32) -> Self {
        self.budget = retries;
        self
    }

    /// Whether `error` after attempt `attempt` may be retried under this policy.
    pub(crate) fn allows<C: ServiceCode>(&self, error: &Error<C>, attempt: u32) -> bool {
        attempt < self.max_attempts
            && (error.is_retryable()
                || (self.retry_when_effect_unknown && error.may_have_taken_effect()))
    }

    /// The wait before retry number `retry` (1 for the first): full jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_delay);
        let millis = ceiling.as_millis().min(u128::from(u64::MAX)) as u64;
        Duration::from_millis(random_up_to(millis))
    }
}

/// A number from 0 to `max` inclusive, different at each call: std's `RandomState` keys
/// SipHash with random keys per thread and a new pair for each state, which is random enough
/// to spread backoffs (nothing here needs a secret).
fn random_up_to(max: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(max);
    let random = hasher.finish();
    match max.checked_add(1) {
        Some(bound) => random % bound,
        None => random,
    }
}

/// Thousandths of a retry.
const RETRY_COST: u64 = 1000;
const SUCCESS_REFUND: u64 = 200;

/// Tokens for retries, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    capacity: u64,
    tokens: AtomicU64,
}

impl RetryBudget {
    /// A full budget of `retries`.
    pub(crate) fn new(retries: u32) -> Self {
        let capacity = u64::from(retries) * RETRY_COST;
        Self {
            capacity,
            tokens: AtomicU64::new(capacity),
        }
    }

    /// Takes one retry's worth; false when the budget is spent.
    pub(crate) fn withdraw(&self) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                t.checked_sub(RETRY_COST)
            })
            .is_ok()
    }

    /// A success earns back a fifth of a retry.
    pub(crate) fn refund(&self) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then(|| (t + SUCCESS_REFUND).min(self.capacity))
            });
    }

    /// Whole retries left.
    pub(crate) fn remaining(&self) -> u32 {
        (self.tokens.load(Ordering::Acquire) / RETRY_COST) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_by_the_exponential_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 1..=10 {
            let ceiling = (policy.base_delay * (1 << (retry - 1))).min(policy.max_delay);
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling);
            }
        }
    }

    #[test]
    fn backoffs_are_spread_over_the_whole_range() {
        let draws: Vec<u64> = (0..4000).map(|_| random_up_to(999)).collect();
        assert!(draws.iter().all(|d| *d <= 999));
        // Each tenth of the range gets about 400 of the draws; a stuck or biased source would not.
        for tenth in 0..10 {
            let hits = draws.iter().filter(|d| **d / 100 == tenth).count();
            assert!((250..=550).contains(&hits), "tenth {tenth}: {hits} of 4000");
        }
        assert_eq!(random_up_to(0), 0);
        let _ = random_up_to(u64::MAX);
    }

    #[test]
    fn the_budget_runs_out_and_refills_with_successes() {
        let budget = RetryBudget::new(2);
        assert!(budget.withdraw() && budget.withdraw());
        assert!(!budget.withdraw());
        for _ in 0..5 {
            budget.refund();
        }
        assert_eq!(budget.remaining(), 1);
        assert!(budget.withdraw() && !budget.withdraw());
    }
}
