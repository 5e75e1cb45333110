//! Counters the emulator exposes at `GET /_emulator/stats`.

use crate::rate::BusiestSecond;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stats").finish_non_exhaustive()
    }
}

/// Live counters.
#[derive(Default)]
pub struct Stats {
    requests: AtomicU64,
    joined_players: AtomicU64,
    joins_by_session: Mutex<BTreeMap<String, u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
    faults: Mutex<BTreeMap<String, u64>>,
    busiest: BusiestSecond,
    temporary_credentials_issued: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StatsSnapshot {
    /// Requests to the API endpoint (every one, whatever its outcome).
    pub requests: u64,
    /// Player sessions created.
    pub joined_players: u64,
    /// Join requests that succeeded, by game server session.
    pub joins_by_session: BTreeMap<String, u64>,
    /// Error answers by code (envelope codes, and `HTTP 500`/`HTTP 503`).
    pub errors: BTreeMap<String, u64>,
    /// Faults injected by kind.
    pub faults: BTreeMap<String, u64>,
    /// The most requests received in any one-second window.
    pub max_requests_in_any_second: u64,
    /// Temporary credentials issued (CVM role metadata).
    #[serde(default)]
    pub temporary_credentials_issued: u64,
}

impl Stats {
    /// Counts temporary credentials issued.
    pub fn credentials_issued(&self) {
        self.temporary_credentials_issued
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request received at `now`.
    pub fn request(&self, now: Instant) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.busiest.record(now);
    }

    /// Counts a join request that added `n` players to `session`.
    pub fn joined(&self, session: &str, n: usize) {
        self.joined_players.fetch_add(n as u64, Ordering::Relaxed);
        let mut by_session = self
            .joins_by_session
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match by_session.get_mut(session) {
            Some(count) => *count += 1,
            None => {
                by_session.insert(session.to_owned(), 1);
            }
        }
    }

    /// Counts an error answer.
    pub fn error(&self, code: &str) {
        *self
            .errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(code.to_owned())
            .or_default() += 1;
    }

    /// Counts an injected fault.
    pub fn fault(&self, kind: &str) {
        *self
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(kind.to_owned())
            .or_default() += 1;
    }

    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            joined_players: self.joined_players.load(Ordering::Relaxed),
            joins_by_session: self
                .joins_by_session
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            errors: self
                .errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            faults: self
                .faults
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            max_requests_in_any_second: self.busiest.max() as u64,
            temporary_credentials_issued: self.temporary_credentials_issued.load(Ordering::Relaxed),
        }
    }

    /// Zeroes every counter.
    pub fn reset(&self) {
        self.requests.store(0, Ordering::Relaxed);
        self.joined_players.store(0, Ordering::Relaxed);
        self.joins_by_session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.busiest.reset();
        self.temporary_credentials_issued
            .store(0, Ordering::Relaxed);
    }
}
