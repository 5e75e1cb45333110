//! The entry points generated `send_in_batches` and `stream_in_batches` methods call: a batch
//! gathered into one [`BatchOutcome`], or streamed item by item ([`BatchStream`]), with or
//! without reading back ([`ReadBack`]). Generated code only: reached through
//! `tc3_runtime::__private`.

use super::control::BatchControl;
use super::matching::check_distinct_items;
use super::options::BatchOptions;
use super::outcome::BatchOutcome;
use super::pipeline::{progress_of, Pipeline, ReadBackStep, Settled, SharedProgress};
use super::reconcile::{reconcile, ReadBackPlan, Settling};
use super::request::{BatchRequest, ReadBack};
use super::stream::BatchStream;
use crate::error::Error;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

type Outcome<B> =
    BatchOutcome<<B as BatchRequest>::Item, <B as BatchRequest>::Result, <B as BatchRequest>::Code>;

type Stream_<'a, B> = BatchStream<
    'a,
    <B as BatchRequest>::Item,
    <B as BatchRequest>::Result,
    <B as BatchRequest>::Code,
>;

/// What a batch settles, request by request.
type SettledStream<'a, B> = BoxStream<
    'a,
    Settled<<B as BatchRequest>::Item, <B as BatchRequest>::Result, <B as BatchRequest>::Code>,
>;

/// Checks every request of `items` before any is sent: at least one item, none twice, and
/// each request within the spec's limits. `Err` means nothing may be sent.
fn check_requests<B: BatchRequest>(template: &B, items: &[B::Item]) -> Result<(), Error<B::Code>> {
    check_distinct_items::<_, B::Code>(B::FIELD, items)?;
    for chunk in items.chunks(B::MAX_ITEMS.max(1)) {
        template.with_items(chunk.to_vec())?;
    }
    Ok(())
}

/// The settling of a batch: its stream of settled requests, what stops it, its counters.
fn settle<'a, B>(
    template: B,
    items: BoxStream<'a, B::Item>,
    options: BatchOptions,
    read_back: Option<ReadBackStep<B>>,
) -> (SettledStream<'a, B>, BatchControl, SharedProgress)
where
    B: BatchRequest + 'a,
{
    let control = BatchControl::new();
    let progress = SharedProgress::default();
    let pipeline = Pipeline::new(
        template,
        items,
        options,
        read_back,
        control.clone(),
        progress.clone(),
    );
    (pipeline.into_stream(), control, progress)
}

/// Every settled request gathered into one outcome.
async fn gather<B: BatchRequest>(
    settled: SettledStream<'_, B>,
    progress: &SharedProgress,
) -> Outcome<B> {
    let mut outcome = Outcome::<B>::empty(0);
    let mut settled = settled;
    while let Some(one) = settled.next().await {
        match one {
            Settled::Succeeded { items, results, .. } => {
                outcome.succeeded.extend(items);
                outcome.results.extend(results);
            }
            Settled::Failed(failure) => outcome.failures.push(failure),
        }
    }
    let progress = progress_of(progress);
    outcome.requests = progress.requests;
    outcome.unmatched_results = progress.unmatched_results;
    outcome.reconciliation = progress.reconciliation.clone();
    outcome
}

/// Reads a batch's unknown items back through `B`'s [`ReadBack`] impl.
fn read_back_step<B: ReadBack>() -> ReadBackStep<B> {
    fn run<'s, B: ReadBack>(
        first: &'s B,
        template: &'s B,
        outcome: &'s mut Outcome<B>,
        options: &'s BatchOptions,
        settling: Settling<'s>,
    ) -> BoxFuture<'s, ()> {
        Box::pin(async move {
            let Some(key) = B::RESULT_KEY else { return };
            let send = |chunk: Vec<B::Item>| {
                let request = template.with_items(chunk);
                async move { request?.send_items().await }
            };
            let plan = ReadBackPlan {
                read: |query, token, size| first.read(query, token, size),
                page_size: std::sync::atomic::AtomicU64::new(B::PAGE_SIZE.unwrap_or(0)),
                scope_readable: first.scope_readable(),
                present_codes: B::PRESENT_CODES,
                max_items: B::MAX_ITEMS,
            };
            reconcile(outcome, options, &send, key, &plan, settling).await;
        })
    }
    ReadBackStep {
        reconcile: run::<B>,
        present_codes: B::PRESENT_CODES,
    }
}

/// Sends `items` in requests of at most [`BatchRequest::MAX_ITEMS`] built from `template`:
/// refuses an empty list or a duplicate and checks every request before sending any (`Err`:
/// nothing was sent), then sends them with `options.concurrency` in flight.
pub async fn send_in_batches<'a, B>(
    template: B,
    items: impl IntoIterator<Item = B::Item>,
    options: BatchOptions,
) -> Result<Outcome<B>, Error<B::Code>>
where
    B: BatchRequest + 'a,
{
    let items: Vec<B::Item> = items.into_iter().collect();
    check_requests(&template, &items)?;
    let (settled, _, progress) = settle(
        template,
        futures_util::stream::iter(items).boxed(),
        options,
        None,
    );
    Ok(gather::<B>(settled, &progress).await)
}

/// [`send_in_batches`], then, when `options` reconcile, every item left unknown settled by
/// reading it back (see [`crate::batch`]).
pub async fn send_reconciled<'a, B>(
    template: B,
    items: impl IntoIterator<Item = B::Item>,
    options: BatchOptions,
) -> Result<Outcome<B>, Error<B::Code>>
where
    B: ReadBack + 'a,
{
    let items: Vec<B::Item> = items.into_iter().collect();
    check_requests(&template, &items)?;
    let (settled, _, progress) = settle(
        template,
        futures_util::stream::iter(items).boxed(),
        options,
        Some(read_back_step()),
    );
    Ok(gather::<B>(settled, &progress).await)
}

/// Sends `items` as they come, in requests of at most [`BatchRequest::MAX_ITEMS`], with
/// `options.concurrency` in flight: each item's outcome as soon as it is known (see
/// [`BatchStream`]).
pub fn stream_in_batches<'a, B>(
    template: B,
    items: impl Stream<Item = B::Item> + Send + 'a,
    options: BatchOptions,
) -> Stream_<'a, B>
where
    B: BatchRequest + 'a,
{
    let keyed = B::RESULT_KEY.is_some();
    let (settled, control, progress) = settle(template, items.boxed(), options, None);
    BatchStream::new(settled, keyed, control, progress)
}

/// [`stream_in_batches`], with the items whose answer was lost read back (when `options`
/// reconcile) once the input ends or the batch is stopped (see [`crate::batch`]).
pub fn stream_reconciled<'a, B>(
    template: B,
    items: impl Stream<Item = B::Item> + Send + 'a,
    options: BatchOptions,
) -> Stream_<'a, B>
where
    B: ReadBack + 'a,
{
    let keyed = B::RESULT_KEY.is_some();
    let (settled, control, progress) =
        settle(template, items.boxed(), options, Some(read_back_step()));
    BatchStream::new(settled, keyed, control, progress)
}
