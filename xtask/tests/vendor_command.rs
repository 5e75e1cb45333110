//! `cargo xtask vendor DIR` as another repository uses it: a throwaway cargo project under
//! `target/` (its own workspace) depends on the vendored client by path, builds offline from
//! the local registry cache, and joins players against the emulator binary. The committed
//! `generated-client/` is depended on the same way, in place. And since the libraries state
//! ranges, a project with no lock from here and its own newest serde, tokio and reqwest 0.13
//! resolves to one copy of each (`cargo update` from the registry), builds, and joins.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const SECRET_ID: &str = "AKIDvendoredcheck";
const SECRET_KEY: &str = "vendored-check-key";
const SESSION: &str = "gssess-vendored";
const PLAYERS: usize = 60;

/// The target directory the workspace builds into (the throwaway projects share it, so the
/// crates they have in common with the workspace are not built twice).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is target/tmp")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// The emulator binary beside this test's xtask binary, built when missing.
fn emulator_binary() -> PathBuf {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_xtask")).parent().unwrap();
    let path = bin_dir.join(format!("gse-emulator{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let status = cargo()
            .current_dir(ROOT)
            .args([
                "build",
                "--quiet",
                "-p",
                "gse-emulator",
                "--bin",
                "gse-emulator",
            ])
            .status()
            .unwrap();
        assert!(status.success(), "the emulator binary builds");
    }
    path
}

/// The emulator binary on a free loopback port with one account and one session; killed when
/// dropped.
fn start_emulator() -> test_support::EmulatorBinary {
    test_support::EmulatorBinary::start(
        &emulator_binary(),
        &[
            "--account",
            &format!("{SECRET_ID}:{SECRET_KEY}"),
            "--session",
            &format!("{SESSION}:{PLAYERS}"),
        ],
    )
}

/// A game backend's program: joins `PLAYERS` players through `send_in_batches`.
const MAIN_RS: &str = r#"use gse_client::credentials::Credentials;
use gse_client::{BatchOptions, Client};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (endpoint, id, key, session) = (&args[1], &args[2], &args[3], &args[4]);
    let players: usize = args[5].parse().unwrap();
    let client = Client::builder()
        .endpoint(endpoint)
        .region("ap-shanghai")
        .credentials(Credentials::new(id, key).unwrap())
        .build()
        .unwrap();
    let ids: Vec<String> = (0..players).map(|i| format!("player-{i}")).collect();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(session.as_str())
        .send_in_batches(ids, BatchOptions::default())
        .await
        .unwrap();
    for failure in &outcome.failures {
        eprintln!("failed: {}", failure.error);
    }
    println!("joined {} of {players} in {} requests", outcome.succeeded.len(), outcome.requests);
}
"#;

/// Which versions a throwaway project builds with.
#[derive(Clone, Copy, PartialEq)]
enum Versions {
    /// The source workspace's lock, built offline from the local registry cache.
    WorkspaceLock,
    /// No lock from here: the newest releases the ranges admit (`cargo update`), with the
    /// project's own newest serde, tokio and reqwest 0.13 beside the client.
    Newest,
}

/// Dependencies a game backend has of its own, beside the client (`Versions::Newest`).
const OWN_DEPENDENCIES: &str = "serde = { version = \"1\", features = [\"derive\"] }\n\
     tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
     reqwest = { version = \"0.13\", default-features = false, features = [\"json\"] }\n";

/// The crates a game backend must not get twice (two copies do not interoperate: a
/// `reqwest::Client` or a serde type of one is not the other's).
const SHARED_CRATES: &[&str] = &["serde", "tokio", "reqwest"];

fn run_cargo(dir: &Path, args: &[&str], what: &str) -> String {
    let out = cargo()
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes a cargo project at `dir` (its own workspace) that depends on `gse-client` at
/// `client_path`, builds it with `versions`, and returns its binary.
fn build_project(dir: &Path, name: &str, client_path: &str, versions: Versions) -> PathBuf {
    let (own, lock_note) = match versions {
        Versions::WorkspaceLock => {
            let workspace = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
            let tokio = workspace
                .lines()
                .find(|l| l.starts_with("tokio = "))
                .and_then(|l| l.split('"').nth(1))
                .expect("tokio is in [workspace.dependencies]")
                .to_owned();
            (
                format!(
                    "tokio = {{ version = \"{tokio}\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
                ),
                "the source workspace's lock",
            )
        }
        Versions::Newest => (OWN_DEPENDENCIES.to_owned(), "no lock: the newest releases"),
    };
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ngse-client = {{ path = \"{client_path}\" }}\n{own}\n\
             # A workspace of its own: nothing is inherited from the one around target/.\n\
             [workspace]\n\n\
             # The source workspace's profile, so that the shared target directory is reused.\n\
             [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN_RS).unwrap();
    match versions {
        Versions::WorkspaceLock => {
            // The same versions as the workspace, all in the local registry cache.
            std::fs::copy(Path::new(ROOT).join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
            run_cargo(
                dir,
                &["build", "--offline", "--quiet"],
                &format!("{name} builds offline outside the workspace ({lock_note})"),
            );
        }
        Versions::Newest => {
            let _ = std::fs::remove_file(dir.join("Cargo.lock"));
            run_cargo(
                dir,
                &["update", "--quiet"],
                &format!("{name} resolves ({lock_note}; needs the registry)"),
            );
            let duplicates = run_cargo(
                dir,
                &["tree", "--duplicates", "--edges", "normal,build"],
                "cargo tree --duplicates",
            );
            for line in duplicates.lines() {
                // Each duplicated crate's versions start a line; what uses them is indented.
                let Some(crate_name) = line.split(' ').next().filter(|_| !line.starts_with(' '))
                else {
                    continue;
                };
                assert!(
                    !SHARED_CRATES.contains(&crate_name),
                    "{name}: two copies of {crate_name} with the client beside the project's own:\n{duplicates}"
                );
            }
            let tree = run_cargo(dir, &["tree", "--prefix", "none"], "cargo tree");
            for shared in SHARED_CRATES {
                assert!(
                    tree.lines().any(|l| l.starts_with(&format!("{shared} v"))),
                    "{name} uses {shared}:\n{tree}"
                );
            }
            run_cargo(
                dir,
                &["build", "--quiet"],
                &format!("{name} builds outside the workspace ({lock_note})"),
            );
        }
    }
    target_dir()
        .join("debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Runs the project's binary against a fresh emulator and checks every player joined.
fn join_players(binary: &Path) {
    let emulator = start_emulator();
    let out = Command::new(binary)
        .args([
            &emulator.url,
            SECRET_ID,
            SECRET_KEY,
            SESSION,
            &PLAYERS.to_string(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && stdout.contains(&format!("joined {PLAYERS} of {PLAYERS} in 3 requests")),
        "{}: {stdout}{}",
        binary.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every `path = "..."` of every manifest under `dir`, resolved.
fn manifest_paths(dir: &Path, found: &mut Vec<(PathBuf, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            manifest_paths(&path, found);
        } else if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("workspace = true") && !text.contains(".workspace"),
                "{} inherits from a workspace:\n{text}",
                path.display()
            );
            for part in text.split("path = \"").skip(1) {
                let rel = part.split('"').next().unwrap();
                found.push((path.clone(), path.parent().unwrap().join(rel)));
            }
        }
    }
}

#[test]
fn a_vendored_copy_builds_offline_in_another_project_and_joins_players() {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vendor-check/game-backend");
    let _ = std::fs::remove_dir_all(&project);
    let vendor = project.join("vendor");
    common::vendor(&vendor);
    for file in ["gse-client/README.md", "tc3-runtime/README.md"] {
        let readme = std::fs::read_to_string(vendor.join(file)).unwrap();
        assert!(readme.contains("cargo xtask vendor"), "{file}: {readme}");
    }
    // The guides each lib.rs includes travel with the crate (the build below needs them).
    for (guide, lib_rs) in [
        ("gse-client/GUIDE.md", "gse-client/src/lib.rs"),
        ("tc3-runtime/GUIDE.md", "tc3-runtime/src/lib.rs"),
    ] {
        let text = std::fs::read_to_string(vendor.join(guide)).unwrap();
        assert!(
            text.trim_end().ends_with("-->")
                && text.contains("<!-- Vendored by `cargo xtask vendor"),
            "{guide} says where it is from: {text}"
        );
        let lib = std::fs::read_to_string(vendor.join(lib_rs)).unwrap();
        assert!(
            lib.contains("#![doc = include_str!(\"../GUIDE.md\")]"),
            "{lib_rs} includes its guide:\n{lib}"
        );
    }
    let changelog = std::fs::read(vendor.join("gse-client/CHANGELOG.md")).unwrap();
    assert!(
        changelog == std::fs::read(Path::new(ROOT).join("generated-client/CHANGELOG.md")).unwrap(),
        "the vendored client carries its changelog"
    );
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let text = std::fs::read(Path::new(ROOT).join(license)).unwrap();
        for dir in ["gse-client", "tc3-runtime"] {
            let copy = std::fs::read(vendor.join(dir).join(license)).unwrap();
            assert!(copy == text, "{dir}/{license}: the root's text");
        }
    }
    for dir in ["gse-client", "tc3-runtime"] {
        let manifest = std::fs::read_to_string(vendor.join(dir).join("Cargo.toml")).unwrap();
        let dependencies = manifest
            .split("\n[dependencies]\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .expect("a [dependencies] table");
        assert!(
            !dependencies.contains("\"="),
            "{dir}: ranges, not pins:\n{dependencies}"
        );
    }
    let mut paths = Vec::new();
    manifest_paths(&vendor, &mut paths);
    assert!(
        !paths.is_empty(),
        "the client depends on the runtime by path"
    );
    let vendor = vendor.canonicalize().unwrap();
    for (manifest, target) in paths {
        let target = target.canonicalize().unwrap();
        assert!(
            target.starts_with(&vendor),
            "{} points outside the vendored directory: {}",
            manifest.display(),
            target.display()
        );
    }
    let binary = build_project(
        &project,
        "vendored-game-backend",
        "vendor/gse-client",
        Versions::WorkspaceLock,
    );
    join_players(&binary);

    // Vendoring again changes nothing.
    let again = common::vendor(&project.join("vendor"));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("(0 file(s) changed)"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn the_committed_client_builds_in_place_from_another_project_and_joins_players() {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vendor-check/in-place-backend");
    let _ = std::fs::remove_dir_all(&project);
    let client = Path::new(ROOT)
        .join("generated-client")
        .canonicalize()
        .unwrap();
    let binary = build_project(
        &project,
        "in-place-game-backend",
        &client.display().to_string(),
        Versions::WorkspaceLock,
    );
    join_players(&binary);
}

#[test]
fn a_vendored_copy_resolves_with_a_projects_newest_serde_tokio_and_reqwest_once_each() {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vendor-check/newest-backend");
    let _ = std::fs::remove_dir_all(&project);
    common::vendor(&project.join("vendor"));
    let binary = build_project(
        &project,
        "newest-game-backend",
        "vendor/gse-client",
        Versions::Newest,
    );
    join_players(&binary);
}
