//! `cargo xtask vendor DIR --spec PATH` with a spec that is no target of the workspace, as a
//! team vendors the client of its own spec: every CVM action drafted from Tencent's
//! definition (`import-action --all --standalone`), vendored, built by a throwaway project
//! outside the workspace, and one request of it captured on loopback: it carries the
//! signature the official Python SDK computes for the same bytes.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const SECRET_ID: &str = "AKIDcvmvendored";
const SECRET_KEY: &str = "cvm-vendored-key";
const REGION: &str = "ap-guangzhou";

fn xtask(args: &[&str], what: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(ROOT)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The target directory the workspace builds into (shared: the dependencies are warm).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is target/tmp")
        .to_path_buf()
}

/// A program of the team's: one `DescribeRegions` to the endpoint it is given.
const MAIN_RS: &str = r#"use cvm_client::credentials::Credentials;
use cvm_client::Client;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let client = Client::builder()
        .endpoint(&args[1])
        .region(&args[2])
        .credentials(Credentials::new(&args[3], &args[4]).unwrap())
        .build()
        .unwrap();
    let answer = client.describe_regions().send().await.unwrap();
    println!("regions: {:?}", answer.total_count);
}
"#;

#[test]
fn a_spec_of_its_own_vendors_builds_outside_and_signs_as_the_official_sdk() {
    let Some(python) = test_support::python_sdk() else {
        return;
    };
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vendor-spec-file");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();

    // Tencent's definition of CVM (extracted from the pinned tccli), drafted whole.
    xtask(&["import-check", "cvm@2017-03-12"], "import-check cvm");
    let definition = Path::new(ROOT).join("target/tccli/all/cvm-2017-03-12.api.json");
    let spec = scratch.join("cvm.yaml");
    xtask(
        &[
            "import-action",
            "--all",
            "--standalone",
            "--definition",
            definition.to_str().unwrap(),
            "--out",
            spec.to_str().unwrap(),
        ],
        "import-action --all cvm",
    );
    let vendor = scratch.join("vendor");
    let said = xtask(
        &[
            "vendor",
            vendor.to_str().unwrap(),
            "--spec",
            spec.to_str().unwrap(),
        ],
        "vendor --spec cvm.yaml",
    );
    assert!(said.contains("vendored cvm-client"), "{said}");
    let readme = std::fs::read_to_string(vendor.join("cvm-client/README.md")).unwrap();
    assert!(
        readme.contains(&format!("--spec {}", spec.display())),
        "the README names the command that writes it again: {readme}"
    );

    // A project of its own, outside the workspace, on the workspace's lock (offline).
    let app = scratch.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        "[package]\nname = \"cvm-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ncvm-client = { path = \"../vendor/cvm-client\" }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\n\
         [workspace]\n\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), MAIN_RS).unwrap();
    std::fs::copy(Path::new(ROOT).join("Cargo.lock"), app.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let built = Command::new(cargo)
        .current_dir(&app)
        .env("CARGO_TARGET_DIR", target_dir())
        .args(["build", "--offline", "--quiet"])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "the vendored CVM client builds outside the workspace:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let binary = target_dir().join("debug/cvm-app");

    // One request, captured on loopback.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stub = runtime.block_on(test_support::StubServer::start(
        r#"{"Response":{"TotalCount":0,"RegionSet":[],"RequestId":"r-1"}}"#,
    ));
    let ran = Command::new(&binary)
        .args([stub.url().as_str(), REGION, SECRET_ID, SECRET_KEY])
        .output()
        .unwrap();
    let captured = stub.requests();
    runtime.block_on(stub.stop());
    assert!(
        ran.status.success(),
        "the program ran: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout).trim(),
        "regions: Some(0)"
    );
    assert_eq!(captured.len(), 1, "one request");
    let sent = &captured[0];
    assert_eq!(sent.header("x-tc-action"), Some("DescribeRegions"));
    assert_eq!(sent.header("x-tc-version"), Some("2017-03-12"));

    // The official SDK signs the same bytes at the same second.
    let case = json!({
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "region": REGION,
        "timestamp": sent.header("x-tc-timestamp").unwrap().parse::<u64>().unwrap(),
        "host": sent.header("host").unwrap(),
        "body": std::str::from_utf8(&sent.body).unwrap(),
        "service": "cvm",
        "version": "2017-03-12",
        "action": "DescribeRegions",
    });
    let sdk = &test_support::official_sdk_headers(&python, &[case])[0];
    assert!(
        sdk.get("Authorization")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with("TC3-HMAC-SHA256 Credential=AKIDcvmvendored/")),
        "the SDK signed: {sdk:?}"
    );
    for &name in test_support::OFFICIAL_SDK_HEADERS {
        assert_eq!(
            sent.header(name),
            sdk.get(name).and_then(Value::as_str),
            "{name}: ours, then the official SDK's"
        );
    }
}
