//! `cargo xtask`: the workspace's commands (generate the client, run what CI runs).

mod ci;
mod generate;
mod process;
mod python;
mod targets;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Workspace commands for the GSE client")]
struct Cli {
    /// The workspace root (defaults to the one this xtask was built in).
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
    /// Validate the specs with openapi-spec-validator (installed into target/py).
    ValidateSpec,
    /// Create target/py with the pinned Python tools and the official SDK.
    PythonEnv,
    /// Run everything CI runs: fmt, clippy, generate --check, spec validation, tests.
    Ci,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(targets::workspace_root);
    let result = match cli.command {
        Command::Generate { check } => generate::run(&root, check),
        Command::ValidateSpec => python::validate_specs(&root),
        Command::PythonEnv => python::ensure_venv(&root).map(|bin| {
            println!("python tools ready in {}", bin.display());
        }),
        Command::Ci => ci::run(&root),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
