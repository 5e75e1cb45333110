//! The source-of-credentials trait, asked before every request is signed.

use super::error::CredentialsError;
use super::key::Credentials;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
/// The future a provider returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, asked before every request is signed.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Credentials valid for a request sent now.
    fn provide(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> CredentialsFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// One provider shared by several clients (of one API or of several): a refreshing provider
/// behind an `Arc` fetches once for all of them.
impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide(&self) -> CredentialsFuture<'_> {
        (**self).provide()
    }
}

/// Reads an environment variable through a lookup function (the process's, or a test's).
pub(super) type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The process's environment variable `name`, when set. A value that is not UTF-8 comes back
/// with its invalid bytes replaced (U+FFFD), so that it is refused as unusable, naming the
/// variable, rather than taken as unset.
pub(super) fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
}
