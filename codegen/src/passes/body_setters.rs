//! Gives each operation builder one setter per request-body field, so callers write
//! `.player_ids(ids)` instead of building the body separately. Each setter forwards to the
//! body type's own builder, so its bounds and checks are typify's.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use syn::visit_mut::VisitMut;

const PASS: &str = "body_setters";

pub fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    let setters_by_type = body_type_setters(file)?;
    let builder = super::top_module(file, "builder")
        .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module in progenitor's output"))?;
    let bodies: Vec<(syn::Ident, syn::Ident)> = builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => body_type_of(s).map(|body| (s.ident.clone(), body)),
            _ => None,
        })
        .collect();
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
        let methods = setters
            .1
            .iter()
            .map(|setter| forwarding_setter(setter, &body_type));
        let methods: Vec<syn::ImplItem> = methods.collect();
        builder.push(syn::parse_quote! {
            impl<'a> #op_builder<'a> {
                #(#methods)*
            }
        });
    }
    Ok(())
}

/// `Foo` when `s` has a field `body: Result<types::builder::Foo, String>`.
fn body_type_of(s: &syn::ItemStruct) -> Option<syn::Ident> {
    let field = s
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
    let syn::Type::Path(result) = &field.ty else {
        return None;
    };
    let last = result.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let syn::GenericArgument::Type(syn::Type::Path(inner)) = args.args.first()? else {
        return None;
    };
    let segments: Vec<_> = inner
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    (segments.len() == 3 && segments[0] == "types" && segments[1] == "builder")
        .then(|| inner.path.segments[2].ident.clone())
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
fn forwarding_setter(setter: &syn::ImplItemFn, body_type: &syn::Ident) -> syn::ImplItem {
    let name = &setter.sig.ident;
    let mut generics = setter.sig.generics.clone();
    RelocateTypes.visit_generics_mut(&mut generics);
    let optional = unwrap_option_bound(&mut generics);
    let where_clause = &generics.where_clause;
    let doc = format!(
        "Sets `{name}` of the request body ([`types::{body_type}`]); a value that breaks the field's limits makes `send` fail before any request is made."
    );
    if optional {
        let failure = format!("error converting supplied value for {name}: {{e}}");
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
