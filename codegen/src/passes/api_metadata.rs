//! Emits the `api` module: what the spec says about the service and each action (name,
//! rate limit, error codes, batch field), as constants the runtime and callers can read.

use crate::error::Result;
use crate::model::{ApiModel, ErrorCode};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let service = &model.service;
    let version = &model.version;
    let endpoint = &model.endpoint;
    let common = codes(&model.common_error_codes);
    let mut consts = Vec::new();
    let mut names = Vec::new();
    for action in &model.actions {
        let ident = format_ident!("{}", action.operation_id.to_uppercase());
        let name = &action.name;
        let operation_id = &action.operation_id;
        let rate = Literal::u32_unsuffixed(action.rate_limit);
        let errors = codes(&action.error_codes);
        let batch = match &action.batch {
            Some(b) => {
                let field = &b.field;
                let max = Literal::u64_unsuffixed(b.max_items);
                quote!(Some(BatchField { field: #field, max_items: #max }))
            }
            None => quote!(None),
        };
        let doc = format!("The `{name}` action.");
        consts.push(quote! {
            #[doc = #doc]
            pub const #ident: Action = Action {
                name: #name,
                operation_id: #operation_id,
                rate_limit_per_second: #rate,
                error_codes: &[#errors],
                batch: #batch,
            };
        });
        names.push(ident);
    }
    file.items.push(syn::parse_quote! {
        /// What the spec says about the API: service, version, endpoint and each action.
        pub mod api {
            /// The service name signed into every request's credential scope.
            pub const SERVICE: &str = #service;
            /// The API version sent as `X-TC-Version`.
            pub const VERSION: &str = #version;
            /// The default endpoint (the spec's first server).
            pub const DEFAULT_ENDPOINT: &str = #endpoint;
            /// Error codes every action may return: `(code, description)`.
            pub const COMMON_ERROR_CODES: &[(&str, &str)] = &[#common];

            /// One action of the API, as the spec describes it.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct Action {
                /// The name sent as `X-TC-Action`.
                pub name: &'static str,
                /// The spec's `operationId`: the client method's name.
                pub operation_id: &'static str,
                /// The most requests per second the service accepts for this action.
                pub rate_limit_per_second: u32,
                /// Error codes specific to this action: `(code, description)`.
                pub error_codes: &'static [(&'static str, &'static str)],
                /// The list field that may be split across requests, if any.
                pub batch: Option<BatchField>,
            }

            /// A request list field that may be split across several requests.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct BatchField {
                /// The field's name in the request body.
                pub field: &'static str,
                /// The most items one request may carry.
                pub max_items: usize,
            }

            #(#consts)*

            /// Every action of the API, in the spec's order.
            pub const ACTIONS: &[Action] = &[#(#names),*];

            /// The action whose client method is `operation_id`.
            pub fn action_by_operation_id(operation_id: &str) -> Option<&'static Action> {
                ACTIONS.iter().find(|a| a.operation_id == operation_id)
            }
        }
    });
    Ok(())
}

fn codes(codes: &[ErrorCode]) -> TokenStream {
    let pairs = codes.iter().map(|c| {
        let code = &c.code;
        let description = &c.description;
        quote!((#code, #description))
    });
    quote!(#(#pairs),*)
}
