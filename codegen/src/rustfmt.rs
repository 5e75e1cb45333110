//! The generated Rust files laid out by rustfmt, as the workspace's own code is, so that
//! `cargo fmt --check` and `generate --check` agree on them.

use crate::error::{CodegenError, Result};
use std::io::Write;
use std::process::{Command, Stdio};

/// `text` (the file `file` of the crate) as rustfmt of `edition` writes it.
pub(crate) fn format(file: &str, edition: &str, text: &str) -> Result<String> {
    let fail = |message: String| CodegenError::Format {
        file: file.to_owned(),
        message,
    };
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_owned());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", edition, "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(format!(
                "cannot run `{rustfmt}` ({e}); install it: rustup component add rustfmt"
            ))
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| fail("no stdin".to_owned()))?;
    // Written from another thread: rustfmt may fill its stdout before it has read all input.
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| fail(format!("rustfmt did not finish: {e}")))?;
    writer
        .join()
        .map_err(|_| fail("writing to rustfmt panicked".to_owned()))?
        .map_err(|e| fail(format!("writing to rustfmt: {e}")))?;
    if !output.status.success() {
        return Err(fail(format!(
            "rustfmt failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    String::from_utf8(output.stdout).map_err(|_| fail("rustfmt wrote no UTF-8".to_owned()))
}
