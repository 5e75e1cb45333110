//! Every struct with named fields and every enum of the `types` module is
//! `#[non_exhaustive]`, so that a field or a value the spec adds later (a compatible change
//! for `spec-diff`) is a compatible change of the crate too: callers read fields and match
//! with `..`/`_`, and build values with the builders (`types::builder::*`, the request
//! builders' setters) or serde, never with a struct literal. typify's own code, inside the
//! crate, still may. Newtypes (a private field already) are left as they are.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;

const PASS: &str = "growable_types";

pub(super) fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, i)| i),
            _ => None,
        })
        .ok_or_else(|| CodegenError::pass(PASS, "no `types` module in progenitor's output"))?;
    let mut marked = 0;
    for item in types.iter_mut() {
        let attrs = match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => &mut s.attrs,
            syn::Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            attrs.push(syn::parse_quote!(#[non_exhaustive]));
            marked += 1;
        }
    }
    if marked == 0 {
        return Err(CodegenError::pass(
            PASS,
            "no struct with named fields in progenitor's `types` module: its output changed",
        ));
    }
    Ok(())
}
