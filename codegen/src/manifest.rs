//! The generated crate's `Cargo.toml`: its package, the crates the generated code uses (with
//! the version ranges the workspace states), the runtime, and the TLS backend features.

use crate::error::{CodegenError, Result};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A dependency as a manifest states it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dependency {
    /// The version requirement, e.g. `0.13.4`.
    pub version: Option<String>,
    /// A path, relative to the generated crate's directory.
    pub path: Option<String>,
    /// Whether the crate's default features are on.
    pub default_features: bool,
    /// Features turned on.
    pub features: Vec<String>,
}

impl Dependency {
    /// A registry dependency on `version` with its default features.
    pub fn version(version: impl Into<String>) -> Self {
        Self {
            version: Some(version.into()),
            default_features: true,
            ..Self::default()
        }
    }

    /// The inline table, e.g. `{ version = "=1.0", features = ["derive"] }`.
    fn inline(&self) -> String {
        let mut parts = Vec::new();
        if let Some(version) = &self.version {
            parts.push(format!("version = {}", quoted(version)));
        }
        if let Some(path) = &self.path {
            parts.push(format!("path = {}", quoted(path)));
        }
        if !self.default_features {
            parts.push("default-features = false".to_owned());
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| quoted(f)).collect();
            parts.push(format!("features = [{}]", features.join(", ")));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// What a package for a registry says about itself beyond its name, version and description.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackageInfo {
    /// The README beside the manifest, e.g. `README.md`.
    pub readme: String,
    /// Where its documentation is, e.g. `https://docs.rs/NAME`.
    pub documentation: String,
    /// At most five crates.io keywords.
    pub keywords: Vec<String>,
    /// crates.io category slugs.
    pub categories: Vec<String>,
    /// Why the crate is (or is not) published, written as a comment above `publish`.
    pub publish_note: String,
}

/// What the generated crate is called and what it depends on, beyond what the spec says.
#[derive(Clone, Debug)]
pub struct CrateSettings {
    /// The package name, e.g. `cvm-client`.
    pub name: String,
    /// The package version.
    pub version: String,
    /// The package description; empty for one made from the spec's title.
    pub description: String,
    /// The Rust edition.
    pub edition: String,
    /// The oldest Rust that builds the crate.
    pub rust_version: String,
    /// The license expression.
    pub license: String,
    /// Whether the crate may be published.
    pub publish: bool,
    /// The metadata of a crate that is packaged (README, docs, keywords, categories, docs.rs
    /// settings); `None` for one that never leaves its workspace (made to test the
    /// generator).
    pub package: Option<PackageInfo>,
    /// The command that writes the crate again, named in every file's preamble
    /// (e.g. `cargo xtask generate`).
    pub regenerate_command: String,
    /// The runtime crate (`tc3-runtime`): where it is, and its version.
    pub runtime: Dependency,
    /// The versions (and base features) of every crate the generated code may use.
    pub pins: BTreeMap<String, Dependency>,
    /// Dependencies of the hand-written tests and examples beside the generated code.
    pub dev_dependencies: BTreeMap<String, Dependency>,
    /// The crate's own `[lints.*]` tables, as TOML text (the generator's workspace's, written
    /// out, so that the crate inherits nothing); none in a standalone copy.
    pub lints: Option<String>,
    /// A hand-written Markdown guide, relative to the crate's directory (e.g. `GUIDE.md`),
    /// that `src/lib.rs` includes as the crate's documentation after the generated summary;
    /// `None`: the summary alone.
    pub guide: Option<String>,
}

/// The runtime crate's package name.
pub const RUNTIME_CRATE: &str = "tc3-runtime";

/// The crates generated code may use, with the features it needs beyond the pins'; `regress`
/// only when a schema has a `pattern`, `progenitor-client` only when its items are named.
const CLIENT_CRATES: &[(&str, &[&str])] = &[
    ("progenitor-client", &[]),
    ("regress", &[]),
    ("reqwest", &[]),
    ("serde", &["derive"]),
    ("serde_json", &[]),
];

/// `Cargo.toml` of a crate whose `src/client.rs` is `client_rs`.
pub(crate) fn render(
    preamble: &str,
    settings: &CrateSettings,
    spec_label: &str,
    spec_sha256: &str,
    title: &str,
    client_rs: &str,
) -> Result<String> {
    let description = if settings.description.is_empty() {
        format!("Client for the {title}, generated from {spec_label}.")
    } else {
        settings.description.clone()
    };
    let mut out = String::new();
    for line in preamble.lines() {
        let _ = writeln!(out, "#{}", line.trim_start_matches("//"));
    }
    let _ = writeln!(out, "\n[package]");
    let _ = writeln!(out, "name = {}", quoted(&settings.name));
    let _ = writeln!(out, "version = {}", quoted(&settings.version));
    let _ = writeln!(out, "description = {}", quoted(&description));
    if let Some(package) = &settings.package {
        let _ = writeln!(out, "readme = {}", quoted(&package.readme));
        let _ = writeln!(out, "documentation = {}", quoted(&package.documentation));
        let _ = writeln!(out, "keywords = {}", quoted_list(&package.keywords));
        let _ = writeln!(out, "categories = {}", quoted_list(&package.categories));
    }
    let _ = writeln!(out, "edition = {}", quoted(&settings.edition));
    let _ = writeln!(out, "rust-version = {}", quoted(&settings.rust_version));
    let _ = writeln!(out, "license = {}", quoted(&settings.license));
    if let Some(package) = &settings.package {
        for line in package.publish_note.lines() {
            let _ = writeln!(out, "# {line}");
        }
    }
    let _ = writeln!(out, "publish = {}", settings.publish);
    if settings.package.is_some() {
        // docs.rs documents every feature, and `doc_cfg` (lib.rs) marks what each needs.
        let _ = writeln!(out, "\n[package.metadata.docs.rs]");
        let _ = writeln!(out, "all-features = true");
        let _ = writeln!(out, "rustdoc-args = [\"--cfg\", \"docsrs\"]");
    }
    let _ = writeln!(out, "\n[package.metadata.generated]");
    let _ = writeln!(out, "spec = {}", quoted(spec_label));
    let _ = writeln!(out, "spec-sha256 = {}", quoted(spec_sha256));
    let _ = writeln!(
        out,
        "generator = {}",
        quoted(&format!(
            "{} {}",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        ))
    );
    let _ = writeln!(out, "\n[lib]\npath = \"src/lib.rs\"");
    if let Some(lints) = &settings.lints {
        out.push_str(lints);
    }
    let _ = writeln!(out, "\n[features]");
    let _ = writeln!(out, "default = [\"rustls-ring\"]");
    let _ = writeln!(
        out,
        "# HTTPS through rustls with the ring crypto backend (the default; the lighter build)."
    );
    let _ = writeln!(out, "rustls-ring = [\"{RUNTIME_CRATE}/rustls-ring\"]");
    let _ = writeln!(
        out,
        "# HTTPS through rustls with the aws-lc-rs crypto backend."
    );
    let _ = writeln!(out, "rustls-aws-lc = [\"{RUNTIME_CRATE}/rustls-aws-lc\"]");
    let _ = writeln!(
        out,
        "# RateLimit::Shared: one quota for every process of a fleet, kept in Redis."
    );
    let _ = writeln!(out, "redis = [\"{RUNTIME_CRATE}/redis\"]");
    let _ = writeln!(
        out,
        "# transport::MockTransport: answers without a network, for unit tests of code that uses the client."
    );
    let _ = writeln!(out, "test-util = [\"{RUNTIME_CRATE}/test-util\"]");
    let _ = writeln!(
        out,
        "# Calls, attempts, retries, throttles and latencies through the `metrics` facade."
    );
    let _ = writeln!(out, "metrics = [\"{RUNTIME_CRATE}/metrics\"]");
    let _ = writeln!(out, "\n[dependencies]");
    let mut runtime = settings.runtime.clone();
    runtime.default_features = false;
    let _ = writeln!(out, "{RUNTIME_CRATE} = {}", runtime.inline());
    for (name, extra) in CLIENT_CRATES {
        // Each only when the code names it: regress for a `pattern`; progenitor-client only
        // if a pass left one of its items.
        let crate_path = name.replace('-', "_");
        if (*name == "regress" || *name == "progenitor-client") && !client_rs.contains(&crate_path)
        {
            continue;
        }
        let mut dependency = settings.pins.get(*name).cloned().ok_or_else(|| {
            CodegenError::Settings(format!(
                "the generated code needs `{name}`, and no version of it is pinned"
            ))
        })?;
        for feature in *extra {
            if !dependency.features.iter().any(|f| f == feature) {
                dependency.features.push(feature.to_string());
            }
        }
        let _ = writeln!(out, "{name} = {}", dependency.inline());
    }
    if !settings.dev_dependencies.is_empty() {
        let _ = writeln!(out, "\n[dev-dependencies]");
        for (name, dependency) in &settings.dev_dependencies {
            let _ = writeln!(out, "{name} = {}", dependency.inline());
        }
    }
    Ok(out)
}

/// A TOML array of basic strings.
fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_toml_wants() {
        assert_eq!(quoted("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }

    fn settings(package: Option<PackageInfo>) -> CrateSettings {
        let pins = CLIENT_CRATES
            .iter()
            .map(|(name, _)| ((*name).to_owned(), Dependency::version("1.0")))
            .collect();
        CrateSettings {
            name: "x-client".into(),
            version: "0.1.0".into(),
            description: String::new(),
            edition: "2021".into(),
            rust_version: "1.88".into(),
            license: "MIT".into(),
            publish: package.is_some(),
            package,
            regenerate_command: "regenerate".into(),
            runtime: Dependency::version("0.1.0"),
            pins,
            dev_dependencies: BTreeMap::new(),
            lints: None,
            guide: None,
        }
    }

    #[test]
    fn a_packaged_crate_says_what_a_registry_shows_and_docs_rs_builds() {
        let package = PackageInfo {
            readme: "README.md".into(),
            documentation: "https://docs.rs/x-client".into(),
            keywords: vec!["a".into(), "b".into()],
            categories: vec!["api-bindings".into()],
            publish_note: "Why it is published,\nin two lines.".into(),
        };
        let out = render("", &settings(Some(package)), "spec.yaml", "00", "X", "").unwrap();
        for line in [
            "readme = \"README.md\"\n",
            "documentation = \"https://docs.rs/x-client\"\n",
            "keywords = [\"a\", \"b\"]\n",
            "categories = [\"api-bindings\"]\n",
            "# Why it is published,\n# in two lines.\npublish = true\n",
            "[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n",
        ] {
            assert!(out.contains(line), "{line:?} in:\n{out}");
        }
        let out = render("", &settings(None), "spec.yaml", "00", "X", "").unwrap();
        assert!(!out.contains("readme") && !out.contains("docs.rs"), "{out}");
        assert!(out.contains("\npublish = false\n"), "{out}");
    }

    #[test]
    fn dependencies_render_as_inline_tables() {
        let mut d = Dependency::version("=1.0");
        d.default_features = false;
        d.features = vec!["std".into()];
        assert_eq!(
            d.inline(),
            "{ version = \"=1.0\", default-features = false, features = [\"std\"] }"
        );
    }
}
