//! What the packaged crates (`tc3-runtime`, `gse-client`, `gse-emulator`) carry: the license
//! texts their manifests name, each a copy of the one at the workspace root.

use std::path::Path;

mod common;
use common::ROOT;

/// The crates `cargo package` packs (`cargo xtask ci` verifies them).
const PACKAGED: &[&str] = &["runtime", "generated-client", "emulator"];

/// `MIT OR Apache-2.0`: both texts.
const LICENSES: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE"];

#[test]
fn every_packaged_crate_carries_the_root_license_texts() {
    for license in LICENSES {
        let root = std::fs::read(Path::new(ROOT).join(license)).unwrap();
        for dir in PACKAGED {
            let copy = std::fs::read(Path::new(ROOT).join(dir).join(license))
                .unwrap_or_else(|e| panic!("{dir}/{license}: {e} (copy it from the root)"));
            assert!(
                copy == root,
                "{dir}/{license} differs from /{license}: copy it again from the root"
            );
        }
    }
}

fn manifest(dir: &str) -> toml_edit::DocumentMut {
    std::fs::read_to_string(Path::new(ROOT).join(dir).join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn every_packaged_manifest_says_what_a_registry_and_docs_rs_need() {
    for dir in PACKAGED {
        let doc = manifest(dir);
        let package = doc["package"].as_table().unwrap();
        for key in [
            "description",
            "readme",
            "documentation",
            "keywords",
            "categories",
        ] {
            assert!(package.contains_key(key), "{dir}/Cargo.toml: no `{key}`");
        }
        let readme = package["readme"].as_str().unwrap();
        assert!(
            Path::new(ROOT).join(dir).join(readme).is_file(),
            "{dir}/{readme}"
        );
        assert!(
            !package.contains_key("repository"),
            "{dir}: no repository URL is known; say so rather than invent one"
        );
        // Said, with why: cargo verifies a package that depends on another only when that
        // one may be published.
        assert_eq!(package["publish"].as_bool(), Some(true), "{dir}");
        let (key, _) = package.get_key_value("publish").unwrap();
        let comment = key
            .leaf_decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or("");
        assert!(
            comment.contains("# "),
            "{dir}: a comment says why `publish`"
        );
        let docs_rs = &doc["package"]["metadata"]["docs"]["rs"];
        assert_eq!(docs_rs["all-features"].as_bool(), Some(true), "{dir}");
        assert_eq!(
            docs_rs["rustdoc-args"].to_string().trim(),
            "[\"--cfg\", \"docsrs\"]",
            "{dir}"
        );
        let lib = std::fs::read_to_string(Path::new(ROOT).join(dir).join("src/lib.rs")).unwrap();
        assert!(
            lib.contains("#![cfg_attr(docsrs, feature(doc_cfg))]"),
            "{dir}/src/lib.rs: feature badges on docs.rs"
        );
    }
}

#[test]
fn every_path_dependency_of_a_packaged_crate_states_the_members_version() {
    for dir in PACKAGED {
        let doc = manifest(dir);
        for section in ["dependencies", "dev-dependencies"] {
            let Some(table) = doc.get(section).and_then(|t| t.as_table_like()) else {
                continue;
            };
            for (name, item) in table.iter() {
                let Some(path) = item.get("path").and_then(|p| p.as_str()) else {
                    continue;
                };
                let member_dir = Path::new(dir).join(path);
                let canonical = |rel: &Path| Path::new(ROOT).join(rel).canonicalize().unwrap();
                let packaged = PACKAGED
                    .iter()
                    .any(|p| canonical(Path::new(p)) == canonical(&member_dir));
                if section == "dev-dependencies" && !packaged {
                    // A test helper that is not packaged: cargo leaves it out of the package.
                    continue;
                }
                let member = manifest(member_dir.to_str().unwrap());
                let want = member["package"]["version"].as_str().unwrap();
                assert_eq!(
                    item.get("version").and_then(|v| v.as_str()),
                    Some(want),
                    "{dir}/Cargo.toml [{section}] {name}: a package keeps a path dependency only \
                     with a version (the member's)"
                );
            }
        }
    }
}

/// The requirement of each registry dependency of `dir`'s `[dependencies]`, `workspace = true`
/// resolved through the root's `[workspace.dependencies]`.
fn requirements(dir: &str) -> Vec<(String, String)> {
    let root = manifest(".");
    let shared = root["workspace"]["dependencies"].as_table().unwrap();
    let doc = manifest(dir);
    let mut out = Vec::new();
    for (name, item) in doc["dependencies"].as_table_like().unwrap().iter() {
        if item.get("path").is_some() {
            continue;
        }
        let item = if item.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
            &shared[name]
        } else {
            item
        };
        let version = item
            .as_str()
            .or_else(|| item.get("version").and_then(|v| v.as_str()))
            .unwrap_or_else(|| panic!("{dir}: {name} has a version"));
        out.push((name.to_owned(), version.to_owned()));
    }
    out
}

#[test]
fn a_packaged_crate_states_ranges_and_leaves_pinning_to_the_lock() {
    for dir in PACKAGED {
        let found = requirements(dir);
        // Every package depends on serde: the manifest was read.
        assert!(
            found.iter().any(|(name, _)| name == "serde"),
            "{dir}: {found:?}"
        );
        for (name, version) in found {
            assert!(
                !version.starts_with('='),
                "{dir}: {name} = {version:?}: a library states the range it works with (its \
                 minimum proven by `cargo xtask minimal-versions`); only Cargo.lock pins"
            );
        }
    }
}
