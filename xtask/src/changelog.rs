//! The `CHANGELOG.md` of each client generated from a spec of `spec/` as written (not a
//! variant): `cargo xtask generate` adds the entry of the spec's crate version
//! (`x-tc-crate-version`) when the file has none, listing every change spec-diff finds against
//! the spec at the base revision (the one `version_bump` compares with); it never rewrites an
//! entry. `generate --check` fails when the version has no entry (the file is stale), and when
//! the version's entry, written since the base, misses a change spec-diff finds (so that an
//! edit after the entry was written cannot go unsaid).

use crate::targets::{Target, TARGETS};
use crate::version_bump::{crate_version, show};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tc3_codegen::spec_diff::{Change, Class};

/// The file, in the crate's directory.
pub(crate) const FILE: &str = "CHANGELOG.md";

/// A file as it must be: its path relative to the root, and its text.
pub(crate) type File = (PathBuf, String);

/// Every changelog as it must be, and what is wrong with an entry that exists (one sentence
/// each).
pub(crate) fn files(root: &Path) -> Result<(Vec<File>, Vec<String>)> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for target in TARGETS.iter().filter(|t| has_changelog(t)) {
        let path = Path::new(target.crate_dir).join(FILE);
        let existing = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        let new = target.spec_text(root)?;
        let version = show(crate_version(&new));
        let base = base_spec(root, target.spec);
        let changes = match &base {
            Some(old) => Some(tc3_codegen::diff_specs(
                &format!("{}@base", target.spec),
                old,
                target.spec,
                &new,
            )?),
            None => None,
        };
        let since = base.as_deref().map(|old| show(crate_version(old)));
        match entry_of(&existing, &version) {
            Some(entry) => {
                // An entry of the base's own version was written before it: what changed since
                // is for the next version (version_bump asks for it).
                if since.as_deref() != Some(version.as_str()) {
                    for change in changes.iter().flatten() {
                        if !entry.contains(&headline(change)) {
                            problems.push(format!(
                                "{}: the entry of {version} does not list `{}`; add it (or delete \
                                 the entry and run `{}`)",
                                path.display(),
                                headline(change),
                                tc3_codegen::REGENERATE_COMMAND
                            ));
                        }
                    }
                }
                files.push((path, existing));
            }
            None => {
                let entry = render_entry(&version, since.as_deref(), changes.as_deref());
                files.push((path, with_entry(&existing, target, &entry)));
            }
        }
    }
    Ok((files, problems))
}

/// The changelog a vendored copy of `target` carries (the committed one, which `generate
/// --check` keeps current), if it has one: path relative to the vendor directory, and text.
pub(crate) fn vendored(root: &Path, target: &Target) -> Result<Vec<File>> {
    if !has_changelog(target) {
        return Ok(Vec::new());
    }
    let path = Path::new(target.crate_dir).join(FILE);
    let text = std::fs::read_to_string(root.join(&path))
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(vec![(Path::new(target.name).join(FILE), text)])
}

/// A client generated from a spec of `spec/` as written: the ones whose version follows the
/// spec (`version_bump` looks at the same specs).
pub(crate) fn has_changelog(target: &Target) -> bool {
    target.overlay.is_empty() && target.spec.starts_with("spec/")
}

/// The spec at the base revision; `None` without git history or when it did not exist then.
fn base_spec(root: &Path, spec: &str) -> Option<String> {
    let base = crate::spec_diff::base_commit(root)?;
    crate::spec_diff::git(root, &["show", &format!("{base}:{spec}")]).ok()
}

/// The text of the entry of `version` (from its heading to the next), if there is one.
fn entry_of<'a>(changelog: &'a str, version: &str) -> Option<&'a str> {
    let heading = format!("## {version}");
    let mut start = None;
    let mut offset = 0;
    for line in changelog.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if start.is_some() && trimmed.starts_with("## ") {
            return start.map(|s| &changelog[s..offset]);
        }
        if trimmed == heading || trimmed.starts_with(&format!("{heading} ")) {
            start = Some(offset);
        }
        offset += line.len();
    }
    start.map(|s| &changelog[s..])
}

/// `changelog` with `entry` before its first entry (after its introduction), or a new file.
fn with_entry(changelog: &str, target: &Target, entry: &str) -> String {
    if changelog.trim().is_empty() {
        return format!("{}\n{entry}", introduction(target));
    }
    let mut offset = 0;
    for line in changelog.split_inclusive('\n') {
        if line.starts_with("## ") {
            return format!("{}{entry}\n{}", &changelog[..offset], &changelog[offset..]);
        }
        offset += line.len();
    }
    let sep = if changelog.ends_with("\n\n") {
        ""
    } else if changelog.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    format!("{changelog}{sep}{entry}")
}

/// The top of a new changelog: what it is and who writes it.
fn introduction(target: &Target) -> String {
    let command = tc3_codegen::REGENERATE_COMMAND;
    format!(
        "# Changelog of {name}\n\n\
         The version follows the spec (`x-tc-crate-version` in {spec}). `{command}`\n\
         writes the entry of each new version from `cargo xtask spec-diff` against the spec at\n\
         the base revision (the merge base with main) and never rewrites an entry: add by hand\n\
         what the spec does not say (a change of the runtime or the generator).\n\
         `{command} --check` fails when the version has no entry, or when its entry misses a\n\
         change.\n",
        name = target.name,
        spec = target.spec,
    )
}

/// One version's entry: a heading, what it is compared with, and one line per change.
fn render_entry(version: &str, since: Option<&str>, changes: Option<&[Change]>) -> String {
    let mut out = format!("## {version}\n\n");
    let (Some(since), Some(changes)) = (since, changes) else {
        out.push_str("No earlier spec to compare with.\n");
        return out;
    };
    if changes.is_empty() {
        out.push_str(&format!(
            "No change to the spec against {since} (spec-diff).\n"
        ));
        return out;
    }
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    out.push_str(&format!(
        "Against {since} (spec-diff): {breaking} breaking, {} compatible.\n\n",
        changes.len() - breaking
    ));
    for change in changes {
        out.push_str(&format!("- {} ({})\n", headline(change), change.why));
    }
    out
}

/// A change as its entry's line names it: class, subject and what.
fn headline(change: &Change) -> String {
    let class = match change.class {
        Class::Breaking => "**breaking**",
        Class::Compatible => "compatible",
    };
    format!("{class}: {}: {}", change.subject, change.what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(class: Class, what: &str) -> Change {
        Change {
            class,
            subject: "action A field F".to_owned(),
            what: what.to_owned(),
            why: "because".to_owned(),
        }
    }

    #[test]
    fn an_entry_lists_each_change_with_its_class() {
        let changes = [
            change(Class::Breaking, "maxItems 25 → 20"),
            change(Class::Compatible, "rate 1 → 2"),
        ];
        assert_eq!(
            render_entry("0.4.0", Some("0.3.1"), Some(&changes)),
            "## 0.4.0\n\nAgainst 0.3.1 (spec-diff): 1 breaking, 1 compatible.\n\n\
             - **breaking**: action A field F: maxItems 25 → 20 (because)\n\
             - compatible: action A field F: rate 1 → 2 (because)\n"
        );
        assert_eq!(
            render_entry("0.3.2", Some("0.3.1"), Some(&[])),
            "## 0.3.2\n\nNo change to the spec against 0.3.1 (spec-diff).\n"
        );
        assert_eq!(
            render_entry("0.1.0", None, None),
            "## 0.1.0\n\nNo earlier spec to compare with.\n"
        );
    }

    #[test]
    fn a_new_entry_goes_above_the_others_which_stay_as_they_are() {
        let target = &TARGETS[0];
        let old = "# Changelog\n\nIntro.\n\n## 0.3.1\n\nHand-written.\n\n## 0.3.0\n\nOld.\n";
        let new = with_entry(old, target, "## 0.4.0\n\nNew.\n");
        assert_eq!(
            new,
            "# Changelog\n\nIntro.\n\n## 0.4.0\n\nNew.\n\n## 0.3.1\n\nHand-written.\n\n## 0.3.0\n\nOld.\n"
        );
        assert_eq!(
            entry_of(&new, "0.3.1"),
            Some("## 0.3.1\n\nHand-written.\n\n")
        );
        assert_eq!(entry_of(&new, "0.3.0"), Some("## 0.3.0\n\nOld.\n"));
        assert_eq!(entry_of(&new, "0.3"), None);
        let fresh = with_entry("", target, "## 0.1.0\n\nFirst.\n");
        assert!(fresh.starts_with("# Changelog of gse-client\n"), "{fresh}");
        assert!(fresh.ends_with(".\n\n## 0.1.0\n\nFirst.\n"), "{fresh}");
        assert_eq!(
            with_entry("# Changelog\n", target, "## 0.1.0\n"),
            "# Changelog\n\n## 0.1.0\n"
        );
    }
}
