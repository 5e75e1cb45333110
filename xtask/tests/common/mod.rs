//! Helpers shared by xtask's tests: a copy of the workspace's specs and generated sources in
//! a temporary directory.
#![allow(dead_code)]

use std::path::Path;

/// The workspace this xtask belongs to.
pub(crate) const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// Whether tccli's definitions can be had: fetched before, or fetched now with Python's pip.
pub(crate) fn tccli_reachable() -> bool {
    test_support::available(
        "Python 3 with pip (spec-audit fetches tccli's definitions from PyPI into target/tccli)",
        "install Python 3 with pip",
        Path::new(ROOT).join("target/tccli").is_dir() || test_support::on_path("python3"),
    )
}

/// Runs this xtask's `vendor DIR` on the workspace and checks it succeeds; its output.
pub(crate) fn vendor(dir: &Path) -> std::process::Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["--root", ROOT, "vendor"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What `generate` reads and writes.
pub(crate) const COPIED: &[&str] = &[
    "Cargo.toml",
    "runtime/Cargo.toml",
    "spec/gse.yaml",
    "emulator/spec/gse.yaml",
    // The members the packaged client dev-depends on, for their versions.
    "emulator/Cargo.toml",
    "fixtures/two-actions/spec.yaml",
    "fixtures/imported/spec.yaml",
    "generated-client/Cargo.toml",
    "generated-client/CHANGELOG.md",
    "generated-client/src",
    // The guide generate checks for: the generated lib.rs includes it.
    "generated-client/GUIDE.md",
    "fixtures/two-actions/Cargo.toml",
    "fixtures/two-actions/src",
    "fixtures/imported/Cargo.toml",
    "fixtures/imported/src",
    "fixtures/spec-variant/Cargo.toml",
    "fixtures/spec-variant/src",
];

/// A temporary copy of the specs and the generated sources.
pub(crate) fn workspace_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for rel in COPIED {
        copy(&Path::new(ROOT).join(rel), &dir.path().join(rel));
    }
    dir
}

/// Copies a file or a directory tree.
pub(crate) fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Runs the xtask binary on the workspace at `root`: its exit code, stdout and stderr.
pub(crate) fn xtask_at(root: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
