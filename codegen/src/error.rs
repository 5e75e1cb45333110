//! The one error type of the generator: every failure names where it happened.

/// Why generation failed. Every variant names the spec file (or the pass) at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    /// The spec file could not be read.
    #[error("{file}: cannot read the spec: {source}")]
    Read {
        /// The spec's path as given.
        file: String,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The spec is not well-formed YAML.
    #[error("{file}: not valid YAML: {message}")]
    Yaml {
        /// The spec's path as given.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The spec breaks a rule; `path` is the dotted spec path of the offending node.
    #[error("{file}: {path}: {problem}")]
    Spec {
        /// The spec's path as given.
        file: String,
        /// Dotted path inside the spec, e.g. `paths./X.post.x-tc-action`.
        path: String,
        /// What is wrong, and what was expected.
        problem: String,
    },
    /// The crate settings the generator was given cannot describe the crate.
    #[error("crate settings: {0}")]
    Settings(String),
    /// progenitor rejected the spec.
    #[error("{file}: progenitor cannot generate a client: {message}")]
    Progenitor {
        /// The spec's path as given.
        file: String,
        /// progenitor's message.
        message: String,
    },
    /// rustfmt could not format a generated file (or is not installed).
    #[error("formatting the generated {file} with rustfmt: {message}")]
    Format {
        /// The generated file, e.g. `src/client.rs`.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A post-processing pass did not find what it expects in progenitor's output.
    #[error("post-processing pass `{pass}` failed: {message}")]
    Pass {
        /// The pass's module name.
        pass: &'static str,
        /// What was expected and not found.
        message: String,
    },
}

impl CodegenError {
    /// A spec rule violation at `path` (segments joined with `.`).
    pub(crate) fn spec(file: &str, path: &str, problem: impl Into<String>) -> Self {
        Self::Spec {
            file: file.to_owned(),
            path: path.to_owned(),
            problem: problem.into(),
        }
    }

    /// A pass failure.
    pub(crate) fn pass(pass: &'static str, message: impl Into<String>) -> Self {
        Self::Pass {
            pass,
            message: message.into(),
        }
    }
}

/// Result of every codegen step.
pub type Result<T, E = CodegenError> = std::result::Result<T, E>;
