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
