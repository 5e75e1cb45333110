//! Sending a batch's requests: at most `concurrency` in flight, answers taken in order, each
//! request's items reported as succeeded (matched to their results) or failed.

use super::matching::match_results;
use super::options::BatchOptions;
use super::outcome::{BatchError, BatchFailure, BatchOutcome};
use crate::error::Error;
use crate::service::ServiceCode;
use futures_util::StreamExt;
use std::fmt::Display;
use std::future::Future;

/// How one result names the item it is for, when the spec says.
pub(crate) type ResultKey<R> = Option<fn(&R) -> Option<String>>;

/// Splits `items` into chunks of at most `max` (at least 1).
pub(crate) fn chunks<I: Clone>(items: &[I], max: usize) -> Vec<Vec<I>> {
    items.chunks(max.max(1)).map(<[I]>::to_vec).collect()
}

/// Sends every chunk with `send`, `options.concurrency` at a time, in order. With `key`, a
/// successful answer's results are matched to its items by [`match_results`]; items left
/// without one are reported unknown.
pub(crate) async fn send_chunks<I, R, C, F, Fut>(
    chunks: Vec<Vec<I>>,
    options: &BatchOptions,
    send: &F,
    key: ResultKey<R>,
) -> BatchOutcome<I, R, C>
where
    I: Clone + Display,
    C: ServiceCode,
    F: Fn(Vec<I>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, Error<C>>>,
{
    let mut outcome = BatchOutcome::empty(chunks.len());
    let answers = futures_util::stream::iter(chunks.into_iter().map(|chunk| {
        let sent = send(chunk.clone());
        async move { (chunk, sent.await) }
    }))
    .buffered(options.concurrency.max(1));
    futures_util::pin_mut!(answers);
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
                    let missing = matched.missing.iter().map(ToString::to_string).collect();
                    outcome.failures.push(BatchFailure::new(
                        matched.missing,
                        BatchError::IncompleteAnswer { missing },
                    ));
                }
            }
            (Ok(results), None) => {
                outcome.succeeded.extend(items);
                outcome.results.extend(results);
            }
            (Err(error), _) => outcome.failures.push(BatchFailure::new(items, error)),
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
    fn chunks_respect_the_maximum() {
        let items: Vec<u32> = (0..60).collect();
        let sizes: Vec<usize> = chunks(&items, 25).iter().map(Vec::len).collect();
        assert_eq!(sizes, [25, 25, 10]);
        assert_eq!(chunks(&items, 0).len(), 60);
    }
}
