//! The generated crate's version follows its spec: `x-tc-crate-version` at the spec's root must
//! grow with every change since the base revision (the merge base with main, or HEAD), as much
//! as the change requires: a breaking change a major bump (0.x: the minor), a compatible one
//! at least a minor (0.x: the patch). `cargo xtask generate --check` fails naming the bump.

use anyhow::Result;
use std::path::Path;
use tc3_codegen::spec_diff::Class;

/// The version a spec without `x-tc-crate-version` has.
const DEFAULT_VERSION: (u64, u64, u64) = (0, 1, 0);

/// Each spec that changed since the base without the version bump it needs, said in one
/// sentence; empty when every spec's version is right or there is no git history to compare.
pub(crate) fn missing_bumps(root: &Path) -> Result<Vec<String>> {
    let Some(base) = crate::spec_diff::base_commit(root) else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    for file in crate::spec_diff::spec_files_now(root)? {
        let Ok(old) = crate::spec_diff::git(root, &["show", &format!("{base}:{file}")]) else {
            continue; // a new spec: any version will do
        };
        let new = std::fs::read_to_string(root.join(&file))?;
        let changes = tc3_codegen::diff_specs(&format!("{file}@{base}"), &old, &file, &new)?;
        let breaking = changes
            .iter()
            .filter(|c| c.class == Class::Breaking)
            .count();
        if changes.is_empty() {
            continue;
        }
        let (before, after) = (crate_version(&old), crate_version(&new));
        let (needed, why) = required(before, breaking > 0);
        if !at_least(after, needed) {
            let short = &base[..base.len().min(10)];
            problems.push(format!(
                "{file}: {} change(s) since {short} ({breaking} breaking) need the crate's version \
                 bumped from {} to at least {} ({why}); set `x-tc-crate-version: \"{}\"` at the \
                 spec's root",
                changes.len(),
                show(before),
                show(needed),
                show(needed)
            ));
        }
    }
    Ok(problems)
}

/// The least version after `before` that a change needs, and why.
fn required(before: (u64, u64, u64), breaking: bool) -> ((u64, u64, u64), &'static str) {
    let (major, minor, patch) = before;
    match (breaking, major) {
        (true, 0) => (
            (0, minor + 1, 0),
            "a breaking change of a 0.x crate: the minor",
        ),
        (true, _) => ((major + 1, 0, 0), "a breaking change: the major"),
        (false, 0) => (
            (0, minor, patch + 1),
            "a compatible change of a 0.x crate: the patch",
        ),
        (false, _) => ((major, minor + 1, 0), "a compatible change: the minor"),
    }
}

fn at_least(version: (u64, u64, u64), needed: (u64, u64, u64)) -> bool {
    version >= needed
}

/// The spec's `x-tc-crate-version` (the default when absent or unreadable).
pub(crate) fn crate_version(spec: &str) -> (u64, u64, u64) {
    let tree: serde_yaml::Value = serde_yaml::from_str(spec).unwrap_or_default();
    let parts: Vec<u64> = tree["x-tc-crate-version"]
        .as_str()
        .unwrap_or_default()
        .split('.')
        .filter_map(|p| p.parse().ok())
        .collect();
    match parts[..] {
        [major, minor, patch] => (major, minor, patch),
        _ => DEFAULT_VERSION,
    }
}

pub(crate) fn show((major, minor, patch): (u64, u64, u64)) -> String {
    format!("{major}.{minor}.{patch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bump_a_change_needs() {
        assert_eq!(required((0, 1, 0), true).0, (0, 2, 0));
        assert_eq!(required((0, 1, 3), false).0, (0, 1, 4));
        assert_eq!(required((1, 4, 2), true).0, (2, 0, 0));
        assert_eq!(required((1, 4, 2), false).0, (1, 5, 0));
        assert!(at_least((0, 3, 0), (0, 2, 0)));
        assert!(!at_least((0, 1, 9), (0, 2, 0)));
        assert_eq!(crate_version("x-tc-crate-version: \"0.2.1\"\n"), (0, 2, 1));
        assert_eq!(crate_version("openapi: 3.0.3\n"), DEFAULT_VERSION);
    }
}
