//! `cargo xtask ci`: every check CI runs, in the order that fails fastest.

use crate::process::run as run_step;
use crate::python;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// Runs fmt, clippy, `generate --check`, spec validation and every test.
pub fn run(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
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
            "--",
            "-D",
            "warnings",
        ]),
        "cargo clippy",
    )?;
    step("cargo xtask generate --check");
    crate::generate::run(root, true)?;
    step("python tools (target/py: openapi-spec-validator, official SDK)");
    python::ensure_venv(root)?;
    step("spec validation (openapi-spec-validator)");
    python::validate_specs(root)?;
    step("tests (cargo nextest)");
    run_step(
        &mut cargo_cmd(&["nextest", "run", "--workspace", "--no-fail-fast"]),
        "cargo nextest run",
    )?;
    step("doc tests");
    run_step(
        &mut cargo_cmd(&["test", "--workspace", "--doc"]),
        "cargo test --doc",
    )?;
    println!("ci: all checks passed");
    Ok(())
}

fn step(name: &str) {
    println!("==> {name}");
}
