//! `cargo xtask bench [--quick]`: the performance figures, measured side by side in one run,
//! printed as a table against their goals and written to `target/bench/summary.json`.

use crate::process::run as run_step;
use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One figure's goal: its key, the comparison and the bound.
struct Goal {
    key: &'static str,
    at_most: bool,
    bound: f64,
}

const GOALS: &[Goal] = &[
    Goal {
        key: "sign_ns",
        at_most: true,
        bound: 1200.0,
    },
    Goal {
        key: "sign_ratio_vs_python_sdk",
        at_most: false,
        bound: 20.0,
    },
    Goal {
        key: "sign_ratio_vs_aws_sigv4",
        at_most: false,
        bound: 2.0,
    },
    Goal {
        key: "roundtrip_ratio_vs_raw_reqwest",
        at_most: true,
        bound: 1.10,
    },
    Goal {
        key: "saturation.share_of_limit",
        at_most: false,
        bound: 0.95,
    },
    Goal {
        key: "saturation.request_limit_exceeded",
        at_most: true,
        bound: 0.0,
    },
    Goal {
        key: "saturation.max_requests_in_any_second",
        at_most: true,
        bound: 1000.0,
    },
    Goal {
        key: "fleet_share_of_limit",
        at_most: false,
        bound: 0.95,
    },
    Goal {
        key: "fleet.request_limit_exceeded",
        at_most: true,
        bound: 0.0,
    },
    Goal {
        key: "fleet.max_requests_in_any_second",
        at_most: true,
        bound: 1000.0,
    },
    Goal {
        key: "fleet.outage.request_limit_exceeded",
        at_most: true,
        bound: 0.0,
    },
    Goal {
        key: "fleet.outage.max_requests_in_any_second",
        at_most: true,
        bound: 1000.0,
    },
    Goal {
        key: "shared_limiter_overhead_us",
        at_most: true,
        bound: 150.0,
    },
    Goal {
        key: "emulator_rps",
        at_most: false,
        bound: 45_000.0,
    },
    Goal {
        key: "emulator_tls_rps",
        at_most: false,
        bound: 15_000.0,
    },
    Goal {
        key: "reconcile_overhead",
        at_most: true,
        bound: 1.25,
    },
    Goal {
        key: "batch_peak_rss_mb",
        at_most: true,
        bound: 64.0,
    },
    Goal {
        key: "first_request_ms",
        at_most: true,
        bound: 50.0,
    },
    Goal {
        key: "generate_ms",
        at_most: true,
        bound: 1000.0,
    },
    Goal {
        key: "client_build_ratio_vs_floor",
        at_most: true,
        bound: 1.20,
    },
    Goal {
        key: "client_dependency_count",
        at_most: true,
        bound: 150.0,
    },
];

/// Builds the bench in release, runs it, adds the Python SDK's signing, the generator's wall
/// time and the client's build weight, and reports. `build_weight_only` measures the last alone.
pub(crate) fn run(
    root: &Path,
    quick: bool,
    build_weight_only: bool,
    scale_only: bool,
) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out_dir = target.join("bench");
    std::fs::create_dir_all(&out_dir)?;
    if scale_only {
        let summary = out_dir.join("summary.json");
        let mut report: Value = std::fs::read(&summary)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_else(|| json!({}));
        report["generator_scale"] = generator_scale(root, quick)?;
        std::fs::write(&summary, serde_json::to_string_pretty(&report)?)?;
        print!("{}", scale_table(&report));
        println!("written: {}", summary.display());
        return Ok(());
    }
    if build_weight_only {
        // The cold builds' figures replace theirs in the last summary, if there is one.
        let summary = out_dir.join("summary.json");
        let mut report: Value = std::fs::read(&summary)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_else(|| json!({}));
        let weight = client_build_weight(root, &cargo, &out_dir, if quick { 1 } else { 3 })?;
        if let (Some(map), Value::Object(weight)) = (report.as_object_mut(), weight) {
            map.extend(weight);
        }
        std::fs::write(&summary, serde_json::to_string_pretty(&report)?)?;
        print!("{}", table(&report));
        println!("written: {}", summary.display());
        return Ok(());
    }

    println!("==> building the bench, the join example and the emulator (release)");
    run_step(
        Command::new(&cargo).current_dir(root).args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "gse-bench",
            "--bin",
            "gse-bench",
            "-p",
            "gse-client",
            "--example",
            "join",
            "-p",
            "gse-emulator",
            "--bin",
            "gse-emulator",
        ]),
        "cargo build --release -p gse-bench (with the join example and the emulator)",
    )?;
    println!("==> measuring signing, round trips, saturation and the emulator");
    let mut bench = Command::new(target.join("release").join("gse-bench"));
    let picture = out_dir.join("fleet.svg");
    bench.arg("--fleet-svg").arg(&picture);
    if quick {
        bench.arg("--quick");
    }
    let output = bench.output().context("running gse-bench")?;
    ensure!(
        output.status.success(),
        "gse-bench failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut report: Value = serde_json::from_slice(&output.stdout).context("gse-bench's report")?;

    println!("==> the official Python SDK signing the same request");
    let python = crate::python::ensure_venv(root)?.join("python");
    let body_file = out_dir.join("full-batch-body.json");
    std::fs::write(&body_file, report["sign_body"].as_str().unwrap_or_default())?;
    let (samples, per_sample) = if quick { ("5", "500") } else { ("15", "2000") };
    let output = Command::new(python)
        .arg(root.join("bench/python/sign_bench.py"))
        .arg(&body_file)
        .args([samples, per_sample])
        .output()
        .context("running the Python signing bench")?;
    ensure!(
        output.status.success(),
        "the Python bench failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let python_sign: Value = serde_json::from_slice(&output.stdout)?;
    ensure!(
        python_sign["authorization"] == report["sign_authorization"],
        "the Python SDK signed the bench request differently: {} vs {}",
        python_sign["authorization"],
        report["sign_authorization"]
    );

    println!("==> cargo xtask generate --check, warm");
    let mut generate_ms = Vec::new();
    for _ in 0..if quick { 3 } else { 7 } {
        let start = Instant::now();
        run_step(
            Command::new(&cargo)
                .current_dir(root)
                .args(["xtask", "generate", "--check"])
                .stdout(std::process::Stdio::null()),
            "cargo xtask generate --check",
        )?;
        generate_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    generate_ms.sort_by(f64::total_cmp);

    let ours = report["sign_ns"]["median"].as_f64().unwrap_or(f64::NAN);
    report["python_sdk_sign_ns"] = json!({
        "median": python_sign["median"], "p10": python_sign["p10"], "p90": python_sign["p90"]
    });
    report["sign_ratio_vs_python_sdk"] =
        json!(python_sign["median"].as_f64().unwrap_or(f64::NAN) / ours);
    report["generate_ms"] = json!({
        "median": generate_ms[generate_ms.len() / 2],
        "p10": generate_ms[0],
        "p90": generate_ms[generate_ms.len() - 1],
    });
    if let Some(map) = report.as_object_mut() {
        map.remove("sign_body");
        let runs = if quick { 1 } else { 3 };
        if let Value::Object(weight) = client_build_weight(root, &cargo, &out_dir, runs)? {
            map.extend(weight);
        }
    }
    println!("==> the generator at scale: every CVM and GSE action of tccli's definitions");
    report["generator_scale"] = generator_scale(root, quick)?;
    let summary = out_dir.join("summary.json");
    std::fs::write(&summary, serde_json::to_string_pretty(&report)?)?;
    print!("{}", table(&report));
    print!("{}", scale_table(&report));
    println!("written: {}", summary.display());
    if picture.exists() {
        println!(
            "drawn: {} (BENCHMARKS.md shows the copy in docs/fleet-run.svg)",
            picture.display()
        );
    }
    Ok(())
}

/// The crates the floor program depends on, at the versions the workspace's lock pins.
const FLOOR_DEPENDENCIES: &str = r#"reqwest = { version = "0.13", default-features = false, features = ["json", "system-proxy", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["std", "tls12", "ring"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

/// The cold release build of a small program joining players with the vendored client, and of
/// the floor program (`bench/cold-build/`: what any reqwest-based HTTPS JSON client pays),
/// alternating, each into an empty target directory, offline from the local registry cache,
/// both resolved with the workspace's `Cargo.lock`: the medians, their ratio and the number of
/// crates the client's build compiles (the client and the runtime included).
fn client_build_weight(root: &Path, cargo: &str, out_dir: &Path, runs: usize) -> Result<Value> {
    println!("==> cold release builds: the vendored client's program and the floor, alternating");
    let dir = out_dir.join("cold-build");
    let _ = std::fs::remove_dir_all(&dir);
    let client = dir.join("client");
    crate::vendor::run(root, &client.join("vendor"), None)?;
    let programs = [
        (
            "client",
            client.clone(),
            "join-small",
            "gse-client = { path = \"vendor/gse-client\" }\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        ),
        ("floor", dir.join("floor"), "floor", FLOOR_DEPENDENCIES),
    ];
    for (source, project, name, dependencies) in &programs {
        std::fs::create_dir_all(project.join("src"))?;
        std::fs::write(
            project.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}\n[workspace]\n"
            ),
        )?;
        std::fs::copy(
            root.join("bench/cold-build").join(format!("{source}.rs")),
            project.join("src/main.rs"),
        )?;
        std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock"))?;
    }
    let mut seconds: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut packages = std::collections::BTreeSet::new();
    for run in 0..runs {
        for (i, (source, project, _, _)) in programs.iter().enumerate() {
            let target = project.join("target");
            let _ = std::fs::remove_dir_all(&target);
            let start = Instant::now();
            let output = Command::new(cargo)
                .current_dir(project)
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("RUSTFLAGS")
                .args([
                    "build",
                    "--release",
                    "--offline",
                    "--message-format",
                    "json",
                ])
                .output()
                .with_context(|| format!("building the {source} program"))?;
            let elapsed = start.elapsed().as_secs_f64();
            ensure!(
                output.status.success(),
                "the {source} program does not build: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            println!("    run {}: {source} {elapsed:.1} s", run + 1);
            seconds[i].push(elapsed);
            if i == 0 {
                packages.clear();
                for line in String::from_utf8_lossy(&output.stdout).lines() {
                    if let Ok(message) = serde_json::from_str::<Value>(line) {
                        if message["reason"] == "compiler-artifact"
                            && message["target"]["kind"] != json!(["bin"])
                        {
                            if let Some(id) = message["package_id"].as_str() {
                                packages.insert(id.to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    let [client_s, floor_s] = seconds.map(|mut runs| {
        runs.sort_by(f64::total_cmp);
        json!({
            "median": runs[runs.len() / 2],
            "p10": runs[0],
            "p90": runs[runs.len() - 1],
        })
    });
    let ratio = client_s["median"].as_f64().unwrap_or(f64::NAN)
        / floor_s["median"].as_f64().unwrap_or(f64::NAN);
    println!(
        "    client {:.1} s, floor {:.1} s (medians of {runs}): ratio {ratio:.3}; {} crates compiled",
        client_s["median"].as_f64().unwrap_or(f64::NAN),
        floor_s["median"].as_f64().unwrap_or(f64::NAN),
        packages.len()
    );
    Ok(json!({
        "client_cold_build_s": client_s,
        "floor_cold_build_s": floor_s,
        "client_build_ratio_vs_floor": ratio,
        "client_dependency_count": packages.len(),
    }))
}

/// The services measured at scale: CVM (97 actions, the figures per action) and all of GSE.
const SCALE_SERVICES: &[&str] = &["cvm", "gse"];

/// Each of [`SCALE_SERVICES`] generated and built by `import_check::scale`, by service.
fn generator_scale(root: &Path, quick: bool) -> Result<Value> {
    let mut out = serde_json::Map::new();
    for service in SCALE_SERVICES {
        let figures = crate::import_check::scale(root, service, if quick { 1 } else { 3 })?;
        out.insert((*service).to_owned(), figures);
    }
    Ok(Value::Object(out))
}

/// The generator-at-scale figures as a table.
fn scale_table(report: &Value) -> String {
    let mut out = format!(
        "\n{:<16} {:>8} {:>10} {:>14} {:>16} {:>14}\n",
        "service", "actions", "lines", "ms/action", "lines/action", "build s/action"
    );
    if let Some(services) = report["generator_scale"].as_object() {
        for figures in services.values() {
            out.push_str(&format!(
                "{:<16} {:>8} {:>10} {:>14.1} {:>16.0} {:>14.3}\n",
                figures["service"].as_str().unwrap_or("?"),
                figures["actions"].as_u64().unwrap_or(0),
                figures["generated_lines"].as_u64().unwrap_or(0),
                figures["generate_ms_per_action"]
                    .as_f64()
                    .unwrap_or(f64::NAN),
                figures["generated_lines_per_action"]
                    .as_f64()
                    .unwrap_or(f64::NAN),
                figures["build_s_per_action"].as_f64().unwrap_or(f64::NAN),
            ));
        }
    }
    out
}

/// A figure by dotted key; the median of a spread.
fn figure(report: &Value, key: &str) -> Option<f64> {
    let value = key.split('.').try_fold(report, |v, k| v.get(k))?;
    value.as_f64().or_else(|| value.get("median")?.as_f64())
}

/// The figures against their goals.
fn table(report: &Value) -> String {
    let mut out = format!(
        "\n{:<40} {:>14} {:>14}  {}\n",
        "figure", "value", "goal", "met"
    );
    for goal in GOALS {
        let value = figure(report, goal.key);
        let met = value.map(|v| {
            if goal.at_most {
                v <= goal.bound
            } else {
                v >= goal.bound
            }
        });
        out.push_str(&format!(
            "{:<40} {:>14} {:>14}  {}\n",
            goal.key,
            value.map_or("-".to_owned(), |v| format!("{v:.2}")),
            format!("{} {}", if goal.at_most { "<=" } else { ">=" }, goal.bound),
            match met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "?",
            }
        ));
    }
    out
}
