//! The spec's examples are real data: they deserialize into the generated types, and the
//! request example serializes back to the same JSON.

use gse_client::types::{
    DescribePlayerSessionsEnvelope, JoinGameServerSessionBatchEnvelope,
    JoinGameServerSessionBatchRequest,
};
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/gse.yaml");
    let text = std::fs::read_to_string(path).expect("read spec/gse.yaml");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

fn operation(spec: &Value) -> &Value {
    &spec["paths"]["/JoinGameServerSessionBatch"]["post"]
}

#[test]
fn request_example_round_trips_through_the_generated_type() {
    let spec = spec();
    let example = &operation(&spec)["requestBody"]["content"]["application/json"]["example"];
    assert!(example.is_object(), "the spec has a request example");
    let request: JoinGameServerSessionBatchRequest =
        serde_json::from_value(example.clone()).expect("the example is a valid request");
    assert_eq!(request.player_ids, vec!["xx".to_owned()]);
    assert_eq!(
        request.player_data_map.as_ref().map(|m| m.key.as_str()),
        Some("xx")
    );
    let back = serde_json::to_value(&request).expect("serialize");
    assert_eq!(&back, example, "re-serialized request equals the example");
}

#[test]
fn response_example_deserializes_into_the_envelope() {
    let spec = spec();
    let example = &operation(&spec)["responses"]["200"]["content"]["application/json"]["example"];
    let envelope: JoinGameServerSessionBatchEnvelope =
        serde_json::from_value(example.clone()).expect("the example is a valid response");
    let response = envelope.response;
    assert_eq!(response.request_id, "0fffff4-oooo-43333d-9222-testaaa");
    assert!(response.error.is_none());
    let sessions = response.player_sessions.expect("the example has sessions");
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session.ip_address.as_deref(), Some("0000.0.0.0"));
    assert_eq!(session.port, Some(8000));
    assert_eq!(session.status.as_deref(), Some("COMPLETED"));
    assert_eq!(session.player_id.as_deref(), Some(""));
    assert_eq!(session.player_data.as_deref(), Some("TestPlayerData"));
    assert_eq!(
        session.player_session_id.as_deref(),
        Some("psess-d44990-test5")
    );
    assert_eq!(
        session.termination_time.as_deref(),
        Some("2019-12-06T11:33:18Z")
    );
}

#[test]
fn the_page_reading_answer_example_is_a_valid_answer() {
    let spec = spec();
    let op = &spec["paths"]["/DescribePlayerSessions"]["post"];
    let example = &op["responses"]["200"]["content"]["application/json"]["example"];
    let envelope: DescribePlayerSessionsEnvelope =
        serde_json::from_value(example.clone()).expect("the example is a valid answer");
    assert_eq!(
        envelope.response.next_token.as_deref(),
        Some("nextToken-4hpp445-niuu789")
    );
    assert_eq!(envelope.response.player_sessions.map(|s| s.len()), Some(1));
}

#[test]
fn lenient_response_fields_accept_null_and_absence() {
    let body =
        r#"{"Response":{"PlayerSessions":[{"PlayerId":null,"Port":null},{}],"RequestId":"r-1"}}"#;
    let envelope: JoinGameServerSessionBatchEnvelope =
        serde_json::from_str(body).expect("nulls and missing fields are accepted");
    let sessions = envelope.response.player_sessions.unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(sessions[0].player_id.is_none() && sessions[1].port.is_none());

    let null_list = r#"{"Response":{"PlayerSessions":null,"RequestId":"r-2"}}"#;
    let envelope: JoinGameServerSessionBatchEnvelope = serde_json::from_str(null_list).unwrap();
    assert!(envelope.response.player_sessions.is_none());
}

#[test]
fn error_envelope_deserializes_with_code_and_message() {
    let body =
        r#"{"Response":{"Error":{"Code":"InvalidParameter","Message":"bad"},"RequestId":"r-3"}}"#;
    let envelope: JoinGameServerSessionBatchEnvelope = serde_json::from_str(body).unwrap();
    let error = envelope.response.error.expect("error present");
    assert_eq!(error.code.as_deref(), Some("InvalidParameter"));
    assert_eq!(error.message.as_deref(), Some("bad"));
    assert_eq!(envelope.response.request_id, "r-3");
}
