//! Interop with the official Python SDK (tencentcloud-sdk-python-common 3.0.1416): for 240
//! random requests sent by the real client over loopback, the Authorization header and the
//! X-TC headers equal what the SDK's own TC3 code computes for the same bytes, timestamp and
//! host. `cargo xtask ci` installs the SDK into `target/py` before the tests run.

use gse_client::credentials::Credentials;
use gse_client::{Client, FixedClock, Language};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};
use test_support::StubServer;

const REQUESTS: usize = 240;
const REGIONS: &[&str] = &[
    "ap-shanghai",
    "ap-guangzhou",
    "ap-beijing",
    "na-siliconvalley",
    "eu-frankfurt",
];
/// Characters for player data: ASCII, accents, CJK, emoji, JSON-escaped ones.
/// Player ids' characters: ASCII (the spec's limit, as the read-back's filter has it), with
/// what JSON escapes and SDKs may write differently (quotes, backslashes, slashes, controls).
const ID_SAMPLES: &[char] = &[
    'a', 'Z', '7', ' ', '"', '\\', '/', '\u{1}', '\u{1f}', '\u{7f}',
];

fn random_text(rng: &mut StdRng, chars: &[char], len: usize) -> String {
    (0..len)
        .map(|_| chars[rng.random_range(0..chars.len())])
        .collect()
}

fn alnum(rng: &mut StdRng, len: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| A[rng.random_range(0..A.len())] as char)
        .collect()
}

/// One request's inputs, as the SDK needs them.
struct Case {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    region: &'static str,
    language: Option<Language>,
    expected_host: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_signatures_equal_the_official_sdks_for_random_requests() {
    let Some(python) = test_support::python_sdk() else {
        return;
    };
    let stub =
        StubServer::start(r#"{"Response":{"PlayerSessions":[],"RequestId":"interop"}}"#).await;
    let direct = test_support::http_builder;
    // Requests to a made-up host go through the stub as an HTTP proxy, so the signed Host
    // can be one without a port while nothing leaves the loopback interface.
    let proxied = || test_support::http_builder().proxy(reqwest::Proxy::http(stub.url()).unwrap());
    let seed: u64 = std::env::var("GSE_INTEROP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7c3_5eed);
    let mut rng = StdRng::seed_from_u64(seed);
    let ascii: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
    let mut cases = Vec::new();

    for i in 0..REQUESTS {
        let (endpoint, http, expected_host) = match i % 3 {
            0 => (
                stub.url(),
                direct(),
                stub.url().trim_start_matches("http://").to_owned(),
            ),
            1 => (
                "http://gse.interop.test".to_owned(),
                proxied(),
                "gse.interop.test".to_owned(),
            ),
            _ => {
                let port = rng.random_range(1024..65535u16);
                let host = format!(
                    "gse-{}.interop.test:{port}",
                    alnum(&mut rng, 4).to_lowercase()
                );
                (format!("http://{host}"), proxied(), host)
            }
        };
        let id_len = rng.random_range(16..=32);
        let token_len = rng.random_range(20..=120);
        let case = Case {
            secret_id: format!("AKID{}", alnum(&mut rng, id_len)),
            secret_key: alnum(&mut rng, 32),
            token: rng.random_bool(0.3).then(|| alnum(&mut rng, token_len)),
            region: REGIONS[rng.random_range(0..REGIONS.len())],
            language: [None, Some(Language::EnUs), Some(Language::ZhCn)][rng.random_range(0..3)],
            expected_host,
        };
        let credentials = match &case.token {
            Some(t) => Credentials::with_token(&case.secret_id, &case.secret_key, t),
            None => Credentials::new(&case.secret_id, &case.secret_key),
        }
        .unwrap();
        let timestamp = rng.random_range(1_500_000_000u64..2_000_000_000);
        let mut builder = Client::builder()
            .endpoint(endpoint)
            .region(case.region)
            .credentials(credentials)
            .clock(FixedClock::at_unix(timestamp))
            .http_client(http);
        if let Some(language) = case.language {
            builder = builder.language(language);
        }
        let client = builder.build().unwrap();
        let session_len = rng.random_range(1..=256);
        let players: Vec<String> = (0..rng.random_range(1..=25))
            .map(|_| {
                let len = rng.random_range(1..=24);
                random_text(&mut rng, ID_SAMPLES, len)
            })
            .collect();
        let key_len = rng.random_range(1..=64);
        let value_len = rng.random_range(1..=200);
        // PlayerDataMap is printable ASCII; the player ids carry what JSON escapes.
        let key = random_text(&mut rng, &ascii, key_len);
        let value = random_text(&mut rng, &ascii, value_len);
        client
            .join_game_server_session_batch()
            .game_server_session_id(random_text(&mut rng, &ascii, session_len))
            .player_ids(players)
            .player_data_map(
                gse_client::types::PlayerDataMap::builder()
                    .key(key)
                    .value(value),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {i} (seed {seed}): {e}"));
        cases.push(case);
    }

    let captured = stub.requests();
    assert_eq!(captured.len(), REQUESTS, "every request reached the stub");
    let mut lines = Vec::new();
    for (case, sent) in cases.iter().zip(&captured) {
        let host = sent.header("host").unwrap();
        assert_eq!(host, case.expected_host, "the Host sent");
        lines.push(json!({
            "secret_id": case.secret_id,
            "secret_key": case.secret_key,
            "token": case.token,
            "region": case.region,
            "language": case.language.map(|l| l.as_str()),
            "timestamp": sent.header("x-tc-timestamp").unwrap().parse::<u64>().unwrap(),
            "host": host,
            "body": std::str::from_utf8(&sent.body).expect("the body is UTF-8 JSON"),
        }));
    }
    assert!(
        cases.iter().any(|c| !c.expected_host.contains(':')),
        "hosts without a port"
    );
    assert!(cases.iter().any(|c| c.token.is_some()) && cases.iter().any(|c| c.token.is_none()));

    let answers = test_support::official_sdk_headers(&python, &lines);
    assert_eq!(answers.len(), REQUESTS);

    for (i, (sdk, sent)) in answers.iter().zip(&captured).enumerate() {
        for &name in test_support::OFFICIAL_SDK_HEADERS {
            let ours = sent.header(name);
            let theirs = sdk.get(name).and_then(Value::as_str);
            assert_eq!(ours, theirs, "request {i} (seed {seed}): {name}");
        }
    }
    stub.stop().await;
}
