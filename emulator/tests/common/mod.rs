//! Helpers shared by the emulator's tests: a started emulator, and raw requests signed by
//! hand so that each can be broken in one way. No generated client here: the tests that run
//! gse-client against the emulator are in `e2e/`.
#![allow(dead_code)]

use gse_emulator::{EmulatorConfig, RunningEmulator, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};
use tc3_runtime::credentials::Credentials;
use tc3_runtime::signing::{self, RequestContext, Signer};

pub(crate) const SESSION: &str = "gssess-test";

/// A value of the spec the emulator embeds (`spec/gse.yaml`), by JSON pointer, read here on
/// its own rather than through the emulator's `SpecRules`.
pub(crate) fn spec(pointer: &str) -> Value {
    let spec: Value = serde_yaml::from_str(gse_emulator::spec_rules::EMBEDDED_SPEC).unwrap();
    spec.pointer(pointer)
        .unwrap_or_else(|| panic!("the spec has {pointer}"))
        .clone()
}

/// The API version of the spec (`x-tc-version`).
pub(crate) fn version() -> String {
    spec("/x-tc-version").as_str().unwrap().to_owned()
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An emulator with the demo account and one session of `capacity`.
pub(crate) async fn emulator_with_session(capacity: usize) -> RunningEmulator {
    EmulatorConfig::default()
        .session(gse_emulator::SessionSpec::new(SESSION, capacity))
        .start()
        .await
        .expect("the emulator starts")
}

/// A request as a client would send it, before signing, so a test can change any part.
pub(crate) struct Raw {
    pub url: String,
    pub body: Vec<u8>,
    pub action: String,
    pub version: String,
    pub region: Option<String>,
    pub content_type: String,
    pub secret_id: String,
    pub secret_key: String,
    pub timestamp: i64,
}

impl Raw {
    /// A valid join of `players` to [`SESSION`] by the demo account, signed now.
    pub(crate) fn join(emulator: &RunningEmulator, players: &[&str]) -> Self {
        let body = serde_json::json!({"GameServerSessionId": SESSION, "PlayerIds": players});
        Self::with_body(emulator, body.to_string().into_bytes())
    }

    /// A valid request carrying `body`.
    pub(crate) fn with_body(emulator: &RunningEmulator, body: Vec<u8>) -> Self {
        Self {
            url: format!("{}/", emulator.url()),
            body,
            action: "JoinGameServerSessionBatch".into(),
            version: version(),
            region: Some("ap-shanghai".into()),
            content_type: "application/json".into(),
            secret_id: DEMO_SECRET_ID.into(),
            secret_key: DEMO_SECRET_KEY.into(),
            timestamp: now(),
        }
    }

    /// The signed request.
    pub(crate) fn build(&self) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            reqwest::Url::parse(&self.url).unwrap(),
        );
        *request.body_mut() = Some(self.body.clone().into());
        let headers = request.headers_mut();
        headers.insert("content-type", self.content_type.parse().unwrap());
        headers.insert("x-tc-action", self.action.parse().unwrap());
        headers.insert("x-tc-version", self.version.parse().unwrap());
        let credentials = Credentials::new(&self.secret_id, &self.secret_key).unwrap();
        let context = RequestContext {
            region: self.region.as_deref(),
            language: None,
        };
        signing::sign_request(
            &mut request,
            &Signer::new(spec("/x-tc-service").as_str().unwrap()),
            &credentials,
            self.timestamp,
            context,
        )
        .unwrap();
        request
    }

    /// Sends it; returns the `Response` object of the answer.
    pub(crate) async fn send(&self) -> Value {
        send(self.build()).await
    }
}

/// Sends a request; returns the `Response` object of the answer (HTTP 200 expected).
pub(crate) async fn send(request: reqwest::Request) -> Value {
    let http = test_support::http();
    let answer = http.execute(request).await.expect("the emulator answers");
    assert_eq!(answer.status(), 200, "the service answers HTTP 200");
    assert!(answer.headers().contains_key("date"), "with a Date header");
    let body: Value = answer.json().await.expect("a JSON envelope");
    let response = body["Response"].clone();
    assert!(
        response["RequestId"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "a RequestId: {body}"
    );
    response
}

/// The error code of an answer.
pub(crate) fn code(response: &Value) -> &str {
    response["Error"]["Code"].as_str().unwrap_or("(no error)")
}

/// The error message of an answer.
pub(crate) fn message(response: &Value) -> &str {
    response["Error"]["Message"].as_str().unwrap_or_default()
}

/// The emulator binary (`gse-emulator --listen 127.0.0.1:0 ARGS...`), killed when dropped.
pub(crate) fn binary(args: &[&str]) -> test_support::EmulatorBinary {
    test_support::EmulatorBinary::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_gse-emulator")),
        args,
    )
}
