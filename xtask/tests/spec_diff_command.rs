//! `cargo xtask spec-diff` on the real history of spec/gse.yaml: two commits of a test
//! repository in a temp directory; and `generate --check` showing cause and effect.

use std::path::Path;
use std::process::{Command, Output};

mod common;

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(dir, "git", args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn xtask(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    common::xtask_at(dir, args)
}

/// A repository whose first commit holds the real spec and the generated client.
fn repository() -> tempfile::TempDir {
    let dir = common::workspace_copy();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(
        dir.path(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "add",
            ".",
        ],
    );
    git(
        dir.path(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "v1",
        ],
    );
    dir
}

fn edit_and_commit(dir: &Path, from: &str, to: &str, message: &str) {
    let path = dir.join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    assert!(spec.contains(from));
    std::fs::write(&path, spec.replacen(from, to, 1)).unwrap();
    git(
        dir,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-am",
            message,
        ],
    );
}

#[test]
fn a_breaking_commit_exits_3_and_names_the_change() {
    let repo = repository();
    edit_and_commit(
        repo.path(),
        "maxItems: 25",
        "maxItems: 20",
        "fewer players per call",
    );
    let (code, out, err) = xtask(repo.path(), &["spec-diff", "HEAD~1"]);
    assert_eq!(code, Some(3), "{out}{err}");
    assert!(out.contains("spec-diff spec/gse.yaml: HEAD~1 ("), "{out}");
    assert!(
        out.contains("BREAKING   JoinGameServerSessionBatch request field PlayerIds: maxItems 25 → 20 (tighter: requests that were valid now fail before sending)"),
        "{out}"
    );
    assert!(out.contains("1 breaking, 0 compatible"), "{out}");
    assert!(err.contains("--allow-breaking"), "{err}");
    let (code, _, _) = xtask(repo.path(), &["spec-diff", "HEAD~1", "--allow-breaking"]);
    assert_eq!(code, Some(0));
    let (code, out, _) = xtask(
        repo.path(),
        &[
            "spec-diff",
            "HEAD~1",
            "--format",
            "markdown",
            "--allow-breaking",
        ],
    );
    assert_eq!(code, Some(0));
    assert!(out.contains("| **breaking** | JoinGameServerSessionBatch request field PlayerIds | maxItems 25 → 20 |"), "{out}");
}

#[test]
fn a_compatible_commit_exits_0() {
    let repo = repository();
    edit_and_commit(
        repo.path(),
        "x-tc-rate-limit: 1000",
        "x-tc-rate-limit: 1500",
        "a higher quota",
    );
    let (code, out, _) = xtask(repo.path(), &["spec-diff", "HEAD~1"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("compatible action JoinGameServerSessionBatch rate limit: 1000/s → 1500/s"),
        "{out}"
    );
    // The default base is the merge base with main: HEAD on main itself, so no change.
    let (code, out, _) = xtask(repo.path(), &["spec-diff"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("no change to the API"), "{out}");
}

#[test]
fn the_working_tree_is_compared_with_the_base() {
    let repo = repository();
    let path = repo.path().join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        spec.replacen(
            "        UnsupportedOperation: The operation is not supported.\n",
            "",
            1,
        ),
    )
    .unwrap();
    let (code, out, _) = xtask(repo.path(), &["spec-diff"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("UnsupportedOperation removed"), "{out}");
}

#[test]
fn bad_input_exits_2_with_a_clear_error() {
    let repo = repository();
    let (code, _, err) = xtask(repo.path(), &["spec-diff", "no-such-revision"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unknown revision \"no-such-revision\""),
        "{err}"
    );
    std::fs::write(
        repo.path().join("spec/gse.yaml"),
        "openapi: 3.0.3\npaths: [\n",
    )
    .unwrap();
    let (code, _, err) = xtask(repo.path(), &["spec-diff", "HEAD"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("spec/gse.yaml: not valid YAML"), "{err}");
}

#[test]
fn a_stale_check_shows_the_code_diff_and_the_spec_changes_behind_it() {
    let repo = repository();
    let path = repo.path().join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, spec.replacen("maxLength: 256", "maxLength: 128", 1)).unwrap();
    let (code, out, _) = xtask(repo.path(), &["generate", "--check"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("+++ b/generated-client/src/client.rs"),
        "{out}"
    );
    assert!(out.contains("The spec changes behind this diff:"), "{out}");
    assert!(
        out.contains("GameServerSessionId: maxLength 256 → 128"),
        "{out}"
    );
    assert!(out.contains("run: cargo xtask generate"), "{out}");
}

#[test]
fn a_spec_change_without_the_version_bump_it_needs_fails_the_check_naming_it() {
    let repo = repository();
    let path = repo.path().join("spec/gse.yaml");
    // A base at a version of the test's own, whatever the real spec's is now.
    let real = std::fs::read_to_string(&path).unwrap();
    let line = real
        .lines()
        .find(|l| l.starts_with("x-tc-crate-version:"))
        .expect("the spec sets its crate version");
    // A base version above every entry the committed changelog has (entries are never
    // rewritten, so the versions this test writes must be new ones).
    let committed = line.split('"').nth(1).expect("a quoted version");
    let minor: u64 = committed.split('.').nth(1).unwrap().parse().unwrap();
    let base = format!("0.{}.0", minor + 1);
    let next_minor = format!("0.{}.0", minor + 2);
    let next_patch = format!("0.{}.1", minor + 1);
    let spec = real.replacen(line, &format!("x-tc-crate-version: \"{base}\""), 1);
    std::fs::write(&path, &spec).unwrap();
    let (code, _, err) = xtask(repo.path(), &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    git(repo.path(), &["add", "."]);
    git(
        repo.path(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            &base,
        ],
    );

    // Breaking (a tighter limit), regenerated, version unchanged: the minor of 0.x is due.
    std::fs::write(&path, spec.replacen("maxItems: 25", "maxItems: 20", 1)).unwrap();
    let (code, _, err) = xtask(repo.path(), &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = xtask(repo.path(), &["generate", "--check"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("spec/gse.yaml: 1 change(s) since")
            && out.contains(&format!("(1 breaking) need the crate's version bumped from {base} to at least {next_minor} (a breaking change of a 0.x crate: the minor)"))
            && out.contains(&format!("set `x-tc-crate-version: \"{next_minor}\"`")),
        "{out}"
    );

    // With the bump (and the manifest regenerated with it) the check passes.
    let bumped = std::fs::read_to_string(&path).unwrap().replacen(
        &format!("x-tc-crate-version: \"{base}\""),
        &format!("x-tc-crate-version: \"{next_minor}\""),
        1,
    );
    std::fs::write(&path, bumped).unwrap();
    let (code, _, err) = xtask(repo.path(), &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    let manifest =
        std::fs::read_to_string(repo.path().join("generated-client/Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("version = \"{next_minor}\"")),
        "{manifest}"
    );
    let (code, out, err) = xtask(repo.path(), &["generate", "--check"]);
    assert_eq!(code, Some(0), "{out}{err}");

    // A compatible change alone (a new error code) needs the patch of 0.x.
    let compatible = spec.replacen(
        "        FailedOperation: The operation failed.\n",
        "        FailedOperation: The operation failed.\n        FailedOperation.Extra: Another failure.\n",
        1,
    );
    std::fs::write(&path, compatible).unwrap();
    let (code, _, err) = xtask(repo.path(), &["generate"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, _) = xtask(repo.path(), &["generate", "--check"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "from {base} to at least {next_patch} (a compatible change of a 0.x crate: the patch)"
        )),
        "{out}"
    );
}
