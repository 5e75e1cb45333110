//! Settling a batch's unknown items by reading them back, so that every item ends joined or
//! failed, never "maybe" (the rules are in [`crate::batch`]).

use super::options::BatchOptions;
use super::outcome::{BatchError, BatchFailure, BatchOutcome, Reconciliation};
use super::reading::{ReadPage, ReadQuery};
use super::send::{chunks, send_chunks};
use crate::defaults::{MAX_READ_PAGES, READ_ATTEMPTS};
use crate::error::{Error, TimeoutScope};
use crate::service::ServiceCode;
use crate::text::{shown, MAX_SHOWN_CHARS};
use crate::transport::TransportError;
use futures_util::StreamExt;
use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How a batch's items are read back: written from the spec's `x-tc-reconcile` by way of
/// the generated [`super::ReadBack`] impl.
pub(crate) struct ReadBackPlan<G> {
    /// Sends one read-back request: the query, the previous page's token and the page size
    /// to ask for.
    pub(crate) read: G,
    /// The page size asked for (0: the read action has none): the spec's, halved for the
    /// rest of the batch each time a page is larger than the client's answer cap.
    pub(crate) page_size: AtomicU64,
    /// Whether the read action accepts the batch request's scope as a filter (a listing).
    pub(crate) scope_readable: bool,
    /// Error codes of the batch action that may mean "an item is already there".
    pub(crate) present_codes: &'static [&'static str],
    /// The most items one batch request may carry.
    pub(crate) max_items: usize,
}

/// When reconciliation stops reading.
#[derive(Clone, Copy)]
struct Deadline {
    at: Instant,
    length: Duration,
}

impl Deadline {
    fn passed(&self) -> bool {
        Instant::now() >= self.at
    }
}

/// What one round's reads found: results by item, and the items no read could settle.
struct ReadResult<R> {
    found: HashMap<String, R>,
    unread: HashSet<String>,
}

/// What reconciliation tells its caller beyond the outcome, and asks it.
pub(crate) struct Settling<'s> {
    /// The items found already there by a read (not joined by a request of this batch).
    pub(crate) found: &'s mut HashSet<String>,
    /// Whether the batch was stopped: absent items are then not sent again
    /// ([`BatchError::NotResent`]).
    pub(crate) stopped: &'s (dyn Fn() -> bool + Sync),
}

/// Settles the unknown items of `outcome` (see the module's rules).
pub(crate) async fn reconcile<I, R, C, F, Fut, G, GFut>(
    outcome: &mut BatchOutcome<I, R, C>,
    options: &BatchOptions,
    send: &F,
    key: fn(&R) -> Option<String>,
    read_back: &ReadBackPlan<G>,
    settling: Settling<'_>,
) where
    I: Clone + Display,
    C: ServiceCode,
    F: Fn(Vec<I>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, Error<C>>>,
    G: Fn(ReadQuery<I>, Option<String>, Option<u64>) -> GFut,
    GFut: Future<Output = Result<ReadPage<R>, Error<C>>>,
{
    let settles = |e: &BatchError<C>| {
        e.may_have_taken_effect() || is_present_code(e, read_back.present_codes)
    };
    let (mut pending, settled): (Vec<_>, Vec<_>) = std::mem::take(&mut outcome.failures)
        .into_iter()
        .partition(|f| settles(&f.error));
    outcome.failures = settled;
    // Items whose request (the first, or one sent again) may have taken effect: from now on
    // they can end joined or unknown, never failed, whatever a later request of theirs meets.
    let mut maybe_applied: HashSet<String> = pending
        .iter()
        .filter(|f| f.error.may_have_taken_effect())
        .flat_map(|f| f.items.iter().map(ToString::to_string))
        .collect();
    let deadline = Deadline {
        at: Instant::now() + options.reconcile_timeout,
        length: options.reconcile_timeout,
    };
    let mut round = 0;
    while !pending.is_empty() && round < options.reconcile_rounds && !deadline.passed() {
        if round > 0 {
            // Let what failed last round (a read, a connection) recover before reading again.
            tokio::time::sleep(read_backoff(round)).await;
        }
        round += 1;
        outcome.reconciliation.rounds = round;
        let items: Vec<I> = pending
            .iter()
            .flat_map(|f| f.items.iter().cloned())
            .collect();
        outcome.reconciliation.looked_up += items.len();
        let mut read = read_items(
            &items,
            options,
            key,
            read_back,
            deadline,
            &mut outcome.reconciliation,
        )
        .await;
        let mut to_send = Vec::new();
        let mut unknown = Vec::new();
        for failure in std::mem::take(&mut pending) {
            let refused = !failure.error.may_have_taken_effect();
            let mut present = 0;
            let mut absent = Vec::new();
            let mut unread = Vec::new();
            for item in failure.items {
                let name = item.to_string();
                if let Some(result) = read.found.remove(&name) {
                    present += 1;
                    settling.found.insert(name);
                    outcome.succeeded.push(item);
                    outcome.results.push(result);
                } else if read.unread.contains(&name) {
                    unread.push(item);
                } else {
                    absent.push(item);
                }
            }
            outcome.reconciliation.found_present += present;
            if !unread.is_empty() {
                // Absent items are safe to send again whatever the unread ones turn out to be.
                to_send.extend(absent);
                unknown.push(BatchFailure::new(unread, failure.error));
            } else if refused && present == 0 {
                // None of the refused request's items is there: the refusal stands.
                if !absent.is_empty() {
                    outcome
                        .failures
                        .push(BatchFailure::new(absent, failure.error));
                }
            } else {
                to_send.extend(absent);
            }
        }
        if !to_send.is_empty() && (settling.stopped)() {
            outcome.failures.push(BatchFailure::new(
                std::mem::take(&mut to_send),
                BatchError::NotResent,
            ));
        }
        if !to_send.is_empty() {
            outcome.reconciliation.resent += to_send.len();
            let chunks = chunks(&to_send, read_back.max_items);
            outcome.requests += chunks.len();
            let again = send_chunks(chunks, options, send, Some(key)).await;
            outcome.unmatched_results += again.unmatched_results;
            outcome.succeeded.extend(again.succeeded);
            outcome.results.extend(again.results);
            for failure in again.failures {
                if failure.error.may_have_taken_effect() {
                    maybe_applied.extend(failure.items.iter().map(ToString::to_string));
                    unknown.push(failure);
                    continue;
                }
                // This request did not take effect, but an earlier one of an item may have
                // (it may even land later): such items stay unknown and are read again.
                let (earlier, never): (Vec<I>, Vec<I>) = failure
                    .items
                    .into_iter()
                    .partition(|i| maybe_applied.contains(&i.to_string()));
                if !earlier.is_empty() {
                    unknown.push(BatchFailure::new(
                        earlier,
                        BatchError::Unsettled {
                            refusal: failure.error.to_string(),
                        },
                    ));
                }
                if never.is_empty() {
                    continue;
                }
                let failure = BatchFailure::new(never, failure.error);
                if settles(&failure.error) {
                    unknown.push(failure);
                } else {
                    outcome.failures.push(failure);
                }
            }
        }
        pending = unknown;
    }
    if !pending.is_empty() {
        tracing::warn!(
            items = pending.iter().map(|f| f.items.len()).sum::<usize>(),
            rounds = round,
            "items remain unsettled after reconciliation (unknown, or failed where no request of theirs took effect); check the service before sending them again"
        );
    }
    outcome.failures.extend(pending);
}

fn is_present_code<C: ServiceCode>(error: &BatchError<C>, codes: &[&str]) -> bool {
    error.code().is_some_and(|c| codes.contains(&c.as_str()))
}

/// Reads `items` back: a listing of the scope, or one read per item.
async fn read_items<I, R, C, G, GFut>(
    items: &[I],
    options: &BatchOptions,
    key: fn(&R) -> Option<String>,
    read_back: &ReadBackPlan<G>,
    deadline: Deadline,
    report: &mut Reconciliation,
) -> ReadResult<R>
where
    I: Clone + Display,
    C: ServiceCode,
    G: Fn(ReadQuery<I>, Option<String>, Option<u64>) -> GFut,
    GFut: Future<Output = Result<ReadPage<R>, Error<C>>>,
{
    let wanted: HashSet<String> = items.iter().map(ToString::to_string).collect();
    let mut result = ReadResult {
        found: HashMap::new(),
        unread: HashSet::new(),
    };
    if read_back.scope_readable && items.len() > 1 {
        let (found, complete) = read_all_pages(
            &read_back.read,
            &read_back.page_size,
            ReadQuery::Scope,
            &wanted,
            key,
            deadline,
            report,
        )
        .await;
        // Items on the pages read are there even when a later page failed.
        result.found = found;
        if let Err(error) = complete {
            tracing::debug!(%error, "reading the batch scope back failed; the items not found yet stay unknown this round");
            result.unread = wanted
                .into_iter()
                .filter(|w| !result.found.contains_key(w))
                .collect();
        }
        return result;
    }
    let reads = futures_util::stream::iter(items.iter().cloned().map(|item| {
        let mut local = Reconciliation::default();
        let read = &read_back.read;
        let page_size = &read_back.page_size;
        async move {
            let name = item.to_string();
            let one = HashSet::from([name.clone()]);
            let query = ReadQuery::Item(item);
            let pages =
                read_all_pages(read, page_size, query, &one, key, deadline, &mut local).await;
            (name, pages, local)
        }
    }))
    .buffer_unordered(options.concurrency.max(1));
    futures_util::pin_mut!(reads);
    while let Some((name, (found, complete), local)) = reads.next().await {
        report.read_requests += local.read_requests;
        report.read_failures += local.read_failures;
        result.found.extend(found);
        if let Err(error) = complete {
            if !result.found.contains_key(&name) {
                tracing::debug!(%error, item = %shown(&name, MAX_SHOWN_CHARS), "reading an item back failed; it stays unknown this round");
                result.unread.insert(name);
            }
        }
    }
    result
}

/// Keeps the first result for each wanted item.
fn keep_wanted<R>(
    found: &mut HashMap<String, R>,
    results: Vec<R>,
    wanted: &HashSet<String>,
    key: fn(&R) -> Option<String>,
) {
    for result in results {
        if let Some(k) = key(&result).filter(|k| wanted.contains(k)) {
            found.entry(k).or_insert(result);
        }
    }
}

/// Follows every page of one read-back, each page attempted up to [`READ_ATTEMPTS`] times
/// (a page larger than the answer cap is asked again at half the size, which is no attempt):
/// the results for `wanted` items on the pages read (kept page by page, so a peer's endless
/// pages cost no memory), and whether the read got to its last page.
async fn read_all_pages<I, R, C, G, GFut>(
    read: &G,
    page_size: &AtomicU64,
    query: ReadQuery<I>,
    wanted: &HashSet<String>,
    key: fn(&R) -> Option<String>,
    deadline: Deadline,
    report: &mut Reconciliation,
) -> (HashMap<String, R>, Result<(), Error<C>>)
where
    I: Clone,
    C: ServiceCode,
    G: Fn(ReadQuery<I>, Option<String>, Option<u64>) -> GFut,
    GFut: Future<Output = Result<ReadPage<R>, Error<C>>>,
{
    let mut results = HashMap::new();
    let mut token: Option<String> = None;
    let mut seen_tokens = HashSet::new();
    for _ in 0..MAX_READ_PAGES {
        let mut attempt = 0;
        let page = loop {
            if deadline.passed() {
                let error = Error::Timeout {
                    scope: TimeoutScope::Overall,
                    after: deadline.length,
                    source: None,
                };
                return (results, Err(error));
            }
            attempt += 1;
            report.read_requests += 1;
            crate::telemetry::reconcile_read();
            let size = page_size.load(Ordering::Relaxed);
            match read(query.clone(), token.clone(), (size > 0).then_some(size)).await {
                Ok(page) => break page,
                Err(error) if size > 1 && answer_too_large(&error) => {
                    report.read_failures += 1;
                    // Pages asked for concurrently may have halved it already.
                    let smaller = page_size
                        .fetch_min(size / 2, Ordering::Relaxed)
                        .min(size / 2);
                    tracing::debug!(
                        from = size,
                        to = smaller,
                        "a read-back page was larger than the answer cap; asking for smaller pages"
                    );
                    attempt -= 1;
                }
                Err(error) if attempt < READ_ATTEMPTS && !error.is_client_error() => {
                    report.read_failures += 1;
                    tokio::time::sleep(read_backoff(attempt)).await;
                }
                Err(error) => {
                    report.read_failures += 1;
                    return (results, Err(error));
                }
            }
        };
        keep_wanted(&mut results, page.results, wanted, key);
        match page.next_token.filter(|t| !t.trim().is_empty()) {
            None => return (results, Ok(())),
            Some(next) => {
                if !seen_tokens.insert(next.clone()) {
                    let error = Error::MalformedResponse {
                        request_id: None,
                        detail: format!(
                            "the read-back's next-page token {} came twice; its pages would never end",
                            shown(&next, MAX_SHOWN_CHARS)
                        ),
                        source: None,
                    };
                    return (results, Err(error));
                }
                token = Some(next);
            }
        }
    }
    let error = Error::MalformedResponse {
        request_id: None,
        detail: format!(
            "the read-back had more than {MAX_READ_PAGES} pages; stopped following them"
        ),
        source: None,
    };
    (results, Err(error))
}

/// Whether `error` is an answer larger than the client's cap, not read further.
fn answer_too_large<C>(error: &Error<C>) -> bool {
    matches!(
        error,
        Error::MalformedResponse { source: Some(source), .. }
            if matches!(
                source.downcast_ref::<TransportError>(),
                Some(TransportError::TooLarge { .. })
            )
    )
}

/// The pause before a read's next attempt: 5 ms, then 10 ms, 20 ms, ... at most 1 s. Short:
/// reading again changes nothing, and the read action's rate limiter paces it anyway.
fn read_backoff(attempt: u32) -> Duration {
    Duration::from_millis(5u64 << attempt.saturating_sub(1).min(8)).min(Duration::from_secs(1))
}
