//! Test helpers: a loopback HTTP stub that answers every request with a fixed JSON body, or
//! with what a handler decides, and records what it received (dropping the [`StubServer`]
//! stops it); a capture of `tracing` output; the Python of the official SDK; plain HTTP
//! clients for tests that send requests by hand; and the emulator's binary on a free port.

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
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Repeats the body without end (chunked).
    pub fn endless(mut self) -> Self {
        self.endless = true;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

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

/// Everything `tracing` writes while installed, as text.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Captures every event at `level` and above on this thread until the guard is dropped.
    pub fn install(level: tracing::Level) -> (Self, tracing::subscriber::DefaultGuard) {
        let capture = Self::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(capture.clone())
            .with_ansi(false)
            .finish();
        (capture, tracing::subscriber::set_default(subscriber))
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The Python of `target/py`, where `cargo xtask python-env` (run by `cargo xtask ci`)
/// installs the official SDK.
pub fn python_with_sdk() -> std::path::PathBuf {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask python-env` (cargo xtask ci does) to install the official SDK",
        python.display()
    );
    python
}

/// The Node.js binary and the official Node.js SDK's directory in `target/node`, where
/// `cargo xtask node-env` (run by `cargo xtask ci`) installs it. Panics, saying what to do,
/// when either is missing: a test that needs them never skips silently.
pub fn node_with_sdk() -> (std::path::PathBuf, std::path::PathBuf) {
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/node/node_modules/tencentcloud-sdk-nodejs-common");
    assert!(
        sdk.join("package.json").exists(),
        "{} is missing: run `cargo xtask node-env` (cargo xtask ci does) to install the official Node.js SDK",
        sdk.display()
    );
    let node = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("`node` is not on PATH: the Node.js interop tests need Node.js 18 or later")
        });
    (node, sdk)
}

/// A reqwest client builder for tests that send requests by hand: no proxy, and the runtime's
/// TLS crypto provider installed (with the default `rustls-ring` feature reqwest has none of
/// its own).
pub fn http_builder() -> reqwest::ClientBuilder {
    tc3_runtime::tls::install_default_provider();
    reqwest::Client::builder().no_proxy()
}

/// A reqwest client for tests that send requests by hand; see [`http_builder`].
pub fn http() -> reqwest::Client {
    http_builder().build().expect("a plain HTTP client builds")
}

/// The emulator's binary, started on a free loopback port; killed when dropped.
pub struct EmulatorBinary {
    child: std::process::Child,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    /// `http://127.0.0.1:PORT`, from the line the binary prints first.
    pub url: String,
}

impl EmulatorBinary {
    /// Starts `PROGRAM --listen 127.0.0.1:0 ARGS...` and reads its `listening on` line.
    pub fn start(program: &std::path::Path, args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(program)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the emulator binary");
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the first line announces the address: {line:?}"))
            .to_string();
        assert!(
            url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"),
            "it binds to loopback: {url}"
        );
        Self { child, stdout, url }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Stops it and returns everything it printed (the first line included).
    pub fn stop_and_collect_output(mut self) -> String {
        use std::io::Read;
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut printed = format!("listening on {}\n", self.url);
        let _ = self.stdout.read_to_string(&mut printed);
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut printed);
        }
        printed
    }
}

impl Drop for EmulatorBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `redis-server` on a free loopback port, without persistence; killed when dropped. Talks to
/// it through `redis-cli` (both come with Debian's `redis-server`, which `.ci/run` installs).
pub struct RedisServer {
    port: u16,
    child: Option<std::process::Child>,
}

impl RedisServer {
    /// Starts one and waits until it answers.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let mut redis = Self { port, child: None };
        redis.restart();
        redis
    }

    /// Starts it (again) on its port and waits until it answers.
    pub fn restart(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed (.ci/run installs it)");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.cli(&["PING"]).as_deref() != Some("PONG") {
            assert!(std::time::Instant::now() < deadline, "redis-server answers");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Stops it (the port stays this server's, for [`RedisServer::restart`]).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `redis://127.0.0.1:PORT/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A command's answer as `redis-cli` prints it, or `None` when Redis does not answer.
    pub fn cli(&self, command: &[&str]) -> Option<String> {
        let out = std::process::Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(command)
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !text.starts_with("Could not connect") && !text.is_empty())
            .then_some(text)
    }

    /// A command's integer answer.
    pub fn int(&self, command: &[&str]) -> Option<i64> {
        self.cli(command)?.parse().ok()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The emulator's counters (`GET /_emulator/stats`, plain HTTP/1.1 over loopback); `Null`
/// when it does not answer.
pub fn emulator_stats(url: &str) -> serde_json::Value {
    emulator_admin_get(url, "/_emulator/stats")
}

/// The JSON an admin endpoint of the emulator answers to `GET path` (plain HTTP/1.1 over
/// loopback); `Null` when it does not answer.
pub fn emulator_admin_get(url: &str, path: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let Ok(mut socket) = std::net::TcpStream::connect(address) else {
        return serde_json::Value::Null;
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let mut answer = Vec::new();
    if socket.write_all(request.as_bytes()).is_err() || socket.read_to_end(&mut answer).is_err() {
        return serde_json::Value::Null;
    }
    let text = String::from_utf8_lossy(&answer);
    text.split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The emulator's counters at one moment of a run.
#[derive(Clone, Debug, Default)]
pub struct EmulatorSample {
    /// Seconds since sampling started.
    pub at: f64,
    /// Requests so far.
    pub requests: u64,
    /// Successful join requests so far, by game server session.
    pub joins_by_session: std::collections::BTreeMap<String, u64>,
}

/// Samples the emulator's counters every 20 ms on a thread until it has seen `total` requests
/// (or a minute passes).
pub fn sample_emulator(url: &str, total: u64) -> std::thread::JoinHandle<Vec<EmulatorSample>> {
    let url = url.to_string();
    std::thread::spawn(move || {
        let start = std::time::Instant::now();
        let mut samples = Vec::new();
        loop {
            let stats = emulator_stats(&url);
            if stats.is_null() {
                // Not answering (yet): no sample rather than a count of zero.
                if start.elapsed() > std::time::Duration::from_secs(60) {
                    return samples;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
            let sample = EmulatorSample {
                at: start.elapsed().as_secs_f64(),
                requests: stats["requests"].as_u64().unwrap_or(0),
                joins_by_session: serde_json::from_value(stats["joins_by_session"].clone())
                    .unwrap_or_default(),
            };
            let done = sample.requests >= total;
            samples.push(sample);
            if done || start.elapsed() > std::time::Duration::from_secs(60) {
                return samples;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    })
}

/// The request rate between the moments `from` and `to` (shares of `total`) of a sample series.
pub fn rate_between(samples: &[EmulatorSample], total: u64, from: f64, to: f64) -> f64 {
    let at = |share: f64| {
        samples
            .iter()
            .find(|s| s.requests as f64 >= share * total as f64)
            .map_or(f64::NAN, |s| s.at)
    };
    (to - from) * total as f64 / (at(to) - at(from))
}

/// Runs the batch matching on a request's distinct `items` and an answer's result keys, and
/// checks that the outcome is exact: every item exactly once in succeeded or missing, every
/// result either given to one item (its own key, or a blank key) or counted as unmatched,
/// blank keys used only for items no keyed result claimed, and no item missing while a blank
/// result was left over. `Err` says which rule broke.
pub fn batch_matching_holds(
    items: &[String],
    answer_keys: &[Option<String>],
) -> Result<(), String> {
    use std::collections::{BTreeMap, BTreeSet};
    let matched =
        tc3_runtime::__private::match_results(items.to_vec(), answer_keys.to_vec(), |k| k.clone());
    let blank = |k: &Option<String>| k.as_deref().is_none_or(|k| k.trim().is_empty());
    let succeeded: BTreeSet<&String> = matched.succeeded.iter().collect();
    let missing: BTreeSet<&String> = matched.missing.iter().collect();
    let all: BTreeSet<&String> = items.iter().collect();
    if succeeded.len() != matched.succeeded.len() || missing.len() != matched.missing.len() {
        return Err("an item is reported twice".into());
    }
    if !succeeded.is_disjoint(&missing)
        || succeeded.union(&missing).copied().collect::<BTreeSet<_>>() != all
    {
        return Err("succeeded and missing do not partition the items".into());
    }
    if matched.results.len() != matched.succeeded.len() {
        return Err("results and succeeded differ in length".into());
    }
    if matched.results.len() + matched.unmatched != answer_keys.len() {
        return Err(format!(
            "{} results given, {} used and {} unmatched",
            answer_keys.len(),
            matched.results.len(),
            matched.unmatched
        ));
    }
    for (item, key) in matched.succeeded.iter().zip(&matched.results) {
        if !blank(key) && key.as_deref() != Some(item.as_str()) {
            return Err(format!("{item} was given the result of {key:?}"));
        }
    }
    let keyed: BTreeMap<&str, usize> = answer_keys
        .iter()
        .filter(|k| !blank(k))
        .filter_map(|k| k.as_deref())
        .fold(BTreeMap::new(), |mut m, k| {
            *m.entry(k).or_default() += 1;
            m
        });
    for item in items {
        if keyed.contains_key(item.as_str()) && !succeeded.contains(item) {
            return Err(format!("{item} has a result of its own but is missing"));
        }
    }
    let blanks = answer_keys.iter().filter(|k| blank(k)).count();
    let without_own = items
        .iter()
        .filter(|i| !keyed.contains_key(i.as_str()))
        .count();
    if matched.missing.len() != without_own.saturating_sub(blanks) {
        return Err(format!(
            "{} missing, expected {} ({without_own} items without their own result, {blanks} blank results)",
            matched.missing.len(),
            without_own.saturating_sub(blanks)
        ));
    }
    Ok(())
}

/// The `join` example of the generated client, built when missing.
pub fn join_example() -> std::path::PathBuf {
    cargo_artifact("examples/join", &["-p", "gse-client", "--example", "join"])
}

/// The emulator's binary, built when missing.
pub fn emulator_binary() -> std::path::PathBuf {
    cargo_artifact(
        "gse-emulator",
        &["-p", "gse-emulator", "--bin", "gse-emulator"],
    )
}

/// A binary or example of the workspace, beside the running test in `target/<profile>`
/// (`rel` e.g. `examples/join` or `gse-emulator`), built with `cargo build <build>` when missing.
pub fn cargo_artifact(rel: &str, build: &[&str]) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps");
    let path = dir.join(rel);
    if !path.exists() {
        let status =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
                .args(["build", "--quiet"])
                .args(build)
                .status()
                .expect("cargo runs");
        assert!(status.success(), "cargo build {build:?}");
    }
    path
}
