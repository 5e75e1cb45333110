//! Tencent Cloud credentials and where they come from: given directly, from environment
//! variables, from the profile file, a default chain of those, or a provider of temporary
//! credentials that are refreshed before they expire.
//!
//! No secret key or token ever appears in `Debug` output or in an error message.

mod assume_role;
mod chain;
mod cvm_role;
mod env;
mod error;
mod fetch;
mod ini;
mod key;
mod profile;
mod provider;
mod refreshing;
mod sts;
#[cfg(test)]
mod tests;
mod variables;
mod web_identity;

pub use assume_role::AssumeRoleProvider;
pub use chain::DefaultChain;
pub use cvm_role::{CvmRoleProvider, MAX_METADATA_ANSWER_BYTES};
pub use env::EnvProvider;
pub use error::CredentialsError;
pub use key::Credentials;
pub use profile::{ProfileProvider, MAX_PROFILE_FILE_BYTES};
pub use provider::{CredentialsFuture, ProvideCredentials};
pub use refreshing::{FetchFuture, RefreshingProvider};
pub use sts::MAX_STS_ANSWER_BYTES;
pub use variables::{
    DEFAULT_METADATA_ENDPOINT, DEFAULT_PROFILE, DEFAULT_STS_ENDPOINT, ENV_CREDENTIALS_FILE,
    ENV_METADATA_ENDPOINT, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_STS_ENDPOINT,
    SYSTEM_CREDENTIALS_FILE,
};
pub use web_identity::{
    WebIdentityProvider, ENV_TKE_PROVIDER_ID, ENV_TKE_REGION, ENV_TKE_ROLE_ARN,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
};
