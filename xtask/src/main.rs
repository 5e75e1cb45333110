//! `cargo xtask`: the workspace's commands (generate the client, run what CI runs).

mod bench;
mod changelog;
mod ci;
mod fuzz;
mod fuzz_definitions;
mod generate;
mod import_action;
mod import_check;
mod manifests;
mod minimal_versions;
mod mutations;
mod node;
mod official;
mod packages;
mod process;
mod public_api;
mod python;
mod root;
mod semver_check;
mod spec_audit;
mod spec_copies;
mod spec_diff;
mod targets;
mod vendor;
mod version_bump;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Workspace commands for the GSE client")]
struct Cli {
    /// The workspace root (default: the workspace around the current directory).
    #[arg(long, global = true, hide = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every client crate from its spec.
    Generate {
        /// Change nothing; fail with a diff when the committed files are stale.
        #[arg(long)]
        check: bool,
    },
    /// Write a standalone copy of the client (and the runtime beside it) into DIR, for
    /// another repository.
    Vendor {
        /// Where to write `gse-client/` and `tc3-runtime/`.
        dir: PathBuf,
        /// The spec of the client to vendor (default: spec/gse.yaml).
        #[arg(long)]
        spec: Option<String>,
    },
    /// Validate the specs with openapi-spec-validator (installed into target/py).
    ValidateSpec,
    /// List the public API of tc3-runtime and gse-client into their public-api.txt.
    PublicApi {
        /// Change nothing; fail with a diff when a listing is stale.
        #[arg(long)]
        check: bool,
    },
    /// Check with cargo-semver-checks that spec-diff's verdicts and the generated crate's API
    /// agree (fixed compatible and breaking edits, or the spec at --base against the tree).
    SemverCheck {
        /// Compare the spec at this revision with the working tree instead.
        #[arg(long)]
        base: Option<String>,
    },
    /// Build tc3-runtime, gse-client and gse-emulator with every direct dependency at the
    /// lowest version its range admits (in target/minimal-versions; needs the registry).
    MinimalVersions,
    /// `cargo package` tc3-runtime, gse-emulator and gse-client with the verification
    /// build, as CI does (each package proven to build on its own).
    Package,
    /// Create target/py with the pinned Python tools and the official SDK.
    PythonEnv,
    /// Install the pinned official Node.js SDK into target/node (npm ci).
    NodeEnv,
    /// Run everything CI runs: fmt, clippy, generate --check, spec validation, tests.
    Ci,
    /// Measure the performance figures (release build) and write target/bench/summary.json.
    Bench {
        /// A shorter run.
        #[arg(long)]
        quick: bool,
        /// Measure only the cold builds: the vendored client's program against the floor.
        #[arg(long, conflicts_with = "scale_only")]
        build_weight_only: bool,
        /// Measure only the generator at scale: every CVM and GSE action generated and
        /// built (debug, dependencies warm), per action.
        #[arg(long)]
        scale_only: bool,
    },
    /// Fuzz one target (answer, authorization, batch_matching, request_body) with libFuzzer,
    /// or the generator with mutated tccli definitions (`definitions`).
    Fuzz {
        /// The target.
        target: String,
        /// How long to run.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// With `definitions`: the seed of the cases (default: from the clock).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// One case of `fuzz definitions`, in a process of its own.
    #[command(hide = true)]
    FuzzDefinitionsOne {
        /// The mutated api.json.
        case: PathBuf,
        /// Where its spec and crate go.
        dir: PathBuf,
        /// Mutate the drafted spec too, with this seed.
        #[arg(long)]
        spec_seed: Option<u64>,
    },
    /// Compare spec/gse.yaml with Tencent's own definition of the service (tccli's api.json)
    /// and its error codes; exit 3 on contradictions.
    SpecAudit {
        /// The spec to audit.
        #[arg(long, default_value = spec_audit::SPEC)]
        spec: String,
        /// A definition (api.json) to compare with instead of tccli's.
        #[arg(long)]
        definition: Option<PathBuf>,
        /// A JSON list of the service's error codes instead of the official SDK's.
        #[arg(long)]
        error_codes: Option<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        format: spec_diff::Format,
    },
    /// Draft the spec section of actions from Tencent's definition of the service, for review.
    ImportAction {
        /// The actions, e.g. DescribePlayerSessions.
        #[arg(required_unless_present = "all")]
        actions: Vec<String>,
        /// Every action of the definition (with --standalone: a spec of the whole service).
        #[arg(long, conflicts_with = "actions")]
        all: bool,
        /// Draft a whole spec that generates a client as it is.
        #[arg(long)]
        standalone: bool,
        /// A definition (api.json) instead of tccli's.
        #[arg(long)]
        definition: Option<PathBuf>,
        /// Write the draft here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Draft every action of each service of the pinned tccli into a scratch spec and
    /// generate it (target/import-check): per service, pass or the first error, lines, time.
    ImportCheck {
        /// Services (`cvm`, or `cvm@2017-03-12`); default: every one.
        services: Vec<String>,
        /// Also compile these services' crates (debug).
        #[arg(long, value_name = "SERVICE")]
        build: Vec<String>,
        /// Fail unless at least this percentage of the service versions generate.
        #[arg(long)]
        min_percent: Option<f64>,
        /// Write the report as JSON here too.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Services generated at once (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// One service of `import-check`, in a process of its own.
    #[command(hide = true)]
    ImportCheckOne {
        /// The service's api.json.
        definition: PathBuf,
        /// Where the spec and the crate go.
        dir: PathBuf,
    },
    /// Compare spec/ at a revision with the working tree and class each change for callers.
    SpecDiff {
        /// The revision to compare with (default: the merge base with main, or HEAD).
        base: Option<String>,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        format: spec_diff::Format,
        /// Exit 0 even when a change is breaking.
        #[arg(long)]
        allow_breaking: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match cli.root {
        Some(root) => root,
        None => match root::current() {
            Ok(root) => root,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        },
    };
    match cli.command {
        Command::Generate { check } => exit_status(generate::run(&root, check)),
        Command::Vendor { dir, spec } => exit_status(vendor::run(&root, &dir, spec.as_deref())),
        Command::ValidateSpec => exit_status(python::validate_specs(&root)),
        Command::PublicApi { check } => exit_status(public_api::run(&root, check)),
        Command::SemverCheck { base } => exit_status(semver_check::run(&root, base.as_deref())),
        Command::MinimalVersions => exit_status(minimal_versions::run(&root)),
        Command::ImportCheck {
            services,
            build,
            min_percent,
            json,
            jobs,
        } => exit_status(import_check::run(
            &root,
            &import_check::Check {
                services,
                build,
                min_percent,
                json,
                jobs,
            },
        )),
        Command::ImportCheckOne { definition, dir } => {
            exit_status(import_check::run_one(&root, &definition, &dir))
        }
        Command::Package => exit_status(ci::package(&root)),
        Command::PythonEnv => exit_status(python::ensure_venv(&root).map(|bin| {
            println!("python tools ready in {}", bin.display());
        })),
        Command::NodeEnv => exit_status(node::ensure_node_env(&root).map(|sdk| {
            println!("Node.js SDK ready in {}", sdk.display());
        })),
        Command::Ci => exit_status(ci::run(&root)),
        Command::Bench {
            quick,
            build_weight_only,
            scale_only,
        } => exit_status(bench::run(&root, quick, build_weight_only, scale_only)),
        Command::Fuzz {
            target,
            seconds,
            seed,
        } => exit_status(if target == "definitions" {
            fuzz_definitions::run(&root, seconds, seed)
        } else {
            fuzz::run(&root, &target, seconds)
        }),
        Command::FuzzDefinitionsOne {
            case,
            dir,
            spec_seed,
        } => exit_status(fuzz_definitions::run_one(&root, &case, &dir, spec_seed)),
        Command::SpecAudit {
            spec,
            definition,
            error_codes,
            format,
        } => spec_audit::run(
            &root,
            &spec,
            &spec_audit::Sources {
                definition,
                error_codes,
            },
            format,
        ),
        Command::ImportAction {
            actions,
            all,
            standalone,
            definition,
            out,
        } => exit_status(import_action::run(
            &root,
            &import_action::Import {
                actions,
                all,
                standalone,
                definition,
                out,
            },
        )),
        Command::SpecDiff {
            base,
            format,
            allow_breaking,
        } => spec_diff::run(&root, base.as_deref(), format, allow_breaking),
    }
}

/// Exit status 0 on success; the error, and 1, otherwise.
fn exit_status(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
