//! Makes progenitor's top-level `pub use progenitor_client::{..}` private: the crate's error
//! type is the runtime's, and progenitor's `Error`, `ResponseValue` and `ByteStream` (used by
//! the `send` that `send_calls` removes) are no part of the client's API.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;

const PASS: &str = "private_reexports";

pub(super) fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    let mut found = 0;
    for item in &mut file.items {
        if let syn::Item::Use(u) = item {
            if matches!(u.vis, syn::Visibility::Public(_))
                && matches!(&u.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
            {
                u.vis = syn::Visibility::Inherited;
                found += 1;
            }
        }
    }
    if found == 0 {
        return Err(CodegenError::pass(
            PASS,
            "no `pub use progenitor_client::..` in progenitor's output: its output changed",
        ));
    }
    Ok(())
}
