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

mod actions;
mod api_error;
pub mod auth;
mod clock;
pub mod faults;
pub mod lang;
pub mod legacy_sign;
pub mod params;
pub mod rate;
mod request_id;
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
pub use faults::{FaultConfig, FaultKind};
pub use sessions::{JoinPolicy, SessionSpec};
pub use spec_rules::SpecRules;
pub use stats::StatsSnapshot;
pub use tls::TlsIdentity;

use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// The SecretId of the demo account used when none is configured.
pub const DEMO_SECRET_ID: &str = "AKIDEMULATORDEMO00000000000000000";
/// The SecretKey of the demo account (public on purpose: it only opens the emulator).
pub const DEMO_SECRET_KEY: &str = "emulator-demo-secret-key";

/// How to run an emulator. `Default`: loopback on a free port, the demo account, no
/// sessions, the spec's rates, 300 s of allowed skew, a 1 MiB body cap, 10 s to send a head
/// and 10 s to send a body, 1 000 requests per connection, no faults.
#[derive(Clone, Debug)]
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
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            accounts: vec![Account {
                secret_id: DEMO_SECRET_ID.to_string(),
                secret_key: DEMO_SECRET_KEY.to_string(),
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
        }
    }
}

impl EmulatorConfig {
    /// Adds a session that exists at start.
    pub fn session(mut self, spec: SessionSpec) -> Self {
        self.sessions.push(spec);
        self
    }

    /// Accepts this account (replacing the demo account on first use).
    pub fn account(mut self, secret_id: &str, secret_key: &str) -> Self {
        if self.accounts.len() == 1 && self.accounts[0].secret_id == DEMO_SECRET_ID {
            self.accounts.clear();
        }
        self.accounts.push(Account {
            secret_id: secret_id.to_string(),
            secret_key: secret_key.to_string(),
            token: None,
        });
        self
    }

    /// Checks the limits that cannot be expressed in the fields' types; the error names the
    /// field, the limit and the value.
    pub fn validate(&self) -> Result<(), String> {
        if self.body_read_timeout.is_zero() {
            return Err("body_read_timeout: must be more than 0, 0 was given".to_string());
        }
        if self.header_read_timeout.is_zero() {
            return Err("header_read_timeout: must be more than 0, 0 was given".to_string());
        }
        if self.max_requests_per_connection == 0 {
            return Err("max_requests_per_connection: must be at least 1, 0 was given".to_string());
        }
        self.faults.validate()
    }

    /// Starts serving; returns once the socket is bound. Refuses a configuration that
    /// [`EmulatorConfig::validate`] refuses.
    pub async fn start(self) -> Result<RunningEmulator, String> {
        self.validate()?;
        let state = server::state::Emulator::from_config(&self)?;
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", self.listen))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        let tls = self.tls.as_ref().map(TlsIdentity::acceptor).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(
            listener,
            state.clone(),
            stopped,
            Limits {
                max_header_bytes: self.max_header_bytes,
                header_read_timeout: self.header_read_timeout,
                max_requests_per_connection: self.max_requests_per_connection,
            },
            tls,
        ));
        Ok(RunningEmulator {
            addr,
            scheme,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// What the accept loop enforces per connection.
struct Limits {
    max_header_bytes: usize,
    header_read_timeout: Duration,
    max_requests_per_connection: usize,
}

/// How long the accept loop waits after an accept error that a retry cannot fix at once
/// (out of file descriptors, out of memory).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Whether an accept error concerns only the connection being accepted (retry at once), not
/// the process (back off).
fn is_per_connection(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    )
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<server::state::Emulator>,
    mut stopped: oneshot::Receiver<()>,
    limits: Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let handshake_timeout = limits.header_read_timeout;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192));
    let max_requests = limits.max_requests_per_connection;
    // Set while accept fails for want of resources: the failure is logged once per streak.
    let mut failing = false;
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => {
                        if failing {
                            tracing::info!("accepting connections again");
                            failing = false;
                        }
                        stream
                    }
                    Err(e) if is_per_connection(&e) => continue,
                    Err(e) => {
                        // Out of file descriptors (EMFILE, ENFILE) or memory: the pending
                        // connection stays in the backlog and accept fails again at once, so
                        // retrying without a pause spins a core. Wait, still listening for stop.
                        if !failing {
                            tracing::warn!(
                                "cannot accept connections: {e}; retrying every {} ms until it succeeds",
                                ACCEPT_BACKOFF.as_millis()
                            );
                            failing = true;
                        }
                        tokio::select! {
                            _ = &mut stopped => break,
                            _ = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                        }
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let served = Arc::new(AtomicUsize::new(0));
                let service = hyper::service::service_fn(move |request| {
                    let state = state.clone();
                    let nth = served.fetch_add(1, Ordering::Relaxed).saturating_add(1);
                    async move {
                        let mut answer = server::handle(&state, request).await?;
                        if nth >= max_requests {
                            answer.headers_mut().insert(
                                hyper::header::CONNECTION,
                                hyper::header::HeaderValue::from_static("close"),
                            );
                        }
                        Ok::<_, server::answer::DropConnection>(answer)
                    }
                });
                match &tls {
                    None => {
                        let watched = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                        tokio::spawn(async move {
                            let _ = watched.await;
                        });
                    }
                    Some(acceptor) => {
                        // The handshake runs in the connection's task, bounded like a request
                        // head, so a client that never finishes it holds nothing else up.
                        let accepting = acceptor.accept(stream);
                        let watcher = graceful.watcher();
                        let http = http.clone();
                        tokio::spawn(async move {
                            let Ok(Ok(stream)) = tokio::time::timeout(handshake_timeout, accepting).await else {
                                return;
                            };
                            let _ = watcher
                                .watch(http.serve_connection(TokioIo::new(stream), service))
                                .await;
                        });
                    }
                }
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// A running emulator. Stop it with [`RunningEmulator::shutdown`]; dropping it also stops it.
pub struct RunningEmulator {
    addr: SocketAddr,
    scheme: &'static str,
    state: Arc<server::state::Emulator>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` (`https://` when serving TLS), the endpoint to give a client.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The counters now.
    pub fn stats(&self) -> StatsSnapshot {
        self.state.stats.snapshot()
    }

    /// Creates or replaces (emptying) a session.
    pub fn put_session(&self, spec: SessionSpec) {
        self.state.sessions.put(spec);
    }

    /// Every `(session id, player id)` held, sorted.
    pub fn players(&self) -> Vec<(String, String)> {
        self.state.sessions.all_players()
    }

    /// Back to the start state (configured sessions, empty; counters zero).
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Stops accepting, lets open requests finish (up to 5 s), and returns when done.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
