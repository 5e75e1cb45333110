//! Post-processing passes over progenitor's output, one module per pass, run in order.

mod api_metadata;
mod batch_methods;
mod body_setters;
mod error_codes;
mod limit_messages;
mod route_actions;
mod send_calls;
mod strip_api_version;
mod tree;

use crate::error::Result;
use crate::model::ApiModel;
use tree::*;

/// A pass rewrites the parsed client file using the API model.
type Pass = fn(&mut syn::File, &ApiModel) -> Result<()>;

/// The passes in the order they run.
const PASSES: &[Pass] = &[
    strip_api_version::apply,
    route_actions::apply,
    limit_messages::apply,
    body_setters::apply,
    send_calls::apply,
    batch_methods::apply,
    error_codes::apply,
    api_metadata::apply,
];

/// Runs every pass over `file`.
pub fn run_all(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    PASSES.iter().try_for_each(|pass| pass(file, model))
}
