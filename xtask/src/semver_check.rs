//! `cargo xtask semver-check [--base REV]`: whether `spec-diff`'s verdict on a spec change
//! and the generated crate's Rust API agree, checked by cargo-semver-checks.
//!
//! For each case, the client is generated from both specs into a scratch directory beside a
//! copy of the runtime (as `cargo xtask vendor` writes them), and cargo-semver-checks
//! compares the two crates: a change `spec-diff` calls compatible must need no major version,
//! a breaking one must. Without `--base`, the cases are fixed edits of `spec/gse.yaml`: one
//! compatible (an error code, an optional request field and an optional answer field added),
//! one breaking (an answer
//! field removed). With `--base REV`, the case is the spec at `REV` against the working tree.
//!
//! Not a CI step: cargo-semver-checks is a long build (about 7 minutes on two cores, once;
//! kept in `target/tools`) and each case builds rustdoc for both crates. Run it when a spec
//! change is reviewed; CI's `public-api --check` shows every change of the API meanwhile.

use crate::manifests::Workspace;
use crate::targets::TARGETS;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use tc3_codegen::spec_diff::Class;

/// The cargo-semver-checks this command installs and runs.
const SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// One spec change to check: its name and the two specs.
struct Case {
    name: String,
    old: String,
    new: String,
}

/// Runs every case; fails when a verdict disagrees.
pub(crate) fn run(root: &Path, base: Option<&str>) -> Result<()> {
    let target = &TARGETS[0];
    let current = target.spec_text(root)?;
    let cases = match base {
        Some(rev) => vec![Case {
            name: format!("{} at {rev} → working tree", target.spec),
            old: git_show(root, rev, target.spec)?,
            new: current,
        }],
        None => probe_cases(&current)?,
    };
    let tool = ensure_tool(root)?;
    let mut disagreements = Vec::new();
    for case in &cases {
        let changes = tc3_codegen::diff_specs("old", &case.old, "new", &case.new)
            .with_context(|| format!("{}: spec-diff", case.name))?;
        let spec_breaking = changes.iter().any(|c| c.class == Class::Breaking);
        let rust_breaking = rust_api_breaks(root, &tool, case)?;
        let verdict = |b: bool| if b { "breaking" } else { "compatible" };
        println!(
            "{}: spec-diff {} ({} change(s)), cargo-semver-checks {}",
            case.name,
            verdict(spec_breaking),
            changes.len(),
            verdict(rust_breaking)
        );
        if spec_breaking != rust_breaking {
            disagreements.push(case.name.clone());
        }
    }
    if !disagreements.is_empty() {
        bail!(
            "spec-diff and the generated crate's API disagree on: {}",
            disagreements.join("; ")
        );
    }
    println!("semver-check: spec-diff and the Rust API agree on every case");
    Ok(())
}

/// The fixed edits of the spec: one compatible, one breaking.
fn probe_cases(spec: &str) -> Result<Vec<Case>> {
    let edit = |from: &str, to: &str| -> Result<String> {
        anyhow::ensure!(
            spec.matches(from).count() == 1,
            "semver-check: the probe edit no longer applies to the spec (`{}` must appear once)",
            from.trim()
        );
        Ok(spec.replacen(from, to, 1))
    };
    // An optional request field too: the request builder gains a setter.
    let request_field =
        "        PlayerDataMap:\n          $ref: \"#/components/schemas/PlayerDataMap\"\n";
    let compatible = edit(
        "        InvalidParameter: A parameter is malformed.\n",
        "        InvalidParameter: A parameter is malformed.\n        \
         InvalidParameter.Probe: A code added by the semver probe.\n",
    )
    .and_then(|with_code| {
        let field = "      properties:\n        CreationTime:\n";
        anyhow::ensure!(with_code.matches(field).count() == 1, "semver-check: no PlayerSession.CreationTime");
        Ok(with_code.replacen(
            field,
            "      properties:\n        ProbeZone:\n          type: string\n          nullable: true\n          \
             description: A field added by the semver probe.\n        CreationTime:\n",
            1,
        ))
    })
    .and_then(|with_answer_field| {
        anyhow::ensure!(
            with_answer_field.matches(request_field).count() == 1,
            "semver-check: no JoinGameServerSessionBatchRequest.PlayerDataMap"
        );
        Ok(with_answer_field.replacen(
            request_field,
            &format!(
                "{request_field}        ProbeTag:\n          type: string\n          \
                 description: A request field added by the semver probe.\n"
            ),
            1,
        ))
    })?;
    let breaking = {
        let field = "        DnsName:\n          type: string\n          nullable: true\n";
        anyhow::ensure!(
            spec.matches(field).count() == 1,
            "semver-check: no PlayerSession.DnsName"
        );
        let start = spec.find(field).unwrap_or_default();
        // The field and its description, up to the next property.
        let rest = &spec[start + field.len()..];
        let end = rest.find("\n        ").map_or(rest.len(), |i| i + 1);
        format!("{}{}", &spec[..start], &rest[end..])
    };
    Ok(vec![
        Case {
            name: "an error code, an optional request field and an optional answer field added"
                .to_owned(),
            old: spec.to_owned(),
            new: compatible,
        },
        Case {
            name: "an answer field removed".to_owned(),
            old: spec.to_owned(),
            new: breaking,
        },
    ])
}

/// Whether cargo-semver-checks says the crate generated from `case.new` needs a new major
/// version over the one from `case.old`.
fn rust_api_breaks(root: &Path, tool: &Path, case: &Case) -> Result<bool> {
    let scratch = tempfile::tempdir()?;
    let old = scratch.path().join("old");
    let new = scratch.path().join("new");
    write_crates(root, &case.old, &old)?;
    write_crates(root, &case.new, &new)?;
    let target = &TARGETS[0];
    let output = Command::new(tool)
        .args(["semver-checks", "--manifest-path"])
        .arg(new.join(target.name).join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old.join(target.name))
        .args(["--release-type", "minor"])
        // One target directory for every case: the dependencies are built once.
        .env("CARGO_TARGET_DIR", tools_dir(root).join("semver-target"))
        .output()
        .context("running cargo-semver-checks")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        return Ok(false);
    }
    if text.contains("requires new major version") {
        return Ok(true);
    }
    bail!("{}: cargo-semver-checks failed:\n{text}", case.name)
}

/// The client generated from `spec` and the runtime, as `cargo xtask vendor` writes them.
fn write_crates(root: &Path, spec: &str, dir: &Path) -> Result<()> {
    let target = &TARGETS[0];
    let command = "cargo xtask semver-check";
    let workspace = Workspace::read(root)?;
    let settings = target.vendored_settings(root, &workspace, command)?;
    let files =
        tc3_codegen::generate(&tc3_codegen::SpecInput::plain(target.spec, spec), &settings)?;
    let mut all: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| (Path::new(target.name).join(f.path), f.contents))
        .collect();
    all.extend(crate::vendor::guide_file(root, target, command)?);
    all.extend(crate::vendor::runtime_files(root, command, "")?);
    for (rel, contents) in all {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
        std::fs::write(&path, contents)?;
    }
    Ok(())
}

fn tools_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("tools")
}

/// cargo-semver-checks, installed into `target/tools` at the pinned version if missing.
fn ensure_tool(root: &Path) -> Result<PathBuf> {
    let dir = tools_dir(root);
    let tool = dir.join("bin").join("cargo-semver-checks");
    let installed = Command::new(&tool)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(SEMVER_CHECKS_VERSION));
    if installed {
        return Ok(tool);
    }
    println!(
        "installing cargo-semver-checks {SEMVER_CHECKS_VERSION} into {} (once; several minutes)",
        dir.display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::process::run(
        Command::new(cargo)
            .args([
                "install",
                "--locked",
                "--quiet",
                "--version",
                SEMVER_CHECKS_VERSION,
            ])
            .arg("--root")
            .arg(&dir)
            .arg("--target-dir")
            .arg(dir.join("build"))
            .arg("cargo-semver-checks"),
        "installing cargo-semver-checks",
    )?;
    Ok(tool)
}

/// The file `path` at revision `rev`.
fn git_show(root: &Path, rev: &str, path: &str) -> Result<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git show {rev}:{path}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
