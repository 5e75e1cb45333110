//! A loopback HTTP stub for client tests: it answers every request with a fixed JSON body
//! and records what it received. Dropping the [`StubServer`] stops it.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// One request as the stub received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The request target (path and query).
    pub uri: Uri,
    /// Every header sent.
    pub headers: HeaderMap,
    /// The exact body bytes.
    pub body: Bytes,
}

impl Recorded {
    /// The header `name` as text, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A running stub on 127.0.0.1; stops when dropped.
pub struct StubServer {
    addr: SocketAddr,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl StubServer {
    /// Starts a stub that answers every request with HTTP 200 and `body` as JSON.
    pub async fn start(body: &'static str) -> Self {
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let sink = recorded.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, bytes: Bytes| {
                let sink = sink.clone();
                async move {
                    sink.lock().unwrap().push(Recorded {
                        method,
                        uri,
                        headers,
                        body: bytes,
                    });
                    ([("content-type", "application/json")], body)
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("stub server runs");
        });
        Self {
            addr,
            recorded,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    /// Stops the server and waits until it has.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("stub server task ends cleanly");
        }
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
