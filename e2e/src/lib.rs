//! What the end-to-end tests in `tests/` share: the client each starts from. Every test
//! client talks to a loopback endpoint (the emulator, embedded or as a binary, or a stub) in
//! [`REGION`]; a test adds what it is about (a clock, timeouts, a retry policy) before
//! `build()`.
//!
//! It also runs the Rust blocks of the workspace's Markdown as doctests: the README's example
//! and `docs/emulator.md` (`cargo test --doc -p gse-e2e`), so that what a first visit reads
//! compiles and works.

use gse_client::credentials::Credentials;
use gse_client::credentials::ProvideCredentials;
use gse_client::{Client, ClientBuilder};
use gse_emulator::{RunningEmulator, DEMO_SECRET_ID, DEMO_SECRET_KEY};

/// The region of every test client.
pub const REGION: &str = "ap-shanghai";

/// A client builder for `endpoint` in [`REGION`], with credentials from `provider`.
pub fn builder_with(
    endpoint: impl Into<String>,
    provider: impl ProvideCredentials + 'static,
) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .region(REGION)
        .credentials(provider)
}

/// A client builder for `endpoint` in [`REGION`], signing with `secret_id` and `secret_key`.
pub fn builder(endpoint: impl Into<String>, secret_id: &str, secret_key: &str) -> ClientBuilder {
    builder_with(
        endpoint,
        Credentials::new(secret_id, secret_key).expect("valid test credentials"),
    )
}

/// A client builder for the emulator at `endpoint`, signing with its demo account.
pub fn demo_builder(endpoint: impl Into<String>) -> ClientBuilder {
    builder(endpoint, DEMO_SECRET_ID, DEMO_SECRET_KEY)
}

/// A client of the running emulator, signing with its demo account.
#[must_use]
pub fn demo_client(emulator: &RunningEmulator) -> Client {
    demo_builder(emulator.url())
        .build()
        .expect("a valid configuration")
}

/// The main command (`program`, the built `join` example) against the emulator at
/// `endpoint`, signing with its demo account from the environment, nothing read from a home
/// directory.
#[must_use]
pub fn demo_join_command(program: &std::path::Path, endpoint: &str) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command
        .args(["--endpoint", endpoint, "--region", "ap-shanghai"])
        .env("TENCENTCLOUD_SECRET_ID", DEMO_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", DEMO_SECRET_KEY)
        .env_remove("TENCENTCLOUD_SESSION_TOKEN")
        .env("HOME", "/nonexistent");
    command
}

/// The README's Rust blocks, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

/// `docs/emulator.md`'s Rust blocks, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/emulator.md")]
mod emulator_doc {}

/// The package README of gse-client (what a registry shows), compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../generated-client/README.md")]
mod client_readme {}
