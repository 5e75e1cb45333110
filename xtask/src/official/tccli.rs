//! Tencent's definition of a service and its error codes, fetched where xtask keeps them:
//! tccli's `api.json` from the PyPI package's wheel, and the codes the official Python SDK's
//! `errorcodes.py` lists, both under `target/tccli` (downloaded once, never committed).

use crate::process::run as run_step;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The PyPI package whose wheel holds every service's `api.json`.
pub(crate) const TCCLI: &str = "tccli==3.0.1100.1";

/// The spec's `x-tc-service` and `x-tc-version`.
pub(crate) fn service_and_version(
    tree: &serde_yaml::Value,
    spec: &str,
) -> Result<(String, String)> {
    let get = |key: &str| {
        tree[key]
            .as_str()
            .map(String::from)
            .with_context(|| format!("{spec}: no {key}"))
    };
    Ok((get("x-tc-service")?, get("x-tc-version")?))
}

/// `target/tccli/<service>-<version>.api.json`, taken from tccli's wheel (downloaded once).
pub(crate) fn official_definition(root: &Path, service: &str, version: &str) -> Result<PathBuf> {
    let dir = root.join("target").join("tccli");
    let out = dir.join(format!("{service}-{version}.api.json"));
    if out.exists() {
        return Ok(out);
    }
    std::fs::create_dir_all(&dir)?;
    let wheel_dir = dir.join("wheel");
    let has_wheel = |d: &Path| {
        std::fs::read_dir(d)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".whl"))
            })
            .unwrap_or(false)
    };
    if !has_wheel(&wheel_dir) {
        // Into a directory of this process's own, renamed into place: runs side by side
        // (parallel tests on a fresh checkout) never see a half-downloaded wheel.
        let staging = dir.join(format!("wheel.{}", std::process::id()));
        run_step(
            Command::new("python3")
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .args(["--no-deps", "--dest"])
                .arg(&staging)
                .arg(TCCLI),
            &format!("downloading {TCCLI} into target/tccli"),
        )?;
        if std::fs::rename(&staging, &wheel_dir).is_err() {
            std::fs::remove_dir_all(&staging).ok(); // another run put it there first
        }
    }
    let member = format!(
        "tccli/services/{service}/v{}/api.json",
        version.replace('-', "")
    );
    let script = "import glob, sys, zipfile\n\
                  wheel = sorted(glob.glob(sys.argv[1] + '/tccli-*.whl'))[-1]\n\
                  open(sys.argv[3], 'wb').write(zipfile.ZipFile(wheel).read(sys.argv[2]))\n";
    let staged = dir.join(format!("api.json.{}", std::process::id()));
    run_step(
        Command::new("python3")
            .args(["-c", script])
            .arg(&wheel_dir)
            .arg(&member)
            .arg(&staged),
        &format!("extracting {member} from tccli's wheel"),
    )?;
    std::fs::rename(&staged, &out)?;
    Ok(out)
}

/// `target/tccli/<service>-<version>.error-codes.json`: every code the official Python SDK's
/// `errorcodes.py` for the service lists.
pub(crate) fn official_error_codes(root: &Path, service: &str, version: &str) -> Result<PathBuf> {
    let out = root
        .join("target")
        .join("tccli")
        .join(format!("{service}-{version}.error-codes.json"));
    let python = crate::python::ensure_venv(root)?.join("python");
    let module = format!(
        "tencentcloud.{service}.v{}.errorcodes",
        version.replace('-', "")
    );
    let script = "import importlib, json, sys\n\
                  m = importlib.import_module(sys.argv[1])\n\
                  codes = sorted(v for k, v in vars(m).items() if k.isupper() and isinstance(v, str))\n\
                  open(sys.argv[2], 'w').write(json.dumps(codes))\n";
    let staged = out.with_extension(format!("json.{}", std::process::id()));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    run_step(
        Command::new(python)
            .args(["-c", script, &module])
            .arg(&staged),
        &format!("listing {module}"),
    )?;
    std::fs::rename(&staged, &out)?;
    Ok(out)
}
