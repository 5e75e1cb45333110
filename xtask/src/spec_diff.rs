//! `cargo xtask spec-diff [BASE]`: what a spec change does to callers of the generated client,
//! comparing `spec/` at a git revision with the working tree. Exit status: 0 when nothing
//! breaks, 3 when something does (unless `--allow-breaking`), 2 on bad input.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, ExitCode};
use tc3_codegen::spec_diff::{self, Class};

/// Where the specs live.
const SPEC_DIR: &str = "spec";

/// How the report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// For a terminal.
    Text,
    /// For a pull-request comment.
    Markdown,
}

/// Runs the command and turns its outcome into the exit status.
pub(crate) fn run(
    root: &Path,
    base: Option<&str>,
    format: Format,
    allow_breaking: bool,
) -> ExitCode {
    report_exit(
        report(root, base, format).map(|(text, breaking)| (text, breaking && !allow_breaking)),
        "spec-diff: breaking changes (pass --allow-breaking to accept them)",
    )
}

/// Prints a report and gives the exit status: 3 (saying `why` on stderr) when it found
/// something that fails, 0 when not, 2 when it could not be made.
pub(crate) fn report_exit(result: Result<(String, bool)>, why: &str) -> ExitCode {
    match result {
        Ok((text, fails)) => {
            print!("{text}");
            if fails {
                eprintln!("{why}");
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The report comparing `base` (default: the merge base with main, or HEAD) with the working
/// tree, and whether anything breaks.
pub(crate) fn report(root: &Path, base: Option<&str>, format: Format) -> Result<(String, bool)> {
    let base = match base {
        Some(b) => b.to_owned(),
        None => default_base(root),
    };
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        anyhow::anyhow!(
            "unknown revision {base:?}: not a commit of the repository at {}",
            root.display()
        )
    })?;
    let short = &commit[..commit.len().min(10)];
    let shown = if commit.starts_with(&base) {
        short.to_owned()
    } else {
        format!("{base} ({short})")
    };
    let old_files = spec_files_at(root, &commit)?;
    let new_files = spec_files_now(root)?;
    let mut out = String::new();
    let mut breaking = false;
    for file in old_files.union(&new_files) {
        let old = if old_files.contains(file) {
            Some(git(root, &["show", &format!("{commit}:{file}")])?)
        } else {
            None
        };
        let new = if new_files.contains(file) {
            Some(
                std::fs::read_to_string(root.join(file))
                    .with_context(|| format!("reading {file}"))?,
            )
        } else {
            None
        };
        let empty = empty_spec(old.as_deref().or(new.as_deref()).unwrap_or_default());
        let old_label = format!("{file}@{short}");
        let changes = tc3_codegen::diff_specs(
            &old_label,
            old.as_deref().unwrap_or(&empty),
            file,
            new.as_deref().unwrap_or(&empty),
        )?;
        breaking |= changes.iter().any(|c| c.class == Class::Breaking);
        let title = format!("spec-diff {file}: {shown} → working tree");
        out.push_str(&match format {
            Format::Text => spec_diff::render_text(&title, &changes),
            Format::Markdown => spec_diff::render_markdown(&title, &changes),
        });
    }
    Ok((out, breaking))
}

/// A spec with the same metadata and no actions, standing for a file that does not exist.
fn empty_spec(like: &str) -> String {
    let tree: serde_yaml::Value = serde_yaml::from_str(like).unwrap_or_default();
    let mut tree = tree;
    if let Some(map) = tree.as_mapping_mut() {
        map.insert("paths".into(), serde_yaml::Mapping::new().into());
    }
    serde_yaml::to_string(&tree).unwrap_or_default()
}

/// The default base's commit id, or `None` outside a git repository.
pub(crate) fn base_commit(root: &Path) -> Option<String> {
    let base = default_base(root);
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .ok()
}

pub(crate) fn default_base(root: &Path) -> String {
    git(root, &["merge-base", "HEAD", "main"]).unwrap_or_else(|_| "HEAD".to_owned())
}

fn spec_files_at(root: &Path, commit: &str) -> Result<BTreeSet<String>> {
    let listing = git(
        root,
        &["ls-tree", "--name-only", &format!("{commit}:{SPEC_DIR}")],
    )
    .unwrap_or_default();
    Ok(listing
        .lines()
        .filter(|f| f.ends_with(".yaml"))
        .map(|f| format!("{SPEC_DIR}/{f}"))
        .collect())
}

pub(crate) fn spec_files_now(root: &Path) -> Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(root.join(SPEC_DIR)).context("reading spec/")? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") {
            files.insert(format!("{SPEC_DIR}/{name}"));
        }
    }
    Ok(files)
}

/// Runs git in `root`; its trimmed stdout, or an error with its stderr.
pub(crate) fn git(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
