//! What a generated request builder of a batchable action implements so that the runtime can
//! send any number of items with it ([`BatchRequest`]), and read them back when the spec names
//! a read-back action ([`ReadBack`]). Generated code only: reached through
//! `tc3_runtime::__private`.

use super::reading::{ReadPage, ReadQuery};
use super::send::ResultKey;
use crate::error::Error;
use crate::service::ServiceCode;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;

/// A request of an action with a batch field, as a template: the runtime puts each chunk of
/// items into the field and sends it.
pub trait BatchRequest: Clone + Send + Sync {
    /// One item of the batch field.
    type Item: Clone + Display + Eq + Hash + Send + Sync + 'static;
    /// One result of a successful answer.
    type Result: Send + 'static;
    /// The service's error codes.
    type Code: ServiceCode;
    /// The batch field, as the service spells it (for messages).
    const FIELD: &'static str;
    /// The most items one request may carry (the spec's `maxItems`).
    const MAX_ITEMS: usize;
    /// The item a result is for, when the spec names the result field that echoes it.
    const RESULT_KEY: ResultKey<Self::Result>;

    /// This request with `items` in the batch field, checked against every limit of the spec.
    fn with_items(&self, items: Vec<Self::Item>) -> Result<Self, Error<Self::Code>>;

    /// Sends this request: the answer's results.
    fn send_items(
        self,
    ) -> impl Future<Output = Result<Vec<Self::Result>, Error<Self::Code>>> + Send;
}

/// A batch request whose items can be read back through another action (the spec's
/// `x-tc-reconcile`), so that items whose answer was lost are settled.
pub trait ReadBack: BatchRequest {
    /// Error codes of the batch action that may mean "an item is already there".
    const PRESENT_CODES: &'static [&'static str];

    /// The page size a read asks for at first (`None`: the read action has no page size).
    const PAGE_SIZE: Option<u64>;

    /// Whether the read action accepts this request's scope as a filter (a listing).
    fn scope_readable(&self) -> bool;

    /// The first of `results`, this request's own answer, that contradicts the request, and
    /// what does: a scope field naming another scope, or a state field outside the spec's
    /// present values (what a read-back would not take as evidence either). `None` when none
    /// does.
    fn contradiction(&self, results: &[Self::Result]) -> Option<(usize, String)>;

    /// One read-back request for `query`, after the page of `token`, asking for pages of
    /// `page_size` (smaller than [`ReadBack::PAGE_SIZE`] after a page over the answer cap);
    /// `self` holds items, so its scope is known.
    fn read(
        &self,
        query: ReadQuery<Self::Item>,
        token: Option<String>,
        page_size: Option<u64>,
    ) -> impl Future<Output = Result<ReadPage<Self::Result>, Error<Self::Code>>> + Send;
}

/// Checks a successful answer's `results` against `request`: a result that contradicts it
/// (see [`ReadBack::contradiction`]) makes the whole answer untrustworthy, so the request is
/// reported as one that may have taken effect and its items are read back.
pub fn check_results<B: ReadBack>(
    request: &B,
    results: &[B::Result],
) -> Result<(), Error<B::Code>> {
    let Some((index, why)) = request.contradiction(results) else {
        return Ok(());
    };
    let item = B::RESULT_KEY
        .zip(results.get(index))
        .and_then(|(key, result)| key(result))
        .map_or_else(String::new, |item| format!(" for {item:?}"));
    Err(Error::MalformedResponse {
        request_id: None,
        detail: format!(
            "the answer's result{item} contradicts the request: {why}; it may have taken effect"
        ),
        source: None,
    })
}
