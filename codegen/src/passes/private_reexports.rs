//! Makes progenitor's top-level `pub use progenitor_client::{..}` private: the crate's error
//! type is the runtime's, and progenitor's `Error`, `ResponseValue` and `ByteStream` (used by
//! the `send` that `send_calls` removes) are no part of the client's API. Once that `send` is
//! gone, [`drop_unused`] removes the imports, so the crate needs no progenitor-client.

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

/// Removes progenitor's imports of `progenitor_client` (top level) and their re-import into
/// the operation builders' module (`use super::{encode_path, ..}`): with progenitor's `send`
/// removed, nothing uses them. Fails when there are none to remove.
pub(super) fn drop_unused(file: &mut syn::File) -> Result<()> {
    let is_progenitor_use = |item: &syn::Item| {
        matches!(item, syn::Item::Use(u)
            if matches!(&u.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client"))
    };
    let before = file.items.len();
    file.items.retain(|item| !is_progenitor_use(item));
    if file.items.len() == before {
        return Err(CodegenError::pass(
            PASS,
            "no `use progenitor_client::..` left to remove: progenitor's output changed",
        ));
    }
    let reimports = [
        "encode_path",
        "ClientHooks",
        "RequestBuilderExt",
        "ResponseValue",
    ];
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        items.retain(|inner| {
            let syn::Item::Use(u) = inner else {
                return true;
            };
            let syn::UseTree::Path(p) = &u.tree else {
                return true;
            };
            if p.ident != "super" {
                return true;
            }
            let text = quote::ToTokens::to_token_stream(&p.tree).to_string();
            !reimports.iter().any(|name| text.contains(name))
        });
    }
    Ok(())
}
