//! `cargo xtask generate [--check]`: regenerate the client crates (`Cargo.toml` and `src/`),
//! the spec copies hand-written crates embed (`spec_copies`) and the client's changelog entry
//! of a new version (`changelog`), or prove them current.
//!
//! Every spec is generated in memory first; only when all succeed are files written, each
//! through a temporary file renamed into place, so a failed run changes nothing.

use crate::manifests::Workspace;
use crate::targets::{Target, TARGETS};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use tc3_codegen::GeneratedFile;

/// A difference between what the generator produces and what is on disk.
pub(crate) enum Change {
    /// A new or different file: (path relative to the root, old text, new text).
    Write(PathBuf, String, String),
    /// A file in a generated `src/` that the generator no longer produces.
    Remove(PathBuf, String),
}

/// Runs `generate` (writing) or `generate --check` (comparing) for every target.
pub(crate) fn run(root: &Path, check: bool) -> Result<()> {
    let workspace = Workspace::read(root)?;
    let mut outputs = Vec::new();
    for target in TARGETS {
        let text = target.spec_text(root)?;
        let settings = target.workspace_settings(root, &workspace)?;
        // The generated lib.rs includes the guide: a crate without it would not build.
        target.guide_text(root)?;
        let files = tc3_codegen::generate(&target.input(&text), &settings)
            .with_context(|| format!("generating {} from {}", target.crate_dir, target.spec))?;
        outputs.push((target, files));
    }
    let mut changes = Vec::new();
    for (target, files) in &outputs {
        changes.extend(changes_for(root, target, files)?);
    }
    changes.extend(changes_of_copies(root, crate::spec_copies::files(root)?)?);
    let (changelogs, entries) = crate::changelog::files(root)?;
    changes.extend(changes_of_copies(root, changelogs)?);
    let bumps = crate::version_bump::missing_bumps(root)?;
    for problem in &bumps {
        println!("version: {problem}");
    }
    for problem in &entries {
        println!("changelog: {problem}");
    }
    if changes.is_empty() {
        println!("generated files are up to date ({} specs)", TARGETS.len());
        if check && !bumps.is_empty() {
            bail!(
                "{} spec(s) changed without the crate version bump they need",
                bumps.len()
            );
        }
        if check && !entries.is_empty() {
            bail!(
                "{} change(s) missing from the changelog entry of the crate's version",
                entries.len()
            );
        }
        return Ok(());
    }
    if check {
        for change in &changes {
            print!("{}", describe(change));
        }
        match crate::spec_diff::report(root, Some("HEAD"), crate::spec_diff::Format::Text) {
            Ok((report, _)) => print!("\nThe spec changes behind this diff:\n{report}"),
            Err(e) => println!("\n(no spec-diff against HEAD: {e:#})"),
        }
        println!("run: {}", tc3_codegen::REGENERATE_COMMAND);
        bail!(
            "{} generated file(s) are stale; run: {}",
            changes.len(),
            tc3_codegen::REGENERATE_COMMAND
        );
    }
    apply(root, &changes)
}

/// What differs between `files` and the target's crate on disk (its `Cargo.toml` and
/// everything under `src/`; the hand-written tests and examples beside them are not looked at).
fn changes_for(root: &Path, target: &Target, files: &[GeneratedFile]) -> Result<Vec<Change>> {
    let out_dir = Path::new(target.crate_dir);
    let mut on_disk: BTreeMap<PathBuf, String> = existing_files(&root.join(out_dir).join("src"))?
        .into_iter()
        .map(|(path, text)| (Path::new("src").join(path), text))
        .collect();
    let manifest = root.join(out_dir).join("Cargo.toml");
    if manifest.exists() {
        let text = fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        on_disk.insert(PathBuf::from("Cargo.toml"), text);
    }
    let mut changes = Vec::new();
    for file in files {
        let rel = out_dir.join(&file.path);
        let old = on_disk.remove(&file.path).unwrap_or_default();
        if old != file.contents {
            changes.push(Change::Write(rel, old, file.contents.clone()));
        }
    }
    for (path, old) in on_disk {
        changes.push(Change::Remove(out_dir.join(path), old));
    }
    Ok(changes)
}

/// What differs between files written beside the crates (path relative to the root, text)
/// and the same paths on disk.
fn changes_of_copies(root: &Path, files: Vec<(PathBuf, String)>) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    for (rel, contents) in files {
        let path = root.join(&rel);
        let old = if path.exists() {
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?
        } else {
            String::new()
        };
        if old != contents {
            changes.push(Change::Write(rel, old, contents));
        }
    }
    Ok(changes)
}

/// Every file under `dir` (relative path → contents); empty when `dir` does not exist.
pub(crate) fn existing_files(dir: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut found = BTreeMap::new();
    if !dir.exists() {
        return Ok(found);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in
            fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                found.insert(path.strip_prefix(dir)?.to_path_buf(), text);
            }
        }
    }
    Ok(found)
}

/// A unified diff of one change, with three lines of context.
fn describe(change: &Change) -> String {
    let (path, old, new) = match change {
        Change::Write(path, old, new) => (path, old.as_str(), new.as_str()),
        Change::Remove(path, old) => (path, old.as_str(), ""),
    };
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Writes every change: all new contents are staged in temporary files beside their targets
/// before the first rename, so an I/O failure while staging leaves every file as it was.
pub(crate) fn apply(root: &Path, changes: &[Change]) -> Result<()> {
    let mut staged = Vec::new();
    for change in changes {
        if let Change::Write(rel, _, new) = change {
            let path = root.join(rel);
            let dir = path
                .parent()
                .context("a generated file has a parent directory")?;
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("staging {}", path.display()))?;
            tmp.write_all(new.as_bytes())
                .with_context(|| format!("staging {}", path.display()))?;
            readable_by_all(tmp.as_file())?;
            staged.push((tmp, path, rel));
        }
    }
    for (tmp, path, rel) in staged {
        tmp.persist(&path)
            .with_context(|| format!("replacing {}", path.display()))?;
        println!("wrote {}", rel.display());
    }
    for change in changes {
        if let Change::Remove(rel, _) = change {
            fs::remove_file(root.join(rel))
                .with_context(|| format!("removing {}", rel.display()))?;
            println!("removed {} (no longer generated)", rel.display());
        }
    }
    Ok(())
}

/// Temporary files are created owner-only; generated sources are ordinary files.
#[cfg(unix)]
fn readable_by_all(file: &fs::File) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    Ok(file.set_permissions(fs::Permissions::from_mode(0o644))?)
}

#[cfg(not(unix))]
fn readable_by_all(_file: &fs::File) -> Result<()> {
    Ok(())
}
