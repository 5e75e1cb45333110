//! `cargo xtask spec-audit` against Tencent's own definition (tccli's api.json, downloaded into
//! target/tccli by the first run) and the official SDK's error codes: the spec passes, and
//! each kind of contradiction in a mutated copy fails with exit 3 naming the spec path and
//! the official value. One test, so that a fresh checkout downloads the definition once.

use std::path::{Path, PathBuf};

mod common;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn xtask(args: &[&str]) -> (Option<i32>, String, String) {
    common::xtask_at(Path::new(ROOT), args)
}

/// The official sources, fetched by a first audit of the real spec (which must pass).
fn official_sources() -> (PathBuf, PathBuf) {
    let (code, out, err) = xtask(&["spec-audit"]);
    assert_eq!(code, Some(0), "the spec is faithful: {out}{err}");
    assert!(out.contains("0 contradictions"), "{out}");
    let dir = Path::new(ROOT).join("target").join("tccli");
    (
        dir.join("gse-2019-11-12.api.json"),
        dir.join("gse-2019-11-12.error-codes.json"),
    )
}

fn spec() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("spec/gse.yaml")).unwrap()
}

/// Audits `text` as a spec; the exit status and the report.
fn audit(text: &str, sources: &(PathBuf, PathBuf)) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mutated.yaml");
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = xtask(&[
        "spec-audit",
        "--spec",
        path.to_str().unwrap(),
        "--definition",
        sources.0.to_str().unwrap(),
        "--error-codes",
        sources.1.to_str().unwrap(),
    ]);
    (code, format!("{out}{err}"))
}

#[track_caller]
fn contradicts(text: String, sources: &(PathBuf, PathBuf), path: &str, official: &str) {
    assert_ne!(text, spec(), "the mutation changed nothing");
    let (code, out) = audit(&text, sources);
    assert_eq!(code, Some(3), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("CONTRADICTION") && l.contains(path))
        .unwrap_or_else(|| panic!("no contradiction at {path}: {out}"));
    assert!(line.contains(official), "{line}");
}

#[test]
fn the_spec_is_faithful_each_kind_of_contradiction_is_named_and_bad_input_exits_2() {
    if !common::tccli_reachable() {
        return;
    }
    let sources = official_sources();
    let spec = spec();

    // An error code the service does not have.
    contradicts(
        spec.replacen(
            "        FailedOperation: The operation failed.\n",
            "        FailedOperation: The operation failed.\n        FailedOperation.MadeUp: Not a code of the service.\n",
            1,
        ),
        &sources,
        "x-tc-error-codes.FailedOperation.MadeUp",
        "not among the service's",
    );

    // A wrong type.
    contradicts(
        spec.replacen(
            "        GameServerSessionId:\n          type: string\n          description: The game server session's id",
            "        GameServerSessionId:\n          type: integer\n          description: The game server session's id",
            1,
        ),
        &sources,
        "JoinGameServerSessionBatchRequest.properties.GameServerSessionId.type",
        "GameServerSessionId is a string",
    );

    // A wrong required-ness: PlayerIds made optional.
    contradicts(
        spec.replacen(
            "        - GameServerSessionId\n        - PlayerIds\n",
            "        - GameServerSessionId\n",
            1,
        ),
        &sources,
        "JoinGameServerSessionBatchRequest.required",
        "PlayerIds is required",
    );

    // A limit that contradicts the documentation: 30 players a request instead of 25.
    contradicts(
        spec.replacen("          maxItems: 25\n", "          maxItems: 30\n", 1),
        &sources,
        "PlayerIds.maxItems",
        "25: \"玩家ID列表，最小1组，最大25组\"",
    );

    // Item limits taken from another member, but not as it states them.
    contradicts(
        spec.replacen(
            "            maxLength: 1024\n            pattern: \"^[\\\\x00-\\\\x7F]*$\"\n            # Tencent",
            "            maxLength: 2048\n            pattern: \"^[\\\\x00-\\\\x7F]*$\"\n            # Tencent",
            1,
        ),
        &sources,
        "PlayerIds.items.maxLength",
        "1024, as DescribePlayerSessions.PlayerId states",
    );
    // ... or from a member the definition does not have.
    contradicts(
        spec.replacen(
            "x-tc-limits-of: DescribePlayerSessions.PlayerId",
            "x-tc-limits-of: DescribePlayerSessions.Nobody",
            1,
        ),
        &sources,
        "PlayerIds.items.x-tc-limits-of",
        "not a request member of the definition",
    );
    // Without the source, the same limits are item limits the definition does not state.
    contradicts(
        spec.replacen(
            "            x-tc-limits-of: DescribePlayerSessions.PlayerId\n",
            "",
            1,
        ),
        &sources,
        "PlayerIds.items.maxLength",
        "PlayerIds states no maxLength",
    );

    // A null the service may send, refused: PlayerId made non-nullable.
    contradicts(
        spec.replacen(
            "        PlayerId:\n          type: string\n          nullable: true\n",
            "        PlayerId:\n          type: string\n",
            1,
        ),
        &sources,
        "PlayerSession.properties.PlayerId.nullable",
        "PlayerId may be null",
    );

    // A limit the definition does not state: stricter, it refuses requests the service
    // accepts (a maximum page size, and a set of values).
    contradicts(
        spec.replacen(
            "        Limit:\n          type: integer\n          format: uint64\n",
            "        Limit:\n          type: integer\n          format: uint64\n          maximum: 1000\n",
            1,
        ),
        &sources,
        "DescribePlayerSessionsRequest.properties.Limit.maximum",
        "Limit states no maximum",
    );
    contradicts(
        spec.replacen(
            "        PlayerSessionStatusFilter:\n          type: string\n",
            "        PlayerSessionStatusFilter:\n          type: string\n          enum: [ACTIVE, RESERVED]\n",
            1,
        ),
        &sources,
        "PlayerSessionStatusFilter.enum",
        "PlayerSessionStatusFilter states no enum",
    );

    // An answer field required that the service may leave out or send as null: an error
    // answer (only `Error` and `RequestId`) would not parse.
    contradicts(
        spec.replacen(
            "      required:\n        - RequestId\n      properties:\n        PlayerSessions:\n",
            "      required:\n        - RequestId\n        - PlayerSessions\n      properties:\n        PlayerSessions:\n",
            1,
        ),
        &sources,
        "JoinGameServerSessionBatchResponse.required",
        "PlayerSessions is not said to be always present and may be null",
    );

    // An integer of the wrong sign: the page size as a signed int64.
    contradicts(
        spec.replacen(
            "        Limit:\n          type: integer\n          format: uint64\n",
            "        Limit:\n          type: integer\n          format: int64\n",
            1,
        ),
        &sources,
        "DescribePlayerSessionsRequest.properties.Limit.format",
        "Limit is uint64",
    );

    // A service and a version that are not the definition's.
    contradicts(
        spec.replacen("x-tc-service: gse\n", "x-tc-service: gsx\n", 1),
        &sources,
        "x-tc-service",
        "the definition is of x-tc-service gse",
    );
    contradicts(
        spec.replacen(
            "x-tc-version: \"2019-11-12\"\n",
            "x-tc-version: \"2020-01-01\"\n",
            1,
        ),
        &sources,
        "x-tc-version",
        "the definition is of x-tc-version 2019-11-12",
    );

    // The Markdown report, for a pull request; and bad input.
    let (code, out, _) = xtask(&["spec-audit", "--format", "markdown"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("### spec-audit spec/gse.yaml"), "{out}");
    assert!(
        out.contains("| class | spec path | the spec says | the definition says |"),
        "{out}"
    );
    let (code, _, err) = xtask(&[
        "spec-audit",
        "--definition",
        "/nonexistent/api.json",
        "--error-codes",
        sources.1.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/nonexistent/api.json"), "{err}");
}

/// The examples of Tencent's definition of GSE (tccli's `examples.json`, from the wheel the
/// audit downloaded): action → (request text, answer text).
fn official_examples() -> serde_json::Value {
    let script = "import glob, sys, zipfile\n\
                  wheel = sorted(glob.glob(sys.argv[1] + '/tccli-*.whl'))[-1]\n\
                  sys.stdout.write(zipfile.ZipFile(wheel).read('tccli/services/gse/v20191112/examples.json').decode())\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(Path::new(ROOT).join("target/tccli/wheel"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_spec_s_examples_are_tencent_s_own() {
    if !common::tccli_reachable() {
        return;
    }
    let _ = official_sources(); // downloads the wheel on a fresh checkout
    let examples = official_examples();
    let spec: serde_json::Value = serde_yaml::from_str(&spec()).unwrap();
    for action in ["JoinGameServerSessionBatch", "DescribePlayerSessions"] {
        let official = &examples["actions"][action][0];
        let op = &spec["paths"][format!("/{action}")]["post"];
        let answer: serde_json::Value =
            serde_json::from_str(official["output"].as_str().unwrap()).unwrap();
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["example"], answer,
            "{action}: the answer example is Tencent's"
        );
        if action == "JoinGameServerSessionBatch" {
            // A POST: the body follows the blank line after the headers.
            let input = official["input"].as_str().unwrap();
            let body = input.split("\n\n").nth(1).unwrap();
            let request: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(
                op["requestBody"]["content"]["application/json"]["example"], request,
                "{action}: the request example is Tencent's"
            );
        }
    }
}
