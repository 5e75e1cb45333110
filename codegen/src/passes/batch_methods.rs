//! For each action whose spec marks a list field as batchable (`x-tc-batch`), a
//! `send_in_batches` method on its builder: any number of items, duplicates refused, split
//! into requests of at most the field's `maxItems`, sent with bounded concurrency under the
//! rate limiter, every result and every failed request (with its items) reported.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use quote::quote;

const PASS: &str = "batch_methods";

pub(super) fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    for action in &model.actions {
        let Some(batch) = &action.batch else { continue };
        let (builder_ident, fields_of_batch) = super::action_request(file, action, PASS)?;
        let field = fields_of_batch
            .iter()
            .find(|f| f.wire == batch.field)
            .cloned()
            .ok_or_else(|| CodegenError::pass(PASS, format!("no field `{}`", batch.field)))?;
        let list = super::unwrap_type(&field.ty, "Option").unwrap_or(&field.ty);
        let item = super::unwrap_type(list, "Vec")
            .ok_or_else(|| CodegenError::pass(PASS, format!("`{}` is not a Vec", batch.field)))?;
        let item = super::from_builder_module(item, file);
        let setter = &field.ident;
        let response = super::send_calls::inner_response_type(file, &action.operation_id)?;
        let (result_ty, to_results, key) = match &batch.results {
            None => (response.clone(), quote!(vec![response]), None),
            Some(results) => results_parts(file, &response, results, batch.result_key.as_deref())?,
        };
        let wire = &batch.field;
        let max = proc_macro2::Literal::u64_unsuffixed(batch.max_items);
        let key_const = key.as_ref().map_or(quote!(None), |k| quote!(Some(#k)));
        // With a read-back, an answer whose results contradict the request (another scope,
        // a finished state) is not taken as a success: its items are read back.
        let checked_send = if action.reconcile.is_some() && key.is_some() {
            quote! {
                let request = self.clone();
                let response = self.send().await?;
                let results = #to_results;
                ::tc3_runtime::__private::check_results(&request, &results)?;
                Ok(results)
            }
        } else {
            quote! {
                let response = self.send().await?;
                Ok(#to_results)
            }
        };
        let module = super::top_module(file, "builder")
            .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module"))?;
        module.push(syn::parse_quote! {
            impl<'a> ::tc3_runtime::__private::BatchRequest for #builder_ident<'a> {
                type Item = #item;
                type Result = #result_ty;
                type Code = crate::ErrorCode;
                const FIELD: &'static str = #wire;
                const MAX_ITEMS: usize = #max;
                const RESULT_KEY: ::std::option::Option<
                    fn(&#result_ty) -> ::std::option::Option<::std::string::String>,
                > = #key_const;

                fn with_items(&self, items: Vec<#item>) -> Result<Self, crate::Error> {
                    let request = self.clone().#setter(items);
                    request.validate()?;
                    Ok(request)
                }

                async fn send_items(self) -> Result<Vec<#result_ty>, crate::Error> {
                    #checked_send
                }
            }
        });
        let (entry, reconciled) = match (&action.reconcile, key) {
            (Some(reconcile), Some(_)) => {
                let reader = model
                    .actions
                    .iter()
                    .find(|a| a.name == reconcile.action)
                    .ok_or_else(|| {
                        CodegenError::pass(PASS, format!("no action `{}`", reconcile.action))
                    })?;
                let parts = super::reconcile_read::Parts {
                    builder: &builder_ident,
                    batch_fields: &fields_of_batch,
                    item: &item,
                    result: &result_ty,
                };
                let read_back =
                    super::reconcile_read::read_back_impl(file, reconcile, reader, parts)?;
                super::top_module(file, "builder")
                    .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module"))?
                    .push(read_back);
                (quote!(send_reconciled), true)
            }
            _ => (quote!(send_in_batches), false),
        };
        let stream_entry = if reconciled {
            quote!(stream_reconciled)
        } else {
            quote!(stream_in_batches)
        };
        let settle = if reconciled {
            format!(
                " Items whose answer was lost are read back through `{}` and only the absent ones are sent again (see [`tc3_runtime::batch`]).",
                action.reconcile.as_ref().map_or("", |r| r.action.as_str())
            )
        } else {
            String::new()
        };
        let doc = format!(
            "Sends any number of `{wire}`: refuses an empty list or a duplicate, checks every request's limits before sending any, splits the items into requests of at most {} (the spec's maxItems), and sends them with the options' concurrency in flight under the rate limiter.{settle} Every item ends succeeded, failed (safe to send again) or unknown in the outcome. `Err` means nothing was sent.",
            batch.max_items
        );
        let stream_doc = format!(
            "Sends `{wire}` as they come from `items` (e.g. `futures_util::stream::iter(players)`, or lines read from a file), in requests of at most {} (the spec's maxItems), with the options' concurrency in flight under the rate limiter: the next items are pulled only when a request can leave, so memory does not grow with the batch and the first request leaves at once. The stream yields each item's outcome as soon as it is known: succeeded, failed (safe to send again) or unknown.{settle} An item that breaks a limit, or repeats one of its request, is not sent and ends failed; the rest of its request is sent. Stop it with [`crate::BatchControl`] from [`crate::BatchStream::control`].",
            batch.max_items
        );
        let method: syn::Item = syn::parse_quote! {
            impl<'a> #builder_ident<'a> {
                #[doc = #doc]
                pub async fn send_in_batches<V>(
                    self,
                    items: impl IntoIterator<Item = V>,
                    options: impl Into<crate::BatchOptions>,
                ) -> Result<crate::BatchOutcome<#item, #result_ty>, crate::Error>
                where
                    V: Into<#item>,
                {
                    let items: Vec<#item> = items.into_iter().map(Into::into).collect();
                    self.send_in_batches_compiled_here(items, options.into()).await
                }

                #[inline(never)]
                fn send_in_batches_compiled_here(
                    self,
                    items: Vec<#item>,
                    options: crate::BatchOptions,
                ) -> ::tc3_runtime::__private::CompiledHere<
                    'a,
                    Result<crate::BatchOutcome<#item, #result_ty>, crate::Error>,
                > {
                    Box::pin(::tc3_runtime::__private::#entry(self, items, options))
                }

                #[doc = #stream_doc]
                pub fn stream_in_batches<V>(
                    self,
                    items: impl ::tc3_runtime::__private::Stream<Item = V> + Send + 'a,
                    options: impl Into<crate::BatchOptions>,
                ) -> crate::BatchStream<'a, #item, #result_ty>
                where
                    V: Into<#item> + 'a,
                {
                    self.stream_in_batches_compiled_here(
                        ::tc3_runtime::__private::boxed_items(items),
                        options.into(),
                    )
                }

                #[inline(never)]
                fn stream_in_batches_compiled_here(
                    self,
                    items: ::tc3_runtime::__private::BoxStream<'a, #item>,
                    options: crate::BatchOptions,
                ) -> crate::BatchStream<'a, #item, #result_ty> {
                    ::tc3_runtime::__private::#stream_entry(self, items, options)
                }
            }
        };
        super::top_module(file, "builder")
            .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module"))?
            .push(method);
    }
    Ok(())
}

/// The result type, the expression turning `response` into its results, and the key function
/// (a closure from a result to its key), when the spec names a result key.
fn results_parts(
    file: &syn::File,
    response: &syn::Type,
    results: &str,
    result_key: Option<&str>,
) -> Result<(
    syn::Type,
    proc_macro2::TokenStream,
    Option<proc_macro2::TokenStream>,
)> {
    let response_name = match response {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
    .ok_or_else(|| CodegenError::pass(PASS, "the response type is not a named type"))?;
    let response_struct = super::types_struct(file, &response_name)
        .ok_or_else(|| CodegenError::pass(PASS, format!("no type `{response_name}`")))?;
    let list_field = super::wire_fields(response_struct)
        .into_iter()
        .find(|f| f.wire == results)
        .ok_or_else(|| CodegenError::pass(PASS, format!("`{response_name}` has no `{results}`")))?;
    let list_ident = &list_field.ident;
    let optional = super::unwrap_type(&list_field.ty, "Option");
    let list = optional.unwrap_or(&list_field.ty);
    let element = super::unwrap_type(list, "Vec")
        .ok_or_else(|| CodegenError::pass(PASS, format!("`{results}` is not a list")))?;
    let to_results = if optional.is_some() {
        quote!(response.#list_ident.unwrap_or_default())
    } else {
        quote!(response.#list_ident)
    };
    let element_name = match element {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let result_ty = super::from_builder_module(element, file);
    let key = match result_key {
        None => None,
        Some(key) => {
            let element_struct = element_name
                .as_deref()
                .and_then(|n| super::types_struct(file, n))
                .ok_or_else(|| {
                    CodegenError::pass(
                        PASS,
                        format!("the items of `{results}` are not a generated type"),
                    )
                })?;
            let key_field = super::wire_fields(element_struct)
                .into_iter()
                .find(|f| f.wire == key)
                .ok_or_else(|| {
                    CodegenError::pass(PASS, format!("the items of `{results}` have no `{key}`"))
                })?;
            let ident = &key_field.ident;
            let read = if super::unwrap_type(&key_field.ty, "Option").is_some() {
                quote!(result.#ident.as_ref().map(|v| v.to_string()))
            } else {
                quote!(Some(result.#ident.to_string()))
            };
            Some(quote!(|result: &#result_ty| #read))
        }
    };
    Ok((result_ty, to_results, key))
}
