//! Property test: any mutation of the spec (a key dropped, a node of the wrong type, a broken
//! `$ref`, contradictory limits) gives a clear generation error or a valid client, never a
//! panic. (`cargo xtask generate` writes nothing when generation fails: see xtask's tests.)

mod common;

use proptest::prelude::*;
use serde_json::{json, Value};

const LABEL: &str = "spec/gse.yaml";

fn real_spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/gse.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// Every path to a node of the tree, examples excluded.
fn paths(node: &Value, at: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
    if let Value::Object(map) = node {
        for (key, child) in map {
            if key == "example" {
                continue;
            }
            at.push(key.clone());
            found.push(at.clone());
            paths(child, at, found);
            at.pop();
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Drop,
    Replace(Value),
    BreakRef,
    Contradict,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Drop),
        Just(Mutation::Replace(Value::Null)),
        Just(Mutation::Replace(json!(42))),
        Just(Mutation::Replace(json!("text"))),
        Just(Mutation::Replace(json!([1, "two"]))),
        Just(Mutation::Replace(json!({"x-tc-unknown": 1}))),
        Just(Mutation::BreakRef),
        Just(Mutation::Contradict),
    ]
}

fn apply(spec: &mut Value, path: &[String], mutation: &Mutation) {
    let (last, parents) = path.split_last().unwrap();
    let mut node = &mut *spec;
    for key in parents {
        node = &mut node[key.as_str()];
    }
    let Value::Object(map) = node else { return };
    match mutation {
        Mutation::Drop => {
            map.remove(last);
        }
        Mutation::Replace(value) => {
            map.insert(last.clone(), value.clone());
        }
        Mutation::BreakRef => {
            map.insert("$ref".into(), json!("#/components/schemas/Missing"));
        }
        Mutation::Contradict => {
            map.insert("minLength".into(), json!(10));
            map.insert("maxLength".into(), json!(2));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_mutation_gives_a_clear_error_or_a_client(pick in any::<prop::sample::Index>(), mutation in mutation()) {
        let mut spec = real_spec();
        let mut found = Vec::new();
        paths(&spec, &mut Vec::new(), &mut found);
        let path = &found[pick.index(found.len())];
        apply(&mut spec, path, &mutation);
        let text = serde_yaml::to_string(&spec).unwrap();
        let outcome = std::panic::catch_unwind(|| tc3_codegen::generate(&tc3_codegen::SpecInput::plain(LABEL, &text), &common::settings()));
        prop_assert!(outcome.is_ok(), "generation panicked for {:?} at {}", mutation, path.join("."));
        if let Err(e) = outcome.unwrap() {
            let message = e.to_string();
            prop_assert!(
                message.starts_with("spec/gse.yaml: ") || message.starts_with("post-processing pass"),
                "unclear error for {:?} at {}: {}",
                mutation,
                path.join("."),
                message
            );
        }
    }
}
