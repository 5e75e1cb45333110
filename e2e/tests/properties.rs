//! Property tests: any builder input validates or fails with an error naming the field (never
//! a panic), exactly as the spec's limits say; any bytes as an answer give a value or a typed
//! error (never a panic); any answer's results are matched to the request's players exactly.

use gse_client::types::{JoinGameServerSessionBatchResponse, PlayerDataMap};
use gse_client::{Client, Error};
use proptest::prelude::*;
use tc3_runtime::__private::read_answer;

fn client() -> Client {
    gse_e2e::builder("http://127.0.0.1:9", "AKIDPROP", "k")
        .build()
        .unwrap()
}

/// Strings of any length up to `max`, mixing ASCII and other characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(proptest::char::range(' ', '~'), 0..=max)
            .prop_map(|c| c.into_iter().collect()),
        proptest::collection::vec(any::<char>(), 0..=max).prop_map(|c| c.into_iter().collect()),
    ]
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_builder_input_validates_exactly_as_the_spec_says(
        session in text(300),
        players in proptest::collection::vec(text(12), 0..40),
        data in proptest::option::of((text(1100), text(2100))),
    ) {
        let client = client();
        let mut request = client
            .join_game_server_session_batch()
            .game_server_session_id(session.clone())
            .player_ids(players.clone());
        if let Some((key, value)) = &data {
            request = request.player_data_map(PlayerDataMap::builder().key(key.clone()).value(value.clone()));
        }
        let session_ok = (1..=256).contains(&chars(&session)) && session.is_ascii();
        let players_ok = (1..=25).contains(&players.len())
            && players.iter().all(|p| (1..=1024).contains(&chars(p)) && p.is_ascii());
        let data_ok = data.as_ref().is_none_or(|(k, v)| {
            (1..=1024).contains(&chars(k)) && (1..=2048).contains(&chars(v)) && k.is_ascii() && v.is_ascii()
        });
        match request.validate() {
            Ok(body) => {
                prop_assert!(session_ok && players_ok && data_ok);
                prop_assert_eq!(body.player_ids, players);
            }
            Err(Error::InvalidRequest { message, .. }) => {
                prop_assert!(!(session_ok && players_ok && data_ok), "refused a valid request: {}", message);
                let named = ["GameServerSessionId", "PlayerIds", "PlayerDataMap.Key", "PlayerDataMap.Value"]
                    .iter()
                    .any(|field| message.starts_with(field));
                prop_assert!(named, "the message names the field: {}", message);
            }
            Err(other) => prop_assert!(false, "not an invalid-request error: {}", other),
        }
    }

    #[test]
    fn any_bytes_as_an_answer_give_a_value_or_a_typed_error(
        status in prop_oneof![Just(200u16), 100u16..600],
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        match read_answer::<JoinGameServerSessionBatchResponse, gse_client::ErrorCode>(status, &body) {
            Ok((_, request_id)) => prop_assert_eq!(status, 200, "{}", request_id),
            Err(Error::HttpStatus { status: s, .. }) => prop_assert_eq!(s, status),
            Err(Error::MalformedResponse { .. } | Error::Api { .. }) => prop_assert_eq!(status, 200),
            Err(other) => prop_assert!(false, "unexpected kind: {}", other),
        }
    }

    #[test]
    fn any_json_inside_the_envelope_gives_a_value_or_a_typed_error(
        inner in json_value(),
        status in prop_oneof![Just(200u16), Just(500u16)],
    ) {
        let body = serde_json::json!({"Response": inner}).to_string();
        let result = read_answer::<JoinGameServerSessionBatchResponse, gse_client::ErrorCode>(status, body.as_bytes());
        if let Err(e) = &result {
            prop_assert!(!e.to_string().is_empty());
        }
        if inner.get("Error").is_some_and(|e| e.is_object()) && status == 200 {
            // An Error beside results contradicts itself: unknown, not a refusal.
            let beside_results = inner.as_object().is_some_and(|fields| {
                fields.iter().any(|(k, v)| {
                    k != "Error"
                        && k != "RequestId"
                        && !(v.is_null()
                            || v.as_array().is_some_and(Vec::is_empty)
                            || v.as_object().is_some_and(serde_json::Map::is_empty))
                })
            });
            if beside_results {
                prop_assert!(
                    matches!(&result, Err(e @ Error::MalformedResponse { .. }) if e.may_have_taken_effect()),
                    "an Error beside results is unknown"
                );
            } else {
                prop_assert!(matches!(result, Err(Error::Api { .. })), "an Error object is an API error");
            }
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let keys = prop_oneof![
            Just("Error".to_owned()),
            Just("Code".to_owned()),
            Just("Message".to_owned()),
            Just("RequestId".to_owned()),
            Just("PlayerSessions".to_owned()),
            Just("PlayerId".to_owned()),
            Just("Port".to_owned()),
            "[A-Za-z]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A result key as an answer may carry it: absent, blank, one of the request's items, or not.
fn answer_key(items: usize) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("  ".to_owned())),
        (0..items.max(1)).prop_map(|i| Some(format!("player-{i}"))),
        "[a-z]{1,6}".prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_answer_is_matched_to_the_request_exactly(
        (items, keys) in (1usize..=25).prop_flat_map(|n| (
            Just((0..n).map(|i| format!("player-{i}")).collect::<Vec<_>>()),
            proptest::collection::vec(answer_key(n), 0..60),
        ))
    ) {
        let matched = tc3_runtime::__private::match_results(items.clone(), keys.clone(), |k| k.clone());
        let matched = test_support::BatchMatching {
            succeeded: matched.succeeded,
            results: matched.results,
            missing: matched.missing,
            unmatched: matched.unmatched,
        };
        if let Err(broken) = test_support::batch_matching_holds(&items, &keys, &matched) {
            return Err(TestCaseError::fail(format!("{broken}: items {items:?}, answer {keys:?}")));
        }
    }
}
