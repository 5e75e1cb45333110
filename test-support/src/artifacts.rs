//! Binaries and examples of the workspace, found beside the running test and built when
//! missing.

/// The `join` example of the generated client, built when missing.
#[must_use]
pub fn join_example() -> std::path::PathBuf {
    cargo_artifact("examples/join", &["-p", "gse-client", "--example", "join"])
}

/// The emulator's binary, built when missing.
#[must_use]
pub fn emulator_binary() -> std::path::PathBuf {
    cargo_artifact(
        "gse-emulator",
        &["-p", "gse-emulator", "--bin", "gse-emulator"],
    )
}

/// A binary or example of the workspace, beside the running test in `target/<profile>`
/// (`rel` e.g. `examples/join` or `gse-emulator`), built with `cargo build <build>` when missing.
pub fn cargo_artifact(rel: &str, build: &[&str]) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps");
    let path = dir.join(rel);
    if !path.exists() {
        let status =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
                .args(["build", "--quiet"])
                .args(build)
                .status()
                .expect("cargo runs");
        assert!(status.success(), "cargo build {build:?}");
    }
    path
}
