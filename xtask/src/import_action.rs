//! `cargo xtask import-action ACTION...`: drafts the spec section of actions from Tencent's
//! definition of the service (the same `api.json` `spec-audit` reads), in this spec's
//! conventions, for a spec author to review. `--standalone` drafts a whole spec.

use crate::official::definition::Definition;
use crate::official::{draft, tccli};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The rate a draft puts where the definition has none: the API pages' usual default (kept
/// here, not in the generator, which knows no number of any spec).
const DRAFT_RATE_LIMIT: u64 = 20;

/// What to import and where to write it.
pub(crate) struct Import {
    /// The actions, e.g. `DescribePlayerSessions`.
    pub(crate) actions: Vec<String>,
    /// Every action of the definition instead.
    pub(crate) all: bool,
    /// A whole spec rather than the sections to merge.
    pub(crate) standalone: bool,
    /// An `api.json` instead of tccli's for the spec's service and version.
    pub(crate) definition: Option<PathBuf>,
    /// Where to write the draft (default: standard output).
    pub(crate) out: Option<PathBuf>,
}

/// Drafts and writes the section.
pub(crate) fn run(root: &Path, import: &Import) -> Result<()> {
    let spec = crate::spec_audit::SPEC;
    let text =
        std::fs::read_to_string(root.join(spec)).with_context(|| format!("reading {spec}"))?;
    let tree: serde_yaml::Value =
        serde_yaml::from_str(&text).with_context(|| format!("{spec} is not YAML"))?;
    let (service, version) = tccli::service_and_version(&tree, spec)?;
    let file = match &import.definition {
        Some(path) => path.clone(),
        None => tccli::official_definition(root, &service, &version)?,
    };
    let definition = Definition::parse(
        &std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let service = definition.service().unwrap_or(&service).to_owned();
    let actions = if import.all {
        definition.action_names()
    } else {
        import.actions.clone()
    };
    let draft = draft::import_actions(
        &definition,
        &service,
        &actions,
        import.standalone,
        DRAFT_RATE_LIMIT,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    match &import.out {
        Some(path) => {
            std::fs::write(path, draft).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "drafted {} into {}",
                match actions.len() {
                    1..=5 => actions.join(", "),
                    n => format!("{n} actions"),
                },
                path.display()
            );
        }
        None => print!("{draft}"),
    }
    Ok(())
}
