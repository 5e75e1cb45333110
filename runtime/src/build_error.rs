//! Why a client could not be built: each error names the setting and the value given.

use crate::credentials::CredentialsError;
use std::fmt;

/// Why a client could not be built. Names the setting and the value given.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The endpoint is not an http(s) URL with nothing after the host but `/`.
    #[non_exhaustive]
    Endpoint {
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// No region was given and `TENCENTCLOUD_REGION` is not set, or it is malformed.
    #[non_exhaustive]
    Region {
        /// The value given, if any.
        value: Option<String>,
        /// What is wrong.
        problem: &'static str,
    },
    /// No credentials were given and the default chain found none.
    Credentials(CredentialsError),
    /// The rate limit is not a positive, finite rate.
    #[non_exhaustive]
    RateLimit {
        /// The requests per second asked for.
        value: f64,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The shared rate limit's Redis URL is unusable.
    #[non_exhaustive]
    SharedLimit {
        /// The URL given, its password hidden.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A root certificate given to trust is unusable.
    #[non_exhaustive]
    RootCertificate {
        /// What is wrong with it.
        problem: String,
    },
    /// A header given for every request is not a valid HTTP header value.
    #[non_exhaustive]
    Header {
        /// The header.
        name: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The HTTP client could not be built.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Endpoint { value, problem } => write!(f, "endpoint {value:?}: {problem}"),
            Self::Region {
                value: Some(value),
                problem,
            } => write!(f, "region {value:?}: {problem}"),
            Self::Region {
                value: None,
                problem,
            } => write!(f, "region: {problem}"),
            Self::Credentials(e) => write!(f, "credentials: {e}"),
            Self::RateLimit { value, problem } => write!(f, "rate limit {value}/s: {problem}"),
            Self::SharedLimit { value, problem } => {
                write!(
                    f,
                    "shared rate limit: the Redis URL {value:?} is unusable: {problem}"
                )
            }
            Self::RootCertificate { problem } => write!(f, "root certificate: {problem}"),
            Self::Header {
                name,
                value,
                problem,
            } => write!(f, "{name} {value:?} {problem}"),
            Self::Http(e) => write!(f, "HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credentials(e) => Some(e),
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}
