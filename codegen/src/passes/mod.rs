//! Post-processing passes over progenitor's output, one module per pass, run in order.

mod api_metadata;
mod body_setters;
mod route_actions;
mod strip_api_version;

use crate::error::Result;
use crate::model::ApiModel;

/// A pass rewrites the parsed client file using the API model.
type Pass = fn(&mut syn::File, &ApiModel) -> Result<()>;

/// The passes in the order they run.
const PASSES: &[Pass] = &[
    strip_api_version::apply,
    route_actions::apply,
    body_setters::apply,
    api_metadata::apply,
];

/// Runs every pass over `file`.
pub fn run_all(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    PASSES.iter().try_for_each(|pass| pass(file, model))
}

/// The `send` methods of the operation builders, each with the `operationId` it sends.
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
