//! One process's own pace of an action: requests spaced evenly, with a burst of at most 1% of
//! the rate to absorb scheduling delays. Paced at 98% of the spec's rate, a burst that small
//! keeps every one-second window under the rate.
//!
//! The limiter is a generic cell rate algorithm that hands out slots: each caller takes the
//! next free one under a short lock and sleeps once until it, so any number of waiting
//! callers costs one timer each, they go in the order they asked, and none polls.

use crate::build_error::BuildError;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// The pace of one action, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct Limiter {
    /// The time between two slots.
    interval: Duration,
    /// How far ahead of its slot a call may go: `burst - 1` intervals.
    tolerance: Duration,
    /// The slot the next call is due (its theoretical arrival time), `None` before the first.
    next: Mutex<Option<Instant>>,
}

impl Limiter {
    /// The instant the caller asking `now` may send at (`now` or later); the slot is taken.
    fn reserve(&self, now: Instant) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let due = next.map_or(now, |due| due.max(now));
        *next = Some(due + self.interval);
        due.checked_sub(self.tolerance)
            .map_or(now, |early| early.max(now))
    }

    /// Waits for this call's slot. A caller dropped while waiting leaves its slot unused.
    pub(crate) async fn until_ready(&self) {
        let at = self.reserve(Instant::now());
        tokio::time::sleep_until(at).await;
    }
}

/// A limiter of `per_second` requests a second; an error naming the rate when it is not a
/// positive, finite rate that can be paced.
pub(crate) fn limiter(per_second: f64) -> Result<std::sync::Arc<Limiter>, BuildError> {
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(BuildError::RateLimit {
            value: per_second,
            problem: "must be a positive number of requests per second",
        });
    }
    let interval = Duration::try_from_secs_f64(1.0 / per_second)
        .ok()
        .filter(|interval| !interval.is_zero())
        .ok_or(BuildError::RateLimit {
            value: per_second,
            problem: "is too high to pace",
        })?;
    let burst = (per_second / 100.0).floor().max(1.0);
    // burst <= per_second / 100, so this is at most a hundredth of a second.
    let tolerance = interval.mul_f64(burst - 1.0);
    Ok(std::sync::Arc::new(Limiter {
        interval,
        tolerance,
        next: Mutex::new(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(limiter: &Limiter, now: Instant, n: usize) -> Vec<Duration> {
        (0..n).map(|_| limiter.reserve(now) - now).collect()
    }

    #[test]
    fn slots_are_one_interval_apart_after_a_burst_of_one_percent() {
        let limiter = limiter(1000.0).unwrap();
        let now = Instant::now();
        let taken = slots(&limiter, now, 30);
        // The first ten (1% of 1000) go at once, then one every millisecond.
        assert!(taken[..10].iter().all(Duration::is_zero), "{taken:?}");
        for (i, slot) in taken.iter().enumerate().skip(10) {
            assert_eq!(*slot, Duration::from_millis(i as u64 - 9), "slot {i}");
        }
    }

    #[test]
    fn no_window_of_one_second_holds_more_than_the_rate() {
        for rate in [1.0, 7.5, 98.0, 980.0, 5_000.0] {
            let limiter = limiter(rate).unwrap();
            let start = Instant::now();
            // Callers arrive in waves: some at once, then a pause, then more.
            let mut sent = Vec::new();
            for wave in 0..6u64 {
                let now = start + Duration::from_millis(wave * 700);
                sent.extend(
                    slots(&limiter, now, (rate * 1.3) as usize + 3)
                        .into_iter()
                        .map(|s| now + s - start),
                );
            }
            sent.sort();
            let burst = (rate / 100.0).floor().max(1.0);
            let mut end = 0;
            for (i, first) in sent.iter().enumerate() {
                while end < sent.len() && sent[end] < *first + Duration::from_secs(1) {
                    end += 1;
                }
                let in_window = end - i;
                assert!(
                    in_window as f64 <= rate.ceil() + burst,
                    "rate {rate}: {in_window} in the second from {first:?}"
                );
            }
        }
    }

    #[test]
    fn an_idle_limiter_does_not_bank_slots() {
        let limiter = limiter(100.0).unwrap();
        let start = Instant::now();
        assert_eq!(slots(&limiter, start, 1), [Duration::ZERO]);
        // An hour idle: still one burst (1 at 100/s), then the pace.
        let later = start + Duration::from_secs(3600);
        assert_eq!(
            slots(&limiter, later, 3),
            [
                Duration::ZERO,
                Duration::from_millis(10),
                Duration::from_millis(20)
            ]
        );
    }

    #[test]
    fn rates_that_cannot_be_paced_are_refused_naming_the_value() {
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e12] {
            let error = limiter(rate).unwrap_err().to_string();
            assert!(error.contains(&rate.to_string()), "{error}");
        }
    }
}
