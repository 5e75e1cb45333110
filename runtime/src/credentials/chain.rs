//! The default chain of credential sources.

use super::env::EnvProvider;
use super::error::CredentialsError;
use super::key::Credentials;
use super::profile::ProfileProvider;
/// The default chain: the environment variables, then the profile file. Resolved once, when
/// [`DefaultChain::load`] is called (the client builder does so).
#[derive(Debug, Default)]
pub struct DefaultChain {
    env: EnvProvider,
    profile: ProfileProvider,
}

impl DefaultChain {
    /// The chain over the process's environment and the default profile file.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The chain over explicit providers (for tests, or another profile).
    #[must_use]
    pub fn with_providers(env: EnvProvider, profile: ProfileProvider) -> Self {
        Self { env, profile }
    }

    /// The first credentials found; when none, why each source failed.
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
}
