//! Gives each operation builder one setter per request-body field, so callers write
//! `.some_field(value)` instead of building the body separately. Each setter forwards to the
//! body type's own builder, so its bounds and checks are typify's.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use std::collections::HashMap;
use syn::visit_mut::VisitMut;

/// For each field of `body_type` (`Type.field`), the format of a conversion failure: the
/// field's JSON name, then `.` before a nested object's own message or `: ` before a value's.
pub(super) fn failure_formats(file: &syn::File, body_type: &syn::Ident) -> Vec<(String, String)> {
    let Some(s) = super::types_struct(file, &body_type.to_string()) else {
        return Vec::new();
    };
    super::wire_fields(s)
        .into_iter()
        .map(|f| {
            let inner = super::unwrap_type(&f.ty, "Option").unwrap_or(&f.ty);
            let nested = match inner {
                syn::Type::Path(p) => {
                    p.path.segments.len() == 1
                        && super::types_struct(file, &p.path.segments[0].ident.to_string())
                            .is_some_and(|s| matches!(s.fields, syn::Fields::Named(_)))
                }
                _ => false,
            };
            let format = if nested {
                format!("{}.{{e}}", f.wire)
            } else {
                format!("{}: {{e}}", f.wire)
            };
            (format!("{body_type}.{}", f.ident), format)
        })
        .collect()
}

const PASS: &str = "body_setters";

pub(super) fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let setters_by_type = body_type_setters(file)?;
    let messages: HashMap<String, String> = setters_by_type
        .iter()
        .flat_map(|(body_type, _)| failure_formats(file, body_type))
        .collect();
    let builder = super::top_module(file, "builder")
        .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module in progenitor's output"))?;
    let bodies: Vec<(syn::Ident, syn::Ident)> = builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => super::body_type_of(s).map(|body| (s.ident.clone(), body)),
            _ => None,
        })
        .collect();
    if bodies.len() != model.actions.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "expected one operation builder with a `body: Result<types::builder::X, String>` per action ({}); found {}",
                model.actions.len(),
                bodies.len()
            ),
        ));
    }
    for (op_builder, body_type) in bodies {
        let setters = setters_by_type
            .iter()
            .find(|(t, _)| *t == body_type)
            .ok_or_else(|| {
                CodegenError::pass(
                    PASS,
                    format!("no builder for body type `{body_type}` in `types::builder`"),
                )
            })?;
        let methods = setters.1.iter().map(|setter| {
            let key = format!("{body_type}.{}", setter.sig.ident);
            let failure = messages.get(&key).ok_or_else(|| {
                CodegenError::pass(
                    PASS,
                    format!("the setter `{key}` has no field of `{body_type}` with a JSON name"),
                )
            })?;
            Ok(forwarding_setter(setter, &body_type, failure))
        });
        let methods: Vec<syn::ImplItem> = methods.collect::<Result<_>>()?;
        builder.push(syn::parse_quote! {
            impl<'a> #op_builder<'a> {
                #(#methods)*
            }
        });
    }
    Ok(())
}

/// For every type in `types::builder`, its public setter methods.
fn body_type_setters(file: &mut syn::File) -> Result<Vec<(syn::Ident, Vec<syn::ImplItemFn>)>> {
    let types = super::top_module(file, "types")
        .ok_or_else(|| CodegenError::pass(PASS, "no `types` module in progenitor's output"))?;
    let builder = types
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| {
            CodegenError::pass(PASS, "no `types::builder` module in progenitor's output")
        })?;
    Ok(builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(ty) = &*imp.self_ty else {
                    return None;
                };
                let ident = ty.path.get_ident()?.clone();
                let setters = imp
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                            Some(f.clone())
                        }
                        _ => None,
                    })
                    .collect();
                Some((ident, setters))
            }
            _ => None,
        })
        .collect())
}

/// `pub fn field<T>(self, value: T) -> Self where …` forwarding to the body builder's setter.
/// An optional field takes its value itself (not an `Option`), so `.field("text")` works.
fn forwarding_setter(
    setter: &syn::ImplItemFn,
    body_type: &syn::Ident,
    failure: &str,
) -> syn::ImplItem {
    let name = &setter.sig.ident;
    let mut generics = setter.sig.generics.clone();
    RelocateTypes.visit_generics_mut(&mut generics);
    let optional = unwrap_option_bound(&mut generics);
    let where_clause = &generics.where_clause;
    let doc = format!(
        "Sets `{name}` of the request body ([`types::{body_type}`]); a value that breaks the field's limits makes `send` fail before any request is made."
    );
    if optional {
        syn::parse_quote! {
            #[doc = #doc]
            pub fn #name #generics (mut self, value: T) -> Self #where_clause {
                match value.try_into() {
                    Ok(value) => self.body_map(|body| body.#name(Some(value))),
                    Err(e) => {
                        self.body = Err(format!(#failure));
                        self
                    }
                }
            }
        }
    } else {
        syn::parse_quote! {
            #[doc = #doc]
            pub fn #name #generics (self, value: T) -> Self #where_clause {
                self.body_map(|body| body.#name(value))
            }
        }
    }
}

/// Turns a bound `TryInto<Option<X>>` into `TryInto<X>`; true when it did.
fn unwrap_option_bound(generics: &mut syn::Generics) -> bool {
    let Some(where_clause) = generics.where_clause.as_mut() else {
        return false;
    };
    for predicate in &mut where_clause.predicates {
        let syn::WherePredicate::Type(pt) = predicate else {
            continue;
        };
        for bound in &mut pt.bounds {
            let syn::TypeParamBound::Trait(tb) = bound else {
                continue;
            };
            let Some(last) = tb.path.segments.last_mut() else {
                continue;
            };
            if last.ident != "TryInto" {
                continue;
            }
            let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
                continue;
            };
            let Some(syn::GenericArgument::Type(ty)) = args.args.first_mut() else {
                continue;
            };
            if let Some(inner) = option_inner(ty) {
                *ty = inner;
                return true;
            }
        }
    }
    false
}

/// `X` when `ty` is `Option<X>` (under any path prefix).
fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// Rewrites `super::X` (as seen from `types::builder`) to `types::X` (as seen from `builder`).
struct RelocateTypes;

impl VisitMut for RelocateTypes {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() && path.segments.first().is_some_and(|s| s.ident == "super")
        {
            path.segments[0].ident = syn::Ident::new("types", path.segments[0].ident.span());
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}
