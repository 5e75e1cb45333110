//! `cargo xtask vendor DIR`: a standalone copy of the client for another repository.
//!
//! `DIR/gse-client/` is generated from the spec with the workspace's version ranges and a path
//! dependency on `DIR/tc3-runtime/`, a copy of the runtime crate with its manifest resolved out
//! of this workspace. Nothing in `DIR` points outside it or inherits from a workspace, a README
//! in each crate says where it came from, and each crate's guide (the Markdown its `lib.rs`
//! includes as its documentation) is copied beside its `src/`. Clients of several specs
//! vendored into one `DIR` share one runtime (and so can share a credentials provider). Like
//! `generate`, every file is staged before the first is replaced, and files the copy no longer
//! has are removed.

use crate::generate::{self, Change};
use crate::manifests::Workspace;
use crate::targets::{Target, RUNTIME_DIR, TARGETS};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What is vendored: a spec of the workspace (its target's name, guide and changelog), or
/// any other spec file (its crate named by `x-tc-crate-name`, or `SERVICE-client`).
enum Source<'a> {
    Target(&'a Target),
    File {
        /// The path as given, as the preamble and README name it.
        label: String,
        text: String,
        name: String,
    },
}

/// Writes the client generated from `spec` (default: the first target's; a path that is
/// no target's spec: that file) and the runtime into `dir`.
pub(crate) fn run(root: &Path, dir: &Path, spec: Option<&str>) -> Result<()> {
    let source = match spec {
        None => Source::Target(&TARGETS[0]),
        Some(spec) => match TARGETS
            .iter()
            .find(|t| t.spec == spec && t.overlay.is_empty())
        {
            Some(target) => Source::Target(target),
            None => spec_file(spec)?,
        },
    };
    let command = format!("cargo xtask vendor {}", dir.display());
    let command = match (&source, spec) {
        (Source::File { .. }, Some(spec)) => format!("{command} --spec {spec}"),
        _ => command,
    };
    let revision = source_revision(root);
    let name = match &source {
        Source::Target(target) => target.name.to_owned(),
        Source::File { name, .. } => name.clone(),
    };
    let mut wanted = match &source {
        Source::Target(target) => {
            let mut files = client_files(root, target, &command, &revision)?;
            files.extend(crate::changelog::vendored(root, target)?);
            files
        }
        Source::File { label, text, name } => {
            spec_file_client(root, label, text, name, &command, &revision)?
        }
    };
    wanted.extend(runtime_files(root, &command, &revision)?);
    let crates = [name.as_str(), tc3_codegen::RUNTIME_CRATE];
    wanted.extend(crate::packages::license_files(root, &crates)?);
    let mut changes = Vec::new();
    for crate_dir in crates {
        let src = dir.join(crate_dir).join("src");
        for (path, old) in generate::existing_files(&src)? {
            let rel = Path::new(crate_dir).join("src").join(path);
            if !wanted.iter().any(|(p, _)| *p == rel) {
                changes.push(Change::Remove(rel, old));
            }
        }
    }
    for (rel, contents) in wanted {
        let old = std::fs::read_to_string(dir.join(&rel)).unwrap_or_default();
        if old != contents {
            changes.push(Change::Write(rel, old, contents));
        }
    }
    generate::apply(dir, &changes)?;
    println!(
        "vendored {name} and {} into {} ({} file(s) changed); depend on it with:\n  {name} = {{ path = \"{}\" }}",
        tc3_codegen::RUNTIME_CRATE,
        dir.display(),
        changes.len(),
        dir.join(&name).display()
    );
    Ok(())
}

/// A spec given by path that is no target of the workspace: read, checked, and named.
fn spec_file(spec: &str) -> Result<Source<'static>> {
    let text = std::fs::read_to_string(spec).with_context(|| {
        let known: Vec<&str> = TARGETS.iter().map(|t| t.spec).collect();
        format!(
            "--spec {spec}: cannot read it (the workspace's own specs are {})",
            known.join(", ")
        )
    })?;
    let tree = tc3_codegen::checked_tree(&tc3_codegen::SpecInput::plain(spec, &text))
        .with_context(|| format!("--spec {spec}"))?;
    let name = match tree.get("x-tc-crate-name").and_then(|v| v.as_str()) {
        Some(name) => name.to_owned(),
        None => {
            let service = tree
                .get("x-tc-service")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            format!("{}-client", service.replace('_', "-"))
        }
    };
    if name == tc3_codegen::RUNTIME_CRATE {
        anyhow::bail!(
            "--spec {spec}: the crate would be named `{name}`, the runtime's name; set x-tc-crate-name"
        );
    }
    Ok(Source::File {
        label: spec.to_owned(),
        text,
        name,
    })
}

/// The client of a spec file: generated with plain settings (no guide, no changelog), and
/// its README.
fn spec_file_client(
    root: &Path,
    label: &str,
    text: &str,
    name: &str,
    command: &str,
    revision: &str,
) -> Result<Vec<(PathBuf, String)>> {
    let workspace = Workspace::read(root)?;
    let runtime = tc3_codegen::Dependency {
        version: Some(crate::manifests::package_version(
            &root.join(RUNTIME_DIR).join("Cargo.toml"),
        )?),
        path: Some(format!("../{}", tc3_codegen::RUNTIME_CRATE)),
        ..tc3_codegen::Dependency::default()
    };
    let settings =
        crate::targets::plain_settings(&workspace, name, "", runtime, command.to_owned())?;
    let files = tc3_codegen::generate(&tc3_codegen::SpecInput::plain(label, text), &settings)
        .with_context(|| format!("generating {name} from {label}"))?;
    let mut out: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| (Path::new(name).join(f.path), f.contents))
        .collect();
    out.push((
        Path::new(name).join("README.md"),
        readme(
            name,
            &format!("generated from `{label}`"),
            command,
            revision,
            false,
        ),
    ));
    Ok(out)
}

/// The client crate: generated with the vendored settings, and its README.
fn client_files(
    root: &Path,
    target: &Target,
    command: &str,
    revision: &str,
) -> Result<Vec<(PathBuf, String)>> {
    let workspace = Workspace::read(root)?;
    let text = target.spec_text(root)?;
    let settings = target.vendored_settings(root, &workspace, command)?;
    let files = tc3_codegen::generate(&target.input(&text), &settings)
        .with_context(|| format!("generating {} from {}", target.name, target.spec))?;
    let mut out: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| (Path::new(target.name).join(f.path), f.contents))
        .collect();
    out.extend(guide_file(root, target, command)?);
    out.push((
        Path::new(target.name).join("README.md"),
        readme(
            target.name,
            &format!("generated from `{}`", target.spec),
            command,
            revision,
            target.guide.is_some(),
        ),
    ));
    Ok(out)
}

/// The guide a generated client's lib.rs includes (none when the target has none), as written,
/// with a comment saying where it is from: a copy of the client does not build without it.
pub(crate) fn guide_file(
    root: &Path,
    target: &Target,
    command: &str,
) -> Result<Option<(PathBuf, String)>> {
    let (Some(guide), Some(text)) = (target.guide, target.guide_text(root)?) else {
        return Ok(None);
    };
    let source = format!("{}/{guide}", target.crate_dir);
    Ok(Some((
        Path::new(target.name).join(guide),
        format!("{text}{}", vendored_markdown_tail(command, &source)),
    )))
}

/// The runtime crate: its sources as written, a standalone manifest, and its README.
pub(crate) fn runtime_files(
    root: &Path,
    command: &str,
    revision: &str,
) -> Result<Vec<(PathBuf, String)>> {
    let name = tc3_codegen::RUNTIME_CRATE;
    let workspace = Workspace::read(root)?;
    let manifest = workspace.standalone_manifest(
        &root.join(RUNTIME_DIR).join("Cargo.toml"),
        // Only registry dependencies leave the workspace; none of the runtime's is a path.
        |_, value| {
            value
                .as_inline_table()
                .is_none_or(|t| !t.contains_key("path"))
        },
    )?;
    let header = format!(
        "# Vendored by `{command}` from {RUNTIME_DIR}/Cargo.toml, with the workspace's version\n\
         # ranges. Do not edit by hand: change the source repository, then run `{command}`.\n\n"
    );
    let mut out = vec![
        (
            Path::new(name).join("Cargo.toml"),
            format!("{header}{manifest}"),
        ),
        (
            Path::new(name).join("README.md"),
            readme(
                name,
                &format!("copied from `{RUNTIME_DIR}/`"),
                command,
                revision,
                true,
            ),
        ),
    ];
    // The guide the runtime's lib.rs includes as its front page.
    let guide = root.join(RUNTIME_DIR).join(RUNTIME_GUIDE);
    let text = std::fs::read_to_string(&guide)
        .with_context(|| format!("{}: cannot read the runtime's guide", guide.display()))?;
    out.push((
        Path::new(name).join(RUNTIME_GUIDE),
        format!(
            "{text}{}",
            vendored_markdown_tail(command, &format!("{RUNTIME_DIR}/{RUNTIME_GUIDE}"))
        ),
    ));
    let src = root.join(RUNTIME_DIR).join("src");
    for (path, text) in generate::existing_files(&src)? {
        let head = format!(
            "// Vendored by `{command}` from {RUNTIME_DIR}/src/{}. Do not edit by hand:\n\
             // change the source repository, then run `{command}`.\n",
            path.display()
        );
        out.push((
            Path::new(name).join("src").join(path),
            format!("{head}{text}"),
        ));
    }
    Ok(out)
}

/// The runtime's guide, relative to its directory (`src/lib.rs` includes it).
const RUNTIME_GUIDE: &str = "GUIDE.md";

/// The last line of a vendored Markdown file: an HTML comment (invisible in rustdoc and on a
/// forge) saying where it is from and what writes it again. At the end, not the start: the
/// first paragraph of a crate's documentation is its summary.
fn vendored_markdown_tail(command: &str, source: &str) -> String {
    format!(
        "\n<!-- Vendored by `{command}` from {source}. Do not edit by hand: change the source \
         repository, then run `{command}`. -->\n"
    )
}

/// ` at commit `…`` when `root` is a git checkout, else nothing.
fn source_revision(root: &Path) -> String {
    std::process::Command::new("git")
        .current_dir(root)
        .args(["log", "-1", "--format=%H"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .map(|commit| format!(" at commit `{commit}`"))
        .unwrap_or_default()
}

/// Where a vendored crate came from and how to write it again; `guide`: whether it has a
/// `GUIDE.md`.
fn readme(name: &str, origin: &str, command: &str, revision: &str, guide: bool) -> String {
    let guide = if guide {
        "`GUIDE.md` is the crate's documentation (`cargo doc --open`). Its examples are\n\
         doctests of the source workspace, which has what they start (the emulator, tokio);\n\
         they are not meant to run here.\n\n"
    } else {
        "The crate's documentation is its rustdoc (`cargo doc --open`).\n\n"
    };
    format!(
        "# {name} (vendored)\n\n\
         This crate is a vendored copy, {origin} in the GSE client workspace{revision}. It\n\
         builds on its own: version ranges of its own, no workspace inheritance, and no path\n\
         outside this directory but its sibling `{runtime}/`.\n\n\
         Do not edit it by hand. To update it, change the spec or the generator in the source\n\
         workspace and run, there:\n\n    {command}\n\n\
         {guide}\
         TLS: the `rustls-ring` feature (default) uses rustls with ring; turn default features\n\
         off and enable `rustls-aws-lc` for aws-lc-rs. The `redis` feature adds\n\
         `RateLimit::Shared`, one rate limit for every process of a fleet, kept in Redis.\n",
        runtime = tc3_codegen::RUNTIME_CRATE,
    )
}
