//! `cargo xtask fuzz definitions [--seconds N] [--seed S]`: the generator fed mutated real
//! input. Each case takes one of the pinned tccli's service definitions, keeps a few of its
//! actions, applies one to four [`crate::mutations`] to it (and sometimes one to the spec
//! drafted from it), then drafts and generates it in a child process, as `import-check`
//! does. Every case must end generated or refused with an error; a panic, a signal (a stack
//! overflow, an abort) or no answer within the timeout is a crash: the case is kept under
//! `target/fuzz/definitions/crashes/` with what was done to it, and the run fails.
//! `target/fuzz/definitions/report.json` counts the cases.

use crate::import_check::{own_binary, xtask_child};
use crate::mutations;
use crate::official::tccli;
use anyhow::{bail, Context, Result};
use fastrand::Rng;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest one case may take before it counts as hung (a case keeps at most
/// [`MAX_ACTIONS`] actions: it generates in well under a second).
const CASE_TIMEOUT: Duration = Duration::from_secs(60);
/// The most actions a case keeps of its definition.
const MAX_ACTIONS: usize = 6;

/// How one case ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    Generated,
    /// With the error's kind (its first words).
    Refused(String),
    Crashed(String),
}

/// The counts of a run.
#[derive(Default)]
struct Tally {
    generated: u64,
    refused: u64,
    /// Refusals by the error's first words.
    refusals: std::collections::BTreeMap<String, u64>,
    crashed: Vec<Value>,
    mutations: u64,
}

/// Runs cases for `seconds` from `seed` (default: from the clock), one per core at a time.
pub(crate) fn run(root: &Path, seconds: u64, seed: Option<u64>) -> Result<()> {
    let definitions = tccli::all_definitions(root)?;
    anyhow::ensure!(!definitions.is_empty(), "tccli defines no service");
    let dir = root.join("target").join("fuzz").join("definitions");
    let crashes = dir.join("crashes");
    std::fs::create_dir_all(&crashes)?;
    let exe = own_binary().context("finding xtask itself")?;
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    println!(
        "fuzzing the generator with mutated tccli definitions for {seconds} s (seed {seed}; \
         again: cargo xtask fuzz definitions --seed {seed})"
    );
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let next = AtomicU64::new(0);
    let tally = Mutex::new(Tally::default());
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while Instant::now() < deadline {
                    let number = next.fetch_add(1, Ordering::Relaxed);
                    let case = Case::new(&definitions, seed, number);
                    let ending = case.run(root, &exe, &dir);
                    let mut tally = tally.lock().unwrap_or_else(|e| e.into_inner());
                    tally.mutations += case.done.len() as u64;
                    match ending {
                        Ok(Ending::Generated) => tally.generated += 1,
                        Ok(Ending::Refused(kind)) => {
                            tally.refused += 1;
                            *tally.refusals.entry(kind).or_default() += 1;
                        }
                        Ok(Ending::Crashed(why)) => {
                            let kept = case.keep(&crashes);
                            println!("CRASH case {number} ({}): {why}", case.source);
                            tally.crashed.push(json!({
                                "case": number,
                                "definition": case.source,
                                "mutations": case.done,
                                "why": why,
                                "kept": kept.map(|p| p.display().to_string()).unwrap_or_default(),
                            }));
                        }
                        Err(e) => tally.crashed.push(json!({
                            "case": number,
                            "definition": case.source,
                            "why": format!("the case could not run: {e:#}"),
                        })),
                    }
                }
            });
        }
    });
    let tally = tally.into_inner().unwrap_or_else(|e| e.into_inner());
    let cases = tally.generated + tally.refused + tally.crashed.len() as u64;
    let report = json!({
        "seed": seed,
        "seconds": seconds,
        "cases": cases,
        "mutations": tally.mutations,
        "generated": tally.generated,
        "refused": tally.refused,
        "refusals": tally.refusals,
        "crashed": tally.crashed,
    });
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!(
        "{cases} mutated definitions ({} mutations): {} generated, {} refused with an error, \
         {} crashed or hung",
        tally.mutations,
        tally.generated,
        tally.refused,
        tally.crashed.len()
    );
    if !tally.crashed.is_empty() {
        bail!(
            "the generator crashed or hung on {} mutated definition(s); kept in {}",
            tally.crashed.len(),
            crashes.display()
        );
    }
    Ok(())
}

/// One mutated definition.
struct Case {
    number: u64,
    /// The definition it came from, `service@version`.
    source: String,
    tree: Value,
    /// What was done to it.
    done: Vec<String>,
    /// The seed of the spec's mutation, when the drafted spec is mutated too.
    spec_seed: Option<u64>,
}

impl Case {
    fn new(definitions: &[tccli::ServiceDefinition], seed: u64, number: u64) -> Self {
        let mut rng = Rng::with_seed(seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let definition = &definitions[rng.usize(0..definitions.len())];
        let source = format!("{}@{}", definition.service, definition.version);
        let mut tree = std::fs::read_to_string(&definition.path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null);
        mutations::keep_actions(&mut tree, rng.usize(1..=MAX_ACTIONS), &mut rng);
        let mut done = Vec::new();
        for _ in 0..rng.usize(1..=4) {
            if let Some(what) = mutations::mutate_definition(&mut tree, &mut rng) {
                done.push(what);
            }
        }
        let spec_seed = (rng.u8(0..4) == 0).then(|| rng.u64(..));
        Self {
            number,
            source,
            tree,
            done,
            spec_seed,
        }
    }

    fn file(&self, dir: &Path) -> PathBuf {
        dir.join(format!("case-{}.api.json", self.number))
    }

    /// Drafts and generates the case in a child process.
    fn run(&self, root: &Path, exe: &Path, dir: &Path) -> Result<Ending> {
        let file = self.file(dir);
        std::fs::write(&file, serde_json::to_string(&self.tree)?)?;
        let out = dir.join(format!("case-{}", self.number));
        let seed = self.spec_seed.map(|s| s.to_string());
        let mut args = vec![
            "fuzz-definitions-one".as_ref(),
            file.as_os_str(),
            out.as_os_str(),
        ];
        if let Some(seed) = &seed {
            args.push("--spec-seed".as_ref());
            args.push(seed.as_ref());
        }
        let ran = xtask_child(exe, root, &args, CASE_TIMEOUT)?;
        let _ = std::fs::remove_dir_all(&out);
        let ending = match ran.status {
            None => Ending::Crashed(format!("no answer within {} s", CASE_TIMEOUT.as_secs())),
            Some(status) if status.success() => Ending::Generated,
            // `fuzz-definitions-one` exits 1 with the error; 101 is a panic, a signal a crash.
            Some(status) if status.code() == Some(1) => Ending::Refused(error_kind(&ran.stderr)),
            Some(status) => Ending::Crashed(format!(
                "{status}: {}",
                ran.stderr
                    .lines()
                    .rev()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" | ")
            )),
        };
        if !matches!(ending, Ending::Crashed(_)) {
            let _ = std::fs::remove_file(&file);
        }
        Ok(ending)
    }

    /// Keeps a crashing case and what was done to it; where.
    fn keep(&self, crashes: &Path) -> Option<PathBuf> {
        let kept = crashes.join(format!("case-{}.api.json", self.number));
        std::fs::write(&kept, serde_json::to_string_pretty(&self.tree).ok()?).ok()?;
        let notes =
            json!({"definition": self.source, "mutations": self.done, "spec_seed": self.spec_seed});
        std::fs::write(
            crashes.join(format!("case-{}.json", self.number)),
            notes.to_string(),
        )
        .ok()?;
        Some(kept)
    }
}

/// The child's work (`cargo xtask fuzz-definitions-one CASE DIR [--spec-seed S]`): drafts
/// and generates `CASE` as `import-check-one` does, the drafted spec mutated with `S` first.
pub(crate) fn run_one(root: &Path, case: &Path, dir: &Path, spec_seed: Option<u64>) -> Result<()> {
    crate::import_check::run_one_with(root, case, dir, |spec| match spec_seed {
        None => spec,
        Some(seed) => {
            let Ok(mut tree) = serde_yaml::from_str::<serde_yaml::Value>(&spec) else {
                return spec;
            };
            let mut rng = Rng::with_seed(seed);
            if let Some(what) = mutations::mutate_spec(&mut tree, &mut rng) {
                eprintln!("{what}");
            }
            serde_yaml::to_string(&tree).unwrap_or(spec)
        }
    })
}

/// The first words of a refusal (`error: drafting: …`), enough to group refusals by kind.
fn error_kind(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or("(no message)");
    line.split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ")
}
