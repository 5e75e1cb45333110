//! When and how often a failed attempt is tried again: only where the service guarantees
//! nothing happened (unless the caller opts in), with full-jitter exponential backoff, within
//! a retry budget shared by every clone of a client.

use crate::error::Error;
use crate::service::ServiceCode;
use rand::RngExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How failed attempts are retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (1: never retry). Default 3.
    pub max_attempts: u32,
    /// The backoff before retry n is a random time up to `base_delay * 2^(n-1)`. Default 250 ms.
    pub base_delay: Duration,
    /// The most any backoff waits. Default 5 s.
    pub max_delay: Duration,
    /// Also retry errors after which the request may have taken effect (timeouts, 5xx,
    /// InternalError, dropped connections). Off by default: an action could take effect twice.
    pub retry_when_effect_unknown: bool,
    /// Retries allowed in a burst; each success earns back a fifth of one. Default 100.
    pub budget: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
            retry_when_effect_unknown: false,
            budget: 100,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether `error` after attempt `attempt` may be retried under this policy.
    pub fn allows<C: ServiceCode>(&self, error: &Error<C>, attempt: u32) -> bool {
        attempt < self.max_attempts
            && (error.is_retryable()
                || (self.retry_when_effect_unknown && error.may_have_taken_effect()))
    }

    /// The wait before retry number `retry` (1 for the first): full jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_delay);
        let millis = ceiling.as_millis().min(u128::from(u64::MAX)) as u64;
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }
}

/// Thousandths of a retry.
const RETRY_COST: u64 = 1000;
const SUCCESS_REFUND: u64 = 200;

/// Tokens for retries, shared by every clone of a client.
#[derive(Debug)]
pub struct RetryBudget {
    capacity: u64,
    tokens: AtomicU64,
}

impl RetryBudget {
    /// A full budget of `retries`.
    pub fn new(retries: u32) -> Self {
        let capacity = u64::from(retries) * RETRY_COST;
        Self {
            capacity,
            tokens: AtomicU64::new(capacity),
        }
    }

    /// Takes one retry's worth; false when the budget is spent.
    pub fn withdraw(&self) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                t.checked_sub(RETRY_COST)
            })
            .is_ok()
    }

    /// A success earns back a fifth of a retry.
    pub fn refund(&self) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then(|| (t + SUCCESS_REFUND).min(self.capacity))
            });
    }

    /// Whole retries left.
    pub fn remaining(&self) -> u32 {
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
