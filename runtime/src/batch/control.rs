//! Stopping a streamed batch from outside: no new request after [`BatchControl::stop`], and
//! what is still in flight or being read back is given up at its deadline.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Stops a [`super::BatchStream`] from anywhere (a signal handler, another task); clones
/// stop the same batch. Get one from [`super::BatchStream::control`].
#[derive(Clone, Debug)]
pub struct BatchControl {
    deadline: Arc<watch::Sender<Option<Instant>>>,
}

impl BatchControl {
    pub(crate) fn new() -> Self {
        Self {
            deadline: Arc::new(watch::channel(None).0),
        }
    }

    /// No new request is sent from now on. Requests in flight, and the reading back of items
    /// whose answer was lost, get `grace` to finish; at its end whatever is left is given up
    /// and its items end unknown ([`super::BatchError::Interrupted`]). Items read back as
    /// absent after a stop are not sent again: they end failed
    /// ([`super::BatchError::NotResent`]). A later call can shorten the grace, never extend it.
    pub fn stop(&self, grace: Duration) {
        let at = Instant::now() + grace;
        self.deadline.send_modify(|deadline| {
            *deadline = Some(deadline.map_or(at, |earlier| earlier.min(at)));
        });
    }

    /// [`Self::stop`] with no grace: everything in flight is given up now.
    pub fn abandon(&self) {
        self.stop(Duration::ZERO);
    }

    /// Whether [`Self::stop`] or [`Self::abandon`] was called.
    #[must_use]
    pub fn is_stopped(&self) -> bool {
        self.deadline.borrow().is_some()
    }

    pub(crate) fn watch(&self) -> watch::Receiver<Option<Instant>> {
        self.deadline.subscribe()
    }
}

/// Resolves when a stop's deadline is reached (never, while the batch is not stopped);
/// follows a deadline shortened meanwhile.
pub(crate) async fn deadline_reached(control: &mut watch::Receiver<Option<Instant>>) {
    loop {
        let deadline = *control.borrow_and_update();
        match deadline {
            Some(at) => {
                tokio::select! {
                    () = tokio::time::sleep_until(at) => return,
                    changed = control.changed() => {
                        if changed.is_err() {
                            tokio::time::sleep_until(at).await;
                            return;
                        }
                    }
                }
            }
            None => {
                if control.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_later_stop_shortens_the_grace_and_never_extends_it() {
        let control = BatchControl::new();
        let mut watch = control.watch();
        assert!(!control.is_stopped());
        let start = Instant::now();
        control.stop(Duration::from_secs(10));
        control.stop(Duration::from_secs(60));
        let waiting = tokio::spawn(async move {
            deadline_reached(&mut watch).await;
            Instant::now()
        });
        tokio::time::sleep(Duration::from_secs(2)).await;
        control.abandon();
        let reached = waiting.await.unwrap();
        assert!(control.is_stopped());
        assert_eq!((reached - start).as_secs(), 2);
    }
}
