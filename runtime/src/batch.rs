//! Sending any number of items of a batchable list field: checked for duplicates, split into
//! requests of at most the spec's `maxItems`, sent with bounded concurrency under the rate
//! limiter, and reported item by item: each requested item ends in exactly one of succeeded,
//! failed (its request did not take effect) or unknown (its request may have taken effect:
//! check before sending it again). Nothing is dropped silently, nothing is counted twice.
//!
//! How a successful answer's results are matched to the request's items (with a key, i.e. the
//! spec names the result field that echoes the item), in [`match_results`]:
//! 1. a result whose key is a requested item not matched yet belongs to that item;
//! 2. a result whose key is another item, or an item already matched, belongs to none (it is
//!    counted in [`BatchOutcome::unmatched_results`] and left out);
//! 3. a result with a blank or absent key (the service may not echo it: the field is nullable)
//!    belongs to the first requested item still without a result, in request order, since a
//!    successful answer means the request's items were taken; spare ones belong to none;
//! 4. a requested item left without any result is unknown ([`Error::IncompleteAnswer`]).
//!
//! Without a key, every item of a successful request succeeded and every result is kept.

use crate::error::Error;
use crate::reconcile::{ReadBack, ReadPage, ReadQuery, Reconciliation};
use crate::service::ServiceCode;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

/// How a batch is sent.
#[derive(Clone)]
pub struct BatchOptions {
    /// Requests in flight at once (at least 1). Default 8.
    pub concurrency: usize,
    /// Called after each request with its item count and whether it succeeded (requests
    /// sent again by reconciliation included).
    pub on_request_done: Option<Arc<dyn Fn(usize, bool) + Send + Sync>>,
    /// Whether items left unknown are read back and settled (see [`crate::reconcile`]), when
    /// the spec names a read-back action for the batch. Default on.
    pub reconcile: bool,
    /// The most reconciliation rounds (read back, send the absent again). Default
    /// [`DEFAULT_RECONCILE_ROUNDS`].
    pub reconcile_rounds: u32,
    /// How long reconciliation may read back, all rounds together; items it could not read
    /// by then stay unknown. Default [`DEFAULT_RECONCILE_TIMEOUT`].
    pub reconcile_timeout: std::time::Duration,
}

/// Reconciliation's time by default: a lying peer's endless pages cannot hold a batch longer.
pub const DEFAULT_RECONCILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Reconciliation rounds by default: a round that settles nothing costs one read-back, and
/// rounds stop as soon as nothing is unknown.
pub const DEFAULT_RECONCILE_ROUNDS: u32 = 10;

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            on_request_done: None,
            reconcile: true,
            reconcile_rounds: DEFAULT_RECONCILE_ROUNDS,
            reconcile_timeout: DEFAULT_RECONCILE_TIMEOUT,
        }
    }
}

impl BatchOptions {
    /// These options with `concurrency` requests in flight at once.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// These options with reconciliation on or off.
    pub fn reconcile(mut self, on: bool) -> Self {
        self.reconcile = on;
        self
    }
}

impl std::fmt::Debug for BatchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchOptions")
            .field("concurrency", &self.concurrency)
            .field("on_request_done", &self.on_request_done.is_some())
            .field("reconcile", &self.reconcile)
            .field("reconcile_rounds", &self.reconcile_rounds)
            .field("reconcile_timeout", &self.reconcile_timeout)
            .finish()
    }
}

impl From<usize> for BatchOptions {
    fn from(concurrency: usize) -> Self {
        Self {
            concurrency,
            ..Self::default()
        }
    }
}

/// The items of one failed request and why it failed.
#[derive(Debug)]
pub struct BatchFailure<I, C = String> {
    /// The items the request carried (none of them is known to have succeeded).
    pub items: Vec<I>,
    /// The request's error; [`Error::may_have_taken_effect`] tells whether the items may have
    /// been applied (unknown) or were not (failed).
    pub error: Error<C>,
}

/// What a batch achieved: every item exactly once in `succeeded` or in a failure.
#[derive(Debug)]
pub struct BatchOutcome<I, R, C = String> {
    /// Every item the service took, in the order the answers came.
    pub succeeded: Vec<I>,
    /// The results of the successful requests. With a result key, `results[i]` is the
    /// result for `succeeded[i]`; without one, every result of every successful answer.
    pub results: Vec<R>,
    /// Every failed request, with its items.
    pub failures: Vec<BatchFailure<I, C>>,
    /// Requests sent.
    pub requests: usize,
    /// Results of successful answers that belong to no requested item (an item not asked
    /// for, or a second result for the same item): left out of `results`.
    pub unmatched_results: usize,
    /// What reconciliation did (all zero when it did not run).
    pub reconciliation: Reconciliation,
}

impl<I, R, C: ServiceCode> BatchOutcome<I, R, C> {
    /// Whether every item succeeded.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }

    /// Items whose request failed without taking effect: safe to send again.
    pub fn failed_items(&self) -> impl Iterator<Item = &I> {
        self.failures
            .iter()
            .filter(|f| !f.error.may_have_taken_effect())
            .flat_map(|f| f.items.iter())
    }

    /// Items whose request may have taken effect though no success was seen: check the
    /// service's state before sending them again.
    pub fn unknown_items(&self) -> impl Iterator<Item = &I> {
        self.failures
            .iter()
            .filter(|f| f.error.may_have_taken_effect())
            .flat_map(|f| f.items.iter())
    }

    /// Every item not in `succeeded`: failed and unknown.
    pub fn not_succeeded_items(&self) -> impl Iterator<Item = &I> {
        self.failures.iter().flat_map(|f| f.items.iter())
    }
}

/// One successful answer's results matched to its request's items (see the module's rule).
#[derive(Debug, PartialEq)]
pub struct Matched<I, R> {
    /// The items that have a result, in request order.
    pub succeeded: Vec<I>,
    /// `results[i]` belongs to `succeeded[i]`.
    pub results: Vec<R>,
    /// The items without a result, in request order.
    pub missing: Vec<I>,
    /// Results that belong to no item.
    pub unmatched: usize,
}

/// Matches one successful answer's `results` to the request's distinct `items` by `key`.
pub fn match_results<I: Display, R>(
    items: Vec<I>,
    results: Vec<R>,
    key: fn(&R) -> Option<String>,
) -> Matched<I, R> {
    let position: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.to_string(), i))
        .collect();
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let mut keyless = Vec::new();
    let mut unmatched = 0;
    for result in results {
        match key(&result).filter(|k| !k.trim().is_empty()) {
            None => keyless.push(result),
            Some(k) => match position.get(&k) {
                Some(&i) if slots[i].is_none() => slots[i] = Some(result),
                _ => unmatched += 1,
            },
        }
    }
    let mut keyless = keyless.into_iter();
    for slot in slots.iter_mut().filter(|s| s.is_none()) {
        match keyless.next() {
            Some(result) => *slot = Some(result),
            None => break,
        }
    }
    unmatched += keyless.count();
    let mut matched = Matched {
        succeeded: Vec::new(),
        results: Vec::new(),
        missing: Vec::new(),
        unmatched,
    };
    for (item, slot) in items.into_iter().zip(slots) {
        match slot {
            Some(result) => {
                matched.succeeded.push(item);
                matched.results.push(result);
            }
            None => matched.missing.push(item),
        }
    }
    matched
}

/// Checks a batch's items before anything is sent: at least one, and no duplicates.
pub fn check_distinct_items<I: Eq + Hash + Display, C: ServiceCode>(
    field: &str,
    items: &[I],
) -> Result<(), Error<C>> {
    if items.is_empty() {
        return Err(Error::invalid_request(format!(
            "{field}: 0 items given, at least 1 required"
        )));
    }
    let mut first_seen: HashMap<&I, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = first_seen.insert(item, i) {
            return Err(Error::invalid_request(format!(
                "{field}: {item:?} is given twice (positions {first} and {i}); each item may appear once",
                item = item.to_string()
            )));
        }
    }
    Ok(())
}

/// Splits `items` into chunks of at most `max` (at least 1). Called by generated code.
#[doc(hidden)]
pub fn chunks<I: Clone>(items: &[I], max: usize) -> Vec<Vec<I>> {
    items.chunks(max.max(1)).map(<[I]>::to_vec).collect()
}

/// Sends every chunk with `send`, `options.concurrency` at a time, in order. Called by
/// generated code (`send_in_batches`). With `key`, a successful answer's results are matched
/// to its items by [`match_results`]; items left without one are reported unknown.
#[doc(hidden)]
pub async fn run<I, R, C, F, Fut>(
    chunks: Vec<Vec<I>>,
    options: &BatchOptions,
    send: F,
    key: Option<fn(&R) -> Option<String>>,
) -> BatchOutcome<I, R, C>
where
    I: Clone + Display,
    C: ServiceCode,
    F: Fn(Vec<I>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, Error<C>>>,
{
    send_chunks(chunks, options, &send, key).await
}

/// [`run`], then, when `options.reconcile` is on, every item left unknown settled by
/// reading it back with `read_back` (see [`crate::reconcile`]). Called by generated code
/// when the spec names a read-back action for the batch.
#[doc(hidden)]
pub async fn run_reconciled<I, R, C, F, Fut, G, GFut>(
    chunks: Vec<Vec<I>>,
    options: &BatchOptions,
    send: F,
    key: fn(&R) -> Option<String>,
    read_back: ReadBack<G>,
) -> BatchOutcome<I, R, C>
where
    I: Clone + Display,
    C: ServiceCode,
    F: Fn(Vec<I>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, Error<C>>>,
    G: Fn(ReadQuery<I>, Option<String>) -> GFut,
    GFut: Future<Output = Result<ReadPage<R>, Error<C>>>,
{
    let mut outcome = send_chunks(chunks, options, &send, Some(key)).await;
    if options.reconcile {
        crate::reconcile::reconcile(&mut outcome, options, &send, key, &read_back).await;
    }
    outcome
}

/// Sends every chunk (see [`run`]).
pub(crate) async fn send_chunks<I, R, C, F, Fut>(
    chunks: Vec<Vec<I>>,
    options: &BatchOptions,
    send: &F,
    key: Option<fn(&R) -> Option<String>>,
) -> BatchOutcome<I, R, C>
where
    I: Clone + Display,
    C: ServiceCode,
    F: Fn(Vec<I>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, Error<C>>>,
{
    let requests = chunks.len();
    let answers = futures_util::stream::iter(chunks.into_iter().map(|chunk| {
        let sent = send(chunk.clone());
        async move { (chunk, sent.await) }
    }))
    .buffered(options.concurrency.max(1));
    futures_util::pin_mut!(answers);
    let mut outcome = BatchOutcome {
        succeeded: Vec::new(),
        results: Vec::new(),
        failures: Vec::new(),
        requests,
        unmatched_results: 0,
        reconciliation: Reconciliation::default(),
    };
    while let Some((items, answer)) = answers.next().await {
        let ok = answer.is_ok();
        let count = items.len();
        match (answer, key) {
            (Ok(results), Some(key)) => {
                let matched = match_results(items, results, key);
                if matched.unmatched > 0 {
                    tracing::warn!(
                        results = matched.unmatched,
                        "a successful answer held results for items not in its request; left out"
                    );
                }
                outcome.unmatched_results += matched.unmatched;
                outcome.succeeded.extend(matched.succeeded);
                outcome.results.extend(matched.results);
                if !matched.missing.is_empty() {
                    let names = matched.missing.iter().map(ToString::to_string).collect();
                    outcome.failures.push(BatchFailure {
                        items: matched.missing,
                        error: Error::IncompleteAnswer { missing: names },
                    });
                }
            }
            (Ok(results), None) => {
                outcome.succeeded.extend(items);
                outcome.results.extend(results);
            }
            (Err(error), _) => outcome.failures.push(BatchFailure { items, error }),
        }
        if let Some(callback) = &options.on_request_done {
            callback(count, ok);
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_empty_batches_are_refused() {
        let e = check_distinct_items::<_, String>("Items", &["a", "b", "a"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("Items: \"a\" is given twice (positions 0 and 2)"),
            "{e}"
        );
        let none: [&str; 0] = [];
        assert!(check_distinct_items::<_, String>("Items", &none)
            .unwrap_err()
            .to_string()
            .contains("0 items"));
        assert!(check_distinct_items::<_, String>("Items", &["a", "b"]).is_ok());
    }

    fn key(r: &(Option<&'static str>, u32)) -> Option<String> {
        r.0.map(String::from)
    }

    #[test]
    fn results_are_matched_by_key_then_blank_ones_in_request_order() {
        let items = vec!["a", "b", "c", "d"];
        let results = vec![
            (Some("c"), 1),
            (Some("zz"), 2), // not asked for
            (Some("c"), 3),  // c again
            (None, 4),       // blank: the first item still without one (a)
            (Some(" "), 5),  // blank: b
        ];
        let matched = match_results(items, results, key);
        assert_eq!(matched.succeeded, ["a", "b", "c"]);
        assert_eq!(
            matched.results.iter().map(|r| r.1).collect::<Vec<_>>(),
            [4, 5, 1]
        );
        assert_eq!(matched.missing, ["d"]);
        assert_eq!(matched.unmatched, 2);
    }

    #[test]
    fn the_official_example_answer_with_a_blank_player_id_is_a_success() {
        let matched = match_results(vec!["xx"], vec![(Some(""), 7)], key);
        assert_eq!(matched.succeeded, ["xx"]);
        assert!(matched.missing.is_empty());
        assert_eq!(matched.unmatched, 0);
    }

    #[test]
    fn forty_thousand_results_for_one_item_count_once() {
        let results = (0..40_000).map(|i| (Some("p"), i)).collect();
        let matched = match_results(vec!["p"], results, key);
        assert_eq!(matched.succeeded, ["p"]);
        assert_eq!(matched.unmatched, 39_999);
    }

    #[test]
    fn chunks_respect_the_maximum() {
        let items: Vec<u32> = (0..60).collect();
        let sizes: Vec<usize> = chunks(&items, 25).iter().map(Vec::len).collect();
        assert_eq!(sizes, [25, 25, 10]);
    }
}
