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
        key: "generate_ms",
        at_most: true,
        bound: 1000.0,
    },
    Goal {
        key: "client_cold_build_s",
        at_most: true,
        bound: 45.0,
    },
    Goal {
        key: "client_dependency_count",
        at_most: true,
        bound: 150.0,
    },
];

/// Builds the bench in release, runs it, adds the Python SDK's signing, the generator's wall
/// time and the client's build weight, and reports. `build_weight_only` measures the last alone.
pub(crate) fn run(root: &Path, quick: bool, build_weight_only: bool) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out_dir = target.join("bench");
    std::fs::create_dir_all(&out_dir)?;
    if build_weight_only {
        let report = client_build_weight(root, &cargo, &out_dir)?;
        print!("{}", table(&report));
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
        if let Value::Object(weight) = client_build_weight(root, &cargo, &out_dir)? {
            map.extend(weight);
        }
    }
    let summary = out_dir.join("summary.json");
    std::fs::write(&summary, serde_json::to_string_pretty(&report)?)?;
    print!("{}", table(&report));
    println!("written: {}", summary.display());
    if picture.exists() {
        println!(
            "drawn: {} (BENCHMARKS.md shows the copy in docs/fleet-run.svg)",
            picture.display()
        );
    }
    Ok(())
}

/// The vendored client built alone, in release, into an empty target directory, offline from
/// the local registry cache: the wall time and the number of crates compiled (the client and
/// the runtime included), as a game backend's first build would see them.
fn client_build_weight(root: &Path, cargo: &str, out_dir: &Path) -> Result<Value> {
    println!("==> the vendored client's cold release build");
    let dir = out_dir.join("cold-build");
    let _ = std::fs::remove_dir_all(&dir);
    crate::vendor::run(root, &dir.join("vendor"), None)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"vendor/gse-client\"]\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let start = Instant::now();
    let output = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args([
            "build",
            "--release",
            "--offline",
            "-p",
            "gse-client",
            "--message-format",
            "json",
        ])
        .output()
        .context("building the vendored client")?;
    let seconds = start.elapsed().as_secs_f64();
    ensure!(
        output.status.success(),
        "the vendored client does not build: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut packages = std::collections::BTreeSet::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Ok(message) = serde_json::from_str::<Value>(line) {
            if message["reason"] == "compiler-artifact" {
                if let Some(id) = message["package_id"].as_str() {
                    packages.insert(id.to_owned());
                }
            }
        }
    }
    println!("    {seconds:.1} s, {} crates compiled", packages.len());
    Ok(json!({
        "client_cold_build_s": seconds,
        "client_dependency_count": packages.len(),
    }))
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
