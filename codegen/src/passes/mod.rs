//! Post-processing passes over progenitor's output, one module per pass, run in order.

mod batch_methods;
mod body_setters;
mod call_options;
mod client_surface;
mod doc_lines;
mod generated_lints;
mod growable_types;
mod limit_messages;
mod paginators;
mod pattern_checks;
mod private_reexports;
mod reconcile_read;
mod request_builders_module;
mod send_calls;
mod tree;

use crate::error::Result;
use crate::model::ApiModel;
use tree::*;

/// A pass rewrites the parsed client file using the API model.
type Pass = fn(&mut syn::File, &ApiModel) -> Result<()>;

/// The passes in the order they run.
/// `batch_methods` reads the envelope type from progenitor's `send`, which `send_calls` removes.
const PASSES: &[Pass] = &[
    private_reexports::apply,
    growable_types::apply,
    limit_messages::apply,
    pattern_checks::apply,
    body_setters::apply,
    call_options::apply,
    batch_methods::apply,
    paginators::apply,
    send_calls::apply,
    request_builders_module::apply,
];

/// Runs every pass over `file`, the crate being `crate_name` (its doc examples name it).
pub(crate) fn run_all(file: &mut syn::File, model: &ApiModel, crate_name: &str) -> Result<()> {
    client_surface::apply(file, model, crate_name)?;
    PASSES.iter().try_for_each(|pass| pass(file, model))?;
    private_reexports::drop_unused(file)?;
    generated_lints::apply(file, model)?;
    doc_lines::apply(file);
    Ok(())
}
