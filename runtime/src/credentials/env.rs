//! Credentials from the environment variables.

use super::error::CredentialsError;
use super::key::{check_part, Credentials};
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use super::variables::{ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN};
use std::fmt;
/// Credentials from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, for temporary
/// credentials, `TENCENTCLOUD_SESSION_TOKEN`.
pub struct EnvProvider {
    lookup: Box<EnvLookup>,
}

impl fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvProvider")
    }
}

impl Default for EnvProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvProvider {
    /// Reads the process's environment.
    pub fn new() -> Self {
        Self {
            lookup: Box::new(process_env),
        }
    }

    /// Reads variables through `lookup` instead of the process's environment.
    pub fn with_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Box::new(lookup),
        }
    }

    /// The credentials the variables hold now. Neither variable set: `EnvMissing` (the
    /// chain tries its next source). One set without the other, or either unusable:
    /// `EnvInvalid` naming it, so that the chain never signs with another source's account.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = (self.lookup)(ENV_SECRET_ID);
        let key = (self.lookup)(ENV_SECRET_KEY);
        let (id, key) = match (id, key) {
            (Some(id), Some(key)) => (id, key),
            (None, None) => {
                return Err(CredentialsError::EnvMissing {
                    variable: ENV_SECRET_ID,
                })
            }
            (Some(_), None) => {
                return Err(CredentialsError::EnvInvalid {
                    variable: ENV_SECRET_KEY,
                    problem: "is not set, though TENCENTCLOUD_SECRET_ID is (set both, or neither)",
                })
            }
            (None, Some(_)) => {
                return Err(CredentialsError::EnvInvalid {
                    variable: ENV_SECRET_ID,
                    problem: "is not set, though TENCENTCLOUD_SECRET_KEY is (set both, or neither)",
                })
            }
        };
        let token = (self.lookup)(ENV_SESSION_TOKEN).filter(|t| !t.is_empty());
        let as_env = |e: CredentialsError, variable| match e {
            CredentialsError::Invalid { problem, .. } => {
                CredentialsError::EnvInvalid { variable, problem }
            }
            other => other,
        };
        check_part("secret_id", &id).map_err(|e| as_env(e, ENV_SECRET_ID))?;
        check_part("secret_key", &key).map_err(|e| as_env(e, ENV_SECRET_KEY))?;
        match token {
            Some(token) => {
                Credentials::with_token(id, key, token).map_err(|e| as_env(e, ENV_SESSION_TOKEN))
            }
            None => Credentials::new(id, key),
        }
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
