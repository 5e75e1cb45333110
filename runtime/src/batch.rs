//! Sending any number of items of a batchable list field: checked for duplicates, split into
//! requests of at most the spec's `maxItems`, sent with bounded concurrency under the rate
//! limiter, and reported item by item: every result, and for each failed request its items
//! and its error. Nothing is dropped silently.

use crate::error::Error;
use crate::service::ServiceCode;
use futures_util::StreamExt;
use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

/// How a batch is sent.
#[derive(Clone)]
pub struct BatchOptions {
    /// Requests in flight at once (at least 1). Default 8.
    pub concurrency: usize,
    /// Called after each request with its item count and whether it succeeded.
    pub on_request_done: Option<Arc<dyn Fn(usize, bool) + Send + Sync>>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            on_request_done: None,
        }
    }
}

impl std::fmt::Debug for BatchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchOptions")
            .field("concurrency", &self.concurrency)
            .field("on_request_done", &self.on_request_done.is_some())
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
    /// The request's error.
    pub error: Error<C>,
}

/// What a batch achieved.
#[derive(Debug)]
pub struct BatchOutcome<I, R, C = String> {
    /// Every result of every successful request.
    pub results: Vec<R>,
    /// Every failed request, with its items.
    pub failures: Vec<BatchFailure<I, C>>,
    /// Requests sent.
    pub requests: usize,
}

impl<I, R, C> BatchOutcome<I, R, C> {
    /// Whether every item succeeded.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }

    /// Every item of every failed request.
    pub fn failed_items(&self) -> impl Iterator<Item = &I> {
        self.failures.iter().flat_map(|f| f.items.iter())
    }
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
/// generated code (`send_in_batches`). With `key`, a
/// successful request's items that no result echoes are reported as failed.
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
    let requests = chunks.len();
    let answers = futures_util::stream::iter(chunks.into_iter().map(|chunk| {
        let sent = send(chunk.clone());
        async move { (chunk, sent.await) }
    }))
    .buffered(options.concurrency.max(1));
    futures_util::pin_mut!(answers);
    let mut outcome = BatchOutcome {
        results: Vec::new(),
        failures: Vec::new(),
        requests,
    };
    while let Some((items, answer)) = answers.next().await {
        let ok = answer.is_ok();
        let count = items.len();
        match answer {
            Ok(results) => {
                if let Some(key) = key {
                    let echoed: HashSet<String> = results.iter().filter_map(key).collect();
                    let missing: Vec<I> = items
                        .iter()
                        .filter(|i| !echoed.contains(&i.to_string()))
                        .cloned()
                        .collect();
                    if !missing.is_empty() {
                        let names = missing.iter().map(ToString::to_string).collect();
                        outcome.failures.push(BatchFailure {
                            items: missing,
                            error: Error::IncompleteAnswer { missing: names },
                        });
                    }
                }
                outcome.results.extend(results);
            }
            Err(error) => outcome.failures.push(BatchFailure { items, error }),
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

    #[test]
    fn chunks_respect_the_maximum() {
        let items: Vec<u32> = (0..60).collect();
        let sizes: Vec<usize> = chunks(&items, 25).iter().map(Vec::len).collect();
        assert_eq!(sizes, [25, 25, 10]);
    }
}
