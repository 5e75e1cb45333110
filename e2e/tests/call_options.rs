//! Settings of one call: a header added to one call reaches the wire and is signed, the
//! emulator checks that signature, and every request says who calls (`X-TC-RequestClient`,
//! `User-Agent`), as the builder can override.

use gse_client::{CallOptions, Client, FixedClock, RetryPolicy};
use std::time::Duration;
use tc3_runtime::signing;
use test_support::StubServer;

const KEY: &str = "test-secret-key";
const NOW: u64 = 1_700_000_000;
const OK_BODY: &str = r#"{"Response":{"PlayerSessions":[{"PlayerId":"p1","Status":"RESERVED"}],"RequestId":"req-1"}}"#;

fn client_for(stub: &StubServer) -> Client {
    gse_e2e::builder(stub.url(), "AKIDTEST", KEY)
        .clock(FixedClock::at_unix(NOW))
        .build()
        .expect("a valid configuration")
}

#[tokio::test]
async fn a_per_call_header_reaches_the_wire_signed_and_every_request_names_the_client() {
    let stub = StubServer::start(OK_BODY).await;
    let client = client_for(&stub);
    let join = || {
        client
            .join_game_server_session_batch()
            .game_server_session_id("gssess-1")
            .player_ids(vec!["p1".to_owned()])
    };
    join()
        .call_options(CallOptions::new().header("X-TC-TraceId", "trace-42"))
        .send()
        .await
        .unwrap();
    join().send().await.unwrap();
    let sent = stub.requests();
    assert_eq!(sent.len(), 2);
    let traced = &sent[0];
    assert_eq!(traced.header("x-tc-traceid"), Some("trace-42"));
    let authorization = traced.header("authorization").unwrap();
    assert!(
        authorization.contains("SignedHeaders=content-type;host;x-tc-traceid,"),
        "{authorization}"
    );
    // The signature, computed again from what reached the wire, step by step.
    let host = traced.header("host").unwrap();
    let (canonical, _) = signing::canonical_request_signing(
        &[
            ("content-type", traced.header("content-type").unwrap()),
            ("host", host),
            ("x-tc-traceid", "trace-42"),
        ],
        &signing::hashed_payload(&traced.body),
    );
    let date = signing::utc_date(NOW as i64).unwrap();
    let scope = signing::credential_scope(&date, "gse");
    let expected = signing::signature(
        &signing::signing_key(KEY, &date, "gse"),
        &signing::string_to_sign(NOW as i64, &scope, &canonical),
    );
    assert!(
        authorization.ends_with(&format!("Signature={expected}")),
        "{authorization}"
    );
    // The call without the option sends no trace header and signs the usual two.
    assert!(sent[1].header("x-tc-traceid").is_none());
    assert!(sent[1]
        .header("authorization")
        .unwrap()
        .contains("SignedHeaders=content-type;host,"));
    for request in &sent {
        let client_id = request.header("x-tc-requestclient").unwrap();
        assert!(client_id.starts_with("gse-client/"), "{client_id}");
        let agent = request.header("user-agent").unwrap();
        assert!(
            agent.starts_with(client_id) && agent.contains(" tc3-runtime/"),
            "{agent}"
        );
    }
    stub.stop().await;
}

#[tokio::test]
async fn the_builder_overrides_the_client_identification() {
    let stub = StubServer::start(OK_BODY).await;
    let client = gse_e2e::builder(stub.url(), "AKIDTEST", KEY)
        .request_client("matchmaker/7")
        .user_agent("matchmaker/7 (eu-west)")
        .build()
        .unwrap();
    client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-1")
        .player_ids(vec!["p1".to_owned()])
        .send()
        .await
        .unwrap();
    let sent = stub.requests();
    assert_eq!(sent[0].header("x-tc-requestclient"), Some("matchmaker/7"));
    assert_eq!(sent[0].header("user-agent"), Some("matchmaker/7 (eu-west)"));
    let refused = gse_e2e::builder(stub.url(), "AKIDTEST", KEY)
        .request_client("line\nbreak")
        .build()
        .unwrap_err();
    assert!(
        refused.to_string().contains("X-TC-RequestClient"),
        "{refused}"
    );
    stub.stop().await;
}

#[tokio::test]
async fn a_header_the_client_sets_itself_is_refused_before_anything_is_sent() {
    let stub = StubServer::start(OK_BODY).await;
    let client = client_for(&stub);
    let error = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-1")
        .player_ids(vec!["p1".to_owned()])
        .call_options(CallOptions::new().header("X-TC-Action", "Other"))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("\"X-TC-Action\"")
            && error.to_string().contains("set by the client"),
        "{error}"
    );
    assert!(stub.requests().is_empty(), "nothing sent");
    stub.stop().await;
}

#[tokio::test]
async fn the_emulator_checks_a_signature_over_an_extra_header_and_per_call_settings_apply() {
    let emulator = gse_emulator::EmulatorConfig::default()
        .session(gse_emulator::SessionSpec::new("gssess-traced", 10))
        .start()
        .await
        .unwrap();
    let client = gse_e2e::demo_client(&emulator);
    let answer = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-traced")
        .player_ids(vec!["traced-1".to_owned()])
        .call_options(
            CallOptions::new()
                .header("X-TC-TraceId", "trace-emulator")
                .attempt_timeout(Duration::from_secs(5))
                .retry_policy(RetryPolicy::never()),
        )
        .send()
        .await
        .expect("the emulator accepts a signature over content-type, host and x-tc-traceid");
    assert_eq!(answer.player_sessions.map(|s| s.len()), Some(1));
    emulator.shutdown().await;
}

/// What each attempt did: attempt, status, code, request id, success.
type Reports =
    std::sync::Arc<std::sync::Mutex<Vec<(u32, Option<u16>, Option<String>, Option<String>, bool)>>>;

/// Adds a trace header to every attempt and records what each attempt did.
#[derive(Debug, Default)]
struct Recorder {
    reports: Reports,
}

impl tc3_runtime::interceptor::Interceptor for Recorder {
    fn before_signing(&self, request: &mut tc3_runtime::interceptor::BeforeSigning<'_>) {
        request.header("X-TC-TraceId", &format!("attempt-{}", request.attempt));
    }

    fn after_attempt(&self, report: &tc3_runtime::interceptor::AttemptReport<'_>) {
        self.reports.lock().unwrap().push((
            report.attempt,
            report.status,
            report.error_code.map(str::to_owned),
            report.request_id.map(str::to_owned),
            report.ok,
        ));
    }
}

#[tokio::test]
async fn interceptors_add_signed_headers_and_see_every_attempt() {
    let throttled = r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"req-slow"}}"#;
    let stub = StubServer::start_with(move |request| {
        if request.header("x-tc-traceid") == Some("attempt-1") {
            test_support::Reply::json(throttled)
        } else {
            test_support::Reply::json(OK_BODY)
        }
    })
    .await;
    let reports = Reports::default();
    let client = gse_e2e::builder(stub.url(), "AKIDTEST", KEY)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .interceptor(Recorder {
            reports: reports.clone(),
        })
        .build()
        .unwrap();
    client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-1")
        .player_ids(vec!["p1".to_owned()])
        .send()
        .await
        .expect("the second attempt succeeds");
    let sent = stub.requests();
    assert_eq!(sent.len(), 2);
    for (i, request) in sent.iter().enumerate() {
        assert_eq!(
            request.header("x-tc-traceid"),
            Some(format!("attempt-{}", i + 1).as_str())
        );
        assert!(request
            .header("authorization")
            .unwrap()
            .contains("SignedHeaders=content-type;host;x-tc-traceid,"));
    }
    let reports = reports.lock().unwrap().clone();
    assert_eq!(
        reports,
        [
            (
                1,
                Some(200),
                Some("RequestLimitExceeded".to_owned()),
                Some("req-slow".to_owned()),
                false
            ),
            (2, Some(200), None, Some("req-1".to_owned()), true),
        ]
    );
    stub.stop().await;
}
