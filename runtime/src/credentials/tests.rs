//! Tests of the credential sources.

use super::*;
use std::time::{Duration, SystemTime};

#[test]
fn empty_or_padded_parts_are_rejected_naming_the_field() {
    let e = Credentials::new("", "k").unwrap_err();
    assert_eq!(e.to_string(), "credentials: secret_id is empty");
    let e = Credentials::new("id", " k").unwrap_err();
    assert_eq!(
        e.to_string(),
        "credentials: secret_key has leading or trailing whitespace"
    );
    let e = Credentials::with_token("id", "k", "t\n").unwrap_err();
    assert!(e.to_string().contains("token"));
}

#[test]
fn debug_redacts_key_and_token() {
    let c = Credentials::with_token("AKIDX", "KEY-SECRET", "TOKEN-SECRET").unwrap();
    let text = format!("{c:?} {:?}", Some(c.clone()));
    assert!(text.contains("AKIDX"));
    assert!(
        !text.contains("KEY-SECRET") && !text.contains("TOKEN-SECRET"),
        "{text}"
    );
}

#[test]
fn expiry_margin() {
    let now = SystemTime::now();
    let c = Credentials::new("id", "k")
        .unwrap()
        .expiring_at(now + Duration::from_secs(60));
    assert!(c.expires_within(Duration::from_secs(120), now));
    assert!(!c.expires_within(Duration::from_secs(30), now));
    assert!(!Credentials::new("id", "k")
        .unwrap()
        .expires_within(Duration::MAX, now));
}
