//! `cargo xtask spec-audit`: how faithful `spec/gse.yaml` is to Tencent's machine-readable
//! definition of the service (tccli's `api.json`, from the PyPI package `tccli==3.0.1100.1`,
//! downloaded into `target/tccli`, never committed) and to the service's error codes (the
//! official Python SDK's `errorcodes.py`, from `target/py`). Exit status: 0 when faithful,
//! 3 on contradictions, 2 on bad input.

use crate::official::audit::{self, AuditClass};
use crate::official::definition::Definition;
use crate::official::tccli::{self, TCCLI};
use crate::spec_diff::{report_exit, Format};
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tc3_codegen::SpecInput;

/// The spec audited by default.
pub(crate) const SPEC: &str = "spec/gse.yaml";

/// Where the definition and the error codes come from.
pub(crate) struct Sources {
    /// An `api.json`; `None`: the one tccli ships for the spec's service and version.
    pub(crate) definition: Option<PathBuf>,
    /// A JSON list of the service's error codes; `None`: the official Python SDK's.
    pub(crate) error_codes: Option<PathBuf>,
}

/// Runs the command and turns its outcome into the exit status.
pub(crate) fn run(root: &Path, spec: &str, sources: &Sources, format: Format) -> ExitCode {
    report_exit(
        report(root, spec, sources, format),
        "spec-audit: the spec contradicts the service's definition",
    )
}

/// The report, and whether anything contradicts the definition.
pub(crate) fn report(
    root: &Path,
    spec: &str,
    sources: &Sources,
    format: Format,
) -> Result<(String, bool)> {
    let spec_path = root.join(spec);
    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("reading {}", spec_path.display()))?;
    let tree: serde_yaml::Value =
        serde_yaml::from_str(&text).with_context(|| format!("{spec} is not YAML"))?;
    let (service, version) = tccli::service_and_version(&tree, spec)?;
    let definition_file = match &sources.definition {
        Some(path) => path.clone(),
        None => tccli::official_definition(root, &service, &version)?,
    };
    let definition = Definition::parse(
        &std::fs::read_to_string(&definition_file)
            .with_context(|| format!("reading {}", definition_file.display()))?,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", definition_file.display()))?;
    let codes_file = match &sources.error_codes {
        Some(path) => path.clone(),
        None => tccli::official_error_codes(root, &service, &version)?,
    };
    let codes: BTreeSet<String> = serde_json::from_str(
        &std::fs::read_to_string(&codes_file)
            .with_context(|| format!("reading {}", codes_file.display()))?,
    )
    .with_context(|| format!("{}: not a JSON list of codes", codes_file.display()))?;
    let tree = tc3_codegen::checked_tree(&SpecInput::plain(spec, &text))?;
    let findings = audit::audit(&tree, &definition, Some(&codes));
    let contradictions = findings
        .iter()
        .any(|f| f.class == AuditClass::Contradiction);
    let title = format!(
        "spec-audit {spec}: against {TCCLI}'s {service} {version} and the SDK's error codes"
    );
    let out = match format {
        Format::Text => audit::render_text(&title, &findings),
        Format::Markdown => audit::render_markdown(&title, &findings),
    };
    Ok((out, contradictions))
}
