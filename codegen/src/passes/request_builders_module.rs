//! Renames progenitor's `builder` module (one builder per operation, with `send`) to
//! `requests`, so that the client's API has one thing called a builder per job:
//! `ClientBuilder` makes a client, `requests::*` make a request, typify's `types::builder::*`
//! make a body. Runs last: the other passes look for progenitor's names.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use syn::visit_mut::VisitMut;

const PASS: &str = "request_builders_module";
/// progenitor's name for the module.
const FROM: &str = "builder";
/// Its name in the generated client.
const TO: &str = "requests";

pub(crate) fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    let mut renamed = false;
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == FROM => {
                m.ident = syn::Ident::new(TO, m.ident.span());
                renamed = true;
                RenamePaths.visit_item_mod_mut(m);
            }
            // typify's `types::builder` is another module of the same name: left alone.
            syn::Item::Mod(m) if m.ident == "types" => {}
            other => RenamePaths.visit_item_mut(other),
        }
    }
    if !renamed {
        return Err(CodegenError::pass(
            PASS,
            "no top-level `builder` module in progenitor's output: its output changed",
        ));
    }
    Ok(())
}

/// `builder::X`, `self::builder::X`, `super::builder::X` and `crate::builder::X` become
/// `requests::X`.
struct RenamePaths;

impl VisitMut for RenamePaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let position = path
            .segments
            .iter()
            .position(|s| !matches!(s.ident.to_string().as_str(), "self" | "super" | "crate"));
        if let Some(i) = position {
            let rest = path.segments.len() - i;
            if path.segments[i].ident == FROM && rest > 1 && path.leading_colon.is_none() {
                let span = path.segments[i].ident.span();
                path.segments[i].ident = syn::Ident::new(TO, span);
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
        // Inside the renamed module, `types::builder` paths name typify's module.
        if m.ident == "types" {
            return;
        }
        syn::visit_mut::visit_item_mod_mut(self, m);
    }
}
