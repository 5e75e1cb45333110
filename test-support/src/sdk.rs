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
