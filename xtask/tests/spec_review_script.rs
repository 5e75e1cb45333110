//! `.github/scripts/spec-review.sh`, the pull-request job's logic, run locally: a test
//! repository of two commits (the real spec, then a breaking edit and a new error code), the
//! script against the first commit with this xtask, its dry run (the Markdown it would post and
//! the GitHub calls it would make), and its real run against a stand-in `gh` on PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../.github/scripts/spec-review.sh"
);
const MARKER: &str = "<!-- spec-review -->";

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The official sources, fetched into the real workspace's target/tccli by a first audit of
/// the real spec (as xtask/tests/spec_audit_command.rs does): `SPEC_AUDIT_ARGS` for them.
fn audit_args() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(common::ROOT)
        .arg("spec-audit")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the real spec is faithful: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = Path::new(common::ROOT).join("target").join("tccli");
    format!(
        "--definition {} --error-codes {}",
        dir.join("gse-2019-11-12.api.json").display(),
        dir.join("gse-2019-11-12.error-codes.json").display()
    )
}

/// A repository whose first commit holds the real spec and whose second commit allows fewer
/// players per call (breaking; also a contradiction of the official definition) and adds an
/// error code the service has (compatible).
fn repository() -> tempfile::TempDir {
    let dir = common::workspace_copy();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "v1"]);
    let path = dir.path().join("spec/gse.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    let codes = "      x-tc-error-codes:\n        FailedOperation: The operation failed.\n";
    assert!(spec.contains("maxItems: 25") && spec.contains(codes));
    let spec = spec.replacen("maxItems: 25", "maxItems: 20", 1).replacen(
        codes,
        &format!(
            "{codes}        LimitExceeded.FleetLimitExceeded: The fleet limit was exceeded.\n"
        ),
        1,
    );
    std::fs::write(&path, spec).unwrap();
    git(
        dir.path(),
        &["commit", "-q", "-am", "fewer players per call"],
    );
    dir
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// The report the script wrote.
    report: String,
}

/// Runs the script on `repo` against its first commit, with `env` on top of a clean
/// environment for it (no GitHub variables of the machine running the tests).
fn review(repo: &Path, env: &[(&str, &str)]) -> Run {
    let output: PathBuf = repo.join("out/comment.md");
    let mut cmd = Command::new("bash");
    cmd.arg(SCRIPT)
        .arg("HEAD~1")
        .arg(&output)
        .current_dir(repo)
        .env("SPEC_REVIEW_ROOT", repo)
        .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
        .env("SPEC_AUDIT_ARGS", audit_args());
    for var in [
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
        "GITHUB_STEP_SUMMARY",
        "PR_NUMBER",
        "SPEC_REVIEW_DRY_RUN",
        "SPEC_REVIEW_COMMENTS",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: std::fs::read_to_string(&output).unwrap_or_default(),
    }
}

/// What the report says about this change, whatever posts it.
#[track_caller]
fn assert_report(run: &Run) {
    let report = &run.report;
    assert!(report.starts_with(&format!("{MARKER}\n")), "{report}");
    // spec-diff: the table, with the breaking change and the compatible one.
    assert!(
        report.contains("### spec-diff spec/gse.yaml: HEAD~1 ("),
        "{report}"
    );
    assert!(
        report.contains("| **breaking** | JoinGameServerSessionBatch request field PlayerIds | maxItems 25 → 20 |"),
        "{report}"
    );
    assert!(
        report.contains("| compatible | action JoinGameServerSessionBatch error codes | LimitExceeded.FleetLimitExceeded added |"),
        "{report}"
    );
    assert!(report.contains("1 breaking, 1 compatible"), "{report}");
    assert!(
        report.contains("| spec-diff (what the change does to callers) | **1 breaking change(s)**"),
        "{report}"
    );
    // spec-audit: its section, with the contradiction of the official limit of 25.
    assert!(
        report.contains("### spec-audit spec/gse.yaml: against tccli==3.0.1100.1's gse 2019-11-12"),
        "{report}"
    );
    assert!(
        report.contains("| **contradiction** | `components.schemas.JoinGameServerSessionBatchRequest.properties.PlayerIds.maxItems` | maxItems 20 | 25:"),
        "{report}"
    );
    assert!(
        report.contains("**contradicts Tencent's definition**: the job fails"),
        "{report}"
    );
    // Reported first, failed after: spec-audit's exit status 3.
    assert_eq!(run.code, Some(3), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("spec-review: spec-audit found contradictions"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_dry_run_writes_the_report_and_names_the_comment_it_would_create() {
    let repo = repository();
    let summary = repo.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = review(
        repo.path(),
        &[
            ("SPEC_REVIEW_DRY_RUN", "1"),
            // Never printed, and never used in a dry run.
            ("GITHUB_TOKEN", "ghs_secret_token_value"),
            ("GITHUB_REPOSITORY", "owner/repo"),
            ("PR_NUMBER", "7"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    assert_report(&run);
    assert!(
        run.stdout
            .contains("dry run: gh api --paginate repos/owner/repo/issues/7/comments"),
        "{}",
        run.stdout
    );
    let payload = repo.path().join("out/comment.md.payload.json");
    assert!(
        run.stdout.contains(&format!(
            "dry run: gh api --method POST repos/owner/repo/issues/7/comments --input {}",
            payload.display()
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("dry run: would have created a comment on owner/repo#7"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("PATCH"), "{}", run.stdout);
    // The body it would send is the report.
    let body: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&payload).unwrap()).unwrap();
    assert_eq!(body["body"].as_str(), Some(run.report.as_str()));
    // The job summary gets the report too, after what earlier steps wrote.
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        format!("earlier step\n{}", run.report)
    );
    assert!(!format!("{}{}{}", run.stdout, run.stderr, run.report).contains("ghs_secret"));
}

#[test]
fn a_dry_run_edits_the_comment_that_has_the_marker() {
    let repo = repository();
    let comments = repo.path().join("comments.json");
    std::fs::write(
        &comments,
        r#"[{"id": 11, "body": "Looks good; see <!-- spec-review --> below"},
            {"id": 4242, "body": "<!-- spec-review -->\n## Spec review\nan older report"},
            {"id": 4343, "body": "<!-- spec-review -->\na later one"}]"#,
    )
    .unwrap();
    // No token: a dry run without SPEC_REVIEW_DRY_RUN.
    let run = review(
        repo.path(),
        &[
            ("GITHUB_REPOSITORY", "owner/repo"),
            ("PR_NUMBER", "7"),
            ("SPEC_REVIEW_COMMENTS", comments.to_str().unwrap()),
        ],
    );
    assert_report(&run);
    assert!(
        run.stderr.contains("dry run") && run.stderr.contains("nothing is sent to GitHub"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains(&format!("(answered by {})", comments.display())),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "dry run: gh api --method PATCH repos/owner/repo/issues/comments/4242 --input "
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("dry run: would have edited comment 4242 on owner/repo#7"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("POST"), "{}", run.stdout);
}

/// A stand-in for the GitHub CLI: logs each call's arguments (and whether it had the token)
/// and answers the list of comments in two pages, as `gh api --paginate` prints them.
fn fake_gh(dir: &Path, pages: &str) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("gh.log");
    let script = format!(
        "#!/usr/bin/env bash\n\
         echo \"token=${{GITHUB_TOKEN:+set}} $*\" >>'{log}'\n\
         if [[ $* == *--paginate* ]]; then cat <<'EOF'\n{pages}\nEOF\nfi\n\
         if [[ $* == *--input* ]]; then cp \"${{@: -1}}\" '{log}.body'; echo '{{}}'; fi\n",
        log = log.display()
    );
    let gh = bin.join("gh");
    std::fs::write(&gh, script).unwrap();
    Command::new("chmod").arg("+x").arg(&gh).status().unwrap();
    log
}

#[test]
fn with_a_token_it_calls_github_and_edits_the_comment_on_a_later_page() {
    let repo = repository();
    let log = fake_gh(
        repo.path(),
        r#"[{"id": 1, "body": "first"}][{"id": 99, "body": "<!-- spec-review -->\nolder"}]"#,
    );
    let path = format!(
        "{}:{}",
        repo.path().join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let run = review(
        repo.path(),
        &[
            ("GITHUB_TOKEN", "ghs_secret_token_value"),
            ("GITHUB_REPOSITORY", "owner/repo"),
            ("PR_NUMBER", "7"),
            ("PATH", &path),
        ],
    );
    assert_report(&run);
    let calls = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0],
        "token=set api --paginate repos/owner/repo/issues/7/comments"
    );
    assert!(
        calls[1].starts_with(
            "token=set api --method PATCH repos/owner/repo/issues/comments/99 --input "
        ),
        "{calls:?}"
    );
    let body: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{}.body", log.display())).unwrap())
            .unwrap();
    assert_eq!(body["body"].as_str(), Some(run.report.as_str()));
    assert!(
        run.stderr
            .contains("spec-review: edited comment 99 on owner/repo#7"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("dry run"), "{}", run.stdout);
    assert!(!format!("{}{}{}", run.stdout, run.stderr, run.report).contains("ghs_secret"));
}

#[test]
fn bad_input_exits_2_with_a_clear_error() {
    let repo = repository();
    // No base.
    let out = Command::new("bash").arg(SCRIPT).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: spec-review.sh BASE [OUTPUT]"));
    // A token but no pull request to comment on.
    let run = review(repo.path(), &[("GITHUB_TOKEN", "ghs_secret_token_value")]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("spec-review: GITHUB_REPOSITORY (OWNER/REPO) is not set"),
        "{}",
        run.stderr
    );
    // A base that is not a commit: reported in the Markdown, then exit 2.
    let output = repo.path().join("bad.md");
    let out = Command::new("bash")
        .arg(SCRIPT)
        .arg("no-such-revision")
        .arg(&output)
        .env("SPEC_REVIEW_ROOT", repo.path())
        .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
        .env("SPEC_AUDIT_ARGS", audit_args())
        .env("SPEC_REVIEW_DRY_RUN", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report = std::fs::read_to_string(&output).unwrap();
    assert!(
        report.contains(
            "| spec-diff (what the change does to callers) | **could not run** (exit 2) |"
        ),
        "{report}"
    );
    assert!(
        report.contains("unknown revision \"no-such-revision\""),
        "{report}"
    );
}
