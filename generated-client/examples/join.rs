//! Joins players to a game server session, through the batch splitter.
//!
//! `cargo run -p gse-client --example join -- [--endpoint URL] [--region R] [--session ID]
//! [--player ID]... [--players N] [--players-from FILE|-] [--player-data KEY=VALUE]
//! [--concurrency N] [--json] [--grace S] [--prefix P] [--redis URL [--fleet-share S]
//! [--outage-share S]] [--ca-cert FILE] [--no-reconcile] [--fault KIND=SHARE]...`
//!
//! Without `--endpoint` it starts the emulator in-process with a demo session and joins 60 demo
//! players (`--fault` injects the emulator's faults there); with `--endpoint` it uses the
//! default credential chain (environment, then `~/.tencentcloud/credentials`, then the CVM
//! instance's role: `TENCENTCLOUD_METADATA_ENDPOINT` points it at an emulator's
//! `--cvm-role`). Players whose answer was lost are read back and only the absent ones sent again (`--no-reconcile` turns
//! that off and lists them as unknown). Players stream through the client: requests leave as
//! the players come (`--players-from` reads one per line, from a file or `-` for stdin), and
//! with `--json` each player's outcome is one line on stdout as soon as it is known:
//! `{"player":…,"outcome":"joined"|"found"|"failed"|"unknown",…}` ("found": already in the
//! session when read back). On SIGINT or SIGTERM no new request is sent, requests in flight
//! and the reading back of unknown players get `--grace` seconds, then the summary and lists
//! are printed (a second signal gives up at once, still printing what is known). Exit status:
//! 0 when every player joined, 1 when some failed or are unknown (each listed: failed ones are
//! safe to send again, unknown ones may have joined), 2 on bad input (nothing sent), 130 or
//! 143 when a SIGINT or SIGTERM stopped the run. `RUST_LOG` sets what is logged (default
//! warnings; secrets are never logged at any level). With `--redis`, every process
//! given the same Redis and account shares one quota; while Redis is unreachable each paces
//! alone at `--outage-share` of the rate (a warning says so once). Warnings go to stderr.

use clap::Parser;
use futures_util::{Stream, StreamExt};
// The shared limit is the runtime's `redis` feature (a dev-dependency here).
use gse_client::credentials::Credentials;
use gse_client::types::PlayerDataMap;
use gse_client::types::PlayerSession;
use gse_client::{BatchError, BatchOptions, ItemOutcome};
use gse_client::{Client, RateLimit};
use gse_emulator::{EmulatorConfig, FaultConfig, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
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
    /// Also join the players in FILE (`-`: stdin), one id per line (blank lines skipped), read
    /// as the run goes.
    #[arg(long, value_name = "FILE|-")]
    players_from: Option<String>,
    /// After SIGINT or SIGTERM: seconds given to the requests in flight and to reading back the
    /// players left unknown.
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    grace: f64,
    /// The first part of generated player ids (distinct per process in a fleet).
    #[arg(long, default_value = "player")]
    prefix: String,
    /// Player data sent with every player, KEY=VALUE.
    #[arg(long, value_name = "KEY=VALUE")]
    player_data: Option<String>,
    /// Requests in flight at once (1 to 10000); the action's pace still decides when each leaves.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Print each player's outcome as one JSON line on stdout, as soon as it is known.
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
    if let Some(duplicate) = first_duplicate(&players) {
        return bad_input(format!(
            "--player: {duplicate:?} is given twice; each player may appear once"
        ));
    }
    if !(args.grace.is_finite() && args.grace >= 0.0) {
        return bad_input(format!(
            "--grace: {} given, a number of seconds of at least 0 required",
            args.grace
        ));
    }
    let from_file = match args.players_from.as_deref() {
        None => None,
        Some("-") => Some(PlayerLines::new(tokio::io::BufReader::new(
            tokio::io::stdin(),
        ))),
        Some(path) => match tokio::fs::File::open(path).await {
            Ok(file) => Some(PlayerLines::new(tokio::io::BufReader::new(file))),
            Err(e) => return bad_input(format!("--players-from {path}: {e}")),
        },
    };
    let player_data = match args.player_data.as_deref().map(|kv| kv.split_once('=')) {
        None => None,
        Some(Some((key, value))) => Some(PlayerDataMap::builder().key(key).value(value)),
        Some(None) => return bad_input("--player-data: expected KEY=VALUE"),
    };
    if args.concurrency == 0 {
        return bad_input("--concurrency: 0 given, at least 1 required");
    }
    if args.concurrency > gse_client::defaults::MAX_BATCH_CONCURRENCY {
        return bad_input(format!(
            "--concurrency: {} given, at most {} (the client's bound on requests in flight)",
            args.concurrency,
            gse_client::defaults::MAX_BATCH_CONCURRENCY
        ));
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
    if players.is_empty() && args.generated.is_none() && from_file.is_none() {
        if emulator.is_none() {
            return bad_input("no players: give --player ID, --players N or --players-from FILE");
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

    // Known up front unless players are read from a file.
    let total = (from_file.is_none()).then(|| players.len() + args.generated.unwrap_or(0));
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total.unwrap_or(0) as u64);
        let template = if total.is_some() {
            "{bar:40} {pos}/{len} players {elapsed}"
        } else {
            "{spinner} {pos} players {elapsed}"
        };
        bar.set_style(ProgressStyle::with_template(template).expect("a valid template"));
        bar
    });
    let mut options = BatchOptions::from(args.concurrency).reconcile(!args.no_reconcile);
    if let Some(bar) = &progress {
        let bar = bar.clone();
        options = options.on_request_done(move |items, _ok| bar.inc(items as u64));
    }

    let mut request = client
        .join_game_server_session_batch()
        .game_server_session_id(session.as_str());
    if let Some(data) = player_data {
        request = request.player_data_map(data);
    }
    // The session and the player data are checked before anything is sent.
    if let Err(e) = request.clone().player_ids(vec!["-".to_owned()]).validate() {
        return bad_input(e);
    }
    let read_problem = from_file.as_ref().map(PlayerLines::problem);
    let generated = args
        .generated
        .into_iter()
        .flat_map(|n| 1..=n)
        .map(|i| format!("{}-{i:06}", args.prefix));
    let all_players = futures_util::stream::iter(players.into_iter().chain(generated))
        .chain(futures_util::stream::iter(from_file.map(PlayerLines::into_stream)).flatten());

    let started = Instant::now();
    let mut outcomes = request.stream_in_batches(all_players, options);
    let stopped_by = watch_signals(
        outcomes.control(),
        Duration::from_secs_f64(args.grace.min(86_400.0)),
    );
    let mut report = Report::default();
    while let Some(outcome) = outcomes.next().await {
        report.record(outcome, args.json);
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let stopped = *stopped_by
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (what, error, items) in &report.lists {
        eprintln!(
            "{what}: {} player(s) [{}]: {error}",
            items.len(),
            items.join(", ")
        );
    }
    if outcomes.unmatched_results() > 0 {
        eprintln!(
            "note: {} player session(s) in the answers belong to no player of their request; left out",
            outcomes.unmatched_results()
        );
    }
    let settled = report.joined + report.found + report.failed + report.unknown;
    let summary = format!(
        "joined {} of {} players in {} requests ({} failed, {} unknown) in {:.2} s",
        report.joined + report.found,
        total.unwrap_or(settled),
        outcomes.requests(),
        report.failed,
        report.unknown,
        started.elapsed().as_secs_f64()
    );
    let reconciliation = outcomes.reconciliation();
    let reconciled = (reconciliation.rounds > 0).then(|| {
        format!(
            "reconciled: {} player(s) read back in {} round(s), {} found joined, {} sent again ({} read request(s))",
            reconciliation.looked_up,
            reconciliation.rounds,
            reconciliation.found_present,
            reconciliation.resent,
            reconciliation.read_requests
        )
    });
    let interrupted = stopped.map(|(signal, _)| {
        let not_sent = total.map_or_else(
            || "the rest of the input was not read".to_owned(),
            |total| format!("{} player(s) not sent", total.saturating_sub(settled)),
        );
        format!("stopped by {signal}: no request sent after it; {not_sent}")
    });
    let unread = read_problem
        .and_then(|problem| problem.lock().ok().and_then(|p| p.clone()))
        .map(|problem| format!("error: {problem}; the players after it were not read"));
    let held = emulator.as_ref().map(|emulator| {
        let held = emulator
            .players()
            .into_iter()
            .filter(|(s, _)| *s == session)
            .count();
        format!("the emulator holds {held} player(s) in the session")
    });
    for line in std::iter::once(summary)
        .chain(reconciled)
        .chain(interrupted)
        .chain(unread.clone())
        .chain(held)
    {
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
    match stopped {
        Some((_, status)) => ExitCode::from(status),
        None if report.failed == 0 && report.unknown == 0 && unread.is_none() => ExitCode::SUCCESS,
        None => ExitCode::from(1),
    }
}

/// The first player id given twice, if any.
fn first_duplicate(players: &[String]) -> Option<&str> {
    let mut seen = HashSet::new();
    players
        .iter()
        .find(|p| !seen.insert(p.as_str()))
        .map(String::as_str)
}

/// What the run settled so far: counts, and the players not joined grouped by their error.
#[derive(Default)]
struct Report {
    joined: usize,
    found: usize,
    failed: usize,
    unknown: usize,
    /// "failed" or "unknown …", the error, and its players, in the order they settled.
    lists: Vec<(&'static str, Arc<BatchError>, Vec<String>)>,
}

impl Report {
    /// Counts one player's outcome and, with `json`, prints it as one line at once.
    fn record(&mut self, outcome: ItemOutcome<String, PlayerSession>, json: bool) {
        let line = match outcome {
            ItemOutcome::Succeeded {
                item,
                result,
                found,
                ..
            } => {
                if found {
                    self.found += 1;
                } else {
                    self.joined += 1;
                }
                let outcome = if found { "found" } else { "joined" };
                serde_json::json!({"player": item, "outcome": outcome, "session": result})
            }
            ItemOutcome::Failed { item, error, .. } => {
                self.failed += 1;
                let line = serde_json::json!({"player": &item, "outcome": "failed", "error": error.to_string()});
                self.list("failed", &error, item);
                line
            }
            ItemOutcome::Unknown { item, error, .. } => {
                self.unknown += 1;
                let line = serde_json::json!({"player": &item, "outcome": "unknown", "error": error.to_string()});
                self.list(
                    "unknown (check the session before sending again)",
                    &error,
                    item,
                );
                line
            }
            other => serde_json::json!({"player": other.item(), "outcome": "other"}),
        };
        if json {
            // A closed stdout (e.g. `| head`) ends the printing, not the run.
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
    }

    fn list(&mut self, what: &'static str, error: &Arc<BatchError>, player: String) {
        match self.lists.last_mut() {
            Some((_, last, players)) if Arc::ptr_eq(last, error) => players.push(player),
            _ => self.lists.push((what, Arc::clone(error), vec![player])),
        }
    }
}

/// On the first SIGINT or SIGTERM, stops the batch with `grace`; on the next, gives up what is
/// in flight. The signal that stopped it and the exit status it calls for (130, 143).
fn watch_signals(
    control: gse_client::BatchControl,
    grace: Duration,
) -> Arc<Mutex<Option<(&'static str, u8)>>> {
    let stopped_by = Arc::new(Mutex::new(None));
    let record = Arc::clone(&stopped_by);
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            eprintln!("warning: cannot watch SIGINT and SIGTERM; a signal ends the run unreported");
            return;
        };
        let mut first = true;
        loop {
            let signal = tokio::select! {
                _ = interrupt.recv() => ("SIGINT", 130),
                _ = terminate.recv() => ("SIGTERM", 143),
            };
            if first {
                first = false;
                *record
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(signal);
                eprintln!(
                    "{}: stopping; no new request, {:.1} s for those in flight and the read-back (again: give up now)",
                    signal.0,
                    grace.as_secs_f64()
                );
                control.stop(grace);
            } else {
                eprintln!("{}: giving up what is in flight", signal.0);
                control.abandon();
            }
        }
    });
    stopped_by
}

/// Player ids read line by line from a file or stdin as the run pulls them.
struct PlayerLines {
    lines: tokio::io::Lines<Box<dyn tokio::io::AsyncBufRead + Unpin + Send>>,
    problem: Arc<Mutex<Option<String>>>,
}

impl PlayerLines {
    fn new(reader: impl tokio::io::AsyncBufRead + Unpin + Send + 'static) -> Self {
        use tokio::io::AsyncBufReadExt;
        let reader: Box<dyn tokio::io::AsyncBufRead + Unpin + Send> = Box::new(reader);
        Self {
            lines: reader.lines(),
            problem: Arc::default(),
        }
    }

    /// Where a read error is left (the stream then ends).
    fn problem(&self) -> Arc<Mutex<Option<String>>> {
        Arc::clone(&self.problem)
    }

    /// The ids, trimmed, blank lines skipped.
    fn into_stream(self) -> impl Stream<Item = String> + Send {
        futures_util::stream::unfold((self, 0usize), |(mut this, mut line)| async move {
            loop {
                line += 1;
                match this.lines.next_line().await {
                    Ok(Some(text)) if text.trim().is_empty() => {}
                    Ok(Some(text)) => return Some((text.trim().to_owned(), (this, line))),
                    Ok(None) => return None,
                    Err(e) => {
                        *this
                            .problem
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) =
                            Some(format!("--players-from: line {line}: {e}"));
                        return None;
                    }
                }
            }
        })
    }
}
