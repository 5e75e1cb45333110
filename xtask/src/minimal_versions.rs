//! `cargo xtask minimal-versions`: the libraries (`tc3-runtime`, `gse-client`, `gse-emulator`)
//! built with every direct dependency at the lowest version its range admits.
//!
//! A library states a range (`[workspace.dependencies]`), and only this workspace's
//! `Cargo.lock` pins; a range's minimum is a claim that nothing else proves, so this command
//! does (stable cargo has no `-Z minimal-versions`). It writes the three crates as standalone
//! copies into `target/minimal-versions/` (the client and the runtime as `cargo xtask vendor`
//! writes them, the emulator beside them), turns each registry dependency `X` into `=min(X)`,
//! drops the dev-dependencies (tools, which keep their pins), resolves with no lock from here
//! (transitive crates at their newest), and builds the three with every feature. It needs the
//! registry (old releases are downloaded) and a few minutes, so CI does not run it: run it
//! after lowering or raising a range.

use crate::manifests::Workspace;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
use toml_edit::{DocumentMut, Item, Value};

/// The emulator's directory in the workspace, and its name in the copy.
const EMULATOR: (&str, &str) = ("emulator", "gse-emulator");

/// What of the emulator's crate the copy needs to build (no tests).
const EMULATOR_FILES: &[&str] = &["src", "spec"];

/// Builds the libraries at their dependencies' minima; fails naming what does not resolve or
/// build.
pub(crate) fn run(root: &Path) -> Result<()> {
    let dir = root.join("target/minimal-versions");
    let client = crate::targets::TARGETS[0].name;
    let crates = [client, tc3_codegen::RUNTIME_CRATE, EMULATOR.1];
    for name in crates {
        let _ = std::fs::remove_dir_all(dir.join(name));
    }
    let _ = std::fs::remove_file(dir.join("Cargo.lock"));
    crate::vendor::run(root, &dir, None)?;
    copy_emulator(root, &dir)?;
    let mut minima = Vec::new();
    for name in crates {
        let path = dir.join(name).join("Cargo.toml");
        let text = std::fs::read_to_string(&path)?;
        let mut doc: DocumentMut = text.parse().context("a copy's manifest")?;
        doc.remove("dev-dependencies");
        let deps = doc
            .get_mut("dependencies")
            .and_then(Item::as_table_like_mut)
            .context("a copy has dependencies")?;
        for (dep, item) in deps.iter_mut() {
            if let Some(min) = at_minimum(item)? {
                minima.push(format!("{name}: {dep} {min}"));
            }
        }
        std::fs::write(&path, doc.to_string())?;
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask minimal-versions`: the libraries at their dependencies' \
             minima.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            crates.map(|c| format!("\"{c}\"")).join(", ")
        ),
    )?;
    for line in &minima {
        println!("{line}");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo_in = |args: &[&str]| {
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .args(args);
        cmd
    };
    crate::process::run(
        &mut cargo_in(&["generate-lockfile"]),
        "resolving with every direct dependency at its minimum",
    )?;
    crate::process::run(
        &mut cargo_in(&["build", "--workspace", "--all-features"]),
        "building the libraries with every direct dependency at its minimum",
    )?;
    println!(
        "minimal-versions: {} crates build with {} dependencies at their minima ({})",
        crates.len(),
        minima.len(),
        dir.display()
    );
    Ok(())
}

/// The emulator as a standalone crate beside the vendored runtime.
fn copy_emulator(root: &Path, dir: &Path) -> Result<()> {
    let (from, name) = EMULATOR;
    let workspace = Workspace::read(root)?;
    let mut manifest =
        workspace.standalone_manifest(&root.join(from).join("Cargo.toml"), |_, value| {
            value
                .as_inline_table()
                .is_none_or(|t| !t.contains_key("path"))
                || value
                    .as_inline_table()
                    .is_some_and(|t| t.contains_key("version"))
        })?;
    let runtime = manifest["dependencies"][tc3_codegen::RUNTIME_CRATE]
        .as_inline_table_mut()
        .context("the emulator depends on the runtime")?;
    runtime.insert(
        "path",
        Value::from(format!("../{}", tc3_codegen::RUNTIME_CRATE)),
    );
    let out = dir.join(name);
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("Cargo.toml"), manifest.to_string())?;
    for part in EMULATOR_FILES {
        copy_tree(&root.join(from).join(part), &out.join(part))?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::create_dir_all(to.parent().context("a file has a parent")?)?;
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

/// Replaces a registry dependency's requirement by `=` its minimum, and gives that minimum
/// (`None` for a path dependency, which has no minimum to prove).
fn at_minimum(item: &mut Item) -> Result<Option<String>> {
    let is_path = item.get("path").is_some();
    let version = match item {
        Item::Value(Value::String(_)) => item,
        _ => match item.get_mut("version") {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    let requirement = version
        .as_str()
        .context("a version is a string")?
        .to_owned();
    if is_path {
        return Ok(None);
    }
    let min = minimum(&requirement)?;
    *version = toml_edit::value(format!("={min}"));
    Ok(Some(min))
}

/// The lowest version a requirement admits: `1.2` → `1.2.0`, `~1.1` → `1.1.0`,
/// `^0.13.5` → `0.13.5`.
pub(crate) fn minimum(requirement: &str) -> Result<String> {
    let bare = requirement.trim();
    let bare = bare
        .strip_prefix(['^', '~', '='])
        .unwrap_or(bare)
        .trim_start();
    let parts: Vec<&str> = bare.split('.').collect();
    if bare.is_empty()
        || parts.len() > 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        bail!("`{requirement}`: not a requirement of one bound (x.y.z, ^, ~ or =)");
    }
    let mut version: Vec<&str> = parts;
    version.resize(3, "0");
    Ok(version.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_of_a_requirement() {
        assert_eq!(minimum("1.2").unwrap(), "1.2.0");
        assert_eq!(minimum("~1.1").unwrap(), "1.1.0");
        assert_eq!(minimum("^0.13.5").unwrap(), "0.13.5");
        assert_eq!(minimum("=0.52.1").unwrap(), "0.52.1");
        assert_eq!(minimum("1").unwrap(), "1.0.0");
        assert!(minimum(">=1, <2").is_err());
        assert!(minimum("1.*").is_err());
    }

    #[test]
    fn a_registry_dependency_is_set_to_its_minimum_and_a_path_one_is_left() {
        let mut doc: DocumentMut = "[dependencies]\na = \"1.2\"\n\
             b = { version = \"~0.3.1\", features = [\"x\"] }\n\
             c = { version = \"0.1.0\", path = \"../c\" }\n"
            .parse()
            .unwrap();
        let deps = doc["dependencies"].as_table_like_mut().unwrap();
        let mut found = Vec::new();
        for (name, item) in deps.iter_mut() {
            found.push((name.to_string(), at_minimum(item).unwrap()));
        }
        assert_eq!(
            found,
            [
                ("a".to_owned(), Some("1.2.0".to_owned())),
                ("b".to_owned(), Some("0.3.1".to_owned())),
                ("c".to_owned(), None),
            ]
        );
        let text = doc.to_string();
        assert!(text.contains("a = \"=1.2.0\""), "{text}");
        assert!(
            text.contains("b = { version = \"=0.3.1\", features = [\"x\"] }"),
            "{text}"
        );
        assert!(text.contains("c = { version = \"0.1.0\", path"), "{text}");
    }
}
