//! For a batch action whose spec names a read-back action (`x-tc-reconcile`), its builder's
//! `tc3_runtime::__private::ReadBack` impl: the batch's scope taken from the request, and one
//! read-back request through the read action's own builder (so its limits, signing and rate
//! apply), its results filtered to the scope and to the spec's present values.

use crate::error::{CodegenError, Result};
use crate::model::{Action, Reconcile};
use crate::passes::WireField;
use quote::{format_ident, quote};

const PASS: &str = "batch_methods";

/// What the batch method already knows.
pub(super) struct Parts<'a> {
    /// The batch action's request builder.
    pub builder: &'a syn::Ident,
    /// The batch request's fields.
    pub batch_fields: &'a [WireField],
    /// The batch item's type.
    pub item: &'a syn::Type,
    /// One result's type.
    pub result: &'a syn::Type,
}

/// The batch builder's `ReadBack` impl.
pub(super) fn read_back_impl(
    file: &mut syn::File,
    reconcile: &Reconcile,
    reader: &Action,
    parts: Parts<'_>,
) -> Result<syn::Item> {
    let (_, read_fields) = super::action_request(file, reader, PASS)?;
    let read_setter = |wire: &str| -> Result<syn::Ident> {
        read_fields
            .iter()
            .find(|f| f.wire == wire)
            .map(|f| f.ident.clone())
            .ok_or_else(|| {
                CodegenError::pass(
                    PASS,
                    format!("`{}` has no field `{wire}`", reader.request_schema),
                )
            })
    };
    let read_method = format_ident!("{}", crate::names::method_name(&reader.operation_id));
    let item_setter = read_setter(&reconcile.item_filter)?;
    let token_setter = read_setter(&reconcile.next_token)?;
    // The spec's page size, asked for at first; the runtime halves it after a page over the
    // answer cap.
    let (page, page_size, set_page_size) = match &reconcile.page {
        Some((field, size)) => {
            let setter = read_setter(field)?;
            let size = proc_macro2::Literal::u64_unsuffixed(*size);
            (
                quote!(.#setter(#size)),
                quote!(::std::option::Option::Some(#size)),
                quote! {
                    if let ::std::option::Option::Some(size) = page_size {
                        request = request.#setter(size);
                    }
                },
            )
        }
        None => (
            quote!(),
            quote!(::std::option::Option::None),
            quote!(let _ = page_size;),
        ),
    };

    let answer = super::send_calls::inner_response_type(file, &reader.operation_id)?;
    let answer_name = type_name(&answer)?;
    let answer_struct = super::types_struct(file, &answer_name)
        .ok_or_else(|| CodegenError::pass(PASS, format!("no type `{answer_name}`")))?;
    let answer_fields = super::wire_fields(answer_struct);
    let answer_field = |wire: &str| {
        answer_fields
            .iter()
            .find(|f| f.wire == wire)
            .ok_or_else(|| CodegenError::pass(PASS, format!("`{answer_name}` has no `{wire}`")))
    };
    let results = answer_field(&reconcile.results)?;
    let results_ident = &results.ident;
    let (to_results, element) = match super::unwrap_type(&results.ty, "Option") {
        Some(list) => (quote!(response.#results_ident.unwrap_or_default()), list),
        None => (quote!(response.#results_ident), &results.ty),
    };
    let element = super::unwrap_type(element, "Vec").ok_or_else(|| {
        CodegenError::pass(PASS, format!("`{}` is not a list", reconcile.results))
    })?;
    let element_name = type_name(element)?;
    let element_struct = super::types_struct(file, &element_name)
        .ok_or_else(|| CodegenError::pass(PASS, format!("no type `{element_name}`")))?;
    let element_fields = super::wire_fields(element_struct);
    let token = answer_field(&reconcile.next_token)?;
    let token_ident = &token.ident;
    let next_token = if super::unwrap_type(&token.ty, "Option").is_some() {
        quote!(response.#token_ident.map(|t| t.to_string()))
    } else {
        quote!(Some(response.#token_ident.to_string()))
    };

    let mut scope_values = Vec::new();
    let mut scope_setters = Vec::new();
    let mut scope_matches = Vec::new();
    // What in one result of the batch's own answer contradicts its request.
    let mut contradictions = Vec::new();
    for (i, wire) in reconcile.scope.iter().enumerate() {
        let var = format_ident!("scope_{i}");
        let batch_field = parts
            .batch_fields
            .iter()
            .find(|f| f.wire == *wire)
            .ok_or_else(|| {
                CodegenError::pass(PASS, format!("the batch request has no `{wire}`"))
            })?;
        let batch_ident = &batch_field.ident;
        scope_values.push(
            quote!(let #var: ::std::string::String = scope_request.#batch_ident.to_string();),
        );
        let setter = read_setter(wire)?;
        scope_setters.push(quote!(.#setter(#var.clone())));
        let result_field = element_fields
            .iter()
            .find(|f| f.wire == *wire)
            .ok_or_else(|| CodegenError::pass(PASS, format!("`{element_name}` has no `{wire}`")))?;
        let ident = &result_field.ident;
        // A result that leaves its scope field out passed the read's own scope filter, if the
        // read had one; without that filter it proves nothing.
        let optional = super::unwrap_type(&result_field.ty, "Option").is_some();
        scope_matches.push(if optional {
            quote!(result.#ident.as_ref().map_or(filtered, |v| v.to_string() == #var))
        } else {
            quote!(result.#ident.to_string() == #var)
        });
        // An answer that leaves the scope field out says nothing against its request.
        let value = if optional {
            quote!(result.#ident.as_ref().map(|v| v.to_string()))
        } else {
            quote!(::std::option::Option::Some(result.#ident.to_string()))
        };
        contradictions.push(quote! {
            if let ::std::option::Option::Some(value) = #value {
                if value != #var {
                    return ::std::option::Option::Some((
                        index,
                        format!("{} is {:?}, the request's is {:?}", #wire, value, #var),
                    ));
                }
            }
        });
    }

    for (wire, values) in &reconcile.present_when {
        let field = element_fields
            .iter()
            .find(|f| f.wire == *wire)
            .ok_or_else(|| CodegenError::pass(PASS, format!("`{element_name}` has no `{wire}`")))?;
        let ident = &field.ident;
        let optional = super::unwrap_type(&field.ty, "Option").is_some();
        scope_matches.push(if optional {
            quote!(result.#ident.as_ref().is_some_and(|v| [#(#values),*].contains(&v.to_string().as_str())))
        } else {
            quote!([#(#values),*].contains(&result.#ident.to_string().as_str()))
        });
        let value = if optional {
            quote!(result.#ident.as_ref().map(|v| v.to_string()))
        } else {
            quote!(::std::option::Option::Some(result.#ident.to_string()))
        };
        let shown = values.join(", ");
        contradictions.push(quote! {
            if let ::std::option::Option::Some(value) = #value {
                if ![#(#values),*].contains(&value.as_str()) {
                    return ::std::option::Option::Some((
                        index,
                        format!("{} is {:?}, not one of {}", #wire, value, #shown),
                    ));
                }
            }
        });
    }
    let Parts {
        builder,
        item,
        result,
        ..
    } = parts;
    // Without a scope a listing would read every item of the account: read one at a time.
    let scope_readable = if scope_setters.is_empty() {
        quote!(false)
    } else {
        quote!(client.#read_method() #(#scope_setters)* #page .validate().is_ok())
    };
    let in_scope = if scope_matches.is_empty() {
        quote!(true)
    } else {
        quote!(#(#scope_matches)&&*)
    };
    let codes = &reconcile.present_codes;
    let scope_of_self = if scope_values.is_empty() {
        quote!()
    } else {
        quote! {
            let scope_request = self.validate()?;
            #(#scope_values)*
        }
    };
    let contradiction_fn = if contradictions.is_empty() {
        quote!(let _ = results; ::std::option::Option::None)
    } else {
        // A request that does not validate was not sent: nothing to contradict.
        let scope_of_request = if scope_values.is_empty() {
            quote!()
        } else {
            quote! {
                let scope_request = self.validate().ok()?;
                #(#scope_values)*
            }
        };
        quote! {
            #scope_of_request
            for (index, result) in results.iter().enumerate() {
                #(#contradictions)*
            }
            ::std::option::Option::None
        }
    };
    let scope_readable_fn = if scope_setters.is_empty() {
        quote!(false)
    } else {
        quote! {
            let scope = || -> Result<bool, crate::Error> {
                #scope_of_self
                let client = self.client;
                Ok(#scope_readable)
            };
            scope().unwrap_or(false)
        }
    };
    Ok(syn::parse_quote! {
        impl<'a> ::tc3_runtime::__private::ReadBack for #builder<'a> {
            const PRESENT_CODES: &'static [&'static str] = &[#(#codes),*];
            const PAGE_SIZE: ::std::option::Option<u64> = #page_size;

            fn scope_readable(&self) -> bool {
                #scope_readable_fn
            }

            fn contradiction(
                &self,
                results: &[#result],
            ) -> ::std::option::Option<(usize, ::std::string::String)> {
                #contradiction_fn
            }

            async fn read(
                &self,
                query: ::tc3_runtime::__private::ReadQuery<#item>,
                token: ::std::option::Option<::std::string::String>,
                page_size: ::std::option::Option<u64>,
            ) -> Result<::tc3_runtime::__private::ReadPage<#result>, crate::Error> {
                let scope_readable = ::tc3_runtime::__private::ReadBack::scope_readable(self);
                #scope_of_self
                let client = self.client;
                let mut request = client.#read_method();
                #set_page_size
                let listing = matches!(query, ::tc3_runtime::__private::ReadQuery::Scope);
                if let ::tc3_runtime::__private::ReadQuery::Item(item) = query {
                    request = request.#item_setter(item);
                }
                let filtered = listing || scope_readable;
                if filtered {
                    request = request #(#scope_setters)*;
                }
                if let ::std::option::Option::Some(token) = token {
                    request = request.#token_setter(token);
                }
                let response = request.send().await?;
                let results = #to_results
                    .into_iter()
                    .filter(|result| #in_scope)
                    .collect();
                Ok(::tc3_runtime::__private::ReadPage { results, next_token: #next_token })
            }
        }
    })
}

/// The last segment of a named type.
fn type_name(ty: &syn::Type) -> Result<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
    .ok_or_else(|| CodegenError::pass(PASS, "a reconciliation type is not a named type"))
}
