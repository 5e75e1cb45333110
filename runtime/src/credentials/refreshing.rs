//! Temporary credentials fetched by the caller's function and refreshed before expiry.

use super::error::CredentialsError;
use super::key::Credentials;
use super::provider::{CredentialsFuture, ProvideCredentials};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;
use std::time::{Duration, SystemTime};
/// The future a refreshing provider's fetch function returns.
pub type FetchFuture = Pin<Box<dyn Future<Output = Result<Credentials, String>> + Send + 'static>>;

/// Temporary credentials fetched by a function of yours (STS, an instance role, a vault) and
/// refreshed `refresh_before` their expiry (or at half their remaining lifetime, when that is
/// shorter). Under concurrency only one caller fetches; the others wait for its result.
pub struct RefreshingProvider {
    fetch: Box<dyn Fn() -> FetchFuture + Send + Sync>,
    refresh_before: Duration,
    current: RwLock<Option<Fetched>>,
    refreshing: tokio::sync::Mutex<()>,
}

/// Fetched credentials and when to replace them.
#[derive(Debug)]
struct Fetched {
    credentials: Credentials,
    refresh_at: Option<SystemTime>,
}

impl fmt::Debug for RefreshingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingProvider")
            .field("refresh_before", &self.refresh_before)
            .field(
                "current",
                &*self.current.read().unwrap_or_else(|e| e.into_inner()),
            )
            .finish_non_exhaustive()
    }
}

impl RefreshingProvider {
    /// Refreshes five minutes before expiry by default.
    pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(300);

    /// A provider calling `fetch` for new credentials (which should carry an expiry; those
    /// without one are kept until the process ends).
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Credentials, String>> + Send + 'static,
    {
        Self {
            fetch: Box::new(move || Box::pin(fetch())),
            refresh_before: Self::DEFAULT_REFRESH_BEFORE,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// Refreshes this long before expiry.
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// The current credentials if `keep` says they are still good at `now`.
    fn current_if(&self, keep: impl Fn(&Fetched) -> bool) -> Option<Credentials> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|f| keep(f))
            .map(|f| f.credentials.clone())
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        self.current_if(|f| f.refresh_at.is_none_or(|at| now < at))
    }

    fn unexpired(&self, now: SystemTime) -> Option<Credentials> {
        self.current_if(|f| !f.credentials.expires_within(Duration::ZERO, now))
    }

    /// When credentials fetched at `now` should be replaced.
    fn refresh_at(&self, credentials: &Credentials, now: SystemTime) -> Option<SystemTime> {
        let expires_at = credentials.expires_at()?;
        let remaining = expires_at.duration_since(now).unwrap_or_default();
        Some(expires_at - self.refresh_before.min(remaining / 2))
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        if let Some(c) = self.fresh(SystemTime::now()) {
            return Ok(c);
        }
        let _guard = self.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(c) = self.fresh(SystemTime::now()) {
            return Ok(c);
        }
        match (self.fetch)().await {
            Ok(credentials) => {
                let refresh_at = self.refresh_at(&credentials, SystemTime::now());
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Fetched {
                    credentials: credentials.clone(),
                    refresh_at,
                });
                Ok(credentials)
            }
            // Credentials inside the refresh margin still work until they expire.
            Err(reason) => self
                .unexpired(SystemTime::now())
                .ok_or(CredentialsError::RefreshFailed { reason }),
        }
    }
}

impl ProvideCredentials for RefreshingProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(self.get())
    }
}
