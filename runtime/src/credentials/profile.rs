//! Credentials from the INI profile file.

use super::error::CredentialsError;
use super::key::Credentials;
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use super::variables::{DEFAULT_PROFILE, ENV_CREDENTIALS_FILE, SYSTEM_CREDENTIALS_FILE};
use std::fmt;
use std::path::{Path, PathBuf};
/// The largest credentials file read (a real one is a few hundred bytes).
pub const MAX_PROFILE_FILE_BYTES: u64 = 64 * 1024;

/// The text of a credentials file: at most [`MAX_PROFILE_FILE_BYTES`], UTF-8, without a BOM.
fn read_profile_file(path: &Path) -> Result<String, CredentialsError> {
    use std::io::Read;
    let unreadable = |reason: String| CredentialsError::ProfileUnreadable {
        path: path.to_path_buf(),
        reason,
    };
    // Only a regular file: opening a FIFO without a writer would block the caller forever.
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(unreadable(
            "not a regular file (a directory, a FIFO or a device is never read)".to_owned(),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    if bytes.len() as u64 > MAX_PROFILE_FILE_BYTES {
        return Err(unreadable(format!(
            "larger than {MAX_PROFILE_FILE_BYTES} bytes, the most read (a credentials file is a few hundred)"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        unreadable(format!(
            "not UTF-8 text (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// Credentials from an INI profile file: `~/.tencentcloud/credentials` (the home directory from
/// `HOME`, or `USERPROFILE` when it is unset), or [`SYSTEM_CREDENTIALS_FILE`] when that does
/// not exist, unless `TENCENTCLOUD_CREDENTIALS_FILE` names another; section `[default]` unless
/// another is named, keys `secret_id`, `secret_key` and optionally `token`.
pub struct ProfileProvider {
    path: Option<PathBuf>,
    system_path: PathBuf,
    profile: String,
    lookup: Box<EnvLookup>,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
            .field("system_path", &self.system_path)
            .field("profile", &self.profile)
            .finish()
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProfileProvider {
    /// The `[default]` profile of the default file.
    pub fn new() -> Self {
        Self {
            path: None,
            system_path: PathBuf::from(SYSTEM_CREDENTIALS_FILE),
            profile: DEFAULT_PROFILE.to_owned(),
            lookup: Box::new(process_env),
        }
    }

    /// Reads `path` instead of the default file.
    #[must_use]
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Reads `path` when the user's file does not exist, instead of
    /// [`SYSTEM_CREDENTIALS_FILE`].
    #[must_use]
    pub fn system_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.system_path = path.into();
        self
    }

    /// Reads the section `[profile]`.
    #[must_use]
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = profile.into();
        self
    }

    /// Resolves `HOME` and `TENCENTCLOUD_CREDENTIALS_FILE` through `lookup`.
    #[must_use]
    pub fn with_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.lookup = Box::new(lookup);
        self
    }

    /// The file this provider reads.
    pub fn file(&self) -> Result<PathBuf, CredentialsError> {
        if let Some(path) = &self.path {
            return Ok(path.clone());
        }
        if let Some(path) = (self.lookup)(ENV_CREDENTIALS_FILE).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(path));
        }
        let home = ["HOME", "USERPROFILE"]
            .into_iter()
            .find_map(|variable| (self.lookup)(variable).filter(|h| !h.is_empty()));
        let user = home.map(|home| Path::new(&home).join(".tencentcloud").join("credentials"));
        match user {
            Some(user) if user.exists() || !self.system_path.exists() => Ok(user),
            _ if self.system_path.exists() => Ok(self.system_path.clone()),
            _ => Err(CredentialsError::NoHomeDirectory),
        }
    }

    /// The credentials the file holds now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let path = self.file()?;
        let text = read_profile_file(&path)?;
        let sections =
            super::ini::parse(&text).map_err(|reason| CredentialsError::ProfileMalformed {
                path: path.clone(),
                reason,
            })?;
        let section =
            sections
                .section(&self.profile)
                .ok_or_else(|| CredentialsError::ProfileNotFound {
                    path: path.clone(),
                    profile: self.profile.clone(),
                })?;
        let invalid = |key: &'static str, problem: &'static str| CredentialsError::ProfileInvalid {
            path: path.clone(),
            profile: self.profile.clone(),
            key,
            problem,
        };
        for key in ["secret_id", "secret_key", "token"] {
            if section.get_all(key).len() > 1 {
                return Err(invalid(key, "is given more than once; keep one"));
            }
        }
        let get = |key: &'static str| {
            section
                .get_all(key)
                .first()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| invalid(key, "is missing or empty"))
        };
        let id = get("secret_id")?;
        let key = get("secret_key")?;
        match section
            .get_all("token")
            .first()
            .map(|v| v.trim())
            .filter(|t| !t.is_empty())
        {
            Some(token) => Credentials::with_token(id, key, token),
            None => Credentials::new(id, key),
        }
        .map_err(|e| match e {
            CredentialsError::Invalid { field, problem } => invalid(field, problem),
            other => other,
        })
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
