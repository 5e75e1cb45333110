//! The crates this workspace packages for a registry: `tc3-runtime`, `gse-emulator` and
//! `gse-client`. `cargo xtask ci` runs `cargo package` on the three together (cargo packs
//! interdependent members against a local registry overlay) with its verification build, so
//! each `.crate` is proven to build on its own. Cargo adds a package to that overlay only
//! when it may be published, so each says `publish = true`; none is published yet (each
//! manifest says why).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use tc3_codegen::PackageInfo;

/// The packaged crates, by package name, in the order they depend on each other.
pub(crate) const PACKAGED: &[&str] = &["tc3-runtime", "gse-emulator", "gse-client"];

/// The license texts at the workspace root (`MIT OR Apache-2.0`), of which every packaged
/// crate and every vendored copy holds a copy.
pub(crate) const LICENSES: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE"];

/// The license texts for each of `crate_dirs` (paths relative to wherever they are written).
pub(crate) fn license_files(root: &Path, crate_dirs: &[&str]) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for license in LICENSES {
        let text = std::fs::read_to_string(root.join(license))
            .with_context(|| format!("reading {license}"))?;
        for dir in crate_dirs {
            out.push((Path::new(dir).join(license), text.clone()));
        }
    }
    Ok(out)
}

/// Whether and when a packaged crate is published, the comment above its `publish = true`.
pub(crate) const PUBLISH_NOTE: &str = "\
Meant for crates.io, with tc3-runtime and gse-emulator (`cargo xtask ci` packages the three
and builds each package), but not published yet: that needs an owner for the crate names
and a repository URL, and none is known (so `repository` is not set). Until then game
backends take it vendored (`cargo xtask vendor`) or by path.";

/// The package metadata of a generated crate that is packaged (`None`: one that is not,
/// such as a fixture).
pub(crate) fn generated_package(name: &str) -> Option<PackageInfo> {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
    match name {
        "gse-client" => Some(PackageInfo {
            readme: "README.md".to_owned(),
            documentation: format!("https://docs.rs/{name}"),
            keywords: strings(&[
                "tencent-cloud",
                "gse",
                "game-server",
                "api-client",
                "openapi",
            ]),
            categories: strings(&[
                "api-bindings",
                "game-development",
                "web-programming::http-client",
            ]),
            publish_note: PUBLISH_NOTE.to_owned(),
        }),
        _ => None,
    }
}

/// `cargo package` of every packaged crate, verified: each `.crate` is unpacked and built
/// with `features` (CI's: the default ones and `redis`; not `rustls-aws-lc`, whose C build
/// nothing else in CI pays for), in the workspace's target directory, so the dependencies
/// the other steps built are reused.
pub(crate) fn package_all(cargo: &str, root: &Path, features: &str) -> Result<()> {
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        // The contents are checked, not whether they are committed.
        .args(["package", "--allow-dirty", "--features", features]);
    for name in PACKAGED {
        cmd.args(["-p", name]);
    }
    crate::process::run(&mut cmd, "cargo package")
}
