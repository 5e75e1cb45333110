//! How a batch is sent: concurrency, a callback per request, and reconciliation's bounds.

use crate::defaults;
use std::sync::Arc;
use std::time::Duration;

/// The callback of [`BatchOptions::on_request_done`].
type RequestDone = Arc<dyn Fn(usize, bool) + Send + Sync>;

/// How a batch is sent. Start from [`BatchOptions::new`] (or a concurrency: `8.into()`).
#[derive(Clone)]
#[must_use]
pub struct BatchOptions {
    pub(crate) concurrency: usize,
    pub(crate) on_request_done: Option<RequestDone>,
    pub(crate) reconcile: bool,
    pub(crate) reconcile_rounds: u32,
    pub(crate) reconcile_timeout: Duration,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            concurrency: defaults::BATCH_CONCURRENCY,
            on_request_done: None,
            reconcile: true,
            reconcile_rounds: defaults::RECONCILE_ROUNDS,
            reconcile_timeout: defaults::RECONCILE_TIMEOUT,
        }
    }
}

impl BatchOptions {
    /// The defaults: [`defaults::BATCH_CONCURRENCY`] requests in flight, reconciliation on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests in flight at once: at least 1 and at most
    /// [`defaults::MAX_BATCH_CONCURRENCY`]; a number outside is taken as the nearest bound.
    /// The pace of the action still decides when each leaves, whatever the concurrency.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.clamp(1, defaults::MAX_BATCH_CONCURRENCY);
        self
    }

    /// Called after each request with its item count and whether it succeeded (requests
    /// sent again by reconciliation included).
    pub fn on_request_done(
        mut self,
        callback: impl Fn(usize, bool) + Send + Sync + 'static,
    ) -> Self {
        self.on_request_done = Some(Arc::new(callback));
        self
    }

    /// Whether items left unknown are read back and settled (see [`crate::batch`]), when the
    /// spec names a read-back action for the batch. Default on.
    pub fn reconcile(mut self, on: bool) -> Self {
        self.reconcile = on;
        self
    }

    /// The most reconciliation rounds (read back, send the absent again). Default
    /// [`defaults::RECONCILE_ROUNDS`].
    pub fn reconcile_rounds(mut self, rounds: u32) -> Self {
        self.reconcile_rounds = rounds;
        self
    }

    /// How long reconciliation may read back, all rounds together; items it could not read
    /// by then stay unknown. Default [`defaults::RECONCILE_TIMEOUT`].
    pub fn reconcile_timeout(mut self, timeout: Duration) -> Self {
        self.reconcile_timeout = timeout;
        self
    }
}

impl std::fmt::Debug for BatchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchOptions")
            .field("concurrency", &self.concurrency)
            .field("on_request_done", &self.on_request_done.is_some())
            .field("reconcile", &self.reconcile)
            .field("reconcile_rounds", &self.reconcile_rounds)
            .field("reconcile_timeout", &self.reconcile_timeout)
            .finish()
    }
}

impl From<usize> for BatchOptions {
    fn from(concurrency: usize) -> Self {
        Self::new().concurrency(concurrency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_outside_its_bounds_is_the_nearest_bound() {
        assert_eq!(BatchOptions::from(0).concurrency, 1);
        assert_eq!(BatchOptions::from(300).concurrency, 300);
        assert_eq!(
            BatchOptions::from(1_000_000).concurrency,
            defaults::MAX_BATCH_CONCURRENCY
        );
        assert_eq!(
            BatchOptions::new().concurrency(usize::MAX).concurrency,
            defaults::MAX_BATCH_CONCURRENCY
        );
    }
}
