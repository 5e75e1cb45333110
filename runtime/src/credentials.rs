//! Tencent Cloud credentials and where they come from: given directly, from environment
//! variables, from the profile file, a default chain of those, or a provider of temporary
//! credentials that are refreshed before they expire.
//!
//! No secret key or token ever appears in `Debug` output or in an error message.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

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

/// A SecretId, its SecretKey and, for temporary credentials, a token and an expiry.
/// Cheap to clone.
#[derive(Clone)]
pub struct Credentials(Arc<Inner>);

struct Inner {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    expires_at: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials. Fails when either part is empty or has surrounding spaces.
    pub fn new(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let secret_id = secret_id.into();
        let secret_key = secret_key.into();
        check_part("secret_id", &secret_id)?;
        check_part("secret_key", &secret_key)?;
        Ok(Self(Arc::new(Inner {
            secret_id,
            secret_key,
            token: None,
            expires_at: None,
        })))
    }

    /// Temporary credentials with their token (sent as `X-TC-Token`).
    pub fn with_token(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
        token: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let base = Self::new(secret_id, secret_key)?;
        let token = token.into();
        check_part("token", &token)?;
        Ok(base.rebuild(Some(token), base.0.expires_at))
    }

    /// The same credentials, valid until `expires_at`.
    pub fn expiring_at(self, expires_at: SystemTime) -> Self {
        let token = self.0.token.clone();
        self.rebuild(token, Some(expires_at))
    }

    fn rebuild(&self, token: Option<String>, expires_at: Option<SystemTime>) -> Self {
        Self(Arc::new(Inner {
            secret_id: self.0.secret_id.clone(),
            secret_key: self.0.secret_key.clone(),
            token,
            expires_at,
        }))
    }

    /// The SecretId (not a secret: it names the key, as an access key id does).
    pub fn secret_id(&self) -> &str {
        &self.0.secret_id
    }

    /// The SecretKey. Keep it out of logs.
    pub fn secret_key(&self) -> &str {
        &self.0.secret_key
    }

    /// The token of temporary credentials.
    pub fn token(&self) -> Option<&str> {
        self.0.token.as_deref()
    }

    /// When temporary credentials stop working.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.0.expires_at
    }

    /// Whether they are expired, or will be within `margin` of `now`.
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        self.0
            .expires_at
            .is_some_and(|at| at <= now.checked_add(margin).unwrap_or(now))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.0.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.0.token.as_ref().map(|_| "** redacted **"))
            .field("expires_at", &self.0.expires_at)
            .finish()
    }
}

fn check_part(field: &'static str, value: &str) -> Result<(), CredentialsError> {
    if value.trim().is_empty() {
        Err(CredentialsError::Invalid {
            field,
            problem: "is empty",
        })
    } else if value.trim() != value {
        Err(CredentialsError::Invalid {
            field,
            problem: "has leading or trailing whitespace",
        })
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        Err(CredentialsError::Invalid {
            field,
            problem: "has a character that is not visible ASCII (the service issues only ASCII)",
        })
    } else {
        Ok(())
    }
}

/// The largest credentials file read (a real one is a few hundred bytes).
pub const MAX_PROFILE_FILE_BYTES: u64 = 64 * 1024;

/// The text of a credentials file: at most [`MAX_PROFILE_FILE_BYTES`], UTF-8, without a BOM.
fn read_profile_file(path: &Path) -> Result<String, CredentialsError> {
    use std::io::Read;
    let unreadable = |reason: String| CredentialsError::ProfileUnreadable {
        path: path.to_path_buf(),
        reason,
    };
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
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
}

/// The first line that is neither blank, a comment, a `[section]` nor a `key = value`: its
/// number (its text is never shown: it may hold a secret).
fn first_stray_line(text: &str) -> Option<usize> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.trim();
        let fine = line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || (line.starts_with('[') && line.ends_with(']'))
            || line.contains('=');
        (!fine).then_some(i + 1)
    })
}

/// Why credentials could not be had. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        /// The parser's message, with line and column.
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
    /// No home directory to find `~/.tencentcloud/credentials` in.
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
                "no home directory (HOME is not set) to find ~/.tencentcloud/credentials in",
            ),
            Self::NotFound { tried } => {
                f.write_str("no credentials found; set ")?;
                write!(f, "{ENV_SECRET_ID} and {ENV_SECRET_KEY}, or write ~/.tencentcloud/credentials. Tried: ")?;
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
        }
    }
}

impl std::error::Error for CredentialsError {}

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
type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

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

    /// The credentials the variables hold now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let var = |variable: &'static str| {
            (self.lookup)(variable).ok_or(CredentialsError::EnvMissing { variable })
        };
        let id = var(ENV_SECRET_ID)?;
        let key = var(ENV_SECRET_KEY)?;
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

/// Credentials from an INI profile file: `~/.tencentcloud/credentials` unless
/// `TENCENTCLOUD_CREDENTIALS_FILE` names another, section `[default]` unless another is
/// named, keys `secret_id`, `secret_key` and optionally `token`.
pub struct ProfileProvider {
    path: Option<PathBuf>,
    profile: String,
    lookup: Box<EnvLookup>,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
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
            profile: DEFAULT_PROFILE.to_string(),
            lookup: Box::new(process_env),
        }
    }

    /// Reads `path` instead of the default file.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Reads the section `[profile]`.
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = profile.into();
        self
    }

    /// Resolves `HOME` and `TENCENTCLOUD_CREDENTIALS_FILE` through `lookup`.
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
        let home = (self.lookup)("HOME")
            .filter(|h| !h.is_empty())
            .ok_or(CredentialsError::NoHomeDirectory)?;
        Ok(Path::new(&home).join(".tencentcloud").join("credentials"))
    }

    /// The credentials the file holds now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let path = self.file()?;
        let text = read_profile_file(&path)?;
        let ini =
            ini::Ini::load_from_str(&text).map_err(|e| CredentialsError::ProfileMalformed {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        if let Some(line) = first_stray_line(&text) {
            return Err(CredentialsError::ProfileMalformed {
                path: path.clone(),
                reason: format!(
                    "line {line} is neither a [section], a key = value nor a comment (its text is not shown: it may be a secret)"
                ),
            });
        }
        let section = ini.section(Some(self.profile.as_str())).ok_or_else(|| {
            CredentialsError::ProfileNotFound {
                path: path.clone(),
                profile: self.profile.clone(),
            }
        })?;
        let invalid = |key: &'static str, problem: &'static str| CredentialsError::ProfileInvalid {
            path: path.clone(),
            profile: self.profile.clone(),
            key,
            problem,
        };
        for key in ["secret_id", "secret_key", "token"] {
            if section.get_all(key).count() > 1 {
                return Err(invalid(key, "is given more than once; keep one"));
            }
        }
        let get = |key: &'static str| {
            section
                .get(key)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| invalid(key, "is missing or empty"))
        };
        let id = get("secret_id")?;
        let key = get("secret_key")?;
        match section
            .get("token")
            .map(str::trim)
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

/// The default chain: the environment variables, then the profile file. Resolved once, when
/// [`DefaultChain::load`] is called (the client builder does so).
#[derive(Debug, Default)]
pub struct DefaultChain {
    env: EnvProvider,
    profile: ProfileProvider,
}

impl DefaultChain {
    /// The chain over the process's environment and the default profile file.
    pub fn new() -> Self {
        Self::default()
    }

    /// The chain over explicit providers (for tests, or another profile).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_padded_parts_are_rejected_naming_the_field() {
        let e = Credentials::new("", "k").unwrap_err();
        assert_eq!(e.to_string(), "credentials: secret_id is empty");
        let e = Credentials::new("id", " k").unwrap_err();
        assert_eq!(
            e.to_string(),
            "credentials: secret_key has leading or trailing whitespace"
        );
        let e = Credentials::with_token("id", "k", "t\n").unwrap_err();
        assert!(e.to_string().contains("token"));
    }

    #[test]
    fn debug_redacts_key_and_token() {
        let c = Credentials::with_token("AKIDX", "KEY-SECRET", "TOKEN-SECRET").unwrap();
        let text = format!("{c:?} {:?}", Some(c.clone()));
        assert!(text.contains("AKIDX"));
        assert!(
            !text.contains("KEY-SECRET") && !text.contains("TOKEN-SECRET"),
            "{text}"
        );
    }

    #[test]
    fn expiry_margin() {
        let now = SystemTime::now();
        let c = Credentials::new("id", "k")
            .unwrap()
            .expiring_at(now + Duration::from_secs(60));
        assert!(c.expires_within(Duration::from_secs(120), now));
        assert!(!c.expires_within(Duration::from_secs(30), now));
        assert!(!Credentials::new("id", "k")
            .unwrap()
            .expires_within(Duration::MAX, now));
    }
}
