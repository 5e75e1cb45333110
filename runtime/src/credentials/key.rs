//! `Credentials`: a SecretId, its SecretKey, and a token and expiry when temporary.

use super::error::CredentialsError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
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
    #[must_use]
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
    #[must_use]
    pub fn secret_id(&self) -> &str {
        &self.0.secret_id
    }

    /// The SecretKey. Keep it out of logs.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.0.secret_key
    }

    /// The token of temporary credentials.
    #[must_use]
    pub fn token(&self) -> Option<&str> {
        self.0.token.as_deref()
    }

    /// When temporary credentials stop working.
    #[must_use]
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.0.expires_at
    }

    /// Whether they are expired, or will be within `margin` of `now`.
    #[must_use]
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

pub(super) fn check_part(field: &'static str, value: &str) -> Result<(), CredentialsError> {
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

impl crate::signing::SigningKey for Credentials {
    fn secret_id(&self) -> &str {
        Credentials::secret_id(self)
    }
    fn secret_key(&self) -> &str {
        Credentials::secret_key(self)
    }
    fn token(&self) -> Option<&str> {
        Credentials::token(self)
    }
}
