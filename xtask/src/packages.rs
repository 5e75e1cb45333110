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
    if let Some(home) = cargo_home() {
        forget_unpacked_packages(&home)?;
    }
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        // The contents are checked, not whether they are committed.
        .args(["package", "--allow-dirty", "--features", features]);
    for name in PACKAGED {
        cmd.args(["-p", name]);
    }
    crate::process::run(&mut cmd, "cargo package")
}

/// Cargo's home: `CARGO_HOME` (which cargo sets for what it runs), else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

/// Removes the copies of the packaged crates that an earlier `cargo package` unpacked from
/// its local registry overlay. Cargo unpacks a package into
/// `CARGO_HOME/registry/src/-HASH/NAME-VERSION`, where the hash depends only on the
/// overlay's path, and reuses a copy it finds there without comparing contents: after a
/// change that keeps the version, the verification build would otherwise compile the
/// dependents against the old sources. Only unnamed registries' directories (`-HASH`: local
/// ones, which the overlay is) are touched, and in them only the packaged crates.
fn forget_unpacked_packages(cargo_home: &Path) -> Result<()> {
    let sources = cargo_home.join("registry").join("src");
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return Ok(()); // nothing unpacked yet
    };
    for registry in registries {
        let registry = registry.with_context(|| format!("listing {}", sources.display()))?;
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let dir = registry.path();
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            if is_packaged_copy(&entry.file_name().to_string_lossy()) {
                let path = entry.path();
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing the stale copy {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Whether `dir_name` is `NAME-VERSION` for one of the packaged crates.
fn is_packaged_copy(dir_name: &str) -> bool {
    PACKAGED.iter().any(|name| {
        dir_name
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_packaged_crates_unpacked_from_local_registries_are_removed() {
        let home = tempfile::tempdir().unwrap();
        let src = home.path().join("registry/src");
        let overlay = src.join("-22c3805da5a543b4");
        let crates_io = src.join("index.crates.io-1949cf8c6b5b557f");
        for dir in [
            overlay.join("tc3-runtime-0.2.0/src"),
            overlay.join("gse-client-0.4.0"),
            overlay.join("tc3-runtime-extra-1.0.0"),
            overlay.join("other-0.1.0"),
            crates_io.join("tc3-runtime-0.2.0"),
            crates_io.join("serde-1.0.0"),
        ] {
            std::fs::create_dir_all(&dir).unwrap();
        }
        forget_unpacked_packages(home.path()).unwrap();
        assert!(!overlay.join("tc3-runtime-0.2.0").exists());
        assert!(!overlay.join("gse-client-0.4.0").exists());
        for kept in [
            overlay.join("tc3-runtime-extra-1.0.0"),
            overlay.join("other-0.1.0"),
            crates_io.join("tc3-runtime-0.2.0"),
            crates_io.join("serde-1.0.0"),
        ] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
    }

    #[test]
    fn a_home_with_nothing_unpacked_is_left_as_it_is() {
        let home = tempfile::tempdir().unwrap();
        forget_unpacked_packages(home.path()).unwrap();
        assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
    }
}
