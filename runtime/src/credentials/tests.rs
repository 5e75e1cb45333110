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

#[test]
fn one_variable_without_the_other_is_an_error_naming_it_not_a_fall_through() {
    let only_id =
        EnvProvider::with_lookup(|name| (name == ENV_SECRET_ID).then(|| "AKIDENV".to_owned()));
    let error = only_id.load().unwrap_err();
    assert!(
        matches!(error, CredentialsError::EnvInvalid { variable, .. } if variable == ENV_SECRET_KEY),
        "{error:?}"
    );
    let profile_dir = std::env::temp_dir().join(format!("tc3-profile-{}", std::process::id()));
    std::fs::create_dir_all(&profile_dir).unwrap();
    let file = profile_dir.join("credentials");
    std::fs::write(
        &file,
        "[default]\nsecret_id = AKIDPROFILE\nsecret_key = profile-key\n",
    )
    .unwrap();
    let chain = DefaultChain::with_providers(
        EnvProvider::with_lookup(|name| (name == ENV_SECRET_ID).then(|| "AKIDENV".to_owned())),
        ProfileProvider::new().path(&file),
    );
    assert!(
        chain.load().is_err(),
        "the profile's other account is never used"
    );
    let none = EnvProvider::with_lookup(|_| None);
    assert!(matches!(
        none.load(),
        Err(CredentialsError::EnvMissing { .. })
    ));
    std::fs::remove_dir_all(&profile_dir).unwrap();
}

#[test]
fn a_value_that_is_not_utf8_is_unusable_naming_the_variable() {
    let lossy = EnvProvider::with_lookup(|name| match name {
        ENV_SECRET_ID => Some("AKIDENV".to_owned()),
        ENV_SECRET_KEY => Some("key\u{fffd}".to_owned()),
        _ => None,
    });
    let error = lossy.load().unwrap_err();
    assert!(
        matches!(error, CredentialsError::EnvInvalid { variable, .. } if variable == ENV_SECRET_KEY),
        "{error:?}"
    );
}

#[test]
fn a_fifo_or_a_directory_is_refused_without_blocking_and_a_repeated_section_named() {
    let dir = std::env::temp_dir().join(format!("tc3-special-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let error = ProfileProvider::new().path(&dir).load().unwrap_err();
    assert!(error.to_string().contains("not a regular file"), "{error}");
    #[cfg(unix)]
    {
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let error = ProfileProvider::new().path(&fifo).load().unwrap_err();
            assert!(error.to_string().contains("not a regular file"), "{error}");
        }
    }
    let twice = dir.join("twice");
    std::fs::write(
        &twice,
        "[default]\nsecret_id = AKIDONE\n[default]\nsecret_id = AKIDTWO\nsecret_key = k\n",
    )
    .unwrap();
    let error = ProfileProvider::new().path(&twice).load().unwrap_err();
    assert!(
        error.to_string().contains("line 3 opens [default] again"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
