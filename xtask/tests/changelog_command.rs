//! The client's CHANGELOG.md follows its version: on a copy of the workspace committed as
//! `main`, a spec edit with the version bump it needs makes `generate --check` fail until
//! `generate` adds the new version's entry from spec-diff, above the others, which stay as
//! they were; a change made after the entry was written fails the check until listed.

use std::path::Path;
use std::process::{Command, Output};

mod common;

const CHANGELOG: &str = "generated-client/CHANGELOG.md";

fn git(dir: &Path, args: &[&str]) {
    let out: Output = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The workspace's specs and generated files, committed as the only commit of `main`: the base
/// the changelog compares with.
fn repository() -> tempfile::TempDir {
    let dir = common::workspace_copy();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    dir
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// The spec's crate version now.
fn version(root: &Path) -> String {
    let spec = read(root, "spec/gse.yaml");
    let line = spec
        .lines()
        .find(|l| l.starts_with("x-tc-crate-version:"))
        .expect("the spec sets its crate version");
    line.split('"').nth(1).unwrap().to_owned()
}

/// Replaces `from` by `to` in the spec, and its crate version by `version`.
fn edit_spec(root: &Path, from: &str, to: &str, version: &str) {
    let path = root.join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    assert!(spec.contains(from), "the spec contains {from:?}");
    let line = spec
        .lines()
        .find(|l| l.starts_with("x-tc-crate-version:"))
        .unwrap()
        .to_owned();
    let spec = spec.replacen(from, to, 1).replacen(
        &line,
        &format!("x-tc-crate-version: \"{version}\""),
        1,
    );
    std::fs::write(&path, spec).unwrap();
}

/// The entry of `version`: from its heading to the next one.
fn entry<'a>(changelog: &'a str, version: &str) -> &'a str {
    let heading = format!("## {version}\n");
    let start = changelog
        .find(&heading)
        .unwrap_or_else(|| panic!("an entry for {version}:\n{changelog}"));
    let rest = &changelog[start + heading.len()..];
    &changelog[start..start + heading.len() + rest.find("\n## ").unwrap_or(rest.len())]
}

/// The version after the committed one: the next patch, or (`minor`) the next minor.
fn next_version(minor: bool) -> String {
    let current = version(Path::new(common::ROOT));
    let parts: Vec<u64> = current.split('.').map(|p| p.parse().unwrap()).collect();
    match minor {
        true => format!("{}.{}.0", parts[0], parts[1] + 1),
        false => format!("{}.{}.{}", parts[0], parts[1], parts[2] + 1),
    }
}

/// `generate` adds the entry of `new_version` holding `line`, above the old entries, which are
/// kept byte for byte; `--check` then passes.
fn bumped_edit_adds_an_entry(from: &str, to: &str, new_version: &str, lines: &[&str]) {
    let repo = repository();
    let root = repo.path();
    let before = read(root, CHANGELOG);
    let old_version = version(root);
    edit_spec(root, from, to, new_version);

    let (code, out, err) = common::xtask_at(root, &["generate", "--check"]);
    assert_eq!(code, Some(1), "the entry is missing: {out}{err}");
    assert!(out.contains(&format!("+++ b/{CHANGELOG}")), "{out}");
    assert!(out.contains(&format!("+## {new_version}")), "{out}");
    assert_eq!(read(root, CHANGELOG), before, "--check writes nothing");

    let (code, _, err) = common::xtask_at(root, &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    let after = read(root, CHANGELOG);
    let new_entry = entry(&after, new_version);
    assert!(
        new_entry.contains(&format!("Against {old_version} (spec-diff): ")),
        "{new_entry}"
    );
    for line in lines {
        assert!(new_entry.contains(line), "{line:?} in:\n{new_entry}");
    }
    assert_eq!(
        after.replacen(&format!("{new_entry}\n"), "", 1),
        before,
        "only the new entry is added; the others stay as they were"
    );
    assert!(after.find(new_entry) < after.find(&format!("## {old_version}\n")));

    let (code, out, err) = common::xtask_at(root, &["generate", "--check"]);
    assert_eq!(code, Some(0), "{out}{err}");
}

#[test]
fn a_compatible_edit_adds_an_entry_under_the_new_patch_version() {
    bumped_edit_adds_an_entry(
        "        FailedOperation: The operation failed.\n",
        "        FailedOperation: The operation failed.\n        FailedOperation.Extra: Another failure.\n",
        &next_version(false),
        &[
            "0 breaking, 1 compatible.",
            "- compatible: action JoinGameServerSessionBatch error codes: FailedOperation.Extra added (",
        ],
    );
}

#[test]
fn a_breaking_edit_adds_an_entry_under_the_new_minor_version() {
    bumped_edit_adds_an_entry(
        "maxItems: 25",
        "maxItems: 20",
        &next_version(true),
        &[
            "1 breaking, 0 compatible.",
            "- **breaking**: JoinGameServerSessionBatch request field PlayerIds: maxItems 25 → 20 (",
        ],
    );
}

#[test]
fn a_change_after_the_entry_was_written_fails_the_check_until_listed() {
    let repo = repository();
    let root = repo.path();
    let old_version = version(root);
    let new_version = next_version(false);
    edit_spec(
        root,
        "x-tc-rate-limit: 1000",
        "x-tc-rate-limit: 1500",
        &new_version,
    );
    let (code, _, err) = common::xtask_at(root, &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    let written = read(root, CHANGELOG);

    // Another compatible edit, same version: the entry is not rewritten, and it misses it.
    edit_spec(root, "maxItems: 25", "maxItems: 30", &new_version);
    let (code, out, err) = common::xtask_at(root, &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        read(root, CHANGELOG),
        written,
        "an entry is never rewritten"
    );
    let missing =
        "compatible: JoinGameServerSessionBatch request field PlayerIds: maxItems 25 → 30";
    assert!(out.contains(missing), "generate says so too: {out}");
    let (code, out, err) = common::xtask_at(root, &["generate", "--check"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains(&format!(
            "changelog: {CHANGELOG}: the entry of {new_version} does not list `{missing}`"
        )),
        "{out}"
    );
    assert!(err.contains("missing from the changelog entry"), "{err}");

    // Listed by hand (any wording around it), the check passes.
    let listed = written.replacen(
        &format!("\n## {old_version}\n"),
        &format!("- {missing} (by hand)\n\n## {old_version}\n"),
        1,
    );
    std::fs::write(root.join(CHANGELOG), listed).unwrap();
    let (code, out, err) = common::xtask_at(root, &["generate", "--check"]);
    assert_eq!(code, Some(0), "{out}{err}");
}

#[test]
fn the_committed_changelog_has_an_entry_for_the_current_version() {
    let root = Path::new(common::ROOT);
    let changelog = read(root, CHANGELOG);
    let version = version(root);
    let entry = entry(&changelog, &version);
    assert!(entry.lines().count() > 2, "{entry}");
    let manifest = read(root, "generated-client/Cargo.toml");
    assert!(
        manifest.contains(&format!("\nversion = \"{version}\"\n")),
        "the manifest's version is the spec's"
    );
    // The runtime's is written by hand: it has one for the runtime's version too.
    let runtime = read(root, "runtime/Cargo.toml");
    let runtime_version = runtime
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap();
    let runtime_changelog = read(root, "runtime/CHANGELOG.md");
    assert!(
        runtime_changelog.contains(&format!("\n## {runtime_version}\n")),
        "runtime/CHANGELOG.md has an entry for {runtime_version}"
    );
}
