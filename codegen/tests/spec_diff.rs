//! Each kind of spec change is found and classed for callers, with its wording.

use serde_json::{json, Value};
use tc3_codegen::spec_diff::{Change, Class};

const OP: &str = "/JoinGameServerSessionBatch";

fn real_spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/gse.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn changes_after(mutate: impl FnOnce(&mut Value)) -> Vec<Change> {
    let old = real_spec();
    let mut new = old.clone();
    mutate(&mut new);
    tc3_codegen::diff_specs(
        "old.yaml",
        &serde_yaml::to_string(&old).unwrap(),
        "new.yaml",
        &serde_yaml::to_string(&new).unwrap(),
    )
    .expect("both specs load")
}

/// The only change, checked against class, subject and wording.
#[track_caller]
fn only(changes: &[Change], class: Class, subject: &str, what: &str, why_part: &str) {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert_eq!(
        (c.class, c.subject.as_str(), c.what.as_str()),
        (class, subject, what),
        "{c:#?}"
    );
    assert!(c.why.contains(why_part), "{:?} lacks {why_part:?}", c.why);
}

fn op(s: &mut Value) -> &mut Value {
    &mut s["paths"][OP]["post"]
}

fn request(s: &mut Value) -> &mut Value {
    &mut s["components"]["schemas"]["JoinGameServerSessionBatchRequest"]
}

const REQ: &str = "JoinGameServerSessionBatch request field";

#[test]
fn no_change_no_report() {
    assert!(changes_after(|_| {}).is_empty());
}

#[test]
fn actions_added_and_removed() {
    let c = changes_after(|s| {
        let mut copy = s["paths"][OP].clone();
        copy["post"]["x-tc-action"] = json!("LeaveGameServerSessionBatch");
        copy["post"]["operationId"] = json!("leave_game_server_session_batch");
        s["paths"]["/LeaveGameServerSessionBatch"] = copy;
    });
    only(
        &c,
        Class::Compatible,
        "action LeaveGameServerSessionBatch",
        "added",
        "a new method",
    );
    let c = changes_after(|s| {
        let mut post = s["paths"][OP]["post"].clone();
        // Its reading action is gone with the rest of the paths.
        post.as_object_mut().unwrap().remove("x-tc-reconcile");
        s["paths"] = json!({"/Other": {"post": post}});
        s["paths"]["/Other"]["post"]["x-tc-action"] = json!("OtherAction");
        s["paths"]["/Other"]["post"]["operationId"] = json!("other_action");
    });
    assert!(c.iter().any(|c| c.class == Class::Breaking
        && c.subject == "action JoinGameServerSessionBatch"
        && c.what == "removed"));
    assert!(c
        .iter()
        .any(|c| c.class == Class::Compatible && c.subject == "action OtherAction"));
}

#[test]
fn request_fields_added_removed_renamed_retyped() {
    let c = changes_after(|s| request(s)["properties"]["Note"] = json!({"type": "string"}));
    only(
        &c,
        Class::Compatible,
        &format!("{REQ} Note"),
        "added",
        "a new optional field",
    );
    let c = changes_after(|s| {
        request(s)["properties"]["Note"] = json!({"type": "string"});
        request(s)["required"] = json!(["GameServerSessionId", "PlayerIds", "Note"]);
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} Note"),
        "added",
        "requests without it now fail",
    );
    let c = changes_after(|s| {
        request(s)["properties"]
            .as_object_mut()
            .unwrap()
            .remove("PlayerDataMap");
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} PlayerDataMap"),
        "removed",
        "callers that set it no longer compile",
    );
    let c = changes_after(|s| {
        let props = request(s)["properties"].as_object_mut().unwrap();
        let data = props.remove("PlayerDataMap").unwrap();
        props.insert("PlayerData".into(), data);
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} PlayerDataMap"),
        "renamed to PlayerData",
        "name",
    );
    let c = changes_after(|s| {
        request(s)["properties"]["PlayerIds"]["items"] = json!({"type": "integer"})
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} PlayerIds"),
        "type array of string → array of integer",
        "generated type changes",
    );
}

#[test]
fn required_and_nullable() {
    let c = changes_after(|s| {
        request(s)["required"] = json!(["GameServerSessionId", "PlayerIds", "PlayerDataMap"])
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} PlayerDataMap"),
        "now required",
        "requests without it now fail",
    );
    // The session is the scope of the batch's reconciliation, which needs it required: the
    // reconciliation goes too, and both changes are reported.
    let c = changes_after(|s| {
        request(s)["required"] = json!(["PlayerIds"]);
        op(s).as_object_mut().unwrap().remove("x-tc-reconcile");
    });
    let found: Vec<(Class, &str, &str)> = c
        .iter()
        .map(|c| (c.class, c.subject.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Class::Breaking,
                "action JoinGameServerSessionBatch reconciliation",
                "removed"
            ),
            (
                Class::Compatible,
                "JoinGameServerSessionBatch request field GameServerSessionId",
                "now optional"
            ),
        ],
        "{c:#?}"
    );
    // PlayerSession is in the answers of two actions: each one's change is reported.
    let c = changes_after(|s| {
        s["components"]["schemas"]["PlayerSession"]["properties"]["Port"]["nullable"] = json!(false)
    });
    let subjects: Vec<&str> = c.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "JoinGameServerSessionBatch response field PlayerSessions[] field Port",
            "DescribePlayerSessions response field PlayerSessions[] field Port",
        ],
        "{c:#?}"
    );
    for change in &c {
        assert_eq!(change.class, Class::Breaking);
        assert_eq!(change.what, "nullable true → false");
        assert!(change.why.contains("Option<T>"), "{}", change.why);
    }
}

#[test]
fn limits_tighter_and_looser() {
    let c = changes_after(|s| request(s)["properties"]["PlayerIds"]["maxItems"] = json!(10));
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} PlayerIds"),
        "maxItems 25 → 10",
        "tighter",
    );
    let c = changes_after(|s| request(s)["properties"]["PlayerIds"]["maxItems"] = json!(50));
    only(
        &c,
        Class::Compatible,
        &format!("{REQ} PlayerIds"),
        "maxItems 25 → 50",
        "looser",
    );
    let c =
        changes_after(|s| request(s)["properties"]["GameServerSessionId"]["minLength"] = json!(5));
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} GameServerSessionId"),
        "minLength 1 → 5",
        "tighter",
    );
    let c = changes_after(|s| {
        request(s)["properties"]["GameServerSessionId"]
            .as_object_mut()
            .unwrap()
            .remove("pattern");
    });
    only(
        &c,
        Class::Compatible,
        &format!("{REQ} GameServerSessionId"),
        "pattern ^[\\x00-\\x7F]*$ → none",
        "looser",
    );
    let c = changes_after(|s| {
        s["components"]["schemas"]["PlayerDataMap"]["properties"]["Key"]["maxLength"] = json!(64)
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} PlayerDataMap field Key"),
        "maxLength 1024 → 64",
        "tighter",
    );
    let c = changes_after(|s| {
        request(s)["properties"]["GameServerSessionId"]["enum"] = json!(["a", "b"])
    });
    only(
        &c,
        Class::Breaking,
        &format!("{REQ} GameServerSessionId"),
        "enum values changed",
        "tighter",
    );
}

#[test]
fn rate_limits() {
    let c = changes_after(|s| op(s)["x-tc-rate-limit"] = json!(500));
    only(
        &c,
        Class::Breaking,
        "action JoinGameServerSessionBatch rate limit",
        "1000/s → 500/s",
        "tighter",
    );
    let c = changes_after(|s| op(s)["x-tc-rate-limit"] = json!(2000));
    only(
        &c,
        Class::Compatible,
        "action JoinGameServerSessionBatch rate limit",
        "1000/s → 2000/s",
        "looser",
    );
}

#[test]
fn error_codes() {
    let c = changes_after(|s| {
        op(s)["x-tc-error-codes"]["ResourceNotFound.FleetNotFound"] = json!("No fleet.")
    });
    only(
        &c,
        Class::Compatible,
        "action JoinGameServerSessionBatch error codes",
        "ResourceNotFound.FleetNotFound added",
        "non-exhaustive",
    );
    let c = changes_after(|s| {
        op(s)["x-tc-error-codes"]
            .as_object_mut()
            .unwrap()
            .remove("UnsupportedOperation");
    });
    only(
        &c,
        Class::Breaking,
        "action JoinGameServerSessionBatch error codes",
        "UnsupportedOperation removed",
        "no longer compiles",
    );
    let c = changes_after(|s| {
        s["x-tc-common-error-codes"]
            .as_object_mut()
            .unwrap()
            .remove("ActionOffline");
    });
    only(
        &c,
        Class::Breaking,
        "common error codes",
        "ActionOffline removed",
        "no longer compiles",
    );
}

#[test]
fn error_hints() {
    const SUBJECT: &str = "action JoinGameServerSessionBatch error hints";
    let reworded = changes_after(|s| {
        op(s)["x-tc-error-hints"]["ResourceNotFound"] = json!("look the session up first");
    });
    only(
        &reworded,
        Class::Compatible,
        SUBJECT,
        "ResourceNotFound reworded",
        "hint",
    );
    let removed = changes_after(|s| {
        op(s)["x-tc-error-hints"]
            .as_object_mut()
            .unwrap()
            .remove("ResourceUnavailable");
    });
    only(
        &removed,
        Class::Compatible,
        SUBJECT,
        "ResourceUnavailable removed",
        "hint",
    );
}

#[test]
fn servers_and_versions() {
    let c = changes_after(|s| {
        s["servers"][0]["url"] = json!("https://gse.ap-guangzhou.tencentcloudapi.com")
    });
    only(
        &c,
        Class::Breaking,
        "default endpoint",
        "https://gse.tencentcloudapi.com → https://gse.ap-guangzhou.tencentcloudapi.com",
        "another server",
    );
    let c = changes_after(|s| s["x-tc-version"] = json!("2020-01-01"));
    only(
        &c,
        Class::Breaking,
        "API version",
        "2019-11-12 → 2020-01-01",
        "answer the new version differently",
    );
}

#[test]
fn response_fields() {
    // PlayerSession is in the answers of two actions: each one's change is reported.
    let both = |c: &[tc3_codegen::spec_diff::Change], class: Class, field: &str, what: &str| {
        let subjects: Vec<&str> = c.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(
            subjects,
            [
                format!("JoinGameServerSessionBatch response field PlayerSessions[] field {field}"),
                format!("DescribePlayerSessions response field PlayerSessions[] field {field}"),
            ],
            "{c:#?}"
        );
        assert!(
            c.iter().all(|c| c.class == class && c.what == what),
            "{c:#?}"
        );
    };
    let c = changes_after(|s| {
        s["components"]["schemas"]["PlayerSession"]["properties"]["Region"] =
            json!({"type": "string", "nullable": true})
    });
    both(&c, Class::Compatible, "Region", "added");
    assert!(c[0].why.contains("a new field to read"), "{}", c[0].why);
    let c = changes_after(|s| {
        s["components"]["schemas"]["PlayerSession"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("DnsName");
    });
    both(&c, Class::Breaking, "DnsName", "removed");
    assert!(c[0].why.contains("callers that read it"), "{}", c[0].why);
}

#[test]
fn breaking_changes_come_first_and_both_renderings_summarize() {
    let c = changes_after(|s| {
        op(s)["x-tc-rate-limit"] = json!(2000);
        request(s)["properties"]["PlayerIds"]["maxItems"] = json!(10);
    });
    assert_eq!(c[0].class, Class::Breaking);
    let text = tc3_codegen::spec_diff::render_text("t", &c);
    assert!(
        text.contains(
            "BREAKING   JoinGameServerSessionBatch request field PlayerIds: maxItems 25 → 10"
        ),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("1 breaking, 1 compatible"),
        "{text}"
    );
    let md = tc3_codegen::spec_diff::render_markdown("t", &c);
    assert!(md.contains("| **breaking** | JoinGameServerSessionBatch request field PlayerIds | maxItems 25 → 10 |"), "{md}");
}

#[test]
fn a_reconciliation_edited_names_each_part_that_changed() {
    let c = changes_after(|s| {
        op(s)["x-tc-reconcile"]["page-size"] = json!(40);
        op(s)["x-tc-reconcile"]["present-codes"] = json!([]);
    });
    only(
        &c,
        Class::Compatible,
        "action JoinGameServerSessionBatch reconciliation",
        "reads back with DescribePlayerSessions; page-size: 400 → 40, \
         present-codes: [\"InvalidParameterValue\"] → []",
        "read back another way",
    );
}
