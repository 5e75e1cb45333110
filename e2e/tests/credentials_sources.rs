//! Credentials from the environment, the profile file and the default chain, and temporary
//! credentials refreshed once under concurrency.

use gse_client::credentials::Credentials;
use gse_client::credentials::{
    CredentialsError, DefaultChain, EnvProvider, ProfileProvider, ProvideCredentials,
    RefreshingProvider,
};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn env_provider_reads_id_key_and_token() {
    let c = EnvProvider::with_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", "env-token"),
    ]))
    .load()
    .unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key(), c.token()),
        ("AKIDENV", "env-key", Some("env-token"))
    );
    let c = EnvProvider::with_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
    ]))
    .load()
    .unwrap();
    assert_eq!(c.token(), None);
}

#[test]
fn env_provider_names_the_missing_or_bad_variable_without_its_value() {
    let e = EnvProvider::with_lookup(env(&[("TENCENTCLOUD_SECRET_KEY", "k")]))
        .load()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "environment variable TENCENTCLOUD_SECRET_ID is not set, though TENCENTCLOUD_SECRET_KEY is (set both, or neither)"
    );
    let e = EnvProvider::with_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKID"),
        ("TENCENTCLOUD_SECRET_KEY", " padded-secret "),
    ]))
    .load()
    .unwrap_err();
    let text = e.to_string();
    assert_eq!(
        text,
        "environment variable TENCENTCLOUD_SECRET_KEY has leading or trailing whitespace"
    );
    let e = EnvProvider::with_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", ""),
        ("TENCENTCLOUD_SECRET_KEY", "k"),
    ]))
    .load()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "environment variable TENCENTCLOUD_SECRET_ID is empty"
    );
}

#[test]
fn profile_provider_reads_default_and_named_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "credentials",
        "[default]\nsecret_id = AKIDDEF\nsecret_key = def-key\n\n[staging]\nsecret_id=AKIDSTG\nsecret_key=stg-key\ntoken=stg-token\n",
    );
    let c = ProfileProvider::new().path(&path).load().unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key(), c.token()),
        ("AKIDDEF", "def-key", None)
    );
    let c = ProfileProvider::new()
        .path(&path)
        .profile("staging")
        .load()
        .unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key(), c.token()),
        ("AKIDSTG", "stg-key", Some("stg-token"))
    );
}

#[test]
fn profile_path_comes_from_the_override_variable_or_home() {
    let dir = tempfile::tempdir().unwrap();
    let custom = write(
        dir.path(),
        "custom.ini",
        "[default]\nsecret_id=AKIDC\nsecret_key=c\n",
    );
    let provider = ProfileProvider::new().with_lookup(env(&[
        ("TENCENTCLOUD_CREDENTIALS_FILE", custom.to_str().unwrap()),
        ("HOME", "/nonexistent"),
    ]));
    assert_eq!(provider.file().unwrap(), custom);
    assert_eq!(provider.load().unwrap().secret_id(), "AKIDC");

    std::fs::create_dir_all(dir.path().join(".tencentcloud")).unwrap();
    write(
        &dir.path().join(".tencentcloud"),
        "credentials",
        "[default]\nsecret_id=AKIDH\nsecret_key=h\n",
    );
    let provider =
        ProfileProvider::new().with_lookup(env(&[("HOME", dir.path().to_str().unwrap())]));
    assert_eq!(provider.load().unwrap().secret_id(), "AKIDH");

    // USERPROFILE when HOME is unset (Windows).
    let provider =
        ProfileProvider::new().with_lookup(env(&[("USERPROFILE", dir.path().to_str().unwrap())]));
    assert_eq!(provider.load().unwrap().secret_id(), "AKIDH");

    // The system-wide file when the user's does not exist, or there is no home at all.
    let system = write(
        dir.path(),
        "system",
        "[default]\nsecret_id=AKIDSYS\nsecret_key=s\n",
    );
    let empty_home = tempfile::tempdir().unwrap();
    for lookup in [
        env(&[("HOME", empty_home.path().to_str().unwrap())]),
        env(&[]),
    ] {
        let provider = ProfileProvider::new()
            .system_path(&system)
            .with_lookup(lookup);
        assert_eq!(provider.file().unwrap(), system);
        assert_eq!(provider.load().unwrap().secret_id(), "AKIDSYS");
    }
    // The user's file wins when both exist.
    let provider = ProfileProvider::new()
        .system_path(&system)
        .with_lookup(env(&[("HOME", dir.path().to_str().unwrap())]));
    assert_eq!(provider.load().unwrap().secret_id(), "AKIDH");

    let absent = dir.path().join("no-system-file");
    let e = ProfileProvider::new()
        .system_path(&absent)
        .with_lookup(env(&[]))
        .load()
        .unwrap_err();
    assert_eq!(e, CredentialsError::NoHomeDirectory);
    // No home and no system file: the user's path is reported, not the system one.
    let e = ProfileProvider::new()
        .system_path(&absent)
        .with_lookup(env(&[("HOME", empty_home.path().to_str().unwrap())]))
        .load()
        .unwrap_err();
    assert!(e.to_string().contains(".tencentcloud/credentials"), "{e}");
}

#[test]
fn profile_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent");
    let e = ProfileProvider::new()
        .path(&missing)
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!(
            "cannot read credentials file {}",
            missing.display()
        )),
        "{e}"
    );

    let bad = write(dir.path(), "bad.ini", "[default\nsecret_id=x\n");
    let e = ProfileProvider::new()
        .path(&bad)
        .load()
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.ini is not valid INI"), "{e}");
    assert!(
        e.contains("is not valid INI: line 1 opens a [section] without closing it"),
        "the line is named: {e}"
    );

    let no_section = write(
        dir.path(),
        "other.ini",
        "[prod]\nsecret_id=x\nsecret_key=y\n",
    );
    let e = ProfileProvider::new()
        .path(&no_section)
        .load()
        .unwrap_err()
        .to_string();
    assert!(e.ends_with("other.ini has no [default] section"), "{e}");

    let no_key = write(
        dir.path(),
        "nokey.ini",
        "[default]\nsecret_id=AKID\nsecret_key=   \n",
    );
    let e = ProfileProvider::new()
        .path(&no_key)
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("nokey.ini: [default] secret_key is missing or empty"),
        "{e}"
    );
}

#[test]
fn default_chain_prefers_env_then_profile_and_reports_both_failures() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "c",
        "[default]\nsecret_id=AKIDFILE\nsecret_key=f\n",
    );
    let env_set = env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "e"),
    ]);
    let chain = DefaultChain::with_providers(
        EnvProvider::with_lookup(env_set),
        ProfileProvider::new().path(&file),
    );
    assert_eq!(chain.load().unwrap().secret_id(), "AKIDENV");

    let chain = DefaultChain::with_providers(
        EnvProvider::with_lookup(env(&[])),
        ProfileProvider::new().path(&file),
    );
    assert_eq!(chain.load().unwrap().secret_id(), "AKIDFILE");

    let chain = DefaultChain::with_providers(
        EnvProvider::with_lookup(env(&[])),
        ProfileProvider::new().path(dir.path().join("absent")),
    );
    let e = chain.load().unwrap_err().to_string();
    assert!(e.starts_with("no credentials found"), "{e}");
    assert!(e.contains("TENCENTCLOUD_SECRET_ID is not set"), "{e}");
    assert!(e.contains("cannot read credentials file"), "{e}");

    let chain = DefaultChain::with_providers(
        EnvProvider::with_lookup(env(&[
            ("TENCENTCLOUD_SECRET_ID", "AKID "),
            ("TENCENTCLOUD_SECRET_KEY", "e"),
        ])),
        ProfileProvider::new().path(&file),
    );
    let e = chain.load().unwrap_err().to_string();
    assert!(
        e.contains("TENCENTCLOUD_SECRET_ID has leading or trailing whitespace"),
        "{e}"
    );
}

fn counting_provider(fetches: Arc<AtomicUsize>, lifetime: Duration) -> RefreshingProvider {
    RefreshingProvider::new(move || {
        let fetches = fetches.clone();
        async move {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(
                Credentials::with_token(format!("AKIDTMP{n}"), "tmp-key", "tmp-token")
                    .unwrap()
                    .expiring_at(SystemTime::now() + lifetime),
            )
        }
    })
    .refresh_before(Duration::from_secs(300))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotating_provider_is_refreshed_once_under_100_concurrent_callers() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let provider = Arc::new(counting_provider(
        fetches.clone(),
        Duration::from_secs(3600),
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let provider = provider.clone();
        tasks.spawn(async move { provider.provide().await.unwrap() });
    }
    let mut ids = Vec::new();
    while let Some(result) = tasks.join_next().await {
        ids.push(result.unwrap().secret_id().to_owned());
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "one fetch for 100 callers"
    );
    assert!(ids.iter().all(|id| id == "AKIDTMP0"));
    provider.provide().await.unwrap();
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "fresh credentials are reused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credentials_near_expiry_are_refreshed_once_for_a_wave_of_callers() {
    let fetches = Arc::new(AtomicUsize::new(0));
    // Credentials living 2 s, shorter than the 300 s margin: replaced at half their life.
    let provider = Arc::new(counting_provider(fetches.clone(), Duration::from_secs(2)));
    assert_eq!(provider.provide().await.unwrap().secret_id(), "AKIDTMP0");
    assert_eq!(
        provider.provide().await.unwrap().secret_id(),
        "AKIDTMP0",
        "still fresh"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let provider = provider.clone();
        tasks.spawn(async move { provider.provide().await.unwrap() });
    }
    let mut ids = Vec::new();
    while let Some(result) = tasks.join_next().await {
        ids.push(result.unwrap().secret_id().to_owned());
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "one refresh for the wave of 100 callers"
    );
    assert!(
        ids.iter().all(|id| id == "AKIDTMP1"),
        "every caller got the refreshed credentials"
    );
}

#[tokio::test]
async fn a_failed_refresh_keeps_unexpired_credentials_and_reports_otherwise() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = RefreshingProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                Ok(Credentials::new("AKIDONE", "k")
                    .unwrap()
                    .expiring_at(SystemTime::now() + Duration::from_secs(2)))
            } else {
                Err("sts unreachable".to_owned())
            }
        }
    });
    assert_eq!(provider.provide().await.unwrap().secret_id(), "AKIDONE");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Past the refresh point the fetch fails, but the credentials still work for a while.
    assert_eq!(provider.provide().await.unwrap().secret_id(), "AKIDONE");
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let failing = RefreshingProvider::new(|| async { Err("sts unreachable".to_owned()) });
    let e = failing.provide().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "refreshing temporary credentials failed: sts unreachable"
    );
}

#[test]
fn a_hostile_or_sloppy_credentials_file_gets_a_clear_error_and_is_never_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let load = |path: &Path| ProfileProvider::new().path(path).load();

    // A path linked to an endless device is not read at all: only a regular file is.
    let endless = dir.path().join("endless");
    std::os::unix::fs::symlink("/dev/zero", &endless).unwrap();
    let e = load(&endless).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    // A regular file larger than the cap is read no further than the cap.
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'#'; 70_000]).unwrap();
    let e = load(&big).unwrap_err().to_string();
    assert!(e.contains("larger than 65536 bytes"), "{e}");

    // A UTF-8 byte order mark (as some editors write) is not part of the first line.
    let bom = write(
        dir.path(),
        "bom.ini",
        "\u{feff}[default]\nsecret_id=AKIDbom\nsecret_key=k\n",
    );
    assert_eq!(load(&bom).unwrap().secret_id(), "AKIDbom");

    // A stray line before the section is named by its number, its text never shown.
    let junk = write(
        dir.path(),
        "junk.ini",
        "oops-a-pasted-secret\n[default]\nsecret_id=AKIDjunk\nsecret_key=k\n",
    );
    let e = load(&junk).unwrap_err().to_string();
    assert!(
        e.contains("line 1 is neither a [section], a key = value nor a comment"),
        "{e}"
    );
    assert!(!e.contains("oops-a-pasted-secret"), "{e}");

    // A repeated key is refused rather than silently taking one of them.
    let twice = write(
        dir.path(),
        "twice.ini",
        "[default]\nsecret_id=AKIDtwice\nsecret_key=old\nsecret_key=new\n",
    );
    let e = load(&twice).unwrap_err().to_string();
    assert!(
        e.ends_with("twice.ini: [default] secret_key is given more than once; keep one"),
        "{e}"
    );
    assert!(!e.contains("old") && !e.contains("new"), "{e}");

    // A non-ASCII SecretId names secret_id, from the file and from the code.
    let accented = write(
        dir.path(),
        "accented.ini",
        "[default]\nsecret_id=AKIDé\nsecret_key=k\n",
    );
    let e = load(&accented).unwrap_err().to_string();
    assert!(
        e.contains("[default] secret_id has a character that is not visible ASCII"),
        "{e}"
    );
    let e = Credentials::new("AKID\u{200b}x", "k")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("secret_id has a character that is not visible ASCII"),
        "{e}"
    );
}

/// The main command with `TENCENTCLOUD_SECRET_ID` set and no key beside it, and a profile file
/// of another account: against the emulator binary, which accepts that other account, nothing
/// is sent (the chain never falls through to the file) and the error names the variable.
#[test]
fn a_secret_id_without_its_key_sends_nothing_as_the_profiles_account() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".tencentcloud")).unwrap();
    write(
        &home.path().join(".tencentcloud"),
        "credentials",
        "[default]\nsecret_id = AKIDPROFILE\nsecret_key = profile-key\n",
    );
    let emulator = test_support::EmulatorBinary::start(
        &test_support::emulator_binary(),
        &[
            "--account",
            "AKIDPROFILE:profile-key",
            "--session",
            "gssess-env:10",
        ],
    );
    let output = std::process::Command::new(test_support::join_example())
        .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
        .args(["--session", "gssess-env", "--player", "p"])
        .env("TENCENTCLOUD_SECRET_ID", "AKIDENVONLY")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .env_remove("TENCENTCLOUD_SESSION_TOKEN")
        .env_remove("TENCENTCLOUD_CREDENTIALS_FILE")
        // Were the chain to reach the instance's metadata, on loopback: nothing answers.
        .env("TENCENTCLOUD_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .env("HOME", home.path())
        .output()
        .expect("the join example runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("TENCENTCLOUD_SECRET_KEY"), "{stderr}");
    let stats = test_support::emulator_stats(&emulator.url);
    assert_eq!(
        stats["requests"].as_u64(),
        Some(0),
        "nothing signed as AKIDPROFILE: {stats}"
    );
}
