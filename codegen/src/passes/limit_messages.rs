//! Makes typify's conversion errors say what the service would: the field as the body spells
//! it, the limit, and the value given (`Name: N+1 characters given ("…"), at most N
//! allowed`), instead of `error converting supplied value for name: longer than N
//! characters`.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use quote::ToTokens;
use std::collections::{HashMap, HashSet};
use syn::visit_mut::VisitMut;

const PASS: &str = "limit_messages";

pub(super) fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    // Messages of builder fields: `Type.field` -> format using the JSON name.
    let mut formats: HashMap<String, String> = HashMap::new();
    let struct_names: Vec<syn::Ident> = super::types_items(file)
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.clone()),
            _ => None,
        })
        .collect();
    for name in &struct_names {
        formats.extend(super::body_setters::failure_formats(file, name));
    }
    let types = super::top_module(file, "types")
        .ok_or_else(|| CodegenError::pass(PASS, "no `types` module in progenitor's output"))?;
    let mut newtypes = NewtypeMessages::default();
    for item in types.iter_mut() {
        if let syn::Item::Impl(imp) = item {
            if imp
                .trait_
                .as_ref()
                .is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "FromStr"))
            {
                newtypes.visit_item_impl_mut(imp);
            }
        }
    }
    if let Some(leftover) = newtypes.unrecognized {
        return Err(CodegenError::pass(
            PASS,
            format!("typify's message {leftover:?} is not one this pass knows: its output changed"),
        ));
    }
    let builder = types
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| {
            CodegenError::pass(PASS, "no `types::builder` module in progenitor's output")
        })?;
    // Every builder type's messages are typify's own: each type with a field gets at least
    // one rewritten (its setters' conversion failures), and none is left that names an
    // unknown field. A type with no field (an action whose request carries nothing) has no
    // setter and so no message.
    let fieldless: HashSet<String> = builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if s.fields.is_empty() => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut rewritten: HashMap<String, usize> = HashMap::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(ty) = type_ident(&imp.self_ty) else {
            continue;
        };
        let mut rewrite = BuilderMessages {
            ty: ty.to_string(),
            formats: &formats,
            rewritten: 0,
            unknown: None,
        };
        rewrite.visit_item_impl_mut(imp);
        if let Some(field) = rewrite.unknown {
            return Err(CodegenError::pass(
                PASS,
                format!(
                    "typify's builder message names `{}.{field}`, a field with no JSON name",
                    rewrite.ty
                ),
            ));
        }
        *rewritten.entry(rewrite.ty).or_default() += rewrite.rewritten;
    }
    if let Some((ty, _)) = rewritten
        .iter()
        .find(|(ty, n)| **n == 0 && !fieldless.contains(*ty))
    {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "no message of typify's builder `types::builder::{ty}` is one this pass knows (`error converting supplied value for …`, `no value supplied for …`): its output changed"
            ),
        ));
    }
    Ok(())
}

fn type_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.get_ident(),
        _ => None,
    }
}

/// Rewrites `return Err("longer than N characters".into())` and its kin in `FromStr` impls.
#[derive(Default)]
struct NewtypeMessages {
    unrecognized: Option<String>,
}

impl VisitMut for NewtypeMessages {
    fn visit_expr_return_mut(&mut self, ret: &mut syn::ExprReturn) {
        let Some(expr) = &ret.expr else { return };
        let Some(text) = err_literal(expr) else {
            return;
        };
        let number = |prefix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(" characters"))
                .and_then(|n| n.parse::<usize>().ok())
        };
        let replacement: syn::Expr = if let Some(max) = number("longer than ") {
            syn::parse_quote!(Err(::tc3_runtime::__private::too_long(value, #max).into()))
        } else if let Some(min) = number("shorter than ") {
            syn::parse_quote!(Err(::tc3_runtime::__private::too_short(value, #min).into()))
        } else if let Some(pattern) = text
            .strip_prefix("doesn't match pattern \"")
            .and_then(|p| p.strip_suffix('"'))
        {
            syn::parse_quote!(Err(::tc3_runtime::__private::mismatch(value, #pattern).into()))
        } else {
            self.unrecognized.get_or_insert(text);
            return;
        };
        ret.expr = Some(Box::new(replacement));
    }
}

/// The string of `Err("...".into())`.
fn err_literal(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    if call.func.to_token_stream().to_string() != "Err" || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::MethodCall(into) = &call.args[0] else {
        return None;
    };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(s),
        ..
    }) = &*into.receiver
    else {
        return None;
    };
    Some(s.value())
}

/// Rewrites typify builders' `error converting supplied value for x: {e}` and
/// `no value supplied for x` with the field's JSON name.
struct BuilderMessages<'a> {
    ty: String,
    formats: &'a HashMap<String, String>,
    /// Messages rewritten.
    rewritten: usize,
    /// A field a typify message names that has no format.
    unknown: Option<String>,
}

impl BuilderMessages<'_> {
    /// The replacement of a message, if it is one of typify's.
    fn rewrite(&mut self, text: &str) -> Option<String> {
        let (field, missing) = if let Some(field) = text
            .strip_prefix("error converting supplied value for ")
            .and_then(|rest| rest.strip_suffix(": {e}"))
        {
            (field, false)
        } else if let Some(field) = text.strip_prefix("no value supplied for ") {
            (field, true)
        } else {
            return None;
        };
        let Some(format) = self.formats.get(&format!("{}.{field}", self.ty)) else {
            self.unknown.get_or_insert_with(|| field.to_owned());
            return None;
        };
        self.rewritten += 1;
        Some(if missing {
            let wire = format
                .trim_end_matches("{e}")
                .trim_end_matches(": ")
                .trim_end_matches('.');
            format!("{wire}: missing; a value is required")
        } else {
            format.clone()
        })
    }

    /// Rewrites string literals inside a macro's tokens (`format!("...")`).
    fn rewrite_tokens(&mut self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        use proc_macro2::TokenTree;
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(group) => {
                    let mut new = proc_macro2::Group::new(
                        group.delimiter(),
                        self.rewrite_tokens(group.stream()),
                    );
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                TokenTree::Literal(lit) => {
                    let parsed = syn::parse2::<syn::LitStr>(TokenTree::Literal(lit.clone()).into());
                    match parsed
                        .ok()
                        .and_then(|s| self.rewrite(&s.value()).map(|new| (s, new)))
                    {
                        Some((old, new)) => {
                            TokenTree::Literal(syn::LitStr::new(&new, old.span()).token())
                        }
                        None => TokenTree::Literal(lit),
                    }
                }
                other => other,
            })
            .collect()
    }
}

impl VisitMut for BuilderMessages<'_> {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if let Some(new) = self.rewrite(&lit.value()) {
            *lit = syn::LitStr::new(&new, lit.span());
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = self.rewrite_tokens(std::mem::take(&mut mac.tokens));
    }
}
