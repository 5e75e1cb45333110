//! `cargo xtask ci`: every check CI runs, in the order that fails fastest.

use crate::process::run as run_step;
use crate::python;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// Optional features CI builds, lints and tests too: the fleet-wide rate limit (its tests start
/// a real `redis-server`, which `.ci/run` installs; the client's guide shows it in a doctest),
/// the mock transport and the metrics.
const OPTIONAL_FEATURES: &str =
    "tc3-runtime/redis,tc3-runtime/test-util,tc3-runtime/metrics,gse-client/redis";

/// `cargo package` of the packaged crates with CI's features (`cargo xtask package`).
pub(crate) fn package(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::packages::package_all(&cargo, root, OPTIONAL_FEATURES)
}

/// The share of the pinned tccli's service versions that must generate (all did when this
/// was set: a failure is a regression unless a definition changed).
const IMPORT_CHECK_MIN_PERCENT: f64 = 99.0;
/// How long CI fuzzes the generator with mutated definitions, and from which seed.
const DEFINITIONS_FUZZ_SECONDS: u64 = 60;
const DEFINITIONS_FUZZ_SEED: u64 = 1;

/// Runs fmt, clippy, the docs, `generate --check`, spec validation and every test.
pub(crate) fn run(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo_cmd = |args: &[&str]| {
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(root).args(args);
        cmd
    };
    step("cargo fmt --check");
    run_step(
        &mut cargo_cmd(&["fmt", "--all", "--check"]),
        "cargo fmt --check",
    )?;
    step("cargo clippy");
    run_step(
        &mut cargo_cmd(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            OPTIONAL_FEATURES,
            "--",
            "-D",
            "warnings",
        ]),
        "cargo clippy",
    )?;
    step("cargo doc (every crate's docs, all features; a broken intra-doc link fails)");
    run_step(
        cargo_cmd(&["doc", "--no-deps", "--all-features", "--workspace"])
            .env("RUSTDOCFLAGS", "-D warnings"),
        "cargo doc",
    )?;
    step("cargo xtask generate --check");
    crate::generate::run(root, true)?;
    step("cargo xtask public-api --check (every change to what callers can name is reviewed)");
    crate::public_api::run(root, true)?;
    step("cargo xtask spec-diff (for reviewers; breaking changes are reported, not failed)");
    match crate::spec_diff::report(root, None, crate::spec_diff::Format::Text) {
        Ok((report, _)) => print!("{report}"),
        Err(e) => println!("spec-diff unavailable: {e:#}"),
    }
    step("python tools (target/py: openapi-spec-validator, official SDK)");
    python::ensure_venv(root)?;
    step("node SDK (target/node: tencentcloud-sdk-nodejs-common, for the interop tests)");
    crate::node::ensure_node_env(root)?;
    step("spec validation (openapi-spec-validator)");
    python::validate_specs(root)?;
    step("cargo xtask spec-audit (the spec against Tencent's definition; contradictions fail)");
    let (report, contradictions) = crate::spec_audit::report(
        root,
        crate::spec_audit::SPEC,
        &crate::spec_audit::Sources {
            definition: None,
            error_codes: None,
        },
        crate::spec_diff::Format::Text,
    )?;
    print!("{report}");
    anyhow::ensure!(
        !contradictions,
        "spec-audit: the spec contradicts the service's definition"
    );
    step("tests (cargo nextest; the load test runs 6 s here, 20 s by default)");
    run_step(
        cargo_cmd(&[
            "nextest",
            "run",
            "--workspace",
            "--no-fail-fast",
            "--features",
            OPTIONAL_FEATURES,
        ])
        .env("GSE_LOAD_SECONDS", "6")
        // A test whose SDK or redis-server is missing fails here instead of skipping.
        .env(test_requirements_variable(), "1"),
        "cargo nextest run",
    )?;
    step("cargo package: tc3-runtime, gse-emulator and gse-client, each package built on its own");
    package(root)?;
    step("cargo xtask import-check: every service of the pinned tccli generates; GSE and CVM compile");
    crate::import_check::run(
        root,
        &crate::import_check::Check {
            services: Vec::new(),
            build: vec!["gse".to_owned(), "cvm".to_owned()],
            min_percent: Some(IMPORT_CHECK_MIN_PERCENT),
            json: Some(root.join("target").join("import-check").join("report.json")),
            jobs: None,
        },
    )?;
    step("cargo xtask fuzz definitions: the generator fed mutated tccli definitions, 60 s");
    // A fixed seed keeps CI's verdict reproducible; `cargo xtask fuzz definitions` without
    // one explores new cases.
    crate::fuzz_definitions::run(root, DEFINITIONS_FUZZ_SECONDS, Some(DEFINITIONS_FUZZ_SEED))?;
    step("fuzz targets build (cargo xtask fuzz TARGET runs one)");
    run_step(
        &mut cargo_cmd(&["build", "--quiet", "-p", "gse-fuzz", "--bins"]),
        "building the fuzz targets",
    )?;
    step("the README's main command (example join on the embedded emulator)");
    smoke_join(&cargo, root)?;
    step("doc tests (the crates' guides, the README and docs/ run against the emulator)");
    run_step(
        &mut cargo_cmd(&[
            "test",
            "--workspace",
            "--doc",
            "--features",
            OPTIONAL_FEATURES,
        ]),
        "cargo test --doc",
    )?;
    println!("ci: all checks passed");
    Ok(())
}

/// Runs `cargo run -p gse-client --example join`: 60 demo players joined, one JSON line each,
/// exit 0; a missing session fails every player, listed, exit 1; a duplicate player is refused
/// with exit 2.
fn smoke_join(cargo: &str, root: &Path) -> Result<()> {
    let run = |args: &[&str]| {
        Command::new(cargo)
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "-p",
                "gse-client",
                "--example",
                "join",
                "--",
            ])
            .args(args)
            .output()
    };
    let out = run(&["--json"])?;
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    anyhow::ensure!(
        out.status.success() && lines == 60,
        "example join: expected exit 0 and 60 player sessions, got {} and {lines}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["--session", "gssess-missing", "--players", "3"])?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.code() == Some(1) && stderr.contains("failed: 3 player(s)"),
        "example join on a missing session: expected exit 1 with the failure listed, got {}: {stderr}",
        out.status
    );
    let out = run(&["--player", "p1", "--player", "p1"])?;
    anyhow::ensure!(
        out.status.code() == Some(2),
        "example join with a duplicate player: expected exit 2, got {}",
        out.status
    );
    println!("example join: 60 players joined; failures exit 1; bad input exits 2");
    Ok(())
}

/// The variable that makes a test fail, not skip, when what it needs is missing (test-support's
/// `REQUIRE_ALL_VARIABLE`).
fn test_requirements_variable() -> &'static str {
    "TC3_TESTS_REQUIRE_ALL"
}

fn step(name: &str) {
    println!("==> {name}");
}
