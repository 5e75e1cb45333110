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
