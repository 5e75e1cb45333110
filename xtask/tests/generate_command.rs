//! `cargo xtask generate [--check]` on a copy of the workspace: stale files are reported with
//! a diff, regeneration fixes them, and a broken spec changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::workspace_copy;

const GENERATED_DIRS: &[&str] = &[
    "generated-client/src",
    "fixtures/two-actions/src",
    "fixtures/spec-variant/src",
];

/// Every generated file's bytes, the crates' manifests included.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in GENERATED_DIRS {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            files.insert(path.clone(), std::fs::read(&path).unwrap());
        }
        let manifest = root.join(dir).parent().unwrap().join("Cargo.toml");
        files.insert(manifest.clone(), std::fs::read(&manifest).unwrap());
    }
    files
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn edit_spec(root: &Path, from: &str, to: &str) {
    let path = root.join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    assert!(spec.contains(from), "the spec contains {from:?}");
    std::fs::write(&path, spec.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_passes_on_the_committed_files() {
    let ws = workspace_copy();
    let out = xtask(ws.path(), &["generate", "--check"]);
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Each kind of limit a reviewer edits in spec/gse.yaml: generation succeeds, `--check` passes
/// afterwards, the new number reaches the client, and the spec variant keeps its own numbers.
#[test]
fn every_kind_of_limit_and_rate_edit_regenerates_cleanly() {
    let edits: &[(&str, &str, &str, &str)] = &[
        ("maxItems", "maxItems: 25", "maxItems: 20", "Some(20)"),
        ("minItems", "minItems: 1", "minItems: 2", "Some(2)"),
        ("maxLength", "maxLength: 256", "maxLength: 200", "200"),
        ("minLength", "minLength: 1\n", "minLength: 3\n", "3usize"),
        (
            "pattern",
            "pattern: \"^[\\\\x00-\\\\x7F]*$\"",
            "pattern: \"^[\\\\x20-\\\\x7E]*$\"",
            "x20-",
        ),
        (
            "x-tc-rate-limit",
            "x-tc-rate-limit: 1000",
            "x-tc-rate-limit: 500",
            "\"join_game_server_session_batch\",500,",
        ),
    ];
    for (kind, from, to, reaches) in edits {
        let ws = workspace_copy();
        let path = ws.path().join("spec/gse.yaml");
        let spec = std::fs::read_to_string(&path).unwrap();
        assert!(spec.contains(from), "{kind}: the spec contains {from:?}");
        std::fs::write(&path, spec.replace(from, to)).unwrap();
        let out = xtask(ws.path(), &["generate"]);
        assert!(
            out.status.success(),
            "{kind}: generate fails: {}",
            text(&out.stderr)
        );
        let out = xtask(ws.path(), &["generate", "--check"]);
        assert!(
            out.status.success(),
            "{kind}: --check after generate: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let client: String = ["src/client.rs", "src/api.rs"]
            .iter()
            .map(|f| std::fs::read_to_string(ws.path().join("generated-client").join(f)).unwrap())
            .collect();
        assert!(
            squashed(&client).contains(&squashed(reaches)),
            "{kind}: {reaches:?} reaches the client"
        );
        let variant =
            std::fs::read_to_string(ws.path().join("fixtures/spec-variant/src/api.rs")).unwrap();
        assert!(
            squashed(&variant).contains("\"join_game_server_session_batch\",7,")
                && squashed(&variant).contains(".__batch(\"PlayerIds\",10)"),
            "{kind}: the spec variant keeps its own rate and batch size"
        );
    }
}

#[test]
fn an_edited_limit_makes_check_fail_with_a_diff_until_regenerated() {
    let ws = workspace_copy();
    let before = snapshot(ws.path());
    edit_spec(ws.path(), "maxLength: 256", "maxLength: 128");

    let out = xtask(ws.path(), &["generate", "--check"]);
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "a stale client fails the check");
    assert!(
        stdout.contains("--- a/generated-client/src/client.rs"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+++ b/generated-client/src/client.rs"),
        "{stdout}"
    );
    assert!(stdout.contains("@@"), "a unified diff: {stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with('-') && l.contains("256")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with('+') && l.contains("128")),
        "{stdout}"
    );
    assert!(stdout.contains("run: cargo xtask generate"), "{stdout}");
    assert!(
        stdout.contains("+++ b/emulator/spec/gse.yaml"),
        "the emulator's copy of the spec is stale too: {stdout}"
    );
    assert_eq!(snapshot(ws.path()), before, "--check writes nothing");

    let out = xtask(ws.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("wrote generated-client/src/client.rs"));
    let copy = std::fs::read_to_string(ws.path().join("emulator/spec/gse.yaml")).unwrap();
    assert!(
        copy.starts_with("# @generated by `cargo xtask generate` from spec/gse.yaml")
            && copy.contains("maxLength: 128"),
        "the emulator embeds the edited spec"
    );
    assert_ne!(snapshot(ws.path()), before);

    let out = xtask(ws.path(), &["generate", "--check"]);
    assert!(
        out.status.success(),
        "fresh after regenerating: {}",
        text(&out.stdout)
    );
}

#[test]
fn a_file_the_generator_no_longer_writes_is_stale_and_removed() {
    let ws = workspace_copy();
    let extra = ws.path().join("generated-client/src/hand_written.rs");
    std::fs::write(&extra, "// not generated\n").unwrap();
    let out = xtask(ws.path(), &["generate", "--check"]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("generated-client/src/hand_written.rs"));
    let out = xtask(ws.path(), &["generate"]);
    assert!(out.status.success());
    assert!(!extra.exists(), "only generated files live in src/");
}

#[test]
fn a_broken_spec_fails_naming_the_spec_path_and_changes_nothing() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "      x-tc-action: JoinGameServerSessionBatch\n",
            "",
            "spec/gse.yaml: paths./JoinGameServerSessionBatch.post.x-tc-action: missing",
        ),
        (
            "      x-tc-rate-limit: 1000\n",
            "      x-tc-rate-limit: 1000\n      x-tc-retries: 3\n",
            "paths./JoinGameServerSessionBatch.post.x-tc-retries: unknown extension",
        ),
        (
            "$ref: \"#/components/schemas/PlayerDataMap\"",
            "$ref: \"#/components/schemas/PlayerDataMapp\"",
            "`#/components/schemas/PlayerDataMapp` does not resolve",
        ),
        (
            "minItems: 1",
            "minItems: 30",
            "minItems 30 is greater than maxItems 25",
        ),
        (
            "openapi: 3.0.3",
            "openapi: [3",
            "spec/gse.yaml: not valid YAML",
        ),
    ];
    for (from, to, expected) in cases {
        let ws = workspace_copy();
        edit_spec(ws.path(), "maxLength: 256", "maxLength: 128");
        edit_spec(ws.path(), from, to);
        let before = snapshot(ws.path());
        for args in [&["generate"][..], &["generate", "--check"][..]] {
            let out = xtask(ws.path(), args);
            let stderr = text(&out.stderr);
            assert!(!out.status.success(), "{args:?} fails for {expected}");
            assert!(
                stderr.contains(expected),
                "{args:?}: stderr {stderr:?} lacks {expected:?}"
            );
            assert_eq!(
                snapshot(ws.path()),
                before,
                "{args:?} left every file as it was"
            );
        }
    }
}

#[test]
fn a_duplicate_action_fails_naming_both_places_and_changes_nothing() {
    let ws = workspace_copy();
    let path = ws.path().join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = spec.split_once("paths:\n").unwrap();
    let (paths, components) = rest.split_once("components:\n").unwrap();
    let copy = paths
        .replace("/JoinGameServerSessionBatch:", "/Again:")
        .replace(
            "operationId: join_game_server_session_batch",
            "operationId: again",
        );
    std::fs::write(
        &path,
        format!("{head}paths:\n{paths}{copy}components:\n{components}"),
    )
    .unwrap();
    let before = snapshot(ws.path());
    let out = xtask(ws.path(), &["generate"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("spec/gse.yaml: paths./Again.post.x-tc-action: duplicate: action `JoinGameServerSessionBatch` is already declared at paths./JoinGameServerSessionBatch.post.x-tc-action"),
        "{stderr}"
    );
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn a_second_action_in_the_spec_adds_a_second_method_with_no_codegen_change() {
    let ws = workspace_copy();
    let path = ws.path().join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = spec.split_once("paths:\n").unwrap();
    let (paths, components) = rest.split_once("components:\n").unwrap();
    let copy = paths
        .replace(
            "/JoinGameServerSessionBatch:",
            "/LeaveGameServerSessionBatch:",
        )
        .replace(
            "operationId: join_game_server_session_batch",
            "operationId: leave_game_server_session_batch",
        )
        .replace(
            "x-tc-action: JoinGameServerSessionBatch",
            "x-tc-action: LeaveGameServerSessionBatch",
        )
        .replace("x-tc-rate-limit: 1000", "x-tc-rate-limit: 20");
    std::fs::write(
        &path,
        format!("{head}paths:\n{paths}{copy}components:\n{components}"),
    )
    .unwrap();
    let out = xtask(ws.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let client = std::fs::read_to_string(ws.path().join("generated-client/src/client.rs")).unwrap();
    assert!(client.contains("pub fn leave_game_server_session_batch("));
    assert!(client.contains("pub fn join_game_server_session_batch("));
    let api = std::fs::read_to_string(ws.path().join("generated-client/src/api.rs")).unwrap();
    assert!(
        squashed(&api).contains("Action::__new(\"LeaveGameServerSessionBatch\","),
        "the X-TC-Action value"
    );
    assert!(squashed(&api).contains("\"leave_game_server_session_batch\",20"));
}

/// `text` without any whitespace: what generated code says, whatever its layout.
fn squashed(text: &str) -> String {
    text.split_whitespace().collect()
}
