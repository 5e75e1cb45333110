//! Reading the workspace's manifests: the versions of `[workspace.dependencies]` (ranges for
//! what the libraries use, pins for the tools'), the
//! shared `[workspace.package]` fields, and a member's manifest with every `workspace = true`
//! resolved, so that a crate can leave the workspace (vendoring) with the same versions.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use tc3_codegen::Dependency;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// The root manifest of the workspace.
pub(crate) struct Workspace {
    doc: DocumentMut,
}

impl Workspace {
    /// Reads `root/Cargo.toml`.
    pub(crate) fn read(root: &Path) -> Result<Self> {
        Ok(Self {
            doc: read_manifest(&root.join("Cargo.toml"))?,
        })
    }

    fn workspace_table(&self, key: &str) -> Result<&Table> {
        self.doc
            .get("workspace")
            .and_then(|w| w.get(key))
            .and_then(Item::as_table)
            .with_context(|| format!("Cargo.toml: no [workspace.{key}] table"))
    }

    /// A `[workspace.package]` string field, e.g. `edition`.
    pub(crate) fn package_field(&self, key: &str) -> Result<String> {
        self.workspace_table("package")?
            .get(key)
            .and_then(Item::as_value)
            .map(|v| match v {
                Value::String(s) => s.value().clone(),
                other => other.to_string().trim().to_owned(),
            })
            .with_context(|| format!("Cargo.toml: [workspace.package] has no `{key}`"))
    }

    /// `[workspace.lints]` written out as a member's own `[lints.*]` tables, so that a generated
    /// crate is linted like the rest without inheriting anything from the workspace.
    pub(crate) fn lints(&self) -> Result<String> {
        let mut out = String::new();
        for (group, item) in self.workspace_table("lints")? {
            let table = item
                .as_table()
                .with_context(|| format!("Cargo.toml: [workspace.lints.{group}] is not a table"))?;
            out.push_str(&format!("\n[lints.{group}]\n"));
            for (name, value) in table {
                let value = value
                    .as_value()
                    .with_context(|| format!("Cargo.toml: lint `{name}` is not a value"))?;
                out.push_str(&format!("{name} = {}\n", value.to_string().trim()));
            }
        }
        Ok(out)
    }

    /// Every entry of `[workspace.dependencies]` as a dependency (a range or a pin).
    pub(crate) fn pins(&self) -> Result<BTreeMap<String, Dependency>> {
        let mut pins = BTreeMap::new();
        for (name, item) in self.workspace_table("dependencies")? {
            pins.insert(name.to_owned(), dependency_of(name, item)?);
        }
        Ok(pins)
    }

    /// The `[workspace.dependencies]` entry for `name`, as a TOML value.
    fn pinned_value(&self, name: &str) -> Result<Value> {
        let item = self
            .workspace_table("dependencies")?
            .get(name)
            .with_context(|| format!("Cargo.toml: `{name}` is not in [workspace.dependencies]"))?;
        Ok(match item {
            Item::Value(v) => v.clone(),
            Item::Table(t) => Value::InlineTable(t.clone().into_inline_table()),
            _ => bail!("Cargo.toml: [workspace.dependencies] `{name}` is not a dependency"),
        })
    }

    /// A member's manifest with `workspace = true` resolved everywhere (package fields,
    /// dependencies, lints), its dependency tables passed to `keep` to drop entries, and
    /// `publish = false`: a copy is not a package of its own.
    pub(crate) fn standalone_manifest(
        &self,
        member_manifest: &Path,
        keep: impl Fn(&str, &Value) -> bool,
    ) -> Result<DocumentMut> {
        let mut doc = read_manifest(member_manifest)?;
        let shared = self.workspace_table("package")?.clone();
        if let Some(package) = doc.get_mut("package").and_then(Item::as_table_mut) {
            for (key, item) in package.iter_mut() {
                if inherits(item) {
                    *item = shared
                        .get(&key)
                        .cloned()
                        .with_context(|| format!("[workspace.package] has no `{key}`"))?;
                }
            }
        }
        if let Some(package) = doc.get_mut("package").and_then(Item::as_table_mut) {
            // Removed first, so that the member's comment on it goes too.
            package.remove("publish");
            package.insert("publish", toml_edit::value(false));
        }
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(table) = doc.get_mut(section).and_then(Item::as_table_like_mut) else {
                continue;
            };
            let names: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
            for name in names {
                let item = table.get_mut(&name).expect("listed above");
                // `name.workspace = true` is a dotted table; `name = { .. }` a value.
                let value = match &*item {
                    Item::Value(v) => v.clone(),
                    Item::Table(t) => Value::InlineTable(t.clone().into_inline_table()),
                    _ => continue,
                };
                let resolved = if inherits(item) {
                    merge_pin(self.pinned_value(&name)?, &value)
                } else {
                    value
                };
                if keep(&name, &resolved) {
                    *table.get_mut(&name).expect("listed above") = Item::Value(resolved);
                } else {
                    table.remove(&name);
                }
            }
        }
        if doc
            .get("lints")
            .and_then(|l| l.get("workspace"))
            .and_then(Item::as_bool)
            == Some(true)
        {
            let lints = self
                .doc
                .get("workspace")
                .and_then(|w| w.get("lints"))
                .cloned()
                .context("Cargo.toml: no [workspace.lints]")?;
            doc.insert("lints", lints);
        }
        Ok(doc)
    }
}

fn read_manifest(path: &Path) -> Result<DocumentMut> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.parse::<DocumentMut>()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

/// `key.workspace = true` or `key = { workspace = true, .. }`.
fn inherits(item: &Item) -> bool {
    item.get("workspace").and_then(Item::as_bool) == Some(true)
}

/// The workspace's pin with the member's own `features` added and `optional` kept.
fn merge_pin(pin: Value, member: &Value) -> Value {
    let mut table = match pin {
        Value::InlineTable(t) => t,
        other => {
            let mut t = InlineTable::new();
            t.insert("version", other);
            t
        }
    };
    if let Some(member) = member.as_inline_table() {
        if let Some(features) = member.get("features").and_then(Value::as_array) {
            let mut all = table
                .get("features")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for feature in features {
                if !all.iter().any(|f| f.as_str() == feature.as_str()) {
                    all.push(feature.clone());
                }
            }
            all.fmt();
            table.insert("features", Value::Array(all));
        }
        if let Some(optional) = member.get("optional") {
            table.insert("optional", optional.clone());
        }
    }
    table.fmt();
    Value::InlineTable(table)
}

/// A `[workspace.dependencies]` entry as the generator's [`Dependency`].
fn dependency_of(name: &str, item: &Item) -> Result<Dependency> {
    if let Some(version) = item.as_str() {
        return Ok(Dependency::version(version));
    }
    let table = item
        .as_table_like()
        .with_context(|| format!("[workspace.dependencies] `{name}`: not a string or a table"))?;
    let text = |key: &str| table.get(key).and_then(Item::as_str).map(String::from);
    Ok(Dependency {
        version: text("version"),
        path: text("path"),
        default_features: table
            .get("default-features")
            .and_then(Item::as_bool)
            .unwrap_or(true),
        features: table
            .get("features")
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// `version` of a member's `[package]`.
pub(crate) fn package_version(manifest: &Path) -> Result<String> {
    read_manifest(manifest)?
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .map(String::from)
        .with_context(|| format!("{}: no package version", manifest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_manifest_becomes_standalone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"m\"]\n[workspace.package]\nedition = \"2021\"\n\
             [workspace.dependencies]\na = \"=1.0.0\"\n\
             b = { version = \"=2.0.0\", default-features = false, features = [\"x\"] }\n\
             [workspace.lints.rust]\nmissing_docs = \"warn\"\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("m")).unwrap();
        std::fs::write(
            dir.path().join("m/Cargo.toml"),
            "[package]\nname = \"m\"\nedition.workspace = true\n[dependencies]\n\
             a.workspace = true\nb = { workspace = true, features = [\"y\"], optional = true }\n\
             local = { path = \"../local\" }\n[lints]\nworkspace = true\n",
        )
        .unwrap();
        let ws = Workspace::read(dir.path()).unwrap();
        let doc = ws
            .standalone_manifest(&dir.path().join("m/Cargo.toml"), |name, _| name != "local")
            .unwrap()
            .to_string();
        assert!(!doc.contains("workspace"), "{doc}");
        assert!(doc.contains("edition = \"2021\""), "{doc}");
        assert!(doc.contains("publish = false"), "{doc}");
        assert!(doc.contains("a = { version = \"=1.0.0\" }"), "{doc}");
        assert!(
            doc.contains(
                "b = { version = \"=2.0.0\", default-features = false, features = [\"x\", \"y\"], optional = true }"
            ),
            "{doc}"
        );
        assert!(!doc.contains("local"), "{doc}");
        assert!(doc.contains("missing_docs = \"warn\""), "{doc}");
        let pins = ws.pins().unwrap();
        assert_eq!(pins["b"].features, ["x"]);
        assert!(!pins["b"].default_features);
    }
}
