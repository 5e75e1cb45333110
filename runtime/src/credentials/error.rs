//! Why credentials could not be had.

use super::variables::{ENV_SECRET_ID, ENV_SECRET_KEY};
use std::fmt;
use std::path::PathBuf;
/// Why credentials could not be had. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// A part of the credentials is malformed.
    Invalid {
        /// `secret_id`, `secret_key` or `token`.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A required environment variable is not set.
    EnvMissing {
        /// The variable.
        variable: &'static str,
    },
    /// An environment variable is set but unusable.
    EnvInvalid {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The profile file cannot be read.
    ProfileUnreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// The profile file is not valid INI.
    ProfileMalformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the line.
        reason: String,
    },
    /// The profile file has no such section.
    ProfileNotFound {
        /// The file.
        path: PathBuf,
        /// The section looked for.
        profile: String,
    },
    /// The profile lacks a key or has an unusable value.
    ProfileInvalid {
        /// The file.
        path: PathBuf,
        /// The section.
        profile: String,
        /// The key.
        key: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// No home directory to find `~/.tencentcloud/credentials` in, and no system-wide file.
    NoHomeDirectory,
    /// Every source of the default chain failed.
    NotFound {
        /// Why each source failed, in the order tried.
        tried: Vec<CredentialsError>,
    },
    /// A refreshing provider's fetch failed and no valid credentials remain.
    RefreshFailed {
        /// The fetch's error message.
        reason: String,
    },
    /// STS `AssumeRole` gave no credentials.
    AssumeRole {
        /// The URL and what was wrong, or STS's error code and message (never a key).
        reason: String,
    },
    /// STS `AssumeRoleWithWebIdentity` (a TKE pod's role) gave no credentials.
    WebIdentity {
        /// The file or URL and what was wrong, or STS's error (never the token or a key).
        reason: String,
    },
    /// The CVM instance's role credentials could not be fetched from the metadata service.
    CvmRole {
        /// The URL and what was wrong (never the answer's text).
        reason: String,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { field, problem } => write!(f, "credentials: {field} {problem}"),
            Self::EnvMissing { variable } => {
                write!(f, "environment variable {variable} is not set")
            }
            Self::EnvInvalid { variable, problem } => {
                write!(f, "environment variable {variable} {problem}")
            }
            Self::ProfileUnreadable { path, reason } => {
                write!(
                    f,
                    "cannot read credentials file {}: {reason}",
                    path.display()
                )
            }
            Self::ProfileMalformed { path, reason } => write!(
                f,
                "credentials file {} is not valid INI: {reason}",
                path.display()
            ),
            Self::ProfileNotFound { path, profile } => write!(
                f,
                "credentials file {} has no [{profile}] section",
                path.display()
            ),
            Self::ProfileInvalid {
                path,
                profile,
                key,
                problem,
            } => write!(
                f,
                "credentials file {}: [{profile}] {key} {problem}",
                path.display()
            ),
            Self::NoHomeDirectory => f.write_str(
                "no home directory (neither HOME nor USERPROFILE is set) to find ~/.tencentcloud/credentials in, and no system-wide credentials file",
            ),
            Self::NotFound { tried } => {
                f.write_str("no credentials found; set ")?;
                write!(f, "{ENV_SECRET_ID} and {ENV_SECRET_KEY}, write ~/.tencentcloud/credentials, or run on a CVM instance with a CAM role. Tried: ")?;
                for (i, e) in tried.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            Self::RefreshFailed { reason } => {
                write!(f, "refreshing temporary credentials failed: {reason}")
            }
            Self::AssumeRole { reason } => {
                write!(f, "no credentials from STS AssumeRole: {reason}")
            }
            Self::WebIdentity { reason } => {
                write!(f, "no credentials from STS AssumeRoleWithWebIdentity: {reason}")
            }
            Self::CvmRole { reason } => {
                write!(f, "no CVM role credentials from the metadata service: {reason}")
            }
        }
    }
}

impl std::error::Error for CredentialsError {}
