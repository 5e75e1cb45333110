//! Every case of `tests/vectors/tc3-official-sdk.json` (signatures computed by the official
//! Python SDK's own code), byte for byte: canonical request, string to sign, signature and
//! headers. The documentation example goes through the low-level functions.

use serde_json::Value;
use tc3_runtime::credentials::Credentials;
use tc3_runtime::signing::{self, RequestContext, Signer};

fn cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/tc3-official-sdk.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string"))
}

#[test]
fn there_are_vectors_of_both_kinds() {
    let cases = cases();
    assert!(cases.len() >= 8);
    assert!(cases.iter().any(|c| c["input"]["secret_id"].is_null()));
    assert!(cases.iter().any(|c| c["input"]["token"].is_string()));
}

#[test]
fn steps_match_the_official_sdk() {
    for case in cases()
        .iter()
        .filter(|c| c["input"]["secret_id"].is_string())
    {
        let name = s(case, "name");
        let input = &case["input"];
        let expected = &case["expected"];
        let timestamp = input["timestamp"].as_i64().unwrap();
        let url = reqwest::Url::parse(s(input, "url")).unwrap();
        let host = signing::signed_host(&url).unwrap();
        let date = signing::utc_date(timestamp).unwrap();
        let scope = signing::credential_scope(&date, s(input, "service"));
        let canonical = signing::canonical_request(
            s(input, "content_type"),
            &host,
            &signing::hashed_payload(s(input, "body").as_bytes()),
        );
        assert_eq!(canonical, s(expected, "canonical_request"), "{name}");
        let to_sign = signing::string_to_sign(timestamp, &scope, &canonical);
        assert_eq!(to_sign, s(expected, "string_to_sign"), "{name}");
        let key = signing::signing_key(s(input, "secret_key"), &date, s(input, "service"));
        assert_eq!(
            signing::signature(&key, &to_sign),
            s(expected, "signature"),
            "{name}"
        );
    }
}

#[test]
fn signed_requests_carry_the_official_sdks_headers() {
    for case in cases()
        .iter()
        .filter(|c| c["input"]["secret_id"].is_string())
    {
        let name = s(case, "name");
        let input = &case["input"];
        let url = reqwest::Url::parse(s(input, "url")).unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
        *request.body_mut() = Some(s(input, "body").as_bytes().to_vec().into());
        let headers = request.headers_mut();
        headers.insert("content-type", s(input, "content_type").parse().unwrap());
        // What the call pipeline sets before signing.
        headers.insert("x-tc-action", s(input, "action").parse().unwrap());
        headers.insert("x-tc-version", s(input, "version").parse().unwrap());
        let credentials = match input["token"].as_str() {
            Some(token) => {
                Credentials::with_token(s(input, "secret_id"), s(input, "secret_key"), token)
            }
            None => Credentials::new(s(input, "secret_id"), s(input, "secret_key")),
        }
        .unwrap();
        let signer = Signer::new(s(input, "service"));
        let context = RequestContext {
            region: input["region"].as_str(),
            language: None,
        };
        let timestamp = input["timestamp"].as_i64().unwrap();
        signing::sign_request(&mut request, &signer, &credentials, timestamp, context).unwrap();

        let expected = case["expected"]["headers"].as_object().unwrap();
        for (header, value) in expected {
            let sent = if header == "Host" {
                // reqwest writes Host from the URL when sending; the signer signs the same.
                signing::signed_host(&url).unwrap()
            } else {
                request
                    .headers()
                    .get(header.as_str())
                    .unwrap_or_else(|| panic!("{name}: {header} is sent"))
                    .to_str()
                    .unwrap()
                    .to_owned()
            };
            assert_eq!(sent, value.as_str().unwrap(), "{name}: {header}");
        }
        let ours: Vec<_> = request
            .headers()
            .keys()
            .map(|k| k.as_str().to_owned())
            .collect();
        for header in &ours {
            assert!(
                expected.keys().any(|k| k.eq_ignore_ascii_case(header)),
                "{name}: {header} is sent but the official SDK sends no such header"
            );
        }
    }
}

#[test]
fn documentation_example_through_the_low_level_functions() {
    let case = cases()
        .into_iter()
        .find(|c| c["input"]["secret_id"].is_null())
        .unwrap();
    let input = &case["input"];
    let expected = &case["expected"];
    let timestamp = input["timestamp"].as_i64().unwrap();
    let host = signing::signed_host(&reqwest::Url::parse(s(input, "url")).unwrap()).unwrap();
    let payload = signing::hashed_payload(s(input, "body").as_bytes());
    assert_eq!(payload, s(expected, "payload_sha256"));
    let canonical = signing::canonical_request(s(input, "content_type"), &host, &payload);
    assert_eq!(
        signing::hashed_payload(canonical.as_bytes()),
        s(expected, "canonical_request_sha256")
    );
    let date = signing::utc_date(timestamp).unwrap();
    let scope = signing::credential_scope(&date, s(input, "service"));
    let key = signing::signing_key(s(input, "secret_key"), &date, s(input, "service"));
    let signature = signing::signature(
        &key,
        &signing::string_to_sign(timestamp, &scope, &canonical),
    );
    assert_eq!(signature, s(expected, "signature"));
}
