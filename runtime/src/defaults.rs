//! Every default and fixed limit of the runtime, in one place: what a client does when a
//! setting is not given.

use std::time::Duration;

/// Environment variable naming the region when the builder is given none.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";

/// Time allowed for one attempt: sending the request and reading the answer (the official
/// SDKs' value).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole call: limiter waits, attempts and backoff.
pub const OVERALL_TIMEOUT: Duration = Duration::from_secs(180);
/// The largest answer the client reads; a larger one fails (a 25-item answer is a few KB).
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// The largest clock correction the client learns from the service's `Date` header after
/// `SignatureExpire`; a server clock further off than this is ignored as implausible.
pub const MAX_CLOCK_CORRECTION: Duration = Duration::from_secs(24 * 60 * 60);
/// The share of the spec's rate the default limiter uses, leaving room for network jitter
/// so that the service never sees more than its rate in any second.
pub const RATE_SHARE: f64 = 0.98;

/// Attempts per call, the first included.
pub const MAX_ATTEMPTS: u32 = 3;
/// The first retry's backoff ceiling; it doubles with each retry.
pub const BASE_DELAY: Duration = Duration::from_millis(250);
/// The most any backoff waits.
pub const MAX_DELAY: Duration = Duration::from_secs(5);
/// Retries a client allows in a burst, shared by its clones; each success earns back a
/// fifth of one.
pub const RETRY_BUDGET: u32 = 100;

/// Requests of a batch in flight at once.
pub const BATCH_CONCURRENCY: usize = 8;
/// The most requests of a batch in flight at once, [`crate::batch::BatchOptions::concurrency`]'s
/// bound. Each request in flight holds its items and its call's state (about 14 KiB at 25
/// items), so this bounds a batch's memory near 140 MiB; and a pace of 1 000 requests a
/// second keeps no more than that busy while answers take 10 s.
pub const MAX_BATCH_CONCURRENCY: usize = 10_000;
/// Reconciliation rounds: a round that settles nothing costs one read-back, and rounds stop
/// as soon as nothing is unknown.
pub const RECONCILE_ROUNDS: u32 = 10;
/// Reconciliation's time, all rounds together: a lying peer's endless pages cannot hold a
/// batch longer.
pub const RECONCILE_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts of one page of a read-back before its items stay unknown for the round.
pub const READ_ATTEMPTS: u32 = 4;
/// Pages one read-back follows at most.
pub const MAX_READ_PAGES: usize = 10_000;
/// Pages a paginator reads at most, unless told otherwise.
pub const MAX_PAGES: usize = 10_000;

/// Time a call waits for the shared rate limit's Redis before treating it as unreachable.
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(100);
/// Share of the quota one process takes while the shared rate limit's Redis is unreachable.
pub const OUTAGE_SHARE: f64 = 0.25;
/// How often a process asks Redis again during an outage.
pub const REDIS_PROBE_EVERY: Duration = Duration::from_millis(500);
