//! Makes the generated code pass the workspace's lints like hand-written code: progenitor's
//! blanket `#[allow(clippy::all)]` goes; every public item typify and progenitor leave
//! undocumented gets a doc from its name; every inherent function whose result should not be
//! dropped (a builder's setter, a constructor, an accessor) is `#[must_use]`. What remains
//! allowed is listed, each for the generated style that makes it so.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;

const PASS: &str = "generated_lints";

pub(super) fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    let mut blanket = 0;
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item {
            let before = m.attrs.len();
            m.attrs.retain(|a| !is_allow_clippy_all(a));
            blanket += before - m.attrs.len();
            if before != m.attrs.len() {
                // The generated code's own style, not a defect: typify's `"x".to_string()`,
                // `Self { field: field }` and `format!("{}", x)`, and the comparisons of a
                // read-back's results with the batch's scope.
                m.attrs.push(syn::parse_quote!(#[allow(
                    clippy::str_to_string,
                    clippy::redundant_field_names,
                    clippy::uninlined_format_args,
                    clippy::cmp_owned
                )]));
            }
        }
    }
    if blanket == 0 {
        return Err(CodegenError::pass(
            PASS,
            "no `#[allow(clippy::all)]` module in progenitor's output: its output changed",
        ));
    }
    let mut items = std::mem::take(&mut file.items);
    for item in &mut items {
        lint_item(item, false);
    }
    file.items = items;
    Ok(())
}

fn is_allow_clippy_all(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("allow")
        && attr.parse_args::<syn::Path>().is_ok_and(|p| {
            p.segments.len() == 2 && p.segments[0].ident == "clippy" && p.segments[1].ident == "all"
        })
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Documents and marks one item, and the items inside it; `in_builders` when the item is in
/// a module of builders (`types::builder`).
fn lint_item(item: &mut syn::Item, in_builders: bool) {
    match item {
        syn::Item::Mod(m) => {
            let builders = m.ident == "builder";
            if let Some((_, items)) = &mut m.content {
                for inner in items {
                    lint_item(inner, builders);
                }
            }
        }
        syn::Item::Struct(s) if is_pub(&s.vis) => {
            if !has_doc(&s.attrs) {
                let doc = if in_builders {
                    format!(" Builds [`super::{}`] field by field.", s.ident)
                } else {
                    format!(" The spec's `{}` schema.", s.ident)
                };
                s.attrs.push(syn::parse_quote!(#[doc = #doc]));
            }
            for field in s.fields.iter_mut() {
                if is_pub(&field.vis) && !has_doc(&field.attrs) {
                    let name = field
                        .ident
                        .as_ref()
                        .map_or_else(String::new, ToString::to_string);
                    let doc = format!(" The `{name}` field.");
                    field.attrs.push(syn::parse_quote!(#[doc = #doc]));
                }
            }
        }
        syn::Item::Impl(imp) if imp.trait_.is_none() => {
            for impl_item in &mut imp.items {
                let syn::ImplItem::Fn(f) = impl_item else {
                    continue;
                };
                if !is_pub(&f.vis) {
                    continue;
                }
                if !has_doc(&f.attrs) {
                    let name = f.sig.ident.to_string();
                    let doc = if name == "builder" {
                        " A builder of this type, field by field.".to_owned()
                    } else if in_builders {
                        format!(" Sets `{name}`; a value that cannot be converted fails when the value is built.")
                    } else {
                        format!(" `{name}`.")
                    };
                    f.attrs.push(syn::parse_quote!(#[doc = #doc]));
                }
                if wants_must_use(&f.sig) && !f.attrs.iter().any(|a| a.path().is_ident("must_use"))
                {
                    f.attrs.push(syn::parse_quote!(#[must_use]));
                }
            }
        }
        _ => {}
    }
}

/// A synchronous function that returns something other than `()` or a `Result` (which is
/// `#[must_use]` already).
fn wants_must_use(sig: &syn::Signature) -> bool {
    if sig.asyncness.is_some() {
        return false;
    }
    match &sig.output {
        syn::ReturnType::Default => false,
        // `Result` and the runtime's `Paginator` and `BatchStream` are `#[must_use]` types
        // already.
        syn::ReturnType::Type(_, ty) => {
            !matches!(
                &**ty,
                syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| ["Result", "Paginator", "BatchStream"].iter().any(|name| s.ident == name))
            ) && !matches!(&**ty, syn::Type::Tuple(t) if t.elems.is_empty())
        }
    }
}
