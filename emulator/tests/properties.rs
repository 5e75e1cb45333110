//! Property tests of the emulator's parsers: any Authorization header and any JSON body give
//! an answer with a documented code, never a panic; bodies within the spec's limits pass.

use gse_emulator::auth::parse_authorization;
use gse_emulator::{validate, SpecRules};
use proptest::prelude::*;
use serde_json::{json, Value};

const BODY_CODES: &[&str] = &[
    "InvalidParameter",
    "MissingParameter",
    "UnknownParameter",
    "InvalidParameterValue",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 8, |inner| {
        let keys = prop_oneof![
            Just("GameServerSessionId".to_owned()),
            Just("PlayerIds".to_owned()),
            Just("PlayerDataMap".to_owned()),
            Just("Key".to_owned()),
            Just("Value".to_owned()),
            "[A-Za-z]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..30).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_authorization_header_parses_or_is_refused(header in ".{0,300}") {
        if let Ok(parsed) = parse_authorization(&header) {
            prop_assert!(header.starts_with("TC3-HMAC-SHA256 "));
            prop_assert_eq!(parsed.signature.len(), 64);
            prop_assert!(!parsed.secret_id.is_empty());
        }
    }

    #[test]
    fn shaped_authorization_headers_never_panic(
        id in "[A-Za-z0-9/]{0,20}",
        scope in "[0-9a-z/_-]{0,40}",
        headers in "[a-z;-]{0,30}",
        signature in "[0-9a-fA-Fz]{0,70}",
        separator in prop_oneof![Just(", "), Just(","), Just(" , "), Just(",,")],
    ) {
        let header = format!("TC3-HMAC-SHA256 Credential={id}/{scope}{separator}SignedHeaders={headers}{separator}Signature={signature}");
        let _ = parse_authorization(&header);
    }

    #[test]
    fn any_json_body_is_accepted_or_refused_with_a_body_code(body in json_value()) {
        let rules = SpecRules::embedded();
        let schema = &rules.actions["JoinGameServerSessionBatch"].request_schema;
        if let Err(e) = validate::check(&rules, schema, &body) {
            prop_assert!(BODY_CODES.contains(&e.code), "{}", e.code);
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn bodies_within_the_limits_pass(
        session in "[ -~]{1,256}",
        // Player ids are 1 to 1024 ASCII characters (the read-back's filter).
        players in proptest::collection::vec("[\\x00-\\x7F]{1,30}", 1..=25),
        // The spec wants ASCII keys and values (`pattern: "^[\\x00-\\x7F]*$"`).
        data in proptest::option::of(("[a-z]{1,1024}", "[\\x00-\\x7F]{1,200}")),
    ) {
        let rules = SpecRules::embedded();
        let schema = &rules.actions["JoinGameServerSessionBatch"].request_schema;
        let mut body = json!({"GameServerSessionId": session, "PlayerIds": players});
        if let Some((key, value)) = data {
            body["PlayerDataMap"] = json!({"Key": key, "Value": value});
        }
        prop_assert!(validate::check(&rules, schema, &body).is_ok());
    }
}
