//! The official SDKs as clients of the emulator (in-process, on `127.0.0.1:PORT`): the Python
//! SDK 3.0.1416 (`target/py`, `cargo xtask python-env`) and the Node.js SDK
//! tencentcloud-sdk-nodejs-common 4.1.220 (`target/node`, `cargo xtask node-env`); `cargo xtask
//! ci` installs both first. Each SDK runs in its default configuration and in each variation
//! (GET, HmacSHA256, HmacSHA1, temporary credentials, en-US, zh-CN, ...), and each time makes
//! the same calls: a join with every field, then the main errors. The client scripts are in
//! `tests/interop/`; the endpoint always carries the port (`127.0.0.1:PORT`, or
//! `localhost:PORT`).

use gse_emulator::{Account, EmulatorConfig, RunningEmulator, SessionSpec};
use serde_json::{json, Value};
use std::process::Command;

const ID: &str = "AKIDINTEROP000000000000000000001";
const KEY: &str = "interop-secret-key";
const TEMP_ID: &str = "AKIDINTEROPTEMPORARY00000000001";
const TOKEN: &str = "interop-session-token";
const SESSION: &str = "gssess-sdk";
const FULL: &str = "gssess-sdk-full";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sdk {
    Python,
    Node,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Lang {
    Chinese,
    English,
}

async fn emulator() -> RunningEmulator {
    let mut config = EmulatorConfig::default()
        .account(ID, KEY)
        .session(SessionSpec::new(SESSION, 50))
        .session(SessionSpec::new(FULL, 1));
    config.accounts.push(Account {
        secret_id: TEMP_ID.into(),
        secret_key: KEY.into(),
        token: Some(TOKEN.into()),
    });
    config.start().await.expect("the emulator starts")
}

/// The calls each variation makes: (label, option overrides, the error code wanted or None
/// for success).
fn calls(prefix: &str) -> Vec<(&'static str, Value, Option<&'static str>)> {
    let players = |n: usize| -> Vec<String> { (0..n).map(|i| format!("{prefix}-{i}")).collect() };
    let join =
        |session: &str, ids: Vec<String>| json!({"GameServerSessionId": session, "PlayerIds": ids});
    vec![
        (
            "success",
            json!({"params": {"GameServerSessionId": SESSION, "PlayerIds": players(2),
                              "PlayerDataMap": {"Key": "team", "Value": "blue"}}}),
            None,
        ),
        (
            "wrong_signature",
            json!({"secret-key": format!("{KEY}-wrong"), "params": join(SESSION, players(1))}),
            Some("AuthFailure.SignatureFailure"),
        ),
        (
            "unknown_secret_id",
            json!({"secret-id": "AKIDINTEROPNOBODY", "token": "", "params": join(SESSION, players(1))}),
            Some("AuthFailure.SecretIdNotFound"),
        ),
        (
            "expired_timestamp",
            json!({"skew": "-600", "params": join(SESSION, players(1))}),
            Some("AuthFailure.SignatureExpire"),
        ),
        (
            "broken_limit",
            json!({"params": join(SESSION, players(26))}),
            Some("InvalidParameterValue"),
        ),
        (
            "unknown_session",
            json!({"params": join("gssess-sdk-nowhere", players(1))}),
            Some("ResourceNotFound"),
        ),
        (
            "capacity",
            json!({"params": join(FULL, players(2))}),
            Some("ResourceInsufficient"),
        ),
    ]
}

/// The Chinese text each error's message starts with in zh-CN, and a part of its English one.
fn expected_message(code: &str) -> (&'static str, &'static str) {
    match code {
        "AuthFailure.SignatureFailure" => ("请求签名验证失败", "the signature does not match"),
        "AuthFailure.SecretIdNotFound" => ("密钥不存在", "does not exist"),
        "AuthFailure.SignatureExpire" => ("签名过期", "at most 300 s are allowed"),
        "InvalidParameterValue" => ("参数取值错误", "26 items given, at most 25 allowed"),
        "ResourceNotFound" => ("资源不存在", "gssess-sdk-nowhere"),
        "ResourceInsufficient" => ("资源不足", FULL),
        other => panic!("no expected message for {other}"),
    }
}

/// Runs the SDK's script with `options` and these calls; returns one JSON object per call.
fn run_sdk(sdk: Sdk, options: &[(String, String)], calls: &Value) -> Vec<Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");
    let mut command = match sdk {
        Sdk::Python => {
            let mut c = Command::new(test_support::python_with_sdk());
            c.arg(format!("{dir}/py_client.py"));
            c
        }
        Sdk::Node => {
            let (node, sdk_dir) = test_support::node_with_sdk();
            let mut c = Command::new(node);
            c.arg(format!("{dir}/node_client.js"))
                .env("NODE_SDK_DIR", sdk_dir);
            c
        }
    };
    // The Node.js SDK sends every request through http_proxy, loopback included.
    for proxy in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(proxy);
    }
    for (name, value) in options {
        command.arg(format!("--{name}={value}"));
    }
    command.arg(format!("--calls={calls}"));
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run the {sdk:?} SDK's script: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the {sdk:?} SDK's script failed ({}): {}\n{stdout}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// One SDK in one variation: every call, each checked.
async fn variation(sdk: Sdk, name: &str, options: &[(&str, &str)], language: Lang) {
    let installed = match sdk {
        Sdk::Python => test_support::python_sdk().is_some(),
        Sdk::Node => test_support::node_sdk().is_some(),
    };
    if !installed {
        return;
    }
    let emulator = emulator().await;
    let port = emulator.addr().port();
    let temporary = options.iter().any(|(k, _)| *k == "token");
    let mut all: Vec<(String, String)> = vec![
        ("endpoint".into(), format!("127.0.0.1:{port}")),
        (
            "secret-id".into(),
            (if temporary { TEMP_ID } else { ID }).into(),
        ),
        ("secret-key".into(), KEY.into()),
    ];
    for (k, v) in options {
        all.retain(|(name, _)| name != k);
        let v = v.replace("{PORT}", &port.to_string());
        all.push((k.to_string(), v));
    }
    let prefix = format!("{}-{name}", if sdk == Sdk::Python { "py" } else { "node" });
    let calls = calls(&prefix);
    let list: Vec<Value> = calls
        .iter()
        .map(|(label, overrides, _)| {
            let mut o = overrides.clone();
            o["label"] = json!(label);
            o
        })
        .collect();
    let results = tokio::task::spawn_blocking({
        let list = Value::Array(list);
        move || run_sdk(sdk, &all, &list)
    })
    .await
    .unwrap();
    assert_eq!(results.len(), calls.len(), "one line per call: {results:?}");

    for ((label, _, wanted), result) in calls.iter().zip(&results) {
        let context = format!("{sdk:?} {name} {label}: {result}");
        assert_eq!(result["label"], *label, "{context}");
        match wanted {
            None => {
                assert_eq!(result["ok"], true, "{context}");
                let answer = &result["result"];
                let sessions = answer["PlayerSessions"].as_array().expect(&context);
                assert_eq!(sessions.len(), 2, "{context}");
                for (i, s) in sessions.iter().enumerate() {
                    assert_eq!(s["PlayerId"], format!("{prefix}-{i}"), "{context}");
                    assert_eq!(s["GameServerSessionId"], SESSION, "{context}");
                    assert_eq!(s["Status"], "RESERVED", "{context}");
                    assert_eq!(s["PlayerData"], "blue", "{context}");
                    for field in [
                        "CreationTime",
                        "DnsName",
                        "FleetId",
                        "IpAddress",
                        "PlayerSessionId",
                        "Port",
                    ] {
                        assert!(!s[field].is_null(), "{field}: {context}");
                    }
                }
                assert!(
                    answer["RequestId"].as_str().is_some_and(|r| !r.is_empty()),
                    "{context}"
                );
            }
            Some(code) => {
                assert_eq!(result["ok"], false, "{context}");
                let error = &result["error"];
                assert_eq!(error["code"], *code, "{context}");
                assert!(
                    error["requestId"].as_str().is_some_and(|r| !r.is_empty()),
                    "a RequestId: {context}"
                );
                let message = error["message"].as_str().unwrap_or_default();
                let (chinese, english) = expected_message(code);
                match language {
                    Lang::Chinese => assert!(
                        message.starts_with(chinese) && message.contains(english),
                        "zh-CN: {context}"
                    ),
                    Lang::English => assert!(
                        !message.contains(chinese) && message.contains(english),
                        "en-US: {context}"
                    ),
                }
            }
        }
    }
    let joined: Vec<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        joined,
        [format!("{prefix}-0"), format!("{prefix}-1")],
        "only the success joined anyone"
    );
    emulator.shutdown().await;
}

macro_rules! matrix {
    ($($test:ident: $sdk:expr, $options:expr, $lang:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            variation($sdk, stringify!($test), $options, $lang).await;
        }
    )*};
}

matrix! {
    // Python: GseClient, POST, TC3, `X-TC-Language: zh-CN` by default.
    python_default: Sdk::Python, &[], Lang::Chinese;
    python_get: Sdk::Python, &[("method", "GET")], Lang::Chinese;
    python_hmac_sha256: Sdk::Python, &[("sign-method", "HmacSHA256")], Lang::Chinese;
    python_hmac_sha1: Sdk::Python, &[("sign-method", "HmacSHA1")], Lang::Chinese;
    python_hmac_sha1_get: Sdk::Python, &[("sign-method", "HmacSHA1"), ("method", "GET")], Lang::Chinese;
    python_localhost_endpoint: Sdk::Python, &[("endpoint", "localhost:{PORT}")], Lang::Chinese;
    python_token: Sdk::Python, &[("token", TOKEN)], Lang::Chinese;
    python_token_hmac_sha256: Sdk::Python, &[("token", TOKEN), ("sign-method", "HmacSHA256")], Lang::Chinese;
    python_en_us: Sdk::Python, &[("language", "en-US")], Lang::English;
    python_zh_cn: Sdk::Python, &[("language", "zh-CN")], Lang::Chinese;
    python_common_client: Sdk::Python, &[("client", "common")], Lang::Chinese;
    python_unsigned_payload: Sdk::Python, &[("unsigned-payload", "1"), ("language", "en-US")], Lang::English;
    // Node.js: CommonClient, POST, TC3 (signed host without the port, scope service `127`), no language.
    node_default: Sdk::Node, &[], Lang::English;
    node_get: Sdk::Node, &[("method", "GET")], Lang::English;
    node_hmac_sha256: Sdk::Node, &[("sign-method", "HmacSHA256")], Lang::English;
    node_hmac_sha1: Sdk::Node, &[("sign-method", "HmacSHA1")], Lang::English;
    node_hmac_sha1_get: Sdk::Node, &[("sign-method", "HmacSHA1"), ("method", "GET")], Lang::English;
    node_localhost_endpoint: Sdk::Node, &[("endpoint", "localhost:{PORT}")], Lang::English;
    node_token: Sdk::Node, &[("token", TOKEN)], Lang::English;
    node_token_hmac_sha1: Sdk::Node, &[("token", TOKEN), ("sign-method", "HmacSHA1")], Lang::English;
    node_en_us: Sdk::Node, &[("language", "en-US")], Lang::English;
    node_zh_cn: Sdk::Node, &[("language", "zh-CN")], Lang::Chinese;
    node_typed_client: Sdk::Node, &[("client", "typed")], Lang::English;
}
