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
    let wheel_dir = wheel(root)?;
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

/// `target/tccli/wheel`, holding tccli's wheel (downloaded once).
fn wheel(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target").join("tccli");
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
    Ok(wheel_dir)
}

/// One service version of the pinned tccli, its `api.json` extracted.
#[derive(Clone, Debug)]
pub(crate) struct ServiceDefinition {
    /// The service, e.g. `cvm`.
    pub(crate) service: String,
    /// The API version, e.g. `2017-03-12`.
    pub(crate) version: String,
    /// The extracted `api.json`.
    pub(crate) path: PathBuf,
}

/// Every service version tccli defines, by service and version, extracted into
/// `target/tccli/all` (once).
pub(crate) fn all_definitions(root: &Path) -> Result<Vec<ServiceDefinition>> {
    let dir = root.join("target").join("tccli").join("all");
    if !dir.join(".complete").exists() {
        let wheel_dir = wheel(root)?;
        let staging = root
            .join("target")
            .join("tccli")
            .join(format!("all.{}", std::process::id()));
        std::fs::create_dir_all(&staging)?;
        let script = "import glob, os, re, sys, zipfile\n\
                      wheel = zipfile.ZipFile(sorted(glob.glob(sys.argv[1] + '/tccli-*.whl'))[-1])\n\
                      for name in wheel.namelist():\n\
                      \x20   m = re.fullmatch(r'tccli/services/([a-z0-9_]+)/v(\\d{4})(\\d{2})(\\d{2})/api.json', name)\n\
                      \x20   if m:\n\
                      \x20       out = '%s-%s-%s-%s.api.json' % m.groups()\n\
                      \x20       open(os.path.join(sys.argv[2], out), 'wb').write(wheel.read(name))\n\
                      open(os.path.join(sys.argv[2], '.complete'), 'w').close()\n";
        run_step(
            Command::new("python3")
                .args(["-c", script])
                .arg(&wheel_dir)
                .arg(&staging),
            "extracting every api.json from tccli's wheel",
        )?;
        if std::fs::rename(&staging, &dir).is_err() {
            std::fs::remove_dir_all(&staging).ok(); // another run put it there first
        }
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".api.json"))
        else {
            continue;
        };
        // `service-YYYY-MM-DD`: the version is the last 10 characters.
        let Some(split) = name.len().checked_sub(11) else {
            continue;
        };
        out.push(ServiceDefinition {
            service: name[..split].to_owned(),
            version: name[split + 1..].to_owned(),
            path,
        });
    }
    out.sort_by(|a, b| (&a.service, &a.version).cmp(&(&b.service, &b.version)));
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
