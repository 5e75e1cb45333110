//! The client's face: construction only through `Client::builder()` (progenitor's public
//! `Client::new`, which builds its own HTTP client, goes; `new_with_client` becomes the
//! crate's own), progenitor's `ClientInfo`/`ClientHooks` impls and `prelude` go, and each
//! action method's doc says what is really sent (`POST /` with `X-TC-Action`) with an
//! example that compiles and runs. Every shape it expects is checked: a missing one fails
//! generation, naming it.

use crate::error::{CodegenError, Result};
use crate::model::{Action, ApiModel};

const PASS: &str = "client_surface";

/// progenitor's marker between an operation's spec text and its own usage text.
const PROGENITOR_USAGE: &str = "\n\nSends a `";

pub(super) fn apply(file: &mut syn::File, model: &ApiModel, crate_name: &str) -> Result<()> {
    let before = file.items.len();
    file.items.retain(|item| !is_progenitor_glue(item));
    if before - file.items.len() != 3 {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "expected progenitor's `impl ClientInfo for Client`, `impl ClientHooks for &Client` and `mod prelude`; removed {} items",
                before - file.items.len()
            ),
        ));
    }
    drop_base_url(file)?;
    let mut constructors = 0;
    let mut documented = 0;
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_named(&imp.self_ty, "Client") {
            continue;
        }
        let before = imp.items.len();
        imp.items
            .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
        constructors += before - imp.items.len();
        for impl_item in &mut imp.items {
            let syn::ImplItem::Fn(f) = impl_item else {
                continue;
            };
            if f.sig.ident == "new_with_client" {
                // The runtime holds the endpoint: the client keeps only its HTTP client.
                *f = syn::parse_quote! {
                    /// The client over its runtime; `Client::builder()` makes it.
                    pub(crate) fn new_with_client(inner: tc3_runtime::Runtime) -> Self {
                        Self { inner }
                    }
                };
                constructors += 1;
                continue;
            }
            let name = f.sig.ident.to_string();
            if let Some(action) = model
                .actions
                .iter()
                .find(|a| crate::names::method_name(&a.operation_id) == name)
            {
                document(f, action, model, crate_name)?;
                documented += 1;
            }
        }
    }
    if constructors != 2 {
        return Err(CodegenError::pass(
            PASS,
            format!("expected progenitor's `Client::new` and `Client::new_with_client`; found {constructors}"),
        ));
    }
    if documented != model.actions.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "expected one `Client` method per action ({}); found {documented}",
                model.actions.len()
            ),
        ));
    }
    Ok(())
}

/// Removes the `baseurl` and `client` fields of `struct Client`: the runtime holds the
/// endpoint and the transport.
fn drop_base_url(file: &mut syn::File) -> Result<()> {
    let client = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == "Client" => Some(s),
        _ => None,
    });
    let Some(syn::ItemStruct {
        fields: syn::Fields::Named(fields),
        ..
    }) = client
    else {
        return Err(CodegenError::pass(
            PASS,
            "no `struct Client` with named fields",
        ));
    };
    let before = fields.named.len();
    fields.named = std::mem::take(&mut fields.named)
        .into_iter()
        .filter(|f| {
            f.ident
                .as_ref()
                .is_none_or(|i| i != "baseurl" && i != "client")
        })
        .collect();
    if fields.named.len() + 2 != before {
        return Err(CodegenError::pass(
            PASS,
            "`struct Client` has no `baseurl` and `client` fields",
        ));
    }
    Ok(())
}

/// progenitor's `impl ClientInfo<..> for Client`, `impl ClientHooks<..> for &Client` and
/// `pub mod prelude`.
fn is_progenitor_glue(item: &syn::Item) -> bool {
    match item {
        syn::Item::Impl(imp) => imp.trait_.as_ref().is_some_and(|(_, path, _)| {
            path.segments
                .last()
                .is_some_and(|s| s.ident == "ClientInfo" || s.ident == "ClientHooks")
        }),
        syn::Item::Mod(m) => m.ident == "prelude",
        _ => false,
    }
}

fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// The method's doc: the spec's text, then what is sent, then a compiled example.
fn document(
    f: &mut syn::ImplItemFn,
    action: &Action,
    model: &ApiModel,
    crate_name: &str,
) -> Result<()> {
    let text: String = f
        .attrs
        .iter()
        .filter_map(super::doc_string)
        .collect::<Vec<_>>()
        .join("\n");
    let spec_text = text.split(PROGENITOR_USAGE).next().unwrap_or_default();
    if spec_text.len() == text.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "`Client::{}`: progenitor's doc has no usage section (`Sends a ...`) after the spec's text",
                action.operation_id
            ),
        ));
    }
    let krate = crate_name.replace('-', "_");
    let method = crate::names::method_name(&action.operation_id);
    let doc = format!(
        "{spec_text}\n\n\
         Sends `POST /` with `X-TC-Action: {name}` and `X-TC-Version: {version}`, the body as \
         JSON, signed with TC3-HMAC-SHA256; at most {rate} requests a second (the spec's rate). \
         Set the body's fields with the returned builder's setters, then `send()` it; \
         `validate()` checks the spec's limits without sending anything.\n\n\
         ```\n\
         # fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {krate}::{{credentials::Credentials, Client}};\n\n\
         let client = Client::builder()\n    \
             .endpoint(\"http://127.0.0.1:9\")\n    \
             .region(\"ap-guangzhou\")\n    \
             .credentials(Credentials::new(\"AKIDEXAMPLE\", \"example-secret-key\")?)\n    \
             .build()?;\n\
         let request = client.{method}();\n\
         // A request whose required fields are not all set is refused before anything is sent.\n\
         if let Err(error) = request.validate() {{\n    \
             println!(\"not sent: {{error}}\");\n\
         }}\n\
         # Ok(())\n\
         # }}\n\
         ```",
        name = action.name,
        version = model.version,
        rate = action.rate_limit,
    );
    f.attrs.retain(|a| !a.path().is_ident("doc"));
    f.attrs.push(syn::parse_quote!(#[doc = #doc]));
    Ok(())
}
