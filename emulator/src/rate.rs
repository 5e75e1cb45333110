//! Sliding one-second windows: the per-SecretId rate check, and the busiest second seen.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// Instants of recent events, oldest first, trimmed to the last second.
#[derive(Default)]
struct Window(VecDeque<Instant>);

impl Window {
    fn trim(&mut self, now: Instant) {
        while self
            .0
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.0.pop_front();
        }
    }

    /// Adds an event at `at`, in order: requests are counted when they arrived, so one that
    /// took longer to reach its check can come after a later one.
    fn insert(&mut self, at: Instant) {
        let position = self.0.partition_point(|t| *t <= at);
        self.0.insert(position, at);
    }

    /// The most events, an event at `at` included, in any one-second window that holds
    /// `at`: the second up to `at`, and the second up to each later event within a second
    /// (requests checked out of their order of arrival).
    fn busiest_with(&self, at: Instant) -> usize {
        let up_to = |end: Instant| {
            let after = self.0.partition_point(|t| *t <= end);
            let before = end
                .checked_sub(WINDOW)
                .map_or(0, |from| self.0.partition_point(|t| *t <= from));
            after - before
        };
        let later = self.0.partition_point(|t| *t <= at);
        let within = self
            .0
            .partition_point(|t| t.saturating_duration_since(at) < WINDOW);
        (later..within)
            .map(|i| up_to(self.0[i]))
            .chain(std::iter::once(up_to(at)))
            .max()
            .unwrap_or(0)
    }
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter").finish_non_exhaustive()
    }
}

/// Admits at most `limit` requests per SecretId in any one-second window.
pub struct RateLimiter {
    limit: usize,
    windows: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    /// A limiter of `limit` requests per second per key.
    #[must_use]
    pub fn new(limit: u32) -> Self {
        Self {
            limit: limit as usize,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// The limit per second.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether a request of `key` that arrived at `now` is admitted (and counts if so).
    pub fn admit(&self, key: &str, now: Instant) -> bool {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = match windows.get_mut(key) {
            Some(w) => w,
            None => windows.entry(key.to_owned()).or_default(),
        };
        // Requests reach the check in a slightly different order than they arrived: the
        // window keeps two seconds, and no second that would hold this request may exceed.
        window.trim(now.checked_sub(WINDOW).unwrap_or(now));
        if window.busiest_with(now) >= self.limit {
            return false;
        }
        window.insert(now);
        true
    }

    /// Forgets every window.
    pub fn reset(&self) {
        self.windows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for BusiestSecond {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusiestSecond").finish_non_exhaustive()
    }
}

/// The most events seen in any one-second window.
#[derive(Default)]
pub struct BusiestSecond {
    state: Mutex<(Window, usize)>,
}

impl BusiestSecond {
    /// Records an event at `now`.
    pub fn record(&self, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.trim(now);
        state.0 .0.push_back(now);
        state.1 = state.1.max(state.0 .0.len());
    }

    /// The highest count so far.
    pub fn max(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1
    }

    /// Starts over.
    pub fn reset(&self) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Default::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_limit_in_any_second_then_slides() {
        let limiter = RateLimiter::new(3);
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        assert!(limiter.admit("a", at(0)));
        assert!(limiter.admit("a", at(100)));
        assert!(limiter.admit("a", at(900)));
        assert!(!limiter.admit("a", at(999)), "fourth inside the second");
        assert!(limiter.admit("b", at(999)), "keys are separate");
        assert!(limiter.admit("a", at(1000)), "the first left the window");
        assert!(!limiter.admit("a", at(1050)));
    }

    #[test]
    fn a_request_counts_in_the_second_it_arrived_in_whenever_it_is_checked() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now() + Duration::from_secs(5);
        let at = |ms: i64| {
            let offset = Duration::from_millis(ms.unsigned_abs());
            if ms < 0 {
                t0 - offset
            } else {
                t0 + offset
            }
        };
        assert!(limiter.admit("a", at(1000)));
        assert!(limiter.admit("a", at(1900)));
        // Arrived before both, checked after them: its second ((-0, 50]) holds neither.
        assert!(limiter.admit("a", at(50)));
        // The second to 1950 holds 1000 and 1900.
        assert!(!limiter.admit("a", at(1950)));
        // The second to 1040 holds 50 and 1000.
        assert!(!limiter.admit("a", at(1040)));
        // The second to 2001 holds 1900 only: 50 and 1000 have left it.
        assert!(limiter.admit("a", at(2001)));
        // Checked after two later ones of its second: the second to 3400 would hold three.
        assert!(limiter.admit("b", at(3000)));
        assert!(limiter.admit("b", at(3400)));
        assert!(!limiter.admit("b", at(2600)));
    }

    #[test]
    fn busiest_second_is_a_sliding_maximum() {
        let busiest = BusiestSecond::default();
        let t0 = Instant::now();
        for ms in [0, 10, 20, 1500, 1600] {
            busiest.record(t0 + Duration::from_millis(ms));
        }
        assert_eq!(busiest.max(), 3);
    }
}
