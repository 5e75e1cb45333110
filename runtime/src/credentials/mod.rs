//! Tencent Cloud credentials and where they come from: given directly, from environment
//! variables, from the profile file, a default chain of those, or a provider of temporary
//! credentials that are refreshed before they expire.
//!
//! No secret key or token ever appears in `Debug` output or in an error message.

mod chain;
mod env;
mod error;
mod key;
mod profile;
mod provider;
mod refreshing;
#[cfg(test)]
mod tests;

pub use chain::DefaultChain;
pub use env::EnvProvider;
pub use error::CredentialsError;
pub use key::Credentials;
pub use profile::{ProfileProvider, MAX_PROFILE_FILE_BYTES};
pub use provider::{CredentialsFuture, ProvideCredentials};
pub use refreshing::{FetchFuture, RefreshingProvider};

/// Environment variable holding the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// Environment variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Environment variable holding the token of temporary credentials.
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// Environment variable overriding the profile file's path.
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// The profile read when none is named.
pub const DEFAULT_PROFILE: &str = "default";
