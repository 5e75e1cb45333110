//! What a generated request builder of a batchable action implements so that the runtime can
//! send any number of items with it ([`BatchRequest`]), and read them back when the spec names
//! a read-back action ([`ReadBack`]); and the two entry points generated `send_in_batches`
//! methods call. Generated code only: reached through `tc3_runtime::__private`.

use super::matching::check_distinct_items;
use super::options::BatchOptions;
use super::outcome::BatchOutcome;
use super::reading::{ReadPage, ReadQuery};
use super::reconcile::{reconcile, ReadBackPlan};
use super::send::{chunks, send_chunks, ResultKey};
use crate::error::Error;
use crate::service::ServiceCode;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;

/// A request of an action with a batch field, as a template: the runtime puts each chunk of
/// items into the field and sends it.
pub trait BatchRequest: Clone + Send + Sync {
    /// One item of the batch field.
    type Item: Clone + Display + Eq + Hash + Send + Sync;
    /// One result of a successful answer.
    type Result: Send;
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

    /// Whether the read action accepts this request's scope as a filter (a listing).
    fn scope_readable(&self) -> bool;

    /// One read-back request for `query`, after the page of `token`; `self` holds items, so
    /// its scope is known.
    fn read(
        &self,
        query: ReadQuery<Self::Item>,
        token: Option<String>,
    ) -> impl Future<Output = Result<ReadPage<Self::Result>, Error<Self::Code>>> + Send;
}

type Outcome<B> =
    BatchOutcome<<B as BatchRequest>::Item, <B as BatchRequest>::Result, <B as BatchRequest>::Code>;

/// A batch's items, request by request.
type Chunks<B> = Vec<Vec<<B as BatchRequest>::Item>>;

/// The requests for `items`, each checked before any is sent: `Err` means nothing was sent.
fn requests<B: BatchRequest>(
    template: &B,
    items: Vec<B::Item>,
) -> Result<(Chunks<B>, B), Error<B::Code>> {
    check_distinct_items::<_, B::Code>(B::FIELD, &items)?;
    let chunks = chunks(&items, B::MAX_ITEMS);
    let mut first = None;
    for chunk in &chunks {
        let request = template.with_items(chunk.clone())?;
        first.get_or_insert(request);
    }
    let first = first.ok_or_else(|| {
        Error::invalid_request(format!("{}: 0 items given, at least 1 required", B::FIELD))
    })?;
    Ok((chunks, first))
}

/// Sends `items` in requests of at most [`BatchRequest::MAX_ITEMS`] built from `template`:
/// refuses an empty list or a duplicate and checks every request before sending any (`Err`:
/// nothing was sent), then sends them with `options.concurrency` in flight.
pub async fn send_in_batches<B: BatchRequest>(
    template: B,
    items: impl IntoIterator<Item = B::Item>,
    options: BatchOptions,
) -> Result<Outcome<B>, Error<B::Code>> {
    let (chunks, _) = requests(&template, items.into_iter().collect())?;
    let send = |chunk: Vec<B::Item>| {
        let request = template.with_items(chunk);
        async move { request?.send_items().await }
    };
    Ok(send_chunks(chunks, &options, &send, B::RESULT_KEY).await)
}

/// [`send_in_batches`], then, when `options` reconcile, every item left unknown settled by
/// reading it back (see [`crate::batch`]).
pub async fn send_reconciled<B: ReadBack>(
    template: B,
    items: impl IntoIterator<Item = B::Item>,
    options: BatchOptions,
) -> Result<Outcome<B>, Error<B::Code>> {
    let (chunks, first) = requests(&template, items.into_iter().collect())?;
    let send = |chunk: Vec<B::Item>| {
        let request = template.with_items(chunk);
        async move { request?.send_items().await }
    };
    let mut outcome = send_chunks(chunks, &options, &send, B::RESULT_KEY).await;
    if let (true, Some(key)) = (options.reconcile, B::RESULT_KEY) {
        let plan = ReadBackPlan {
            read: |query, token| first.read(query, token),
            scope_readable: first.scope_readable(),
            present_codes: B::PRESENT_CODES,
            max_items: B::MAX_ITEMS,
        };
        reconcile(&mut outcome, &options, &send, key, &plan).await;
    }
    Ok(outcome)
}
