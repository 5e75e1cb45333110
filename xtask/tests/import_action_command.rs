//! `cargo xtask import-action`: importing the action the spec already has gives the spec's
//! structure and limits; the imported fixture (fixtures/imported/spec.yaml, two other GSE
//! actions) is exactly what the command drafts today, and audits as faithful.

use serde_yaml::Value;
use std::path::{Path, PathBuf};

mod common;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn xtask(args: &[&str]) -> (Option<i32>, String, String) {
    common::xtask_at(Path::new(ROOT), args)
}

/// The definition, fetched into target/tccli by an audit of the real spec.
fn definition() -> PathBuf {
    let (code, out, err) = xtask(&["spec-audit"]);
    assert_eq!(code, Some(0), "{out}{err}");
    Path::new(ROOT).join("target/tccli/gse-2019-11-12.api.json")
}

fn import(actions: &[&str], standalone: bool) -> String {
    let definition = definition();
    let mut args = vec!["import-action"];
    args.extend(actions);
    if standalone {
        args.push("--standalone");
    }
    args.extend(["--definition", definition.to_str().unwrap()]);
    let (code, out, err) = xtask(&args);
    assert_eq!(code, Some(0), "{err}");
    out
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

/// What a field's schema says that the generated client enforces or exposes.
fn shape(field: &Value) -> Vec<(String, String)> {
    [
        "type",
        "$ref",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
    ]
    .iter()
    .filter(|k| !field[**k].is_null())
    .map(|k| (k.to_string(), serde_yaml::to_string(&field[*k]).unwrap()))
    .chain(field["items"].as_mapping().map(|_| {
        (
            "items".to_owned(),
            serde_yaml::to_string(&field["items"]["type"]).unwrap(),
        )
    }))
    .collect()
}

#[track_caller]
fn same_object(drafted: &Value, spec: &Value, name: &str, with_limits: bool) {
    let (d, s) = (schema(drafted, name), schema(spec, name));
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_mapping()
            .unwrap_or_else(|| panic!("{name} has properties"))
            .keys()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(d), keys(s), "{name}'s fields");
    assert_eq!(d["required"], s["required"], "{name}'s required fields");
    assert_eq!(
        d["additionalProperties"], s["additionalProperties"],
        "{name}"
    );
    for field in keys(s) {
        let (df, sf) = (&d["properties"][&field], &s["properties"][&field]);
        if with_limits {
            assert_eq!(shape(df), shape(sf), "{name}.{field}");
        } else {
            assert_eq!(df["type"], sf["type"], "{name}.{field}'s type");
        }
    }
}

#[test]
fn importing_the_specs_own_action_gives_its_structure_and_limits() {
    if !common::tccli_reachable() {
        return;
    }
    let drafted: Value =
        serde_yaml::from_str(&import(&["JoinGameServerSessionBatch"], false)).unwrap();
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("spec/gse.yaml")).unwrap(),
    )
    .unwrap();
    let op = |doc: &Value| doc["paths"]["/JoinGameServerSessionBatch"]["post"].clone();
    for key in ["operationId", "x-tc-action", "x-tc-status"] {
        assert_eq!(op(&drafted)[key], op(&spec)[key], "{key}");
    }
    let body = |doc: &Value| {
        op(doc)["requestBody"]["content"]["application/json"]["schema"]["$ref"].clone()
    };
    assert_eq!(body(&drafted), body(&spec));
    same_object(&drafted, &spec, "JoinGameServerSessionBatchRequest", true);
    same_object(&drafted, &spec, "PlayerDataMap", true);
    same_object(&drafted, &spec, "JoinGameServerSessionBatchResponse", false);
    same_object(&drafted, &spec, "PlayerSession", false);
    assert_eq!(
        schema(&drafted, "JoinGameServerSessionBatchEnvelope")["properties"],
        schema(&spec, "JoinGameServerSessionBatchEnvelope")["properties"]
    );
}

#[test]
fn the_imported_fixture_is_what_the_command_drafts_and_audits_as_faithful() {
    if !common::tccli_reachable() {
        return;
    }
    let drafted = import(
        &["DescribePlayerSessions", "DescribeGameServerSessions"],
        true,
    );
    let fixture = Path::new(ROOT).join("fixtures/imported/spec.yaml");
    assert_eq!(
        drafted,
        std::fs::read_to_string(&fixture).unwrap(),
        "re-import with: cargo xtask import-action DescribePlayerSessions DescribeGameServerSessions --standalone --out fixtures/imported/spec.yaml"
    );
    let dir = Path::new(ROOT).join("target/tccli");
    let (code, out, err) = xtask(&[
        "spec-audit",
        "--spec",
        fixture.to_str().unwrap(),
        "--definition",
        dir.join("gse-2019-11-12.api.json").to_str().unwrap(),
        "--error-codes",
        dir.join("gse-2019-11-12.error-codes.json")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("0 contradictions"), "{out}");

    let (code, _, err) = xtask(&[
        "import-action",
        "NoSuchAction",
        "--definition",
        dir.join("gse-2019-11-12.api.json").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("NoSuchAction: no such action in the definition"),
        "{err}"
    );
}
