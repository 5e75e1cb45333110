//! Where the official SDKs are: the Python and Node.js ones that `cargo xtask python-env`
//! and `cargo xtask node-env` install under `target/`.

/// The Python of `target/py`, where `cargo xtask python-env` (run by `cargo xtask ci`)
/// installs the official SDK.
#[must_use]
pub fn python_with_sdk() -> std::path::PathBuf {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask python-env` (cargo xtask ci does) to install the official SDK",
        python.display()
    );
    python
}

/// The Node.js binary and the official Node.js SDK's directory in `target/node`, where
/// `cargo xtask node-env` (run by `cargo xtask ci`) installs it. Panics, saying what to do,
/// when either is missing: a test that needs them never skips silently.
#[must_use]
pub fn node_with_sdk() -> (std::path::PathBuf, std::path::PathBuf) {
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/node/node_modules/tencentcloud-sdk-nodejs-common");
    assert!(
        sdk.join("package.json").exists(),
        "{} is missing: run `cargo xtask node-env` (cargo xtask ci does) to install the official Node.js SDK",
        sdk.display()
    );
    let node = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("`node` is not on PATH: the Node.js interop tests need Node.js 18 or later")
        });
    (node, sdk)
}

/// The Python of `target/py`, or `None` (the test skips, saying why) when it is not
/// installed: see [`crate::available`].
#[must_use]
pub fn python_sdk() -> Option<std::path::PathBuf> {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python");
    crate::available(
        "the official Python SDK in target/py",
        "run `cargo xtask python-env`",
        python.exists(),
    )
    .then(python_with_sdk)
}

/// The Node.js binary and SDK of `target/node`, or `None` (the test skips, saying why) when
/// either is missing: see [`crate::available`].
#[must_use]
pub fn node_sdk() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/node/node_modules/tencentcloud-sdk-nodejs-common/package.json");
    crate::available(
        "Node.js and the official Node.js SDK in target/node",
        "install Node.js 18 or later, then run `cargo xtask node-env`",
        sdk.exists() && crate::on_path("node"),
    )
    .then(node_with_sdk)
}

/// The headers a request signed here must carry as the official SDK's signer sets them
/// ([`official_sdk_headers`]): the signature, what it signs, and what rides beside it.
pub const OFFICIAL_SDK_HEADERS: &[&str] = &[
    "Authorization",
    "Content-Type",
    "Host",
    "X-TC-Action",
    "X-TC-Version",
    "X-TC-Timestamp",
    "X-TC-Region",
    "X-TC-Token",
    "X-TC-Language",
];

/// The headers the official Python SDK's own TC3 code (`_build_req_with_tc3_signature`) sets
/// for each case, run with `python` (the one of [`python_with_sdk`]): one JSON object per case
/// with `secret_id`, `secret_key`, `token`, `region`, `language`, `timestamp`, `host` and
/// `body` (the exact body text sent), and for a service other than GSE `service`, `version`
/// and `action` (`test-support/python/official_tc3.py` says how it signs the given bytes).
/// Panics, with the script's error, when it fails.
#[must_use]
pub fn official_sdk_headers(
    python: &std::path::Path,
    cases: &[serde_json::Value],
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    use std::io::Write;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/official_tc3.py");
    let mut input = String::new();
    for case in cases {
        input.push_str(&case.to_string());
        input.push('\n');
    }
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the official SDK's signer");
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("the signer ends");
    writer
        .join()
        .expect("the writer ends")
        .expect("the cases are written");
    assert!(
        output.status.success(),
        "the official SDK's signer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<serde_json::Map<String, serde_json::Value>> =
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                let answer: serde_json::Value =
                    serde_json::from_str(line).expect("the signer writes JSON");
                answer["headers"]
                    .as_object()
                    .cloned()
                    .expect("each answer holds the headers")
            })
            .collect();
    assert_eq!(answers.len(), cases.len(), "one answer per case");
    answers
}
