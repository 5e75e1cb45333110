//! The signature covers what it must: any change to the body, host, timestamp or key changes it.

use gse_client::credentials::Credentials;
use tc3_runtime::signing::Signer;

const BODY: &[u8] = br#"{"GameServerSessionId":"s","PlayerIds":["p1","p2"]}"#;

fn sign(secret_key: &str, timestamp: i64, host: &str, body: &[u8]) -> String {
    let credentials = Credentials::new("AKIDTEST", secret_key).unwrap();
    Signer::new("gse")
        .authorization(&credentials, timestamp, "application/json", host, body)
        .unwrap()
}

#[test]
fn the_same_input_gives_the_same_signature() {
    assert_eq!(
        sign("k", 1_700_000_000, "127.0.0.1:8080", BODY),
        sign("k", 1_700_000_000, "127.0.0.1:8080", BODY)
    );
}

#[test]
fn every_body_byte_is_covered() {
    let reference = sign("k", 1_700_000_000, "h", BODY);
    for i in 0..BODY.len() {
        let mut changed = BODY.to_vec();
        changed[i] ^= 0x01;
        assert_ne!(
            sign("k", 1_700_000_000, "h", &changed),
            reference,
            "byte {i}"
        );
    }
    let mut longer = BODY.to_vec();
    longer.push(b' ');
    assert_ne!(sign("k", 1_700_000_000, "h", &longer), reference);
}

#[test]
fn host_port_timestamp_and_key_are_covered() {
    let reference = sign("k", 1_700_000_000, "127.0.0.1:8080", BODY);
    assert_ne!(sign("k", 1_700_000_000, "127.0.0.1:8081", BODY), reference);
    assert_ne!(sign("k", 1_700_000_000, "127.0.0.1", BODY), reference);
    assert_ne!(sign("k", 1_700_000_001, "127.0.0.1:8080", BODY), reference);
    assert_ne!(sign("K", 1_700_000_000, "127.0.0.1:8080", BODY), reference);
}

#[test]
fn one_signer_reuses_its_key_across_days_and_keys_correctly() {
    let signer = Signer::new("gse");
    let a = Credentials::new("AKIDTEST", "key-a").unwrap();
    let b = Credentials::new("AKIDTEST", "key-b").unwrap();
    let auth = |c: &Credentials, t| {
        signer
            .authorization(c, t, "application/json", "h", BODY)
            .unwrap()
    };
    // Alternating keys and days must never reuse a stale cached key.
    for (c, secret, t) in [
        (&a, "key-a", 1_700_006_399),
        (&a, "key-a", 1_700_006_400),
        (&b, "key-b", 1_700_006_400),
        (&a, "key-a", 1_700_006_399),
    ] {
        assert_eq!(auth(c, t), sign(secret, t, "h", BODY));
    }
}
