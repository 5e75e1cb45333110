//! Which checkout `cargo xtask` works on: the one around the current directory. Two checkouts
//! sharing one `CARGO_TARGET_DIR` run the same xtask binary (whichever was built last); each
//! run must read and write its own checkout, never the one the binary was built in.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::ROOT;

/// A schema description of spec/gse.yaml that the generated client carries as a doc comment.
const DESCRIPTION: &str = "The players to join and the game server session to join them to.";
const EDITED: &str = "The players to join, and the game server session they join (edited).";
const CLIENT: &str = "generated-client/src/client.rs";

/// Runs the xtask binary without `--root`, from `cwd`.
fn xtask_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeds(out: &Output, what: &str) -> String {
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "{what}\nstdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    stdout
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@test.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A clone of the checkout as it is on disk (tracked and new files, not ignored ones such as
/// target/), committed in a repository of its own: what the binary under test was built from,
/// uncommitted edits included.
fn clone_into(dest: &Path) -> PathBuf {
    let listing = git(
        Path::new(ROOT),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    for rel in listing.split('\0').filter(|f| !f.is_empty()) {
        let from = Path::new(ROOT).join(rel);
        if from.is_file() {
            let to = dest.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    git(dest, &["init", "--quiet"]);
    git(dest, &["add", "--all"]);
    git(dest, &["commit", "--quiet", "--no-verify", "-m", "clone"]);
    dest.to_path_buf()
}

#[test]
fn two_checkouts_sharing_one_binary_each_generate_their_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = clone_into(&dir.path().join("a"));
    let b = clone_into(&dir.path().join("b"));
    for clone in [&a, &b] {
        let out = succeeds(
            &xtask_in(clone, &["generate", "--check"]),
            "a fresh clone is up to date",
        );
        assert!(out.contains("up to date"), "{out}");
    }
    let client_a = std::fs::read(a.join(CLIENT)).unwrap();
    let client_b = std::fs::read_to_string(b.join(CLIENT)).unwrap();
    assert!(
        client_b.contains(DESCRIPTION),
        "the client documents the schema"
    );

    let spec = b.join("spec/gse.yaml");
    let text_b = std::fs::read_to_string(&spec).unwrap();
    assert_eq!(text_b.matches(DESCRIPTION).count(), 1);
    std::fs::write(&spec, text_b.replace(DESCRIPTION, EDITED)).unwrap();
    // `--root` still wins over the current directory: from clone A, it checks clone B, stale now.
    let out = xtask_in(&a, &["--root", b.to_str().unwrap(), "generate", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(EDITED), "{}", text(&out.stdout));

    // From a directory deep inside clone B: the root is found by walking up.
    let out = succeeds(
        &xtask_in(&b.join("generated-client/src"), &["generate"]),
        "generate in clone B",
    );
    assert!(out.contains(&format!("wrote {CLIENT}")), "{out}");
    let regenerated = std::fs::read_to_string(b.join(CLIENT)).unwrap();
    assert!(
        regenerated.contains(EDITED),
        "clone B's client follows its spec"
    );
    assert!(!regenerated.contains(DESCRIPTION));
    succeeds(
        &xtask_in(&b, &["generate", "--check"]),
        "clone B is up to date after its generate",
    );

    assert_eq!(
        std::fs::read(a.join(CLIENT)).unwrap(),
        client_a,
        "clone A is untouched"
    );
    let out = succeeds(
        &xtask_in(&a.join("spec"), &["generate", "--check"]),
        "clone A still passes --check",
    );
    assert!(out.contains("up to date"), "{out}");
    assert_eq!(
        std::fs::read_to_string(Path::new(ROOT).join(CLIENT)).unwrap(),
        String::from_utf8(client_a).unwrap(),
        "the checkout the binary was built in is untouched"
    );
}

#[test]
fn outside_a_workspace_the_command_says_so_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = xtask_in(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("not inside this repository's workspace"),
        "{err}"
    );
    assert!(err.contains("--root"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
