//! Every kind of spec error gives a clear message naming the spec file and the path inside it.

mod common;

use serde_json::{json, Value};

const LABEL: &str = "spec/gse.yaml";
const OP: &str = "/JoinGameServerSessionBatch";

fn real_spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/gse.yaml"))
        .expect("read the spec");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

/// Generates from the real spec after `mutate`, and returns the error's text.
fn error_after(mutate: impl FnOnce(&mut Value)) -> String {
    let mut spec = real_spec();
    mutate(&mut spec);
    let text = serde_yaml::to_string(&spec).unwrap();
    match tc3_codegen::generate(
        &tc3_codegen::SpecInput::plain(LABEL, &text),
        &common::settings(),
    ) {
        Ok(_) => panic!("the mutated spec was accepted"),
        Err(e) => e.to_string(),
    }
}

fn op(spec: &mut Value) -> &mut Value {
    &mut spec["paths"][OP]["post"]
}

fn request_props(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["schemas"]["JoinGameServerSessionBatchRequest"]["properties"]
}

#[track_caller]
fn assert_says(error: &str, expected: &[&str]) {
    for part in expected {
        assert!(error.contains(part), "error {error:?} lacks {part:?}");
    }
}

#[test]
fn the_real_spec_generates() {
    let text = serde_yaml::to_string(&real_spec()).unwrap();
    tc3_codegen::generate(
        &tc3_codegen::SpecInput::plain(LABEL, &text),
        &common::settings(),
    )
    .expect("the unmodified spec generates");
}

#[test]
fn missing_action_names_the_operation_path() {
    let e = error_after(|s| {
        op(s).as_object_mut().unwrap().remove("x-tc-action");
    });
    assert_says(
        &e,
        &["spec/gse.yaml: paths./JoinGameServerSessionBatch.post.x-tc-action: missing"],
    );
}

#[test]
fn duplicate_action_names_both_places() {
    let e = error_after(|s| {
        let copy = s["paths"][OP].clone();
        s["paths"]["/Copy"] = copy;
        s["paths"]["/Copy"]["post"]["operationId"] = json!("copy_of_join");
    });
    assert_says(
        &e,
        &[
            "paths./Copy.post.x-tc-action: duplicate",
            "already declared at paths./JoinGameServerSessionBatch.post.x-tc-action",
        ],
    );
}

#[test]
fn duplicate_operation_id_is_rejected() {
    let e = error_after(|s| {
        let mut copy = s["paths"][OP].clone();
        copy["post"]["x-tc-action"] = json!("OtherAction");
        s["paths"]["/Other"] = copy;
    });
    assert_says(&e, &["paths./Other.post.operationId: duplicate"]);
}

#[test]
fn unknown_extension_on_an_operation_is_rejected() {
    let e = error_after(|s| op(s)["x-tc-ratelimit"] = json!(5));
    assert_says(
        &e,
        &[
            "paths./JoinGameServerSessionBatch.post.x-tc-ratelimit: unknown extension `x-tc-ratelimit` on an operation",
            "x-tc-rate-limit (operation)",
        ],
    );
}

#[test]
fn extension_in_the_wrong_place_is_rejected() {
    let e = error_after(|s| request_props(s)["PlayerIds"]["x-tc-batch"] = json!({"field": "x"}));
    assert_says(
        &e,
        &["components.schemas.JoinGameServerSessionBatchRequest.properties.PlayerIds.x-tc-batch: unknown extension"],
    );
}

#[test]
fn unresolved_ref_names_where_it_is_used() {
    let e = error_after(|s| {
        request_props(s)["PlayerDataMap"]["$ref"] = json!("#/components/schemas/NoSuchSchema")
    });
    assert_says(
        &e,
        &[
            "components.schemas.JoinGameServerSessionBatchRequest.properties.PlayerDataMap.$ref",
            "`#/components/schemas/NoSuchSchema` does not resolve",
        ],
    );
}

#[test]
fn remote_ref_is_rejected() {
    let e = error_after(|s| {
        request_props(s)["PlayerDataMap"]["$ref"] = json!("other.yaml#/components/schemas/X")
    });
    assert_says(&e, &["points outside this document"]);
}

#[test]
fn contradictory_string_lengths_are_rejected() {
    let e = error_after(|s| request_props(s)["GameServerSessionId"]["minLength"] = json!(300));
    assert_says(
        &e,
        &[
            "properties.GameServerSessionId.minLength",
            "minLength 300 is greater than maxLength 256",
        ],
    );
}

#[test]
fn contradictory_item_counts_are_rejected() {
    let e = error_after(|s| request_props(s)["PlayerIds"]["minItems"] = json!(26));
    assert_says(
        &e,
        &[
            "properties.PlayerIds.minItems",
            "minItems 26 is greater than maxItems 25",
        ],
    );
}

#[test]
fn contradictory_number_range_is_rejected() {
    let e = error_after(|s| {
        let port = &mut s["components"]["schemas"]["PlayerSession"]["properties"]["Port"];
        port["minimum"] = json!(10);
        port["maximum"] = json!(1);
    });
    assert_says(
        &e,
        &[
            "PlayerSession.properties.Port.minimum",
            "minimum 10 is greater than maximum 1",
        ],
    );
}

#[test]
fn negative_length_is_rejected() {
    let e = error_after(|s| request_props(s)["GameServerSessionId"]["maxLength"] = json!(-1));
    assert_says(
        &e,
        &["GameServerSessionId.maxLength: must be a non-negative integer, found -1"],
    );
}

#[test]
fn invalid_pattern_is_rejected() {
    let e =
        error_after(|s| request_props(s)["GameServerSessionId"]["pattern"] = json!("(unclosed"));
    assert_says(
        &e,
        &[
            "GameServerSessionId.pattern",
            "not a valid ECMA-262 regular expression",
        ],
    );
}

#[test]
fn required_property_that_does_not_exist_is_rejected() {
    let e = error_after(|s| {
        s["components"]["schemas"]["JoinGameServerSessionBatchRequest"]["required"] =
            json!(["GameServerSessionId", "PlayerIdz"])
    });
    assert_says(
        &e,
        &[
            "JoinGameServerSessionBatchRequest.required[1]",
            "`PlayerIdz` is required but is not among",
        ],
    );
}

#[test]
fn rate_limit_must_be_a_positive_integer() {
    for bad in [json!(0), json!("fast"), json!(-3)] {
        let e = error_after(|s| op(s)["x-tc-rate-limit"] = bad.clone());
        assert_says(
            &e,
            &["post.x-tc-rate-limit: must be a positive whole number of requests per second"],
        );
    }
    let e = error_after(|s| {
        op(s).as_object_mut().unwrap().remove("x-tc-rate-limit");
    });
    assert_says(&e, &["post.x-tc-rate-limit: missing"]);
}

#[test]
fn batch_field_must_be_a_limited_array() {
    let e = error_after(|s| op(s)["x-tc-batch"]["field"] = json!("GameServerSessionId"));
    assert_says(
        &e,
        &[
            "x-tc-batch.field",
            "`GameServerSessionId` is not an array property",
        ],
    );
    let e = error_after(|s| op(s)["x-tc-batch"]["field"] = json!("Nope"));
    assert_says(
        &e,
        &["`Nope` is not a property of #/components/schemas/JoinGameServerSessionBatchRequest"],
    );
    let e = error_after(|s| {
        request_props(s)["PlayerIds"]
            .as_object_mut()
            .unwrap()
            .remove("maxItems");
    });
    assert_says(&e, &["`PlayerIds` has no maxItems"]);
}

#[test]
fn batch_results_must_name_response_properties() {
    let e = error_after(|s| op(s)["x-tc-batch"]["results"] = json!("Sessions"));
    assert_says(
        &e,
        &[
            "x-tc-batch.results",
            "`Sessions` is not an array property of the response",
        ],
    );
    let e = error_after(|s| op(s)["x-tc-batch"]["result-key"] = json!("Player"));
    assert_says(
        &e,
        &[
            "x-tc-batch.result-key",
            "`Player` is not a property of the items of `PlayerSessions`",
        ],
    );
    let e = error_after(|s| op(s)["x-tc-batch"]["size"] = json!(3));
    assert_says(&e, &["x-tc-batch.size: unknown key `size`"]);
}

#[test]
fn malformed_error_code_is_rejected() {
    let e = error_after(|s| op(s)["x-tc-error-codes"]["not a code"] = json!("x"));
    assert_says(&e, &["x-tc-error-codes.not a code", "is not an error code"]);
}

#[test]
fn missing_service_metadata_is_rejected() {
    let e = error_after(|s| {
        s.as_object_mut().unwrap().remove("x-tc-service");
    });
    assert_says(&e, &["spec/gse.yaml: x-tc-service: missing"]);
    let e = error_after(|s| {
        s.as_object_mut().unwrap().remove("servers");
    });
    assert_says(&e, &["spec/gse.yaml: servers: missing"]);
}

#[test]
fn non_post_operation_is_rejected() {
    let e = error_after(|s| {
        let post = s["paths"][OP]["post"].take();
        s["paths"][OP] = json!({ "get": post });
    });
    assert_says(
        &e,
        &["paths./JoinGameServerSessionBatch.get: method `get` is not supported"],
    );
}

#[test]
fn wrong_node_type_names_the_path() {
    let e = error_after(|s| s["components"]["schemas"]["ApiError"]["properties"] = json!([1, 2]));
    assert_says(&e, &["spec/gse.yaml: components.schemas.ApiError"]);
}

#[test]
fn unsupported_openapi_version_is_rejected() {
    let e = error_after(|s| s["openapi"] = json!("3.1.0"));
    assert_says(
        &e,
        &["spec/gse.yaml: openapi: version `3.1.0` is not supported"],
    );
}

#[test]
fn broken_yaml_reports_line_and_column() {
    let e = tc3_codegen::generate(
        &tc3_codegen::SpecInput::plain(LABEL, "openapi: 3.0.3\ninfo: [unclosed\n"),
        &common::settings(),
    )
    .expect_err("broken YAML")
    .to_string();
    assert_says(&e, &["spec/gse.yaml: not valid YAML", "line"]);
}

#[test]
fn a_hint_for_a_code_the_spec_does_not_list_is_rejected() {
    let e = error_after(|s| {
        op(s)["x-tc-error-hints"]["ResourceNotFound.Nowhere"] = json!("look elsewhere");
    });
    assert_says(
        &e,
        &[
            "spec/gse.yaml",
            "x-tc-error-hints.ResourceNotFound.Nowhere",
            "is neither in the action's `x-tc-error-codes` nor in `x-tc-common-error-codes`",
        ],
    );
    let e = error_after(|s| {
        op(s)["x-tc-error-hints"]["ResourceNotFound"] = json!(7);
    });
    assert_says(&e, &["ResourceNotFound", "the hint must be a string"]);
}

/// A change to the spec and what the error must say.
type Case = (Box<dyn Fn(&mut Value)>, Vec<String>);

#[test]
fn reconciliation_names_what_it_reads_with_and_each_part_must_exist() {
    let at = "paths./JoinGameServerSessionBatch.post.x-tc-reconcile";
    let cases: Vec<Case> = vec![
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["verify"] = json!("x")),
            vec![format!("{at}.verify"), "unknown key `verify`".into()],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["action"] = json!("JoinGameServerSessionBatch")),
            vec![
                format!("{at}.action"),
                "`JoinGameServerSessionBatch` is not another action of this spec".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["item-filter"] = json!("Player")),
            vec![
                format!("{at}.item-filter"),
                "`Player` is not a property of DescribePlayerSessionsRequest".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["scope"] = json!(["PlayerDataMap"])),
            vec![
                format!("{at}.scope[0]"),
                "`PlayerDataMap` is not a required property of JoinGameServerSessionBatchRequest"
                    .into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["results"] = json!("NextToken")),
            vec![
                format!("{at}.results"),
                "`NextToken` is not an array property".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["next-token"] = json!("Limit")),
            vec![
                format!("{at}.next-token"),
                "`Limit` must be a property of both".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["page-size"] = json!(0)),
            vec![
                format!("{at}.page-size"),
                "must be a whole number from 1 to 2147483647, found 0".into(),
            ],
        ),
        (
            Box::new(|s| {
                s["components"]["schemas"]["DescribePlayerSessionsRequest"]["properties"]["Limit"]
                    ["maximum"] = json!(10)
            }),
            vec![
                format!("{at}.page-size"),
                "400 is outside `Limit`'s range (..=10)".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["present-when"] = json!({"State": ["LIVE"]})),
            vec![
                format!("{at}.present-when.State"),
                "`State` is not a property of the items of `PlayerSessions`".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["present-when"] = json!({"Status": []})),
            vec![
                format!("{at}.present-when.Status"),
                "must be a non-empty list of strings".into(),
            ],
        ),
        (
            Box::new(|s| op(s)["x-tc-reconcile"]["present-codes"] = json!(["Player.Exists"])),
            vec![
                format!("{at}.present-codes[0]"),
                "`Player.Exists` is neither in the action's `x-tc-error-codes`".into(),
            ],
        ),
        (
            Box::new(|s| {
                op(s)["x-tc-batch"]
                    .as_object_mut()
                    .unwrap()
                    .remove("result-key");
            }),
            vec![
                at.to_owned(),
                "needs `x-tc-batch` with `results` and `result-key`".into(),
            ],
        ),
        (
            Box::new(|s| {
                s["components"]["schemas"]["DescribePlayerSessionsResponse"]["properties"]
                    ["PlayerSessions"]["items"] = json!({"type": "object"})
            }),
            vec![
                format!("{at}.results"),
                "must be the same component ($ref) as the batch's results".into(),
            ],
        ),
    ];
    for (mutate, expected) in cases {
        let e = error_after(mutate);
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_says(&e, &expected);
    }
}

#[test]
fn a_crate_name_that_is_no_package_name_is_rejected_naming_it() {
    let e = error_after(|s| {
        s["x-tc-crate-name"] = json!("Game Client");
    });
    assert_says(
        &e,
        &[
            "spec/gse.yaml: x-tc-crate-name: must be a package name",
            "\"Game Client\"",
        ],
    );
}

#[test]
fn a_list_items_pattern_the_generator_cannot_check_is_refused_naming_the_field() {
    let e = error_after(|s| {
        request_props(s)["PlayerIds"]["items"]["pattern"] = json!("^(a|b)+$");
    });
    assert_says(
        &e,
        &[
            "the items of `PlayerIds` have the pattern \"^(a|b)+$\"",
            "not one character class",
        ],
    );
}
