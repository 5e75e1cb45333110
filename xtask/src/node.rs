//! The official Node.js SDK (`tencentcloud-sdk-nodejs-common`, pinned with its lockfile in
//! `xtask/node/`), installed with `npm ci` into `target/node` for the emulator's interop tests.

use crate::process::run;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned package.json and package-lock.json.
const SOURCE: &str = "xtask/node";

/// Installs the pinned SDK into `target/node` unless that lockfile is already installed;
/// returns the SDK's directory.
pub(crate) fn ensure_node_env(root: &Path) -> Result<PathBuf> {
    let source = root.join(SOURCE);
    let target = root.join("target").join("node");
    let sdk = target.join("node_modules/tencentcloud-sdk-nodejs-common");
    let lock = std::fs::read_to_string(source.join("package-lock.json"))
        .with_context(|| format!("reading {SOURCE}/package-lock.json"))?;
    let stamp = target.join("installed-package-lock.json");
    if sdk.join("package.json").exists()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(lock.as_str())
    {
        return Ok(sdk);
    }
    for tool in ["node", "npm"] {
        if Command::new(tool).arg("--version").output().is_err() {
            bail!("`{tool}` is not on PATH: the Node.js interop tests need Node.js 18 or later and npm");
        }
    }
    std::fs::create_dir_all(&target)?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(source.join(file), target.join(file))
            .with_context(|| format!("copying {SOURCE}/{file} to target/node"))?;
    }
    run(
        Command::new("npm").current_dir(&target).args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]),
        "installing the Node.js SDK into target/node (npm ci)",
    )?;
    std::fs::write(&stamp, lock)?;
    Ok(sdk)
}
