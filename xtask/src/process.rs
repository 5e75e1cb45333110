//! Running child processes.

use anyhow::{bail, Context, Result};
use std::process::Command;

/// Runs `cmd`, failing with `what` when it does not succeed.
pub(crate) fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("{what}: cannot start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what}: failed ({status})");
    }
    Ok(())
}
