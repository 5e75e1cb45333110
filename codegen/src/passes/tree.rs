//! Finding things in progenitor's output: the operation builders and their `send`, the
//! generated types and their JSON field names, and type paths as seen from one module or
//! another. Shared by the passes.

use crate::error::Result;
use syn::visit_mut::VisitMut;

/// progenitor's `send` of each operation builder, with its `operationId`.
pub(crate) fn operation_send_fns(file: &mut syn::File) -> Vec<(String, &mut syn::ImplItemFn)> {
    let Some(builder) = top_module(file, "builder") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in builder {
        let syn::Item::Impl(imp) = item else { continue };
        for impl_item in &mut imp.items {
            let syn::ImplItem::Fn(f) = impl_item else {
                continue;
            };
            if f.sig.ident != "send" {
                continue;
            }
            if let Some(id) = operation_id_of(&f.block) {
                found.push((id, f));
            }
        }
    }
    found
}

/// Removes progenitor's `send` from every operation builder; returns how many it removed.
pub(crate) fn remove_operation_send_fns(file: &mut syn::File) -> usize {
    let Some(builder) = top_module(file, "builder") else {
        return 0;
    };
    let mut removed = 0;
    for item in builder {
        let syn::Item::Impl(imp) = item else { continue };
        imp.items.retain(|impl_item| match impl_item {
            syn::ImplItem::Fn(f)
                if f.sig.ident == "send" && operation_id_of(&f.block).is_some() =>
            {
                removed += 1;
                false
            }
            _ => true,
        });
    }
    removed
}

/// The items of the top-level inline module `name`.
pub(crate) fn top_module<'a>(
    file: &'a mut syn::File,
    name: &str,
) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The string in `OperationInfo { operation_id: "..." }` inside `block`.
fn operation_id_of(block: &syn::Block) -> Option<String> {
    use syn::visit::Visit;
    struct Find(Option<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path.is_ident("OperationInfo") {
                for field in &s.fields {
                    if let (syn::Member::Named(name), syn::Expr::Lit(lit)) =
                        (&field.member, &field.expr)
                    {
                        if let (true, syn::Lit::Str(text)) = (name == "operation_id", &lit.lit) {
                            self.0 = Some(text.value());
                        }
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let mut find = Find(None);
    find.visit_block(block);
    find.0
}

/// A field of a generated type: its Rust name, its name in JSON, and its type.
#[derive(Clone)]
pub(crate) struct WireField {
    /// The Rust field name.
    pub ident: syn::Ident,
    /// The name in the JSON body (`#[serde(rename = "...")]`).
    pub wire: String,
    /// The field's type as written in the `types` module.
    pub ty: syn::Type,
}

/// The items of `types` (progenitor's module of generated types).
pub(crate) fn types_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                m.content.as_ref().map(|(_, i)| i.as_slice())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The struct `name` of the `types` module.
pub(crate) fn types_struct<'a>(file: &'a syn::File, name: &str) -> Option<&'a syn::ItemStruct> {
    types_items(file).iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

/// The fields of a generated struct with their JSON names.
pub(crate) fn wire_fields(s: &syn::ItemStruct) -> Vec<WireField> {
    s.fields
        .iter()
        .filter_map(|field| {
            let ident = field.ident.clone()?;
            let wire = field
                .attrs
                .iter()
                .find_map(serde_rename)
                .unwrap_or_else(|| ident.to_string());
            Some(WireField {
                ident,
                wire,
                ty: field.ty.clone(),
            })
        })
        .collect()
}

/// The value of `#[serde(rename = "...")]`, if the attribute is one.
fn serde_rename(attr: &syn::Attribute) -> Option<String> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    let mut found = None;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("rename") {
            let value: syn::LitStr = meta.value()?.parse()?;
            found = Some(value.value());
        } else if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    });
    found
}

/// `X` when `ty` is `Wrapper<X>` for a wrapper named `wrapper` (under any path prefix).
pub(crate) fn unwrap_type<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// A type of the `types` module as seen from the `builder` module: a bare name `X` becomes
/// `types::X`; paths (`::std::...`) and generic wrappers are kept, their arguments rewritten.
pub(crate) fn from_builder_module(ty: &syn::Type, file: &syn::File) -> syn::Type {
    let mut ty = ty.clone();
    PrefixTypes {
        names: type_names(file),
    }
    .visit_type_mut(&mut ty);
    ty
}

fn type_names(file: &syn::File) -> Vec<String> {
    types_items(file)
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

struct PrefixTypes {
    names: Vec<String>,
}

impl syn::visit_mut::VisitMut for PrefixTypes {
    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        syn::visit_mut::visit_type_path_mut(self, ty);
        if ty.qself.is_none() && ty.path.leading_colon.is_none() && ty.path.segments.len() == 1 {
            let ident = &ty.path.segments[0].ident;
            if self.names.iter().any(|n| ident == n) {
                ty.path = syn::parse_quote!(types::#ident);
            }
        }
    }
}

/// One operation builder of the `builder` module and the types it sends and receives.
pub(crate) struct OperationBuilder {
    /// The builder struct (named after the operation).
    pub ident: syn::Ident,
    /// The request body's type name in `types`.
    pub request: syn::Ident,
}

/// Every operation builder with a JSON body.
pub(crate) fn operation_builders(file: &mut syn::File) -> Vec<OperationBuilder> {
    let Some(builder) = top_module(file, "builder") else {
        return Vec::new();
    };
    builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => body_type_of(s).map(|request| OperationBuilder {
                ident: s.ident.clone(),
                request,
            }),
            _ => None,
        })
        .collect()
}

/// `Foo` when `s` has a field `body: Result<types::builder::Foo, String>`.
pub(crate) fn body_type_of(s: &syn::ItemStruct) -> Option<syn::Ident> {
    let field = s
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
    let result = unwrap_type(&field.ty, "Result")?;
    let syn::Type::Path(inner) = result else {
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

/// The operation builder that sends `action`'s request, and the request type's fields.
pub(crate) fn action_request(
    file: &mut syn::File,
    action: &crate::model::Action,
    pass: &'static str,
) -> Result<(syn::Ident, Vec<WireField>)> {
    let schema = &action.request_schema;
    let ty = crate::names::type_name(schema);
    let builder = operation_builders(file)
        .into_iter()
        .find(|b| b.request == ty)
        .ok_or_else(|| {
            crate::error::CodegenError::pass(
                pass,
                format!("no builder sends `{ty}` (the type of schema `{schema}`)"),
            )
        })?;
    let request = types_struct(file, &ty).ok_or_else(|| {
        crate::error::CodegenError::pass(pass, format!("no type `{ty}` (schema `{schema}`)"))
    })?;
    Ok((builder.ident, wire_fields(request)))
}

/// The text of a `#[doc = "..."]` attribute, if `attr` is one.
pub(crate) fn doc_string(attr: &syn::Attribute) -> Option<String> {
    let syn::Meta::NameValue(nv) = &attr.meta else {
        return None;
    };
    if !nv.path.is_ident("doc") {
        return None;
    }
    match &nv.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}
