//! `gse-emulator`: run a local GSE endpoint.
//!
//! `cargo run -p gse-emulator -- [--listen 127.0.0.1:8080] [--account ID:KEY]...
//! [--session ID:CAPACITY[@SECRET_ID]]... [--rate-limit N] [--max-skew-secs 300] [--max-body-bytes N]
//! [--body-read-timeout-ms 10000] [--max-requests-per-connection 1000] [--fault KIND=SHARE]...
//! [--tls-cert FILE --tls-key FILE | --tls-self-signed DIR]`

use clap::Parser;
use gse_emulator::{Account, EmulatorConfig, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "gse-emulator",
    about = "A local Tencent Cloud GSE endpoint: verifies TC3 signatures, enforces the spec's limits and rate, keeps game-session state"
)]
struct Args {
    /// Address to listen on (loopback unless told otherwise; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// An accepted account, SECRET_ID:SECRET_KEY (repeatable). None: a demo account.
    #[arg(long = "account", value_name = "ID:KEY")]
    accounts: Vec<String>,
    /// A game server session that exists at start, ID:CAPACITY (repeatable); @SECRET_ID makes it that account's alone (to others it does not exist).
    #[arg(long = "session", value_name = "ID:CAPACITY[@SECRET_ID]")]
    sessions: Vec<String>,
    /// Requests per second per SecretId (default: each action's x-tc-rate-limit in the spec).
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Most seconds a request's timestamp may be from the server's clock.
    #[arg(long, default_value_t = 300)]
    max_skew_secs: u64,
    /// Largest request body accepted (RequestSizeLimitExceeded beyond).
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// Most milliseconds a client may take to send a request body, from the end of its head
    /// (InvalidParameter and the connection closed beyond; nothing is changed).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    body_read_timeout_ms: u64,
    /// Requests served on one keep-alive connection; the last answer closes it.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    max_requests_per_connection: u64,
    /// Inject a fault into a share of requests: KIND=SHARE, latency=SHARE:MILLIS (at most
    /// 3600000), skewed-date=SHARE:SECONDS (at most 315360000, 10 years, either way). Kinds:
    /// internal-error, http-500, http-503, latency, drop-connection, malformed-body,
    /// truncated-body, skewed-date (these change no state, or serve normally); and, served
    /// first then the answer lost: drop-after-apply, http-500-after-apply,
    /// truncated-after-apply, latency-after-apply=SHARE:MILLIS.
    #[arg(long = "fault", value_name = "KIND=SHARE")]
    faults: Vec<String>,
    /// Seed of the fault generator (the same seed gives the same faults).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Serve the CVM instance metadata of this CAM role: GET
    /// /latest/meta-data/cam/security-credentials/ROLE issues temporary credentials the API
    /// accepts until they expire.
    #[arg(long, value_name = "NAME")]
    cvm_role: Option<String>,
    /// Trust this OIDC provider in STS AssumeRoleWithWebIdentity, PROVIDER_ID:TOKEN_FILE (the
    /// web-identity token a TKE pod would present, read from the file at start).
    #[arg(long, value_name = "PROVIDER_ID:TOKEN_FILE")]
    web_identity: Option<String>,
    /// Seconds the temporary credentials the emulator issues are accepted (at most 43200).
    #[arg(long, default_value_t = 7200)]
    temporary_credentials_lifetime_secs: u64,
    /// The token the admin API (/_emulator/…) requires in the X-Emulator-Admin-Token header
    /// (16 to 256 visible ASCII characters); needed to listen on a non-loopback address.
    /// GSE_EMULATOR_ADMIN_TOKEN gives it without showing it in the process list.
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// The most game server sessions held; one more created through the admin API is
    /// refused with LimitExceeded.
    #[arg(long, default_value_t = gse_emulator::sessions::DEFAULT_MAX_SESSIONS)]
    max_sessions: usize,
    /// The most players held in all sessions; a join beyond is answered LimitExceeded.
    #[arg(long, default_value_t = gse_emulator::sessions::DEFAULT_MAX_PLAYERS)]
    max_players: usize,
    /// Another spec to take limits and rates from (default: the embedded workspace spec).
    #[arg(long)]
    spec: Option<std::path::PathBuf>,
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// Serve HTTPS with a certificate for 127.0.0.1 and localhost signed by a CA made now;
    /// writes DIR/ca.pem (for clients to trust), DIR/server.pem and DIR/server.key.
    #[arg(long, value_name = "DIR")]
    tls_self_signed: Option<std::path::PathBuf>,
}

fn config(args: Args) -> Result<EmulatorConfig, String> {
    let mut config = EmulatorConfig {
        listen: args.listen,
        rate_limit: args.rate_limit,
        max_skew_secs: args.max_skew_secs,
        max_body_bytes: args.max_body_bytes,
        body_read_timeout: std::time::Duration::from_millis(args.body_read_timeout_ms),
        max_requests_per_connection: usize::try_from(args.max_requests_per_connection)
            .unwrap_or(usize::MAX),
        cvm_role: args.cvm_role.clone(),
        max_sessions: args.max_sessions,
        max_players: args.max_players,
        temporary_credentials_lifetime: std::time::Duration::from_secs(
            args.temporary_credentials_lifetime_secs,
        ),
        ..EmulatorConfig::default()
    };
    let admin_token = args
        .admin_token
        .clone()
        .or_else(|| std::env::var("GSE_EMULATOR_ADMIN_TOKEN").ok());
    if let Some(token) = admin_token {
        config.admin_token = Some(gse_emulator::AdminToken::new(token)?);
    }
    if let Some(spec) = &args.web_identity {
        let (provider, file) = spec.split_once(':').ok_or_else(|| {
            format!("--web-identity: PROVIDER_ID:TOKEN_FILE expected, {spec:?} given")
        })?;
        let token = std::fs::read_to_string(file)
            .map_err(|e| format!("--web-identity: cannot read the token file {file}: {e}"))?;
        config.web_identity = Some((provider.to_owned(), token.trim().to_owned()));
    }
    if !args.accounts.is_empty() {
        config.accounts = args
            .accounts
            .iter()
            .map(|a| {
                let (id, key) = a
                    .split_once(':')
                    .filter(|(id, key)| !id.is_empty() && !key.is_empty())
                    .ok_or_else(|| format!("--account: expected SECRET_ID:SECRET_KEY, got {} characters without a valid ':'", a.len()))?;
                Ok(Account {
                    secret_id: id.to_owned(),
                    secret_key: key.to_owned(),
                    token: None,
                })
            })
            .collect::<Result<_, String>>()?;
    }
    config.sessions = args
        .sessions
        .iter()
        .map(|s| SessionSpec::parse(s))
        .collect::<Result<_, _>>()?;
    config.faults.seed = args.seed;
    for fault in &args.faults {
        config.faults.add(fault)?;
    }
    if let Some(path) = args.spec {
        config.spec_yaml = Some(
            std::fs::read_to_string(&path)
                .map_err(|e| format!("--spec {}: {e}", path.display()))?,
        );
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        config.tls = Some(gse_emulator::TlsIdentity::from_pem_files(cert, key)?);
    }
    if let Some(dir) = &args.tls_self_signed {
        let (identity, ca) =
            gse_emulator::TlsIdentity::self_signed(dir, gse_emulator::tls::SELF_SIGNED_HOSTS)?;
        eprintln!(
            "TLS: trust {} (the CA of this run's certificate)",
            ca.display()
        );
        config.tls = Some(identity);
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let args = Args::parse();
    let demo = args.accounts.is_empty();
    let emulator = match config(args) {
        Ok(config) => config.start().await,
        Err(e) => Err(e),
    };
    let emulator = match emulator {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if demo {
        eprintln!("demo account: SecretId {DEMO_SECRET_ID} SecretKey {DEMO_SECRET_KEY}");
    }
    println!("listening on {}", emulator.url());
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("stopping");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
