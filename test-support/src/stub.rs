//! A loopback HTTP stub: answers every request with a fixed JSON body, or with what a handler
//! decides, and records what it received; dropping the [`StubServer`] stops it.

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

/// What the stub answers: a status (200 unless told), a JSON body, plus extra headers.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// Extra headers, e.g. `("date", "...")`.
    pub headers: Vec<(String, String)>,
    /// Send `body` over and over, chunked, until the client goes away.
    pub endless: bool,
}

impl Reply {
    /// HTTP 200, a JSON body and no extra headers.
    pub fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            body: body.into(),
            headers: Vec::new(),
            endless: false,
        }
    }

    /// Answers with this HTTP status instead of 200.
    #[must_use]
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Repeats the body without end (chunked).
    #[must_use]
    pub fn endless(mut self) -> Self {
        self.endless = true;
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for StubServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StubServer").finish_non_exhaustive()
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
        Self::start_with(move |_| Reply::json(body)).await
    }

    /// Starts a stub that answers each request with what `handler` returns for it.
    pub async fn start_with(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let sink = recorded.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, bytes: Bytes| {
                let sink = sink.clone();
                let handler = handler.clone();
                async move {
                    let request = Recorded {
                        method,
                        uri,
                        headers,
                        body: bytes,
                    };
                    let reply = handler(&request);
                    sink.lock().unwrap().push(request);
                    let body = if reply.endless {
                        let chunk = Bytes::from(reply.body);
                        axum::body::Body::from_stream(futures_util::stream::repeat_with(
                            move || Ok::<_, std::convert::Infallible>(chunk.clone()),
                        ))
                    } else {
                        axum::body::Body::from(reply.body)
                    };
                    let mut response = axum::response::Response::new(body);
                    *response.status_mut() = axum::http::StatusCode::from_u16(reply.status)
                        .expect("a valid HTTP status");
                    let headers = response.headers_mut();
                    headers.insert("content-type", "application/json".parse().unwrap());
                    for (name, value) in reply.headers {
                        headers.insert(
                            axum::http::HeaderName::try_from(name).unwrap(),
                            value.parse().unwrap(),
                        );
                    }
                    response
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
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    #[must_use]
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
