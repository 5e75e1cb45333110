//! `cargo xtask spec-audit`: how faithful `spec/gse.yaml` is to Tencent's machine-readable
//! definition of the service (tccli's `api.json`, from the PyPI package `tccli==3.0.1100.1`,
//! downloaded into `target/tccli`, never committed) and to the service's error codes (the
//! official Python SDK's `errorcodes.py`, from `target/py`). Exit status: 0 when faithful,
//! 3 on contradictions, 2 on bad input.

use crate::process::run as run_step;
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use tc3_codegen::official::Definition;
use tc3_codegen::spec_audit::{self, AuditClass};

/// The spec audited by default.
pub(crate) const SPEC: &str = "spec/gse.yaml";
/// The PyPI package whose wheel holds every service's `api.json`.
const TCCLI: &str = "tccli==3.0.1100.1";

/// Where the definition and the error codes come from.
pub(crate) struct Sources {
    /// An `api.json`; `None`: the one tccli ships for the spec's service and version.
    pub(crate) definition: Option<PathBuf>,
    /// A JSON list of the service's error codes; `None`: the official Python SDK's.
    pub(crate) error_codes: Option<PathBuf>,
}

/// Runs the command and turns its outcome into the exit status.
pub(crate) fn run(
    root: &Path,
    spec: &str,
    sources: &Sources,
    format: crate::spec_diff::Format,
) -> ExitCode {
    crate::spec_diff::report_exit(
        report(root, spec, sources, format),
        "spec-audit: the spec contradicts the service's definition",
    )
}

/// The report, and whether anything contradicts the definition.
pub(crate) fn report(
    root: &Path,
    spec: &str,
    sources: &Sources,
    format: crate::spec_diff::Format,
) -> Result<(String, bool)> {
    let spec_path = root.join(spec);
    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("reading {}", spec_path.display()))?;
    let tree: serde_yaml::Value =
        serde_yaml::from_str(&text).with_context(|| format!("{spec} is not YAML"))?;
    let (service, version) = service_and_version(&tree, spec)?;
    let definition_file = match &sources.definition {
        Some(path) => path.clone(),
        None => official_definition(root, &service, &version)?,
    };
    let definition = Definition::parse(
        &std::fs::read_to_string(&definition_file)
            .with_context(|| format!("reading {}", definition_file.display()))?,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", definition_file.display()))?;
    if definition.version() != Some(version.as_str()) {
        bail!(
            "{} describes version {:?}, the spec {version:?}",
            definition_file.display(),
            definition.version()
        );
    }
    let codes_file = match &sources.error_codes {
        Some(path) => path.clone(),
        None => official_error_codes(root, &service, &version)?,
    };
    let codes: BTreeSet<String> = serde_json::from_str(
        &std::fs::read_to_string(&codes_file)
            .with_context(|| format!("reading {}", codes_file.display()))?,
    )
    .with_context(|| format!("{}: not a JSON list of codes", codes_file.display()))?;
    let findings = tc3_codegen::audit_spec(spec, &text, &definition, Some(&codes))?;
    let contradictions = findings
        .iter()
        .any(|f| f.class == AuditClass::Contradiction);
    let title = format!(
        "spec-audit {spec}: against {TCCLI}'s {service} {version} and the SDK's error codes"
    );
    let out = match format {
        crate::spec_diff::Format::Text => spec_audit::render_text(&title, &findings),
        crate::spec_diff::Format::Markdown => spec_audit::render_markdown(&title, &findings),
    };
    Ok((out, contradictions))
}

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
fn official_error_codes(root: &Path, service: &str, version: &str) -> Result<PathBuf> {
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
