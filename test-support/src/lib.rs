//! Test helpers, one job per module, everything re-exported here:
//!
//! - `stub` ([`StubServer`]): a loopback HTTP stub that answers every request with a fixed JSON
//!   body, or with what a handler decides, and records what it received;
//! - `logs` ([`LogCapture`]): a capture of `tracing` output;
//! - `sdk` ([`python_with_sdk`]): where the official Python and Node.js SDKs are installed;
//! - `http` ([`http`]): plain HTTP clients for tests that send requests by hand;
//! - `process` ([`EmulatorBinary`]): the emulator's binary on a free port;
//! - `redis` ([`RedisServer`]): a throwaway `redis-server`;
//! - `stats` ([`sample_emulator`]): the emulator's admin API and its counters over a run;
//! - `oracle` ([`batch_matching_holds`]): what an exact batch matching obeys;
//! - `artifacts` ([`cargo_artifact`]): the workspace's binaries and examples, built when missing;
//! - `requirements` ([`available`]): whether what a test needs beyond Rust is there (it skips,
//!   saying what to install, unless `cargo xtask ci` requires everything).
//!
//! No module uses another, but `sdk` and `redis` use `requirements`.

mod artifacts;
mod http;
mod logs;
mod oracle;
mod process;
mod redis;
mod requirements;
mod sdk;
mod stats;
mod stub;

pub use artifacts::{cargo_artifact, emulator_binary, join_example};
pub use http::{http, http_builder};
pub use logs::LogCapture;
pub use oracle::{batch_matching_holds, BatchMatching};
pub use process::EmulatorBinary;
pub use redis::RedisServer;
pub use requirements::{available, on_path, REQUIRE_ALL_VARIABLE};
pub use sdk::{
    node_sdk, node_with_sdk, official_sdk_headers, python_sdk, python_with_sdk,
    OFFICIAL_SDK_HEADERS,
};
pub use stats::{
    assert_paced, emulator_admin_get, emulator_session_players, emulator_stats, rate_between,
    sample_emulator, EmulatorSample,
};
pub use stub::{Recorded, Reply, StubServer};
