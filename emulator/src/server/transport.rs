//! Connections: the accept loop (backing off when out of resources), TLS handshakes, HTTP/1.1
//! served on each connection with its limits, and the graceful stop.

use super::answer::DropConnection;
use super::state::Emulator;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// What the accept loop enforces per connection.
pub(crate) struct Limits {
    /// Largest request head accepted.
    pub(crate) max_header_bytes: usize,
    /// How long a client may take to send a head (and a TLS handshake), or stay idle.
    pub(crate) header_read_timeout: Duration,
    /// Requests served on one connection before it is closed.
    pub(crate) max_requests_per_connection: usize,
}

/// How long the accept loop waits after an accept error that a retry cannot fix at once
/// (out of file descriptors, out of memory).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Whether an accept error concerns only the connection being accepted (retry at once), not
/// the process (back off).
fn is_per_connection(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionReset, Interrupted, WouldBlock};
    matches!(
        error.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    )
}

/// Accepts connections on `listener` and serves each in its own task until `stopped`; then
/// stops accepting and lets open requests finish (up to 5 s).
pub(crate) async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<Emulator>,
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
                        let mut answer = super::handle(&state, request).await?;
                        if nth >= max_requests {
                            answer.headers_mut().insert(
                                hyper::header::CONNECTION,
                                hyper::header::HeaderValue::from_static("close"),
                            );
                        }
                        Ok::<_, DropConnection>(answer)
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
