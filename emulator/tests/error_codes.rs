//! Every error code of the emulator, through real HTTP on loopback, in the order it checks
//! (a valid join through gse-client, every field of the answer: `e2e/tests/join_answer.rs`).

mod common;

use common::*;
use gse_emulator::{EmulatorConfig, JoinPolicy, SessionSpec};
use serde_json::json;

#[tokio::test]
async fn authorization_failures() {
    let emulator = emulator_with_session(10).await;

    let mut missing = Raw::join(&emulator, &["p"]).build();
    missing.headers_mut().remove("authorization");
    let r = send(missing).await;
    assert_eq!(code(&r), "AuthFailure.InvalidAuthorization");
    assert!(message(&r).contains("missing"), "{r}");

    let mut malformed = Raw::join(&emulator, &["p"]).build();
    malformed
        .headers_mut()
        .insert("authorization", "Bearer abc".parse().unwrap());
    assert_eq!(
        code(&send(malformed).await),
        "AuthFailure.InvalidAuthorization"
    );

    let mut unknown = Raw::join(&emulator, &["p"]);
    unknown.secret_id = "AKIDNOBODY".into();
    let r = unknown.send().await;
    assert_eq!(code(&r), "AuthFailure.SecretIdNotFound");
    assert!(message(&r).contains("AKIDNOBODY"));

    let mut old = Raw::join(&emulator, &["p"]);
    old.timestamp = now() - 600;
    let r = old.send().await;
    assert_eq!(code(&r), "AuthFailure.SignatureExpire");
    assert!(message(&r).contains("at most 300 s"), "{r}");

    let mut wrong_key = Raw::join(&emulator, &["p"]);
    wrong_key.secret_key = "not-the-key".into();
    assert_eq!(
        code(&wrong_key.send().await),
        "AuthFailure.SignatureFailure"
    );

    // A body changed after signing.
    let mut tampered = Raw::join(&emulator, &["p"]).build();
    *tampered.body_mut() = Some(
        br#"{"GameServerSessionId":"gssess-test","PlayerIds":["q"]}"#
            .to_vec()
            .into(),
    );
    assert_eq!(code(&send(tampered).await), "AuthFailure.SignatureFailure");

    assert_eq!(
        emulator.stats().joined_players,
        0,
        "no failed request joined anyone"
    );
    assert_eq!(emulator.stats().errors.values().sum::<u64>(), 6);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_temporary_account_needs_its_token() {
    let mut config = EmulatorConfig::default().session(SessionSpec::new(SESSION, 10));
    config.accounts[0].token = Some("the-token".into());
    let emulator = config.start().await.unwrap();
    let r = Raw::join(&emulator, &["p"]).send().await;
    assert_eq!(code(&r), "AuthFailure.TokenFailure");
    let mut with_token = Raw::join(&emulator, &["p"]).build();
    with_token
        .headers_mut()
        .insert("x-tc-token", "the-token".parse().unwrap());
    assert_eq!(code(&send(with_token).await), "(no error)");
    emulator.shutdown().await;
}

#[tokio::test]
async fn action_version_and_region() {
    let emulator = emulator_with_session(10).await;
    let mut action = Raw::join(&emulator, &["p"]);
    action.action = "JoinGameServerSessionBatchh".into();
    assert_eq!(code(&action.send().await), "InvalidAction");
    let mut version = Raw::join(&emulator, &["p"]);
    version.version = "2017-03-12".into();
    let r = version.send().await;
    assert_eq!(code(&r), "NoSuchVersion");
    assert!(message(&r).contains("2019-11-12"));
    let mut region = Raw::join(&emulator, &["p"]);
    region.region = None;
    assert_eq!(code(&region.send().await), "MissingParameter");
    emulator.shutdown().await;
}

#[tokio::test]
async fn body_errors_name_the_field_the_limit_and_the_value() {
    let emulator = emulator_with_session(100).await;
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (b"{not json".to_vec(), "InvalidParameter", "not valid JSON"),
        (vec![0xff, 0xfe, b'{', b'}'], "InvalidParameter", "not valid UTF-8"),
        (b"[]".to_vec(), "InvalidParameter", "`the request body` must be an object"),
        (json!({"PlayerIds": ["p"]}).to_string().into_bytes(), "MissingParameter", "`GameServerSessionId`"),
        (json!({"GameServerSessionId": SESSION}).to_string().into_bytes(), "MissingParameter", "`PlayerIds`"),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": ["p"], "Extra": 1}).to_string().into_bytes(),
            "UnknownParameter",
            "`Extra`",
        ),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": "p"}).to_string().into_bytes(),
            "InvalidParameter",
            "`PlayerIds` must be an array, a string was given",
        ),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": (0..26).map(|i| format!("p{i}")).collect::<Vec<_>>()}).to_string().into_bytes(),
            "InvalidParameterValue",
            "`PlayerIds`: 26 items given, at most 25 allowed",
        ),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": []}).to_string().into_bytes(),
            "InvalidParameterValue",
            "`PlayerIds`: 0 items given, at least 1 required",
        ),
        (
            json!({"GameServerSessionId": "s".repeat(257), "PlayerIds": ["p"]}).to_string().into_bytes(),
            "InvalidParameterValue",
            "`GameServerSessionId`: 257 characters given",
        ),
        (
            json!({"GameServerSessionId": "sess-é", "PlayerIds": ["p"]}).to_string().into_bytes(),
            "InvalidParameterValue",
            "does not match the pattern",
        ),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": ["p"], "PlayerDataMap": {"Key": "k".repeat(1025), "Value": "v"}}).to_string().into_bytes(),
            "InvalidParameterValue",
            "`PlayerDataMap.Key`: 1025 characters given",
        ),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": ["p"], "PlayerDataMap": {"Key": "k"}}).to_string().into_bytes(),
            "MissingParameter",
            "`PlayerDataMap.Value`",
        ),
        (
            json!({"GameServerSessionId": SESSION, "PlayerIds": ["p", 7]}).to_string().into_bytes(),
            "InvalidParameter",
            "`PlayerIds[1]` must be a string",
        ),
    ];
    for (body, expected_code, expected_text) in cases {
        let r = Raw::with_body(&emulator, body).send().await;
        assert_eq!(code(&r), expected_code, "{r}");
        assert!(
            message(&r).contains(expected_text),
            "{expected_text:?} in {r}"
        );
    }
    assert_eq!(emulator.stats().joined_players, 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let mut config = EmulatorConfig::default().session(SessionSpec::new(SESSION, 10));
    config.max_body_bytes = 2048;
    let emulator = config.start().await.unwrap();
    let big = json!({"GameServerSessionId": SESSION, "PlayerIds": ["p"], "PlayerDataMap": {"Key": "k", "Value": "v".repeat(2000)}});
    let r = Raw::with_body(&emulator, big.to_string().into_bytes())
        .send()
        .await;
    assert_eq!(code(&r), "RequestSizeLimitExceeded");
    assert!(message(&r).contains("2048 bytes"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn session_state_errors() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new(SESSION, 3))
        .session(SessionSpec {
            join_policy: JoinPolicy::Deny,
            ..SessionSpec::new("gssess-closed", 10)
        })
        .session(SessionSpec {
            status: "TERMINATED".into(),
            ..SessionSpec::new("gssess-over", 10)
        })
        .start()
        .await
        .unwrap();
    let mut unknown = Raw::join(&emulator, &["p"]);
    unknown.body = json!({"GameServerSessionId": "gssess-nowhere", "PlayerIds": ["p"]})
        .to_string()
        .into_bytes();
    assert_eq!(code(&unknown.send().await), "ResourceNotFound");
    for closed in ["gssess-closed", "gssess-over"] {
        let mut r = Raw::join(&emulator, &["p"]);
        r.body = json!({"GameServerSessionId": closed, "PlayerIds": ["p"]})
            .to_string()
            .into_bytes();
        assert_eq!(code(&r.send().await), "ResourceUnavailable", "{closed}");
    }
    let r = Raw::join(&emulator, &["a", "a"]).send().await;
    assert_eq!(code(&r), "InvalidParameterValue");
    assert!(message(&r).contains("\"a\" is given twice"));
    assert_eq!(
        code(&Raw::join(&emulator, &["a", "b"]).send().await),
        "(no error)"
    );
    let r = Raw::join(&emulator, &["c", "b"]).send().await;
    assert_eq!(code(&r), "InvalidParameterValue");
    assert!(message(&r).contains("\"b\" is already in"), "{r}");
    let r = Raw::join(&emulator, &["c", "d"]).send().await;
    assert_eq!(code(&r), "ResourceInsufficient");
    assert!(
        message(&r).contains("1 free player slots, 2 players were given"),
        "{r}"
    );
    assert_eq!(
        emulator.players(),
        vec![
            (SESSION.to_owned(), "a".to_owned()),
            (SESSION.to_owned(), "b".to_owned())
        ],
        "failed joins left nothing behind"
    );
    emulator.shutdown().await;
}
