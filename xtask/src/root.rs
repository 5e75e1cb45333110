//! Which workspace a command works on: the one around the current directory, found when the
//! command runs. A root compiled in would be wrong whenever two checkouts share one
//! `CARGO_TARGET_DIR`: `cargo xtask` in one would run the binary last built in the other and
//! work on that checkout.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The directory of this package inside the workspace, as `[workspace] members` names it.
const MEMBER: &str = "xtask";

/// The workspace around the current directory (see [`find`]).
pub(crate) fn current() -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    find(&cwd)
}

/// The nearest directory at or above `start` whose `Cargo.toml` has a `[workspace]` listing
/// `xtask` among its members. Other workspaces on the way up (a vendored copy, a nested
/// project) are passed over; no such directory is an error saying where it looked.
pub(crate) fn find(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        if has_xtask_member(&text) {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "{} is not inside this repository's workspace: no Cargo.toml at or above it has a \
         [workspace] with the `{MEMBER}` member; run from the checkout, or pass --root",
        start.display()
    )
}

/// Whether a manifest has a `[workspace]` whose `members` list this package. A manifest that
/// does not parse is not the one (cargo itself would refuse it).
fn has_xtask_member(manifest: &str) -> bool {
    let Ok(doc) = manifest.parse::<toml_edit::DocumentMut>() else {
        return false;
    };
    let Some(members) = doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
    else {
        return false;
    };
    let listed = members
        .iter()
        .filter_map(|m| m.as_str())
        .any(|m| m.trim_start_matches("./").trim_end_matches('/') == MEMBER);
    listed
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = "[workspace]\nmembers = [\"runtime\", \"xtask\"]\n";

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_nearest_workspace_with_the_xtask_member_is_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("checkout");
        write(&root.join("Cargo.toml"), WORKSPACE);
        // A member's own manifest, and a workspace of its own (a vendored copy) below the root.
        write(
            &root.join("runtime/Cargo.toml"),
            "[package]\nname = \"r\"\n",
        );
        write(
            &root.join("target/vendor/Cargo.toml"),
            "[workspace]\nmembers = [\"gse-client\"]\n",
        );
        let deep = root.join("target/vendor/gse-client/src");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find(&deep).unwrap(), root);
        assert_eq!(find(&root.join("runtime")).unwrap(), root);
        assert_eq!(find(&root).unwrap(), root);
    }

    #[test]
    fn members_are_matched_as_paths_and_other_manifests_are_passed_over() {
        assert!(has_xtask_member("[workspace]\nmembers = [\"./xtask/\"]\n"));
        assert!(!has_xtask_member("[workspace]\nmembers = [\"xtask2\"]\n"));
        assert!(!has_xtask_member("[package]\nname = \"xtask\"\n"));
        assert!(!has_xtask_member("[workspace\nmembers = [\"xtask\"]\n"));
    }

    #[test]
    fn outside_a_workspace_the_error_says_where_it_looked_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"other\"]\n",
        );
        let err = find(dir.path()).unwrap_err().to_string();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
        assert!(err.contains("--root"), "{err}");
    }
}
