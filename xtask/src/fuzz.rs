//! `cargo xtask fuzz TARGET [--seconds N]`: builds a fuzz target with libFuzzer's coverage
//! instrumentation (stable `-C` flags, no nightly toolchain or cargo-fuzz needed) into
//! `target/fuzz`, and runs it with a corpus under `target/fuzz/corpus/TARGET`.

use crate::process::run as run_step;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// The fuzz targets (binaries of the `gse-fuzz` crate).
pub(crate) const TARGETS: &[&str] = &["answer", "authorization", "batch_matching", "request_body"];

const COVERAGE_FLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

/// Builds and runs `target` for `seconds`.
pub(crate) fn run(root: &Path, target: &str, seconds: u64) -> Result<()> {
    anyhow::ensure!(
        TARGETS.contains(&target),
        "unknown fuzz target {target:?}; known: {}, definitions",
        TARGETS.join(", ")
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target_dir = root.join("target").join("fuzz");
    // With an explicit --target, RUSTFLAGS reach the fuzzed code but not build scripts.
    let host = host_triple()?;
    run_step(
        Command::new(&cargo)
            .current_dir(root)
            .env("RUSTFLAGS", COVERAGE_FLAGS)
            .args([
                "build",
                "--release",
                "-p",
                "gse-fuzz",
                "--bin",
                target,
                "--target",
                &host,
            ])
            .arg("--target-dir")
            .arg(&target_dir),
        "building the fuzz target",
    )?;
    let corpus = target_dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    run_step(
        Command::new(target_dir.join(&host).join("release").join(target))
            .arg(&corpus)
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1"),
        &format!("fuzzing {target}"),
    )
}

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> Result<String> {
    let out = Command::new("rustc").arg("-vV").output()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("rustc -vV names no host"))
}
