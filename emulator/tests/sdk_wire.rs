//! Requests written byte by byte as the official SDKs write them (docs/research/official-sdks.md),
//! sent over a raw TCP connection: TC3 over GET and form POST, the Node.js SDK's signed host and
//! scope, Go's header names, UNSIGNED-PAYLOAD, HmacSHA1/HmacSHA256, tokens and languages.

mod common;

use common::{now, SESSION};
use gse_emulator::legacy_sign::{self, Method};
use gse_emulator::{Account, EmulatorConfig, RunningEmulator, SessionSpec};
use serde_json::Value;
use tc3_runtime::signing;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ID: &str = "AKIDWIRE00000000000000000000001";
const KEY: &str = "wire-secret-key";
const TEMP_ID: &str = "AKIDWIRETEMPORARY0000000000001";
const TOKEN: &str = "wire-token";

async fn emulator() -> RunningEmulator {
    let mut config = EmulatorConfig::default()
        .account(ID, KEY)
        .session(SessionSpec::new(SESSION, 30));
    config.accounts.push(Account {
        secret_id: TEMP_ID.into(),
        secret_key: KEY.into(),
        token: Some(TOKEN.into()),
    });
    config.start().await.unwrap()
}

/// An answer: status, headers (lower-case names), the `Response` object.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    response: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    fn code(&self) -> &str {
        self.response["Error"]["Code"]
            .as_str()
            .unwrap_or("(no error)")
    }
    fn message(&self) -> &str {
        self.response["Error"]["Message"]
            .as_str()
            .unwrap_or_default()
    }
    fn players(&self) -> Vec<String> {
        self.response["PlayerSessions"]
            .as_array()
            .unwrap_or_else(|| panic!("no PlayerSessions: {}", self.response))
            .iter()
            .map(|s| s["PlayerId"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Sends `head` (request line and headers, `\r\n`-separated, without the blank line) and
/// `body` on a fresh connection; `Content-Length` and `Connection: close` are added.
async fn send(emulator: &RunningEmulator, head: &str, body: &str) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .unwrap();
    let request = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    let envelope: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    Answer {
        status,
        headers,
        response: envelope["Response"].clone(),
    }
}

/// How a TC3 request is made; each field can be changed.
struct Tc3 {
    method: &'static str,
    query: String,
    body: String,
    content_type: &'static str,
    /// The `Host` header sent.
    host: String,
    /// The host signed (Python/Go: the Host header; Node: without the port).
    signed_host: String,
    /// The scope's service (Python/Go `gse`, Node the endpoint's first label).
    service: String,
    secret_id: &'static str,
    key: &'static str,
    timestamp: i64,
    unsigned_payload: bool,
    /// Extra header lines, e.g. `X-TC-Language: zh-CN`.
    extra: Vec<String>,
    /// Header names as Go writes them (`X-Tc-Action`).
    go_names: bool,
}

impl Tc3 {
    fn python_post(emulator: &RunningEmulator, body: &str) -> Self {
        let host = emulator.addr().to_string();
        Self {
            method: "POST",
            query: String::new(),
            body: body.to_owned(),
            content_type: "application/json",
            signed_host: host.clone(),
            host,
            service: "gse".into(),
            secret_id: ID,
            key: KEY,
            timestamp: now(),
            unsigned_payload: false,
            extra: vec!["X-TC-Language: zh-CN".into()],
            go_names: false,
        }
    }

    fn get(emulator: &RunningEmulator, query: &str) -> Self {
        Self {
            method: "GET",
            query: query.to_owned(),
            body: String::new(),
            content_type: "application/x-www-form-urlencoded",
            ..Self::python_post(emulator, "")
        }
    }

    fn node(mut self) -> Self {
        self.signed_host = self.host.split(':').next().unwrap().to_owned();
        self.service = self.host.split('.').next().unwrap().to_owned();
        self.extra.clear();
        self
    }

    async fn send(&self, emulator: &RunningEmulator) -> Answer {
        let date = signing::utc_date(self.timestamp).unwrap();
        let payload = if self.unsigned_payload {
            signing::hashed_payload(b"UNSIGNED-PAYLOAD")
        } else {
            signing::hashed_payload(self.body.as_bytes())
        };
        let canonical = format!(
            "{}\n/\n{}\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{payload}",
            self.method, self.query, self.content_type, self.signed_host
        );
        let scope = signing::credential_scope(&date, &self.service);
        let signature = signing::signature(
            &signing::signing_key(self.key, &date, &self.service),
            &signing::string_to_sign(self.timestamp, &scope, &canonical),
        );
        let authorization = signing::authorization(self.secret_id, &scope, &signature);
        let name = |n: &str| {
            if self.go_names {
                n.replace("X-TC-", "X-Tc-")
                    .replace("RequestClient", "Requestclient")
            } else {
                n.to_owned()
            }
        };
        let target = if self.query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", self.query)
        };
        let mut head = vec![
            format!("{} {target} HTTP/1.1", self.method),
            format!("Host: {}", self.host),
            format!("{}: {}", name("X-TC-Action"), gse_emulator::JOIN_ACTION),
            format!("{}: 2019-11-12", name("X-TC-Version")),
            format!("{}: ap-guangzhou", name("X-TC-Region")),
            format!("{}: {}", name("X-TC-Timestamp"), self.timestamp),
            format!("{}: SDK_TEST_1.0", name("X-TC-RequestClient")),
            "X-TC-TraceId: 0ed6e97f-2b8a-4959-9c1d-ec6289dc91a4".into(),
            format!("Content-Type: {}", self.content_type),
            format!("Authorization: {authorization}"),
        ];
        if self.unsigned_payload {
            head.push(format!("{}: UNSIGNED-PAYLOAD", name("X-TC-Content-SHA256")));
        }
        if self.secret_id == TEMP_ID {
            head.push(format!("{}: {TOKEN}", name("X-TC-Token")));
        }
        head.extend(self.extra.iter().cloned());
        send(emulator, &head.join("\r\n"), &self.body).await
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn assert_json_content_type(answer: &Answer) {
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "exactly application/json: the Python SDK reads an error envelope only then"
    );
}

#[tokio::test]
async fn tc3_get_with_a_query_flattened_as_go_sorts_it() {
    let emulator = emulator().await;
    // Go sorts the keys as text: PlayerIds.0, .1, .10, .11, .2, ...
    let mut ids: Vec<String> = (0..12).map(|i| i.to_string()).collect();
    ids.sort();
    let mut query =
        format!("GameServerSessionId={SESSION}&PlayerDataMap.Key=k&PlayerDataMap.Value=v+v");
    for i in &ids {
        query.push_str(&format!("&PlayerIds.{i}=p{i}"));
    }
    let mut get = Tc3::get(&emulator, &query);
    get.go_names = true;
    let answer = get.send(&emulator).await;
    assert_json_content_type(&answer);
    let want: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
    assert_eq!(answer.players(), want, "{}", answer.response);
    assert_eq!(answer.response["PlayerSessions"][0]["PlayerData"], "v v");

    // The signature covers the query exactly as sent: the same pairs re-ordered are refused.
    let mut reordered = Tc3::get(
        &emulator,
        &format!("PlayerIds.0=q1&GameServerSessionId={SESSION}"),
    );
    let signed = reordered.send(&emulator).await;
    assert_eq!(signed.code(), "(no error)", "{}", signed.response);
    reordered.query = format!("GameServerSessionId={SESSION}&PlayerIds.0=q2");
    let answer = send_signed_for_another_query(
        &reordered,
        &format!("PlayerIds.0=q2&GameServerSessionId={SESSION}"),
        &emulator,
    )
    .await;
    assert_eq!(answer.code(), "AuthFailure.SignatureFailure");
    emulator.shutdown().await;
}

/// Signs `request` (with its query) but sends `sent_query`.
async fn send_signed_for_another_query(
    request: &Tc3,
    sent_query: &str,
    emulator: &RunningEmulator,
) -> Answer {
    let date = signing::utc_date(request.timestamp).unwrap();
    let canonical = format!(
        "GET\n/\n{}\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{}",
        request.query,
        request.content_type,
        request.signed_host,
        signing::hashed_payload(b"")
    );
    let scope = signing::credential_scope(&date, "gse");
    let signature = signing::signature(
        &signing::signing_key(KEY, &date, "gse"),
        &signing::string_to_sign(request.timestamp, &scope, &canonical),
    );
    let head = [
        format!("GET /?{sent_query} HTTP/1.1"),
        format!("Host: {}", request.host),
        format!("X-TC-Action: {}", gse_emulator::JOIN_ACTION),
        "X-TC-Version: 2019-11-12".into(),
        "X-TC-Region: ap-guangzhou".into(),
        format!("X-TC-Timestamp: {}", request.timestamp),
        format!("Content-Type: {}", request.content_type),
        format!(
            "Authorization: {}",
            signing::authorization(ID, &scope, &signature)
        ),
    ];
    send(emulator, &head.join("\r\n"), "").await
}

#[tokio::test]
async fn node_signs_the_host_without_its_port_and_the_endpoints_first_label() {
    let emulator = emulator().await;
    let body = format!(
        r#"{{"GameServerSessionId":"{SESSION}","PlayerIds":["n1"],"PlayerDataMap":{{"Key":"k","Value":"v"}}}}"#
    );
    let node = Tc3::python_post(&emulator, &body).node();
    assert_eq!(node.service, "127");
    let answer = node.send(&emulator).await;
    assert_eq!(answer.players(), ["n1"], "{}", answer.response);
    // Node over GET (its query encoding: %20 for a space).
    let get = Tc3::get(
        &emulator,
        &format!("GameServerSessionId={SESSION}&PlayerIds.0=n%202"),
    )
    .node();
    assert_eq!(get.send(&emulator).await.players(), ["n 2"]);
    // A scope service that is neither gse nor the Host's first label.
    let mut other = Tc3::python_post(&emulator, &body).node();
    other.service = "cvm".into();
    assert_eq!(
        other.send(&emulator).await.code(),
        "AuthFailure.SignatureFailure"
    );
    // Without the port but with the wrong key.
    let mut wrong = Tc3::python_post(&emulator, &body).node();
    wrong.key = "not-the-key";
    assert_eq!(
        wrong.send(&emulator).await.code(),
        "AuthFailure.SignatureFailure"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn tc3_form_post_unsigned_payload_token_and_headers_in_any_case() {
    let emulator = emulator().await;
    let body = form(&[
        ("GameServerSessionId", SESSION),
        ("PlayerIds.0", "f 1"),
        ("PlayerIds.1", "f+2"),
        ("PlayerDataMap.Key", "k"),
        ("PlayerDataMap.Value", "a&b=c ~*"),
    ]);
    let mut post = Tc3::python_post(&emulator, &body);
    post.content_type = "application/x-www-form-urlencoded";
    let answer = post.send(&emulator).await;
    assert_eq!(answer.players(), ["f 1", "f+2"], "{}", answer.response);
    assert_eq!(
        answer.response["PlayerSessions"][0]["PlayerData"],
        "a&b=c ~*"
    );

    let json = format!(r#"{{"GameServerSessionId": "{SESSION}", "PlayerIds": ["u1"]}}"#);
    let mut unsigned = Tc3::python_post(&emulator, &json);
    unsigned.unsigned_payload = true;
    unsigned.go_names = true;
    assert_eq!(unsigned.send(&emulator).await.players(), ["u1"]);

    let mut temporary = Tc3::python_post(&emulator, &json.replace("u1", "t1"));
    temporary.secret_id = TEMP_ID;
    assert_eq!(temporary.send(&emulator).await.players(), ["t1"]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_specs_checks_apply_to_flattened_parameters() {
    let emulator = emulator().await;
    let many: String = (0..26).map(|i| format!("&PlayerIds.{i}=m{i}")).collect();
    for (query, code, needle) in [
        (
            format!("GameServerSessionId={SESSION}{many}"),
            "InvalidParameterValue",
            "26 items given, at most 25 allowed",
        ),
        (
            "PlayerIds.0=a".to_owned(),
            "MissingParameter",
            "`GameServerSessionId`",
        ),
        (
            format!("GameServerSessionId={SESSION}&PlayerIds.0=a&Surprise=1"),
            "UnknownParameter",
            "`Surprise`",
        ),
        (
            format!("GameServerSessionId={SESSION}&PlayerIds=a"),
            "InvalidParameter",
            "must be an array",
        ),
        (
            format!("GameServerSessionId={SESSION}&PlayerIds.1=a"),
            "InvalidParameter",
            "has no item 0",
        ),
        (
            "GameServerSessionId=gssess-nowhere&PlayerIds.0=a".to_owned(),
            "ResourceNotFound",
            "gssess-nowhere",
        ),
    ] {
        let mut get = Tc3::get(&emulator, &query);
        get.extra = vec!["X-TC-Language: en-US".into()];
        let answer = get.send(&emulator).await;
        assert_json_content_type(&answer);
        assert_eq!(answer.code(), code, "{query}: {}", answer.response);
        assert!(
            answer.message().contains(needle),
            "{query}: {}",
            answer.message()
        );
    }
    assert!(emulator.players().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn languages() {
    let emulator = emulator().await;
    let body = r#"{"GameServerSessionId":"gssess-nowhere","PlayerIds":["a"]}"#;
    for (extra, starts) in [
        (Some("X-TC-Language: zh-CN"), "资源不存在（"),
        (Some("X-Tc-Language: zh-CN"), "资源不存在（"),
        (Some("X-TC-Language: en-US"), "the game server session"),
        (Some("X-TC-Language: "), "the game server session"),
        (None, "the game server session"),
    ] {
        let mut post = Tc3::python_post(&emulator, body);
        post.extra = extra.into_iter().map(String::from).collect();
        let answer = post.send(&emulator).await;
        assert_eq!(answer.code(), "ResourceNotFound");
        assert!(
            answer.message().starts_with(starts),
            "{extra:?}: {}",
            answer.message()
        );
    }
    // Signature errors too.
    let mut wrong = Tc3::python_post(&emulator, body);
    wrong.key = "not-the-key";
    let answer = wrong.send(&emulator).await;
    assert_eq!(answer.code(), "AuthFailure.SignatureFailure");
    assert!(
        answer.message().starts_with("请求签名验证失败"),
        "{}",
        answer.message()
    );
    // Neither zh-CN nor en-US.
    let mut french = Tc3::python_post(&emulator, body);
    french.extra = vec!["X-TC-Language: fr-FR".into()];
    assert_eq!(french.send(&emulator).await.code(), "InvalidParameterValue");
    emulator.shutdown().await;
}

/// A HmacSHA1/HmacSHA256 request as the SDKs make it: `params` then the common ones, signed.
struct V1 {
    method: &'static str,
    params: Vec<(String, String)>,
    sign_method: Method,
    secret_id: &'static str,
    key: &'static str,
    timestamp: i64,
    content_type: Option<&'static str>,
}

impl V1 {
    fn new(emulator: &RunningEmulator, method: &'static str, action: &[(&str, &str)]) -> Self {
        let _ = emulator;
        Self {
            method,
            params: action
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            sign_method: Method::HmacSha1,
            secret_id: ID,
            key: KEY,
            timestamp: now(),
            content_type: if method == "POST" {
                Some("application/x-www-form-urlencoded")
            } else {
                None
            },
        }
    }

    fn with(mut self, name: &str, value: &str) -> Self {
        self.params.retain(|(k, _)| k != name);
        self.params.push((name.into(), value.into()));
        self
    }

    fn without(mut self, name: &str) -> Self {
        self.params.retain(|(k, _)| k != name);
        self
    }

    fn common(mut self) -> Self {
        let method = match self.sign_method {
            Method::HmacSha1 => "HmacSHA1",
            Method::HmacSha256 => "HmacSHA256",
        };
        for (k, v) in [
            ("Action", gse_emulator::JOIN_ACTION.to_owned()),
            ("RequestClient", "SDK_TEST_1.0".into()),
            ("Nonce", "42515".into()),
            ("Timestamp", self.timestamp.to_string()),
            ("Version", "2019-11-12".into()),
            ("Region", "ap-guangzhou".into()),
            ("SecretId", self.secret_id.into()),
            ("SignatureMethod", method.into()),
        ] {
            self.params.push((k.into(), v));
        }
        if self.secret_id == TEMP_ID {
            self.params.push(("Token".into(), TOKEN.into()));
        }
        self
    }

    async fn send(mut self, emulator: &RunningEmulator) -> Answer {
        let host = emulator.addr().to_string();
        let text = legacy_sign::string_to_sign(self.method, &host, "/", &self.params);
        let signature = self.sign_method.sign(self.key, &text);
        self.params.push(("Signature".into(), signature));
        let encoded = form(
            &self
                .params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        );
        let (target, body) = if self.method == "GET" {
            (format!("/?{encoded}"), String::new())
        } else {
            ("/".to_owned(), encoded)
        };
        let mut head = vec![
            format!("{} {target} HTTP/1.1", self.method),
            format!("Host: {host}"),
        ];
        if let Some(ct) = self.content_type {
            head.push(format!("Content-Type: {ct}"));
        }
        send(emulator, &head.join("\r\n"), &body).await
    }
}

#[tokio::test]
async fn hmac_sha1_and_hmac_sha256_over_get_and_post() {
    let emulator = emulator().await;
    let action = |p: &'static str| {
        [
            ("GameServerSessionId", SESSION),
            ("PlayerIds.0", p),
            ("PlayerDataMap.Key", "k"),
            ("PlayerDataMap.Value", "v v"),
        ]
    };
    for (method, sign_method, secret_id, player, content_type) in [
        ("GET", Method::HmacSha1, ID, "v1-get-sha1", None),
        (
            "GET",
            Method::HmacSha256,
            ID,
            "v1-get-sha256",
            Some("application/x-www-form-urlencoded"),
        ),
        (
            "POST",
            Method::HmacSha1,
            ID,
            "v1-post-sha1",
            Some("application/x-www-form-urlencoded"),
        ),
        (
            "POST",
            Method::HmacSha256,
            TEMP_ID,
            "v1-post-sha256-token",
            Some("application/x-www-form-urlencoded"),
        ),
    ] {
        let mut request = V1::new(&emulator, method, &action(player));
        request.sign_method = sign_method;
        request.secret_id = secret_id;
        request.content_type = content_type;
        let answer = request
            .common()
            .with("Language", "en-US")
            .send(&emulator)
            .await;
        assert_json_content_type(&answer);
        assert_eq!(
            answer.players(),
            [player],
            "{method} {sign_method:?}: {}",
            answer.response
        );
        assert_eq!(answer.response["PlayerSessions"][0]["PlayerData"], "v v");
    }

    for (request, code) in [
        (
            {
                let mut r = V1::new(&emulator, "GET", &action("x")).common();
                r.key = "not-the-key";
                r
            },
            "AuthFailure.SignatureFailure",
        ),
        (
            {
                let mut r = V1::new(&emulator, "POST", &action("x"));
                r.sign_method = Method::HmacSha256;
                r.key = "not-the-key";
                r.common()
            },
            "AuthFailure.SignatureFailure",
        ),
        (
            V1::new(&emulator, "GET", &action("x"))
                .common()
                .with("SecretId", "AKIDNOBODY"),
            "AuthFailure.SecretIdNotFound",
        ),
        (
            {
                let mut r = V1::new(&emulator, "GET", &action("x"));
                r.timestamp -= 600;
                r.common()
            },
            "AuthFailure.SignatureExpire",
        ),
        (
            {
                let mut r = V1::new(&emulator, "GET", &action("x")).common();
                r.params.retain(|(k, _)| k != "Token");
                r.secret_id = TEMP_ID;
                r.with("SecretId", TEMP_ID)
            },
            "AuthFailure.TokenFailure",
        ),
        (
            V1::new(&emulator, "GET", &action("x"))
                .common()
                .without("Region"),
            "MissingParameter",
        ),
        (
            V1::new(&emulator, "GET", &action("x"))
                .common()
                .with("Region", ""),
            "MissingParameter",
        ),
        (
            V1::new(&emulator, "GET", &action("x"))
                .common()
                .with("Action", "Nope"),
            "InvalidAction",
        ),
        (
            V1::new(&emulator, "GET", &action("x"))
                .common()
                .with("Version", "2017-01-01"),
            "NoSuchVersion",
        ),
        (
            V1::new(&emulator, "GET", &[("PlayerIds.0", "x")]).common(),
            "MissingParameter",
        ),
    ] {
        let answer = request.send(&emulator).await;
        assert_eq!(answer.code(), code, "{}", answer.response);
    }
    // A repeated Nonce is not refused (Go < 1.20 sends the same one from every process).
    for player in ["n1", "n2"] {
        let answer = V1::new(&emulator, "GET", &action(player))
            .common()
            .send(&emulator)
            .await;
        assert_eq!(answer.players(), [player]);
    }
    // zh-CN from the Language parameter.
    let mut wrong = V1::new(&emulator, "GET", &action("x"))
        .common()
        .with("Language", "zh-CN");
    wrong.key = "not-the-key";
    let answer = wrong.send(&emulator).await;
    assert!(
        answer.message().starts_with("请求签名验证失败"),
        "{}",
        answer.message()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn no_authorization_and_no_signature_is_invalid_authorization() {
    let emulator = emulator().await;
    let host = emulator.addr().to_string();
    for head in [
        format!("GET / HTTP/1.1\r\nHost: {host}"),
        format!("GET /?Action=JoinGameServerSessionBatch HTTP/1.1\r\nHost: {host}"),
        format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json"),
    ] {
        let answer = send(&emulator, &head, "").await;
        assert_json_content_type(&answer);
        assert_eq!(answer.code(), "AuthFailure.InvalidAuthorization", "{head}");
        assert!(answer.message().contains("missing"));
    }
    emulator.shutdown().await;
}
