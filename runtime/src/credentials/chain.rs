//! The default chain of credential sources.

use super::cvm_role::CvmRoleProvider;
use super::env::EnvProvider;
use super::error::CredentialsError;
use super::key::Credentials;
use super::profile::ProfileProvider;
use super::provider::{process_env, CredentialsFuture, ProvideCredentials};
use super::web_identity::WebIdentityProvider;
use std::sync::Arc;

/// The default chain: the environment variables, the profile file, a TKE pod's OIDC role when
/// the `TKE_*` variables configure one, then the CVM instance's CAM role (from the instance
/// metadata service). The first two are read once, when the client is built; a role is
/// fetched at the first call, kept and refreshed before expiry, and only when neither of them
/// exists. A source that exists but is unusable (a variable set without its pair or not UTF-8,
/// a credentials file that is malformed or lacks the profile) is an error, never a reason to
/// sign as another account.
///
/// The official Python SDK asks the CVM role before TKE OIDC; here a configured pod role comes
/// first, because a pod on a CVM node reaches the node's metadata service too and would
/// otherwise sign with the node's role instead of its own.
#[derive(Debug)]
pub struct DefaultChain {
    env: EnvProvider,
    profile: ProfileProvider,
    web_identity: Option<WebIdentityProvider>,
    cvm_role: CvmRoleProvider,
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::with_providers(EnvProvider::default(), ProfileProvider::default())
    }
}

impl DefaultChain {
    /// The chain over the process's environment, the default profile file and the instance
    /// metadata service.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The chain over explicit providers (for tests, or another profile).
    #[must_use]
    pub fn with_providers(env: EnvProvider, profile: ProfileProvider) -> Self {
        Self {
            env,
            profile,
            web_identity: WebIdentityProvider::from_tke_env(process_env),
            cvm_role: CvmRoleProvider::new(),
        }
    }

    /// Asks `provider` (or, with `None`, no TKE role) before the CVM role, instead of the one
    /// the `TKE_*` variables configure.
    #[must_use]
    pub fn web_identity(mut self, provider: Option<WebIdentityProvider>) -> Self {
        self.web_identity = provider;
        self
    }

    /// Fetches the CVM role's credentials through `provider` (another endpoint, a given role).
    #[must_use]
    pub fn cvm_role(mut self, provider: CvmRoleProvider) -> Self {
        self.cvm_role = provider;
        self
    }

    /// The environment's or the profile file's credentials; when neither has any, why each
    /// failed (the CVM role, which needs the network, is not asked: see
    /// [`DefaultChain::resolve`]).
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let env_error = match self.env.load() {
            Ok(c) => return Ok(c),
            // Set but unusable variables are a mistake to report, not to skip.
            Err(e @ CredentialsError::EnvInvalid { .. }) => return Err(e),
            Err(e) => e,
        };
        match self.profile.load() {
            Ok(c) => Ok(c),
            Err(profile_error) => Err(CredentialsError::NotFound {
                tried: vec![env_error, profile_error],
            }),
        }
    }

    /// The chain as the client uses it: the environment's or the profile file's credentials
    /// when one has them, else the CVM role's, fetched at the first call. An error now when a
    /// source exists but is unusable.
    pub fn resolve(self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        match self.load() {
            Ok(credentials) => Ok(Arc::new(credentials)),
            Err(CredentialsError::NotFound { tried }) if tried.iter().all(absent) => {
                Ok(Arc::new(RoleAfterChain {
                    tried,
                    web_identity: self.web_identity,
                    cvm_role: self.cvm_role,
                }))
            }
            Err(CredentialsError::NotFound { mut tried }) if tried.len() == 2 => {
                // The profile file exists and is unusable: that is the error.
                Err(tried.remove(1))
            }
            Err(error) => Err(error),
        }
    }
}

/// Whether `error` says its source holds nothing (rather than something unusable).
fn absent(error: &CredentialsError) -> bool {
    matches!(
        error,
        CredentialsError::EnvMissing { .. }
            | CredentialsError::NoHomeDirectory
            | CredentialsError::ProfileUnreadable { .. }
    )
}

/// A role, after the environment and the profile file held nothing: the TKE pod's when one
/// is configured (then it is the only one asked), else the CVM instance's.
#[derive(Debug)]
struct RoleAfterChain {
    tried: Vec<CredentialsError>,
    web_identity: Option<WebIdentityProvider>,
    cvm_role: CvmRoleProvider,
}

impl ProvideCredentials for RoleAfterChain {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let found = match &self.web_identity {
                Some(pod_role) => pod_role.provide().await,
                None => self.cvm_role.provide().await,
            };
            found.map_err(|role_error| {
                let mut tried = self.tried.clone();
                tried.push(role_error);
                CredentialsError::NotFound { tried }
            })
        })
    }
}
