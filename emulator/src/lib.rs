//! `gse-emulator`: a local Tencent Cloud GSE endpoint for tests, demos and CI.
//!
//! It answers like the real service (HTTP 200, a `Response` envelope with a fresh
//! `RequestId`, a `Date` header) and checks, in order: the TC3 signature, the action and
//! version, the body size, the body against the spec's schema, and the action's rate per
//! SecretId. Limits and rates come from the spec. Game-session state makes joins real:
//! capacity, join policy, duplicates, all-or-nothing. Faults can be injected, seeded.
//!
//! ```no_run
//! # async fn demo() -> Result<(), String> {
//! use gse_emulator::{EmulatorConfig, SessionSpec};
//! let emulator = EmulatorConfig::default()
//!     .session(SessionSpec::new("gssess-demo", 100))
//!     .start()
//!     .await?;
//! println!("{}", emulator.url());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod actions;
mod api_error;
pub mod auth;
mod clock;
mod config;
pub mod faults;
pub mod lang;
pub mod legacy_sign;
pub mod params;
pub mod rate;
mod request_id;
mod running;
mod server;
pub mod sessions;
pub mod spec_rules;
pub mod stats;
mod text;
pub mod tls;
pub mod validate;

pub use actions::{DESCRIBE_PLAYER_SESSIONS, JOIN_ACTION};
pub use api_error::ApiError;
pub use auth::Account;
pub use config::{
    AdminToken, EmulatorConfig, ADMIN_TOKEN_HEADER, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    MAX_CREDENTIALS_LIFETIME_SECS,
};
pub use faults::{FaultConfig, FaultKind};
pub use running::RunningEmulator;
pub use sessions::{JoinPolicy, SessionSpec};
pub use spec_rules::SpecRules;
pub use stats::StatsSnapshot;
pub use tls::TlsIdentity;
