//! The Python tools the checks use, in a virtual environment under `target/py`.

use crate::process::run;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::targets::TARGETS;

/// The requirements file, pinned versions only.
const REQUIREMENTS: &str = "xtask/python-requirements.txt";

/// Creates `target/py` and installs the pinned requirements unless they are already there;
/// returns the environment's `bin` directory.
pub(crate) fn ensure_venv(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target").join("py");
    let bin = venv.join("bin");
    let requirements = root.join(REQUIREMENTS);
    let wanted = std::fs::read_to_string(&requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let stamp = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(bin);
    }
    if !bin.join("python").exists() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "creating target/py",
        )?;
    }
    run(
        Command::new(bin.join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "installing the Python requirements into target/py",
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(bin)
}

/// Validates every spec with openapi-spec-validator.
pub(crate) fn validate_specs(root: &Path) -> Result<()> {
    let bin = ensure_venv(root)?;
    for target in TARGETS {
        run(
            Command::new(bin.join("openapi-spec-validator")).arg(root.join(target.spec)),
            &format!("validating {}", target.spec),
        )?;
    }
    Ok(())
}
