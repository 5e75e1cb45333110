//! The specs of the workspace and the crates generated from them.

use crate::manifests::{self, Workspace};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tc3_codegen::{CrateSettings, Dependency, SpecInput};

/// Where the hand-written runtime crate lives, relative to the workspace root.
pub(crate) const RUNTIME_DIR: &str = "runtime";

/// A dependency of the hand-written tests and examples beside a generated crate.
pub(crate) enum DevDependency {
    /// A crate pinned in `[workspace.dependencies]`, with extra features.
    Pinned(&'static str, &'static [&'static str]),
    /// A workspace member, by its directory relative to the root, with features the tests and
    /// examples use.
    Member(&'static str, &'static str, &'static [&'static str]),
}

/// One spec and the crate generated from it.
pub(crate) struct Target {
    /// The spec file, relative to the workspace root.
    pub spec: &'static str,
    /// `(JSON pointer, YAML value)` replacements applied to the spec before generating.
    pub overlay: &'static [(&'static str, &'static str)],
    /// The generated crate's directory, relative to the workspace root.
    pub crate_dir: &'static str,
    /// The package name.
    pub name: &'static str,
    /// The package description (empty: one made from the spec's title).
    pub description: &'static str,
    /// What the hand-written tests and examples beside the generated code use.
    pub dev_dependencies: &'static [DevDependency],
    /// The hand-written Markdown guide the crate's documentation includes, relative to
    /// `crate_dir` (vendored copies carry it too); `None`: the generated summary alone.
    pub guide: Option<&'static str>,
}

impl Target {
    /// The spec's text.
    pub(crate) fn spec_text(&self, root: &Path) -> Result<String> {
        std::fs::read_to_string(root.join(self.spec))
            .with_context(|| format!("{}: cannot read the spec", self.spec))
    }

    /// The guide's text, when this target has one.
    pub(crate) fn guide_text(&self, root: &Path) -> Result<Option<String>> {
        self.guide
            .map(|guide| {
                let path = Path::new(self.crate_dir).join(guide);
                std::fs::read_to_string(root.join(&path)).with_context(|| {
                    format!(
                        "{}: cannot read the guide `src/lib.rs` includes (xtask/src/targets.rs names it)",
                        path.display()
                    )
                })
            })
            .transpose()
    }

    /// The spec with this target's overlay.
    pub(crate) fn input<'a>(&'a self, text: &'a str) -> SpecInput<'a> {
        SpecInput {
            label: self.spec,
            text,
            overlay: self.overlay,
        }
    }

    /// The settings of the crate inside this workspace: the runtime by path, the workspace's
    /// pins, and the dev-dependencies of the tests beside it.
    pub(crate) fn workspace_settings(
        &self,
        root: &Path,
        workspace: &Workspace,
    ) -> Result<CrateSettings> {
        let pins = workspace.pins()?;
        let mut dev_dependencies = BTreeMap::new();
        for dev in self.dev_dependencies {
            let (name, dependency) = match dev {
                DevDependency::Pinned(name, features) => {
                    let mut d = pins
                        .get(*name)
                        .cloned()
                        .with_context(|| format!("`{name}` is not pinned in Cargo.toml"))?;
                    d.features.extend(features.iter().map(|f| f.to_string()));
                    (*name, d)
                }
                DevDependency::Member(name, dir, features) => (
                    *name,
                    Dependency {
                        // In a packaged crate, a version too, so that the package keeps it
                        // (and its examples build); it names hand-written members only.
                        version: match crate::packages::generated_package(self.name) {
                            Some(_) => Some(manifests::package_version(
                                &root.join(dir).join("Cargo.toml"),
                            )?),
                            None => None,
                        },
                        path: Some(relative(self.crate_dir, dir)),
                        default_features: true,
                        features: features.iter().map(|f| f.to_string()).collect(),
                    },
                ),
            };
            dev_dependencies.insert(name.to_owned(), dependency);
        }
        let runtime = Dependency {
            version: Some(manifests::package_version(
                &root.join(RUNTIME_DIR).join("Cargo.toml"),
            )?),
            path: Some(relative(self.crate_dir, RUNTIME_DIR)),
            ..Dependency::default()
        };
        self.settings(
            workspace,
            runtime,
            dev_dependencies,
            tc3_codegen::REGENERATE_COMMAND.to_owned(),
            true,
        )
    }

    /// The settings for a standalone copy: the runtime vendored beside it, no dev-dependencies;
    /// `command` writes the copy again.
    pub(crate) fn vendored_settings(
        &self,
        root: &Path,
        workspace: &Workspace,
        command: &str,
    ) -> Result<CrateSettings> {
        let runtime = Dependency {
            version: Some(manifests::package_version(
                &root.join(RUNTIME_DIR).join("Cargo.toml"),
            )?),
            path: Some(format!("../{}", tc3_codegen::RUNTIME_CRATE)),
            ..Dependency::default()
        };
        // A copy has no workspace to take lints from, and is not a package of its own.
        let mut settings = self.settings(
            workspace,
            runtime,
            BTreeMap::new(),
            command.to_owned(),
            false,
        )?;
        settings.package = None;
        settings.publish = false;
        Ok(settings)
    }

    fn settings(
        &self,
        workspace: &Workspace,
        runtime: Dependency,
        dev_dependencies: BTreeMap<String, Dependency>,
        regenerate_command: String,
        with_lints: bool,
    ) -> Result<CrateSettings> {
        let package = crate::packages::generated_package(self.name);
        Ok(CrateSettings {
            // A packaged crate is meant to be published (and cargo verifies a package that
            // depends on it only then); the others follow the workspace.
            publish: package.is_some() || workspace.package_field("publish")? == "true",
            package,
            guide: self.guide.map(str::to_owned),
            lints: if with_lints {
                Some(workspace.lints()?)
            } else {
                None
            },
            dev_dependencies,
            ..plain_settings(
                workspace,
                self.name,
                self.description,
                runtime,
                regenerate_command,
            )?
        })
    }
}

/// The settings of a crate that is no target of this workspace (a spec given by path):
/// named `name`, the runtime as `runtime`, no lints, no dev-dependencies, not published,
/// written again by `regenerate_command`.
pub(crate) fn plain_settings(
    workspace: &Workspace,
    name: &str,
    description: &str,
    runtime: Dependency,
    regenerate_command: String,
) -> Result<CrateSettings> {
    Ok(CrateSettings {
        name: name.to_owned(),
        version: "0.1.0".to_owned(),
        description: description.to_owned(),
        edition: workspace.package_field("edition")?,
        rust_version: workspace.package_field("rust-version")?,
        license: workspace.package_field("license")?,
        publish: false,
        package: None,
        guide: None,
        regenerate_command,
        runtime,
        pins: workspace.pins()?,
        lints: None,
        dev_dependencies: BTreeMap::new(),
    })
}

/// The path of `to` as seen from `from` (both relative to the same root).
fn relative(from: &str, to: &str) -> String {
    let ups = Path::new(from).components().count();
    let mut path = PathBuf::new();
    for _ in 0..ups {
        path.push("..");
    }
    path.push(to);
    path.to_string_lossy().replace('\\', "/")
}

/// Every generated crate: the client game backends use; the two-action fixture that proves
/// the generator holds no knowledge of a particular action; a fixture generated from a spec
/// drafted by `cargo xtask import-action`; and a variant of the real spec
/// with other limits, whose tests prove the enforced numbers follow the spec. The variant
/// names its changes by JSON pointer, so any edit of the spec's text leaves it valid.
pub(crate) const TARGETS: &[Target] = &[
    Target {
        spec: "spec/gse.yaml",
        overlay: &[],
        crate_dir: "generated-client",
        name: "gse-client",
        description: "",
        // The `join` example's; the tests of the client are in `e2e/` (package gse-e2e).
        dev_dependencies: &[
            DevDependency::Pinned("clap", &[]),
            DevDependency::Pinned("futures-util", &[]),
            DevDependency::Member("gse-emulator", "emulator", &[]),
            DevDependency::Pinned("indicatif", &[]),
            DevDependency::Pinned("metrics-exporter-prometheus", &[]),
            // The `join` example's `--redis`: the fleet-wide rate limit.
            DevDependency::Member("tc3-runtime", "runtime", &["redis", "metrics"]),
            DevDependency::Pinned(
                "tokio",
                &["macros", "rt-multi-thread", "io-util", "io-std", "fs", "signal"],
            ),
            DevDependency::Pinned("tracing", &[]),
            DevDependency::Pinned("tracing-subscriber", &[]),
        ],
        // Its doctests run against the in-process emulator (a dev-dependency above).
        guide: Some("GUIDE.md"),
    },
    Target {
        spec: "fixtures/two-actions/spec.yaml",
        overlay: &[],
        crate_dir: "fixtures/two-actions",
        name: "two-actions-client",
        description: "A client generated from a made-up two-action spec: proves the generator knows no action.",
        dev_dependencies: &[
            DevDependency::Member("gse-client", "generated-client", &[]),
            DevDependency::Member("test-support", "test-support", &[]),
            DevDependency::Pinned("tokio", &["macros", "rt-multi-thread", "net", "time"]),
        ],
        guide: None,
    },
    Target {
        spec: "fixtures/imported/spec.yaml",
        overlay: &[],
        crate_dir: "fixtures/imported",
        name: "imported-client",
        description: "A client generated from a spec drafted by `cargo xtask import-action` (two other GSE actions): proves an imported draft generates as it is.",
        dev_dependencies: &[
            DevDependency::Member("test-support", "test-support", &[]),
            DevDependency::Pinned("tokio", &["macros", "rt-multi-thread", "net", "time"]),
            DevDependency::Pinned("serde_json", &[]),
        ],
        guide: None,
    },
    Target {
        spec: "spec/gse.yaml",
        overlay: &[
            (
                "/components/schemas/JoinGameServerSessionBatchRequest/properties/PlayerIds/maxItems",
                "10",
            ),
            (
                "/paths/~1JoinGameServerSessionBatch/post/x-tc-rate-limit",
                "7",
            ),
        ],
        crate_dir: "fixtures/spec-variant",
        name: "spec-variant-client",
        description: "The client generated from spec/gse.yaml with maxItems 10 and a rate of 7/s: proves the enforced numbers follow the spec.",
        dev_dependencies: &[
            DevDependency::Member("gse-emulator", "emulator", &[]),
            DevDependency::Pinned("tokio", &["macros", "rt-multi-thread", "net", "time"]),
        ],
        guide: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_crate_directory() {
        assert_eq!(relative("generated-client", "runtime"), "../runtime");
        assert_eq!(relative("fixtures/two-actions", "runtime"), "../../runtime");
    }
}
