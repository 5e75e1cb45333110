//! Crate settings for generating in tests: the runtime by path, and a version for every crate
//! generated code may use.

use tc3_codegen::{CrateSettings, Dependency};

/// Settings like the workspace's for a crate named `test-client`.
pub(crate) fn settings() -> CrateSettings {
    let pins = [
        "progenitor-client",
        "regress",
        "reqwest",
        "serde",
        "serde_json",
    ]
    .into_iter()
    .map(|name| (name.to_owned(), Dependency::version("=1.0.0")))
    .collect();
    CrateSettings {
        name: "test-client".to_owned(),
        version: "0.1.0".to_owned(),
        description: String::new(),
        edition: "2021".to_owned(),
        rust_version: "1.88".to_owned(),
        license: "MIT".to_owned(),
        publish: false,
        package: None,
        regenerate_command: tc3_codegen::REGENERATE_COMMAND.to_owned(),
        runtime: Dependency {
            path: Some("../runtime".to_owned()),
            ..Dependency::default()
        },
        pins,
        dev_dependencies: Default::default(),
        lints: None,
        guide: None,
    }
}
