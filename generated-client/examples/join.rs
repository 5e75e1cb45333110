//! Joins players to a game server session, through the batch splitter.
//!
//! `cargo run -p gse-client --example join -- [--endpoint URL] [--region R] [--session ID]
//! [--player ID]... [--players N] [--player-data KEY=VALUE] [--concurrency N] [--json]
//! [--prefix P] [--redis URL [--fleet-share S] [--outage-share S]] [--ca-cert FILE]
//! [--no-reconcile] [--fault KIND=SHARE]...`
//!
//! Without `--endpoint` it starts the emulator in-process with a demo session and joins 60 demo
//! players (`--fault` injects the emulator's faults there); with `--endpoint` it uses the
//! default credential chain (environment, then `~/.tencentcloud/credentials`, then the CVM
//! instance's role: `TENCENTCLOUD_METADATA_ENDPOINT` points it at an emulator's
//! `--cvm-role`). Players whose answer was lost are read back and only the absent ones sent again (`--no-reconcile` turns
//! that off and lists them as unknown). Exit status: 0 when every player joined, 1 when some
//! failed or are unknown (each listed: failed ones are safe to send again, unknown ones may
//! have joined), 2 on bad input (nothing sent). `RUST_LOG` sets what is logged (default
//! warnings; secrets are never logged at any level). With `--redis`, every process
//! given the same Redis and account shares one quota; while Redis is unreachable each paces
//! alone at `--outage-share` of the rate (a warning says so once). Warnings go to stderr.

use clap::Parser;
// The shared limit is the runtime's `redis` feature (a dev-dependency here).
use gse_client::credentials::Credentials;
use gse_client::types::PlayerDataMap;
use gse_client::BatchOptions;
use gse_client::{Client, RateLimit};
use gse_emulator::{EmulatorConfig, FaultConfig, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;
use tc3_runtime::{OnOutage, SharedLimit};

const DEMO_SESSION: &str =
    "qcs::gse:ap-shanghai:uin/100000000001:gameserversession/fleet-demo/gssess-demo";
const DEMO_PLAYERS: usize = 60;

#[derive(Parser, Debug)]
#[command(name = "join", about = "Join players to a GSE game server session")]
struct Args {
    /// The service's URL; without it, an in-process emulator with a demo session is used.
    #[arg(long)]
    endpoint: Option<String>,
    /// The region (default: TENCENTCLOUD_REGION, or ap-shanghai on the emulator).
    #[arg(long)]
    region: Option<String>,
    /// The game server session to join (required with --endpoint).
    #[arg(long)]
    session: Option<String>,
    /// A player id to join (repeatable).
    #[arg(long = "player", value_name = "ID")]
    players: Vec<String>,
    /// Also join N generated player ids (player-000001, ...).
    #[arg(long = "players", value_name = "N")]
    generated: Option<usize>,
    /// The first part of generated player ids (distinct per process in a fleet).
    #[arg(long, default_value = "player")]
    prefix: String,
    /// Player data sent with every player, KEY=VALUE.
    #[arg(long, value_name = "KEY=VALUE")]
    player_data: Option<String>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Print each player session as one JSON line on stdout.
    #[arg(long)]
    json: bool,
    /// Share one quota with every process using this Redis, e.g. redis://127.0.0.1:6379/0.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// With --redis: the share of each action's spec rate the whole fleet uses.
    #[arg(long, value_name = "S", default_value_t = gse_client::defaults::RATE_SHARE)]
    fleet_share: f64,
    /// Also trust the PEM certificate(s) in FILE as roots (e.g. an HTTPS emulator's ca.pem).
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<std::path::PathBuf>,
    /// With --redis: the share of the rate this process takes while Redis is unreachable.
    #[arg(long, value_name = "S", default_value_t = gse_client::defaults::OUTAGE_SHARE)]
    outage_share: f64,
    /// Leave players whose answer was lost unknown instead of reading them back.
    #[arg(long)]
    no_reconcile: bool,
    /// Without --endpoint: the in-process emulator injects this fault (repeatable), as
    /// `gse-emulator --fault`, e.g. drop-after-apply=0.1.
    #[arg(long = "fault", value_name = "KIND=SHARE")]
    faults: Vec<String>,
    /// Serve the client's metrics (calls, attempts, retries, throttles, latencies) in
    /// Prometheus text form at http://ADDR/metrics while the run lasts, e.g. 127.0.0.1:9464.
    #[arg(long, value_name = "ADDR")]
    metrics_addr: Option<std::net::SocketAddr>,
    /// Keep serving the metrics this many seconds after the run (for a last scrape).
    #[arg(long, value_name = "S", default_value_t = 0)]
    metrics_linger: u64,
}

/// A message for bad input; exit status 2, nothing sent.
fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    // Warnings by default; RUST_LOG (e.g. `RUST_LOG=tc3=debug`, `RUST_LOG=trace`) says more.
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(tracing::level_filters::LevelFilter::WARN.into())
        .from_env_lossy();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .init();
    let args = Args::parse();
    let mut players = args.players.clone();
    if let Some(n) = args.generated {
        players.extend((1..=n).map(|i| format!("{}-{i:06}", args.prefix)));
    }
    let player_data = match args.player_data.as_deref().map(|kv| kv.split_once('=')) {
        None => None,
        Some(Some((key, value))) => Some(PlayerDataMap::builder().key(key).value(value)),
        Some(None) => return bad_input("--player-data: expected KEY=VALUE"),
    };
    if args.concurrency == 0 {
        return bad_input("--concurrency: 0 given, at least 1 required");
    }
    if let Some(addr) = args.metrics_addr {
        // The exporter is the example's choice; the client only records through the facade.
        let exporter = metrics_exporter_prometheus::PrometheusBuilder::new()
            .with_http_listener(addr)
            // Latencies as histograms (buckets in seconds), not summaries.
            .set_buckets(&[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0])
            .and_then(metrics_exporter_prometheus::PrometheusBuilder::install);
        if let Err(e) = exporter {
            return bad_input(format!("--metrics-addr {addr}: {e}"));
        }
    }

    let mut faults = FaultConfig::default();
    for fault in &args.faults {
        if let Err(e) = faults.add(fault) {
            return bad_input(e);
        }
    }
    if args.endpoint.is_some() && !args.faults.is_empty() {
        return bad_input("--fault: only the in-process emulator injects faults (leave out --endpoint, or give them to gse-emulator)");
    }

    let mut emulator = None;
    let builder = match &args.endpoint {
        Some(endpoint) => {
            let mut builder = Client::builder().endpoint(endpoint);
            if let Some(region) = &args.region {
                builder = builder.region(region);
            }
            builder
        }
        None => {
            let started = EmulatorConfig {
                faults,
                ..EmulatorConfig::default()
            }
            .session(SessionSpec::new(DEMO_SESSION, 10_000))
            .start()
            .await;
            let started = match started {
                Ok(e) => e,
                Err(e) => return bad_input(format!("cannot start the emulator: {e}")),
            };
            eprintln!(
                "emulator listening on {} (demo session {DEMO_SESSION})",
                started.url()
            );
            let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)
                .expect("the demo account is valid");
            let builder = Client::builder()
                .endpoint(started.url())
                .region(
                    args.region
                        .clone()
                        .unwrap_or_else(|| "ap-shanghai".to_owned()),
                )
                .credentials(credentials);
            emulator = Some(started);
            builder
        }
    };
    let session = match (&args.session, &emulator) {
        (Some(session), _) => session.clone(),
        (None, Some(_)) => DEMO_SESSION.to_owned(),
        (None, None) => return bad_input("--session is required with --endpoint"),
    };
    if players.is_empty() {
        if emulator.is_none() {
            return bad_input("no players: give --player ID or --players N");
        }
        players.extend((1..=DEMO_PLAYERS).map(|i| format!("demo-player-{i:03}")));
    }
    let builder = match &args.redis {
        Some(url) => builder.rate_limit(RateLimit::Shared(
            SharedLimit::new(url)
                .share(args.fleet_share)
                .on_outage(OnOutage::LocalShare(args.outage_share)),
        )),
        None => builder,
    };
    let builder = match &args.ca_cert {
        Some(path) => match std::fs::read(path) {
            Ok(pem) => builder.add_root_certificates_pem(pem),
            Err(e) => return bad_input(format!("--ca-cert {}: {e}", path.display())),
        },
        None => builder,
    };
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return bad_input(e),
    };

    let total = players.len();
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| ProgressBar::new(total as u64));
    let mut options = BatchOptions::from(args.concurrency).reconcile(!args.no_reconcile);
    if let Some(bar) = &progress {
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} players {elapsed}")
                .expect("a valid template"),
        );
        let bar = bar.clone();
        options = options.on_request_done(move |items, _ok| bar.inc(items as u64));
    }

    let started = Instant::now();
    let mut request = client
        .join_game_server_session_batch()
        .game_server_session_id(session.as_str());
    if let Some(data) = player_data {
        request = request.player_data_map(data);
    }
    let outcome = match request.send_in_batches(players, options).await {
        Ok(outcome) => outcome,
        Err(e) => return bad_input(e),
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    if args.json {
        for session in &outcome.results {
            println!(
                "{}",
                serde_json::to_string(session).expect("a player session serializes")
            );
        }
    }
    for failure in &outcome.failures {
        let what = if failure.error.may_have_taken_effect() {
            "unknown (check the session before sending again)"
        } else {
            "failed"
        };
        eprintln!(
            "{what}: {} player(s) [{}]: {}",
            failure.items.len(),
            failure.items.join(", "),
            failure.error
        );
    }
    if outcome.unmatched_results > 0 {
        eprintln!(
            "note: {} player session(s) in the answers belong to no player of their request; left out",
            outcome.unmatched_results
        );
    }
    let failed = outcome.failed_items().count();
    let unknown = outcome.unknown_items().count();
    let summary = format!(
        "joined {} of {total} players in {} requests ({failed} failed, {unknown} unknown) in {:.2} s",
        outcome.succeeded.len(),
        outcome.requests,
        started.elapsed().as_secs_f64()
    );
    let report = &outcome.reconciliation;
    let reconciled = (report.rounds > 0).then(|| {
        format!(
            "reconciled: {} player(s) read back in {} round(s), {} found joined, {} sent again ({} read request(s))",
            report.looked_up, report.rounds, report.found_present, report.resent, report.read_requests
        )
    });
    let held = emulator.as_ref().map(|emulator| {
        let held = emulator
            .players()
            .into_iter()
            .filter(|(s, _)| *s == session)
            .count();
        format!("the emulator holds {held} player(s) in the session")
    });
    for line in std::iter::once(summary).chain(reconciled).chain(held) {
        if args.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    if args.metrics_addr.is_some() && args.metrics_linger > 0 {
        tokio::time::sleep(std::time::Duration::from_secs(args.metrics_linger)).await;
    }
    if outcome.is_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
