//! Gives each operation builder `validate()` and a `send()` that goes through the runtime:
//! the spec's limits checked before any I/O (item counts included, which typify leaves out),
//! then the rate limiter, signing, retries and the envelope, returning the answer inside the envelope
//! or a typed error. progenitor's own `send` (unsigned, unlimited, routed to the spec's label
//! path) is removed: every request goes through the runtime.

use crate::error::{CodegenError, Result};
use crate::model::{ApiModel, ItemLimits};
use quote::format_ident;

const PASS: &str = "send_calls";

pub(super) fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let ops: Vec<String> = super::operation_send_fns(file)
        .into_iter()
        .map(|(operation_id, _)| operation_id)
        .collect();
    if ops.len() != model.actions.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "expected progenitor's `send` (with `OperationInfo {{ operation_id }}`) on one builder per action ({}); found {}",
                model.actions.len(),
                ops.len()
            ),
        ));
    }
    for operation_id in &ops {
        let action = model.action_by_operation_id(operation_id).ok_or_else(|| {
            CodegenError::pass(PASS, format!("`{operation_id}` is not in the model"))
        })?;
        let (builder_ident, fields) = super::action_request(file, action, PASS)?;
        let mut checks = Vec::new();
        for limit in &action.list_limits {
            let field = fields
                .iter()
                .find(|f| f.wire == limit.field)
                .ok_or_else(|| {
                    CodegenError::pass(
                        PASS,
                        format!("`{}` has no field `{}`", action.request_schema, limit.field),
                    )
                })?;
            let ident = &field.ident;
            let wire = &limit.field;
            let min = option_usize(limit.min_items);
            let max = option_usize(limit.max_items);
            let items_check = item_checks(wire, &limit.items)?;
            let check = quote::quote! {
                ::tc3_runtime::__private::check_list_length(#wire, list.len(), #min, #max)
                    .map_err(::tc3_runtime::__private::invalid_request)?;
                #items_check
            };
            checks.push(if super::unwrap_type(&field.ty, "Option").is_some() {
                quote::quote!(if let Some(list) = &body.#ident { #check })
            } else {
                quote::quote!({ let list = &body.#ident; #check })
            });
        }
        let response = inner_response_type(file, operation_id)?;
        let request_ty = format_ident!("{}", crate::names::type_name(&action.request_schema));
        let const_ident = format_ident!("{}", operation_id.to_uppercase());
        let name = &action.name;
        let send_doc = format!(
            "Sends `{name}`: checks the spec's limits (nothing is sent when one is broken), waits for the rate limiter, signs, retries where nothing can have happened twice, and returns the answer inside the envelope or a typed [`crate::Error`]."
        );
        let items: syn::Item = syn::parse_quote! {
            impl<'a> #builder_ident<'a> {
                /// Checks the request against every limit of the spec without sending it, and
                /// returns the body as it would be sent.
                pub fn validate(&self) -> Result<types::#request_ty, crate::Error> {
                    let body = self
                        .body
                        .clone()
                        .and_then(|v| types::#request_ty::try_from(v).map_err(|e| e.to_string()))
                        .map_err(::tc3_runtime::__private::invalid_request)?;
                    #(#checks)*
                    Ok(body)
                }

                #[doc = #send_doc]
                pub async fn send(self) -> Result<#response, crate::Error> {
                    self.send_compiled_here().await
                }

                #[inline(never)]
                fn send_compiled_here(
                    self,
                ) -> ::tc3_runtime::__private::CompiledHere<'a, Result<#response, crate::Error>> {
                    Box::pin(async move {
                        let body = self.validate()?;
                        ::tc3_runtime::__private::call_with::<_, crate::ErrorCode>(
                            &self.client.inner,
                            &crate::api::#const_ident,
                            &body,
                            &self.call_options,
                        )
                        .await
                    })
                }
            }
        };
        super::top_module(file, "builder")
            .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module"))?
            .push(items);
    }
    let removed = super::remove_operation_send_fns(file);
    if removed != ops.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "removed {removed} of progenitor's {} `send` methods: its output changed",
                ops.len()
            ),
        ));
    }
    Ok(())
}

/// The check of a list's string items against their limits, when they have any. A pattern
/// must be one character class over the whole value (as Tencent's are): the items stay
/// `String`, so no regex engine checks them.
fn item_checks(wire: &str, items: &ItemLimits) -> Result<proc_macro2::TokenStream> {
    if !items.any() {
        return Ok(quote::quote!());
    }
    let mut min = items.min_length;
    let pattern = match &items.pattern {
        None => quote::quote!(None),
        Some(pattern) => {
            let class = super::pattern_checks::char_class(pattern).ok_or_else(|| {
                CodegenError::pass(
                    PASS,
                    format!(
                        "the items of `{wire}` have the pattern {pattern:?}, which is not one character class over the whole value (such as ^[\\x00-\\x7F]*$); the generator checks only those on list items"
                    ),
                )
            })?;
            if class.non_empty {
                min = Some(min.unwrap_or(0).max(1));
            }
            let ranges = class
                .ranges
                .iter()
                .map(|(lo, hi)| quote::quote!((#lo, #hi)));
            quote::quote!(Some((&[#(#ranges),*], #pattern)))
        }
    };
    let min = option_usize(min);
    let max = option_usize(items.max_length);
    Ok(quote::quote! {
        ::tc3_runtime::__private::check_items(
            #wire,
            list,
            ::tc3_runtime::__private::ItemLimits { min: #min, max: #max, pattern: #pattern },
        )
        .map_err(::tc3_runtime::__private::invalid_request)?;
    })
}

fn option_usize(n: Option<u64>) -> proc_macro2::TokenStream {
    match n {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote::quote!(Some(#n))
        }
        None => quote::quote!(None),
    }
}

/// The type inside the envelope progenitor's `send` returns (`ResponseValue<types::Envelope>`): the
/// envelope's only field's type, as seen from the `builder` module.
pub(super) fn inner_response_type(file: &mut syn::File, operation_id: &str) -> Result<syn::Type> {
    let envelope = super::operation_send_fns(file)
        .into_iter()
        .find(|(id, _)| id == operation_id)
        .and_then(|(_, f)| envelope_ident(&f.sig.output))
        .ok_or_else(|| {
            CodegenError::pass(
                PASS,
                format!("`{operation_id}`: no envelope type in progenitor's `send`"),
            )
        })?;
    let envelope_struct = super::types_struct(file, &envelope.to_string())
        .ok_or_else(|| CodegenError::pass(PASS, format!("no type `{envelope}`")))?;
    let fields = super::wire_fields(envelope_struct);
    match fields.as_slice() {
        [only] => Ok(super::from_builder_module(&only.ty, file)),
        _ => Err(CodegenError::pass(
            PASS,
            format!("`{envelope}` must have exactly one field (the object inside the envelope)"),
        )),
    }
}

/// `X` of `-> Result<ResponseValue<types::X>, Error<()>>`.
fn envelope_ident(output: &syn::ReturnType) -> Option<syn::Ident> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let ok = super::unwrap_type(ty, "Result")?;
    let value = super::unwrap_type(ok, "ResponseValue")?;
    let syn::Type::Path(p) = value else {
        return None;
    };
    p.path.segments.last().map(|s| s.ident.clone())
}
