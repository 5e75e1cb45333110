//! How to run an emulator: [`EmulatorConfig`], its defaults, and the demo account.

use crate::auth::Account;
use crate::faults::FaultConfig;
use crate::sessions::SessionSpec;
use crate::tls::TlsIdentity;
use std::net::SocketAddr;
use std::time::Duration;

/// The SecretId of the demo account used when none is configured.
pub const DEMO_SECRET_ID: &str = "AKIDEMULATORDEMO00000000000000000";
/// The SecretKey of the demo account (public on purpose: it only opens the emulator).
pub const DEMO_SECRET_KEY: &str = "emulator-demo-secret-key";

/// How to run an emulator. `Default`: loopback on a free port, the demo account, no
/// sessions, the spec's rates, 300 s of allowed skew, a 1 MiB body cap, 10 s to send a head
/// and 10 s to send a body, 1 000 requests per connection, no faults.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The accounts whose signatures are accepted.
    pub accounts: Vec<Account>,
    /// The sessions that exist at start (and after a reset).
    pub sessions: Vec<SessionSpec>,
    /// Requests per second per SecretId for every action; `None`: each action's spec rate.
    pub rate_limit: Option<u32>,
    /// Most seconds between a request's timestamp and the server's clock.
    pub max_skew_secs: u64,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Largest request head (request line and headers) accepted.
    pub max_header_bytes: usize,
    /// How long a client may take to send its request head; also how long a keep-alive
    /// connection may stay idle between requests (hyper starts the head timer as soon as a
    /// connection is idle).
    pub header_read_timeout: Duration,
    /// How long a client may take to send a whole request body, from the end of its head.
    /// Past it the request is answered `InvalidParameter` (nothing is changed) and the
    /// connection is closed.
    pub body_read_timeout: Duration,
    /// Requests served on one connection; the last answer carries `Connection: close` and the
    /// connection is closed after it.
    pub max_requests_per_connection: usize,
    /// Fault injection.
    pub faults: FaultConfig,
    /// The spec's YAML; `None`: the workspace spec embedded in the binary.
    pub spec_yaml: Option<String>,
    /// Serve HTTPS with this certificate and key; `None`: plain HTTP.
    pub tls: Option<TlsIdentity>,
    /// Serve the CVM instance metadata of this CAM role (`GET
    /// /latest/meta-data/cam/security-credentials/…`): temporary credentials the API accepts
    /// until they expire. `None`: no metadata paths.
    pub cvm_role: Option<String>,
    /// How long the temporary credentials the emulator issues are accepted.
    pub temporary_credentials_lifetime: Duration,
    /// The OIDC provider id and the web-identity token STS `AssumeRoleWithWebIdentity`
    /// accepts (what a TKE pod presents); `None`: that action is refused.
    pub web_identity: Option<(String, String)>,
    /// The token the admin API (`/_emulator/…`) requires in the [`ADMIN_TOKEN_HEADER`]
    /// header; `None`: the admin API answers anyone, which is allowed on a loopback address
    /// only ([`EmulatorConfig::validate`] refuses another `listen` without a token).
    pub admin_token: Option<AdminToken>,
    /// The most game server sessions held (the configured ones included); one more created
    /// through the admin API is refused with `LimitExceeded`.
    pub max_sessions: usize,
    /// The most players held in all sessions; a join beyond is answered `LimitExceeded`.
    pub max_players: usize,
}

/// Every setting but the secrets: the web-identity token and the admin token show as `***`
/// (accounts show their SecretId only), the spec as its length.
impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("listen", &self.listen)
            .field("accounts", &self.accounts)
            .field("sessions", &self.sessions)
            .field("rate_limit", &self.rate_limit)
            .field("max_skew_secs", &self.max_skew_secs)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_header_bytes", &self.max_header_bytes)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field(
                "max_requests_per_connection",
                &self.max_requests_per_connection,
            )
            .field("faults", &self.faults)
            .field(
                "spec_yaml",
                &self
                    .spec_yaml
                    .as_ref()
                    .map(|s| format!("{} bytes", s.len())),
            )
            .field("tls", &self.tls)
            .field("cvm_role", &self.cvm_role)
            .field(
                "temporary_credentials_lifetime",
                &self.temporary_credentials_lifetime,
            )
            .field(
                "web_identity",
                &self
                    .web_identity
                    .as_ref()
                    .map(|(provider, _)| (provider, "***")),
            )
            .field("admin_token", &self.admin_token)
            .field("max_sessions", &self.max_sessions)
            .field("max_players", &self.max_players)
            .finish()
    }
}

/// The header that carries the admin token to the admin API.
pub const ADMIN_TOKEN_HEADER: &str = "x-emulator-admin-token";

/// The admin API's token: a secret, so its `Debug` shows none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl AdminToken {
    /// A token of 16 to 256 visible ASCII characters (it travels in a header).
    pub fn new(token: impl Into<String>) -> Result<Self, String> {
        let token = token.into();
        let fine = (16..=256).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_graphic());
        if !fine {
            return Err(format!(
                "admin token: 16 to 256 visible ASCII characters, {} character(s) given (not shown)",
                token.chars().count()
            ));
        }
        Ok(Self(token))
    }

    /// Whether `given` is the token (compared in constant time).
    pub(crate) fn accepts(&self, given: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        self.0.len() == given.len() && bool::from(self.0.as_bytes().ct_eq(given))
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(***)")
    }
}

/// The longest lifetime of issued temporary credentials: 12 hours, STS's own maximum.
pub const MAX_CREDENTIALS_LIFETIME_SECS: u64 = 43_200;

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            accounts: vec![Account {
                secret_id: DEMO_SECRET_ID.to_owned(),
                secret_key: DEMO_SECRET_KEY.to_owned(),
                token: None,
            }],
            sessions: Vec::new(),
            rate_limit: None,
            max_skew_secs: 300,
            max_body_bytes: 1024 * 1024,
            max_header_bytes: 64 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            max_requests_per_connection: 1000,
            faults: FaultConfig::default(),
            spec_yaml: None,
            tls: None,
            cvm_role: None,
            temporary_credentials_lifetime: Duration::from_secs(7200),
            web_identity: None,
            admin_token: None,
            max_sessions: crate::sessions::DEFAULT_MAX_SESSIONS,
            max_players: crate::sessions::DEFAULT_MAX_PLAYERS,
        }
    }
}

impl EmulatorConfig {
    /// Adds a session that exists at start.
    #[must_use]
    pub fn session(mut self, spec: SessionSpec) -> Self {
        self.sessions.push(spec);
        self
    }

    /// Serves the CVM instance metadata of CAM role `role` (see [`EmulatorConfig::cvm_role`]).
    #[must_use]
    pub fn cvm_role(mut self, role: &str) -> Self {
        self.cvm_role = Some(role.to_owned());
        self
    }

    /// Trusts OIDC provider `provider_id` and its web-identity `token` in STS
    /// `AssumeRoleWithWebIdentity`.
    #[must_use]
    pub fn web_identity(mut self, provider_id: &str, token: &str) -> Self {
        self.web_identity = Some((provider_id.to_owned(), token.to_owned()));
        self
    }

    /// Accepts the temporary credentials the emulator issues for `lifetime` (default two hours).
    #[must_use]
    pub fn temporary_credentials_lifetime(mut self, lifetime: Duration) -> Self {
        self.temporary_credentials_lifetime = lifetime;
        self
    }

    /// Accepts this account (replacing the demo account on first use).
    #[must_use]
    pub fn account(mut self, secret_id: &str, secret_key: &str) -> Self {
        if self.accounts.len() == 1 && self.accounts[0].secret_id == DEMO_SECRET_ID {
            self.accounts.clear();
        }
        self.accounts.push(Account {
            secret_id: secret_id.to_owned(),
            secret_key: secret_key.to_owned(),
            token: None,
        });
        self
    }

    /// Checks the limits that cannot be expressed in the fields' types; the error names the
    /// field, the limit and the value.
    pub fn validate(&self) -> Result<(), String> {
        if self.body_read_timeout.is_zero() {
            return Err("body_read_timeout: must be more than 0, 0 was given".to_owned());
        }
        if self.header_read_timeout.is_zero() {
            return Err("header_read_timeout: must be more than 0, 0 was given".to_owned());
        }
        if !self.listen.ip().is_loopback() && self.admin_token.is_none() {
            return Err(format!(
                "listen: {} is not a loopback address, and the admin API (/_emulator/: reset, \
                 sessions) would answer anyone who can reach it: give an admin token \
                 (--admin-token, or GSE_EMULATOR_ADMIN_TOKEN) or listen on 127.0.0.1",
                self.listen
            ));
        }
        if self.max_sessions == 0 || self.max_players == 0 {
            return Err(format!(
                "max_sessions and max_players: at least 1 each, {} and {} were given",
                self.max_sessions, self.max_players
            ));
        }
        if self.sessions.len() > self.max_sessions {
            return Err(format!(
                "sessions: at most max_sessions ({}), {} were given",
                self.max_sessions,
                self.sessions.len()
            ));
        }
        if self.max_requests_per_connection == 0 {
            return Err("max_requests_per_connection: must be at least 1, 0 was given".to_owned());
        }
        let lifetime = self.temporary_credentials_lifetime.as_secs();
        if !(1..=MAX_CREDENTIALS_LIFETIME_SECS).contains(&lifetime) {
            return Err(format!(
                "temporary_credentials_lifetime: from 1 to {MAX_CREDENTIALS_LIFETIME_SECS} s, {lifetime} s was given"
            ));
        }
        if let Some(role) = &self.cvm_role {
            let fine = !role.is_empty()
                && role.len() <= 128
                && role
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
            if !fine {
                return Err(format!(
                    "cvm_role: 1 to 128 letters, digits or +=,.@_- (a CAM role name), {:?} was given",
                    role.chars().take(140).collect::<String>()
                ));
            }
        }
        self.faults.validate()
    }
}
