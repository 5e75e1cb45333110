//! A minimal load generator for the emulator's throughput: raw HTTP/1.1 over keep-alive
//! connections (optionally TLS), one request in flight per connection, so that the figure is
//! the server's and not an HTTP client library's.

use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// `request` as the bytes a client writes.
pub(crate) fn raw(request: &reqwest::Request) -> Vec<u8> {
    let url = request.url();
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .unwrap_or_default();
    let mut out = format!(
        "{} {} HTTP/1.1\r\nhost: {host}\r\n",
        request.method(),
        url.path()
    );
    for (name, value) in request.headers() {
        out.push_str(&format!(
            "{name}: {}\r\n",
            value.to_str().expect("signed headers are text")
        ));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends every request of each batch on its own connection to `addr`, one at a time, and
/// reads each answer whole; TLS when `tls` (trusting the roots it holds) is given.
pub(crate) async fn run(
    addr: std::net::SocketAddr,
    batches: Vec<Vec<Vec<u8>>>,
    tls: Option<Arc<rustls::ClientConfig>>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for batch in batches {
        let tls = tls.clone();
        tasks.spawn(async move {
            let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
            tcp.set_nodelay(true).expect("nodelay");
            match tls {
                None => exchange(tcp, batch).await,
                Some(config) => {
                    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
                    let stream = tokio_rustls::TlsConnector::from(config)
                        .connect(name, tcp)
                        .await
                        .expect("TLS handshake");
                    exchange(stream, batch).await
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a load task");
    }
}

async fn exchange(stream: impl AsyncRead + AsyncWrite + Unpin, batch: Vec<Vec<u8>>) {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    let mut body = Vec::new();
    for request in batch {
        stream.get_mut().write_all(&request).await.expect("write");
        let mut length = 0usize;
        let mut first = true;
        loop {
            line.clear();
            stream.read_line(&mut line).await.expect("read the head");
            if first {
                assert!(line.starts_with("HTTP/1.1 200"), "answer: {line}");
                first = false;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("a length");
                }
            }
        }
        body.resize(length, 0);
        stream.read_exact(&mut body).await.expect("read the body");
    }
}

/// A TLS client configuration trusting the PEM roots in `ca`.
pub(crate) fn tls_trusting(ca: &[u8]) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca) {
        roots.add(cert.expect("a PEM certificate")).expect("a root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}
