//! Where a client reads the time from, and Unix seconds from it.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the client reads the time from; replace it to sign with a chosen time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant (tests, reproducible signatures).
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(SystemTime);

impl FixedClock {
    /// A clock stopped at `instant`.
    #[must_use]
    pub fn at(instant: SystemTime) -> Self {
        Self(instant)
    }

    /// A clock stopped at a Unix timestamp.
    #[must_use]
    pub fn at_unix(seconds: u64) -> Self {
        Self(UNIX_EPOCH + Duration::from_secs(seconds))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// `t` in whole seconds since the Unix epoch (negative before it), saturating.
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_before_the_epoch_do_not_panic() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), -5);
        assert_eq!(unix_seconds(FixedClock::at_unix(7).now()), 7);
    }
}
