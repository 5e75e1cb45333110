//! Gives each operation builder settings of its call only: a `call_options` field (a
//! `tc3_runtime::CallOptions`, the client's settings unchanged by default) and a
//! `call_options(..)` setter; `send_calls` passes them to the runtime, and a batch's requests
//! all carry them.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;

const PASS: &str = "call_options";

pub(super) fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let builder = super::top_module(file, "builder")
        .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module in progenitor's output"))?;
    let mut builders = Vec::new();
    for item in builder.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        if super::body_type_of(s).is_none() {
            continue;
        }
        let syn::Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        if fields
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == "call_options"))
        {
            return Err(CodegenError::pass(
                PASS,
                format!("`{}` already has a field `call_options`", s.ident),
            ));
        }
        fields
            .named
            .push(syn::parse_quote!(call_options: ::tc3_runtime::CallOptions));
        builders.push(s.ident.clone());
    }
    if builders.len() != model.actions.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "expected one operation builder with a body per action ({}); found {}",
                model.actions.len(),
                builders.len()
            ),
        ));
    }
    let mut initialized = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.clone()) else {
            continue;
        };
        if !builders.contains(&name) {
            continue;
        }
        for impl_item in &mut imp.items {
            let syn::ImplItem::Fn(f) = impl_item else {
                continue;
            };
            if f.sig.ident != "new" {
                continue;
            }
            let Some(syn::Stmt::Expr(syn::Expr::Struct(init), None)) = f.block.stmts.last_mut()
            else {
                return Err(CodegenError::pass(
                    PASS,
                    format!("`{name}::new` does not end with `Self {{ .. }}`"),
                ));
            };
            init.fields.push(syn::parse_quote!(
                call_options: ::std::default::Default::default()
            ));
            initialized += 1;
        }
    }
    if initialized != builders.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "expected progenitor's `new` on each of {} operation builders; found {initialized}",
                builders.len()
            ),
        ));
    }
    for name in builders {
        builder.push(syn::parse_quote! {
            impl<'a> #name<'a> {
                /// Settings of this call only, over the client's: headers added to its
                /// requests (and signed), its attempt and overall timeouts, its retry policy.
                #[must_use]
                pub fn call_options(mut self, options: ::tc3_runtime::CallOptions) -> Self {
                    self.call_options = options;
                    self
                }
            }
        });
    }
    Ok(())
}
