//! Starting an emulator ([`EmulatorConfig::start`]) and the handle of a running one:
//! its address, its state, and stopping it.

use crate::config::EmulatorConfig;
use crate::server::state::Emulator;
use crate::server::transport::{accept_loop, Limits};
use crate::sessions::SessionSpec;
use crate::stats::StatsSnapshot;
use crate::tls::TlsIdentity;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;

impl EmulatorConfig {
    /// Starts serving; returns once the socket is bound. Refuses a configuration that
    /// [`EmulatorConfig::validate`] refuses.
    pub async fn start(self) -> Result<RunningEmulator, String> {
        self.validate()?;
        let state = Emulator::from_config(&self)?;
        let listener =
            listen(self.listen).map_err(|e| format!("cannot listen on {}: {e}", self.listen))?;
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

/// Connections the kernel may hold for the accept loop. Beyond the backlog a connection's
/// SYN is dropped and the client sends it again a second later, so requests paced evenly
/// would arrive bunched: the backlog is as deep as the system allows (Linux caps it at
/// `net.core.somaxconn`), not tokio's default of 1 024.
const BACKLOG: u32 = 65_535;

/// A listening socket on `addr` with the emulator's backlog.
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does: a restarted emulator can take its port back at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator").finish_non_exhaustive()
    }
}

/// A running emulator. Stop it with [`RunningEmulator::shutdown`]; dropping it also stops it.
pub struct RunningEmulator {
    addr: SocketAddr,
    scheme: &'static str,
    state: Arc<Emulator>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// The bound address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` (`https://` when serving TLS), the endpoint to give a client.
    #[must_use]
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The counters now.
    #[must_use]
    pub fn stats(&self) -> StatsSnapshot {
        self.state.stats.snapshot()
    }

    /// Creates or replaces (emptying) a session.
    pub fn put_session(&self, spec: SessionSpec) {
        self.state.sessions.put(spec);
    }

    /// Every `(session id, player id)` held, sorted.
    #[must_use]
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
