//! `gse-bench [--quick] [--fleet-svg PATH]`: measures signing, round trips, saturation, the shared limiter's
//! overhead (a real `redis-server` on loopback), emulator throughput (HTTP and HTTPS) and
//! what reconciling lost answers costs, the main command's memory and first request on a
//! large streamed batch,
//! and prints them as one JSON object (`cargo xtask bench` adds the Python SDK and the
//! generator, and writes `target/bench/summary.json`).

mod fleet;
mod load;
mod plot;
mod reconcile;
mod service;
mod signing;
mod stats;
mod streaming;

use serde_json::json;

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    if std::env::args().any(|a| a == "--sign-only") {
        // For profilers (valgrind --tool=callgrind): our signing alone.
        println!("{}", signing::ours(5, 20_000).json());
        return;
    }
    let svg = std::env::args()
        .skip_while(|a| a != "--fleet-svg")
        .nth(1)
        .map(std::path::PathBuf::from);
    if std::env::args().any(|a| a == "--fleet-only") {
        println!("{}", fleet::run(if quick { 1 } else { 3 }, svg.as_deref()));
        return;
    }
    if std::env::args().any(|a| a == "--emulator-only") {
        // The emulator's throughput alone, over HTTP and HTTPS.
        // `--plain`: over HTTP alone; `--requests N`: rounds of N (30 000 by default).
        let requests = std::env::args()
            .skip_while(|a| a != "--requests")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(30_000);
        let (plain, plain_cpu) = service::emulator_rps(requests, 32, 3, false).await;
        if std::env::args().any(|a| a == "--plain") {
            println!(
                "{}",
                json!({"emulator_rps": plain.json(), "emulator_cpu_us_per_request": plain_cpu.json()})
            );
            return;
        }
        let (tls, tls_cpu) = service::emulator_rps(requests, 32, 3, true).await;
        println!(
            "{}",
            json!({
                "emulator_rps": plain.json(),
                "emulator_cpu_us_per_request": plain_cpu.json(),
                "emulator_tls_rps": tls.json(),
                "emulator_tls_cpu_us_per_request": tls_cpu.json(),
            })
        );
        return;
    }
    if std::env::args().any(|a| a == "--streaming-only") {
        // The main command's memory and first request on a large streamed batch.
        println!("{}", streaming::run(if quick { 1 } else { 3 }));
        return;
    }
    if std::env::args().any(|a| a == "--reconcile-only") {
        // What exactly-once costs when answers are lost.
        println!("{}", reconcile::run(if quick { 1 } else { 3 }).await);
        return;
    }
    if std::env::args().any(|a| a == "--shared-limiter-only") {
        // To tune the shared limiter: its round trips alone.
        let (plain, shared) = service::shared_limiter(2_000).await;
        println!(
            "{}",
            json!({"plain_us": plain.json(), "shared_us": shared.json(), "overhead_us": shared.median - plain.median})
        );
        return;
    }
    let (samples, per_sample) = if quick { (11, 2_000) } else { (31, 10_000) };
    let sign = signing::ours(samples, per_sample);
    let aws = signing::aws_sigv4(samples, per_sample);
    let floor = signing::sha256_floor(samples, per_sample);
    let (ours_rt, raw_rt) = service::roundtrip(if quick { 500 } else { 2_000 }).await;
    let saturation = service::saturation(if quick { 25_000 } else { 100_000 }).await;
    let (plain_rt, shared_rt) = service::shared_limiter(if quick { 500 } else { 2_000 }).await;
    let (rps, rps_cpu) = service::emulator_rps(
        if quick { 20_000 } else { 60_000 },
        32,
        if quick { 1 } else { 3 },
        false,
    )
    .await;
    let (tls_rps, tls_cpu) = service::emulator_rps(
        if quick { 10_000 } else { 30_000 },
        32,
        if quick { 1 } else { 3 },
        true,
    )
    .await;
    let fleet = fleet::run(if quick { 1 } else { 3 }, svg.as_deref());
    let reconcile = reconcile::run(if quick { 1 } else { 3 }).await;
    let streamed = streaming::run(if quick { 1 } else { 3 });
    let body = signing::full_batch_body();
    let report = json!({
        "quick": quick,
        "sign_body": String::from_utf8(body).expect("the body is UTF-8"),
        "sign_authorization": signing::our_authorization(),
        "sign_ns": sign.json(),
        "aws_sigv4_sign_ns": aws.json(),
        "sha256_of_body_ns": floor.json(),
        "sign_ratio_vs_aws_sigv4": aws.median / sign.median,
        "roundtrip_us": ours_rt.json(),
        "raw_reqwest_roundtrip_us": raw_rt.json(),
        "roundtrip_ratio_vs_raw_reqwest": ours_rt.median / raw_rt.median,
        "saturation": saturation,
        "fleet_share_of_limit": fleet["share_of_limit"],
        "fleet": fleet,
        "shared_limiter_roundtrip_us": shared_rt.json(),
        "shared_limiter_overhead_us": shared_rt.median - plain_rt.median,
        "emulator_rps": rps.json(),
        "emulator_cpu_us_per_request": rps_cpu.json(),
        "emulator_tls_rps": tls_rps.json(),
        "emulator_tls_cpu_us_per_request": tls_cpu.json(),
        "reconcile_overhead": reconcile["reconcile_overhead"],
        "reconcile": reconcile["reconcile"],
        "reconcile_overhead_per_player": reconcile["reconcile_overhead_per_player"],
        "reconcile_per_player": reconcile["reconcile_per_player"],
        "batch_peak_rss_mb": streamed["batch_peak_rss_mb"],
        "first_request_ms": streamed["first_request_ms"],
        "streaming": streamed,
    });
    println!("{report}");
}
