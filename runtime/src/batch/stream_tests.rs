//! Streamed batches against a simulated service whose answers take time (paused tokio
//! time): the first request leaves before the input ends, the input is pulled only as
//! requests can leave, a stop sends nothing new and gives up what is in flight at its
//! deadline, and items at fault in a request fail alone.

use super::entry::{stream_in_batches, stream_reconciled};
use super::reading::{ReadPage, ReadQuery};
use super::request::{BatchRequest, ReadBack};
use super::{BatchError, BatchOptions, ItemOutcome};
use crate::error::Error;
use futures_util::StreamExt;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MAX_ITEMS: usize = 4;

/// A service that takes `latency` to answer each join, and loses the answers of the joins
/// whose number (from 0) is in `lost` (applied) or `dropped` (not applied).
#[derive(Default)]
struct Service {
    latency: Duration,
    lost: HashSet<usize>,
    dropped: HashSet<usize>,
    joined: Mutex<HashSet<String>>,
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    sent: Mutex<Vec<String>>,
}

impl Service {
    fn new(latency: Duration) -> Arc<Self> {
        Arc::new(Self {
            latency,
            ..Self::default()
        })
    }

    async fn join(&self, items: Vec<String>) -> Result<Vec<String>, Error> {
        let number = self.requests.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        self.sent.lock().unwrap().extend(items.iter().cloned());
        tokio::time::sleep(self.latency).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !self.dropped.contains(&number) {
            self.joined.lock().unwrap().extend(items.iter().cloned());
        }
        if self.lost.contains(&number) || self.dropped.contains(&number) {
            return Err(Error::Transport {
                request_sent: true,
                source: "connection closed before the answer".into(),
            });
        }
        Ok(items)
    }
}

#[derive(Clone)]
struct Join {
    service: Arc<Service>,
    items: Vec<String>,
}

impl BatchRequest for Join {
    type Item = String;
    type Result = String;
    type Code = String;
    const FIELD: &'static str = "Players";
    const MAX_ITEMS: usize = MAX_ITEMS;
    const RESULT_KEY: Option<fn(&String) -> Option<String>> = Some(|r| Some(r.clone()));

    fn with_items(&self, items: Vec<String>) -> Result<Self, Error> {
        if let Some(bad) = items.iter().find(|i| i.is_empty() || i.len() > 8) {
            return Err(Error::invalid_request(format!(
                "Players: {bad:?} is {} characters; 1 to 8 allowed",
                bad.len()
            )));
        }
        Ok(Self {
            items,
            ..self.clone()
        })
    }

    async fn send_items(self) -> Result<Vec<String>, Error> {
        self.service.join(self.items).await
    }
}

impl ReadBack for Join {
    const PRESENT_CODES: &'static [&'static str] = &[];
    const PAGE_SIZE: Option<u64> = None;

    fn scope_readable(&self) -> bool {
        true
    }

    fn contradiction(&self, _: &[String]) -> Option<(usize, String)> {
        None
    }

    async fn read(
        &self,
        _query: ReadQuery<String>,
        _token: Option<String>,
        _page_size: Option<u64>,
    ) -> Result<ReadPage<String>, Error> {
        let mut results: Vec<String> = self
            .service
            .joined
            .lock()
            .unwrap()
            .iter()
            .cloned()
            .collect();
        results.sort();
        Ok(ReadPage {
            results,
            next_token: None,
        })
    }
}

fn paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

fn template(service: &Arc<Service>) -> Join {
    Join {
        service: Arc::clone(service),
        items: Vec::new(),
    }
}

fn players(range: std::ops::Range<usize>) -> impl Iterator<Item = String> {
    range.map(|i| format!("p{i}"))
}

fn options(concurrency: usize) -> BatchOptions {
    BatchOptions::default().concurrency(concurrency)
}

#[test]
fn the_first_request_leaves_before_the_input_ends() {
    let service = Service::new(Duration::from_millis(10));
    paused().block_on(async {
        // Four players, then an input that never ends.
        let input =
            futures_util::stream::iter(players(0..4)).chain(futures_util::stream::pending());
        let mut outcomes = stream_in_batches(template(&service), input, options(2));
        let first = tokio::time::timeout(Duration::from_secs(1), outcomes.next())
            .await
            .expect("an outcome before the input ends")
            .expect("the stream goes on");
        assert!(first.is_succeeded());
        assert_eq!(service.requests.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn the_input_is_pulled_only_as_requests_can_leave() {
    let service = Service::new(Duration::from_millis(50));
    let pulled = Arc::new(AtomicUsize::new(0));
    let counting = Arc::clone(&pulled);
    let total = 4_000;
    let concurrency = 3;
    let settled = paused().block_on(async {
        let input = futures_util::stream::iter(players(0..total)).inspect(move |_| {
            counting.fetch_add(1, Ordering::SeqCst);
        });
        let mut outcomes = stream_in_batches(template(&service), input, options(concurrency));
        let mut settled = 0;
        while let Some(outcome) = outcomes.next().await {
            assert!(outcome.is_succeeded());
            settled += 1;
            let ahead = pulled.load(Ordering::SeqCst) - settled;
            // What was pulled and not yet settled is at most what the requests in flight
            // carry, and the chunk being formed.
            assert!(
                ahead <= (concurrency + 1) * MAX_ITEMS,
                "{ahead} items pulled ahead of {settled} settled"
            );
        }
        settled
    });
    assert_eq!(settled, total);
    assert_eq!(service.most_in_flight.load(Ordering::SeqCst), concurrency);
    assert_eq!(service.requests.load(Ordering::SeqCst), total / MAX_ITEMS);
}

#[test]
fn a_stop_sends_nothing_new_and_lets_what_is_in_flight_finish() {
    let service = Service::new(Duration::from_secs(1));
    let (outcomes, sent_at_stop) = paused().block_on(async {
        let mut outcomes = stream_in_batches(
            template(&service),
            futures_util::stream::iter(players(0..400)),
            options(2),
        );
        let control = outcomes.control();
        let mut seen = Vec::new();
        let mut sent_at_stop = 0;
        while let Some(outcome) = outcomes.next().await {
            seen.push(outcome);
            if seen.len() == 3 * MAX_ITEMS {
                control.stop(Duration::from_secs(10));
                sent_at_stop = service.requests.load(Ordering::SeqCst);
                assert!(control.is_stopped());
            }
        }
        (seen, sent_at_stop)
    });
    assert_eq!(
        service.requests.load(Ordering::SeqCst),
        sent_at_stop,
        "nothing sent after the stop"
    );
    assert!(
        outcomes.iter().all(ItemOutcome::is_succeeded),
        "in flight finished within the grace"
    );
    assert_eq!(outcomes.len(), sent_at_stop * MAX_ITEMS);
    let held = service.joined.lock().unwrap();
    let reported: HashSet<_> = outcomes.iter().map(|o| o.item().clone()).collect();
    assert_eq!(*held, reported);
}

#[test]
fn at_the_deadline_what_is_in_flight_ends_unknown() {
    let service = Service::new(Duration::from_secs(100));
    let (outcomes, elapsed) = paused().block_on(async {
        let started = tokio::time::Instant::now();
        let mut outcomes = stream_in_batches(
            template(&service),
            futures_util::stream::iter(players(0..40)),
            options(3),
        );
        let control = outcomes.control();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            control.stop(Duration::from_secs(30));
            tokio::time::sleep(Duration::from_secs(1)).await;
            // A later call shortens the grace.
            control.abandon();
        });
        let all: Vec<_> = outcomes.by_ref().collect().await;
        (all, started.elapsed())
    });
    assert_eq!(
        elapsed,
        Duration::from_secs(2),
        "given up at the shortened deadline"
    );
    assert_eq!(
        outcomes.len(),
        3 * MAX_ITEMS,
        "the three requests in flight"
    );
    for outcome in &outcomes {
        match outcome {
            ItemOutcome::Unknown { error, .. } => {
                assert!(matches!(**error, BatchError::Interrupted), "{error}");
                assert!(error.may_have_taken_effect());
            }
            other => panic!("in flight at the deadline, yet {other:?}"),
        }
    }
}

#[test]
fn items_at_fault_fail_alone_and_the_rest_of_their_request_is_sent() {
    let service = Service::new(Duration::from_millis(1));
    let input = ["a", "a", "much-too-long", "b", "c", "d"].map(String::from);
    let outcomes: Vec<_> = paused().block_on(
        stream_in_batches(
            template(&service),
            futures_util::stream::iter(input),
            options(1),
        )
        .collect(),
    );
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| match o {
            ItemOutcome::Failed { item, error } => Some(format!("{item}: {error}")),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed[0].starts_with("a: ") && failed[0].contains("given twice"),
        "{failed:?}"
    );
    assert!(
        failed[1].contains("much-too-long") && failed[1].contains("1 to 8"),
        "{failed:?}"
    );
    let joined: HashSet<_> = outcomes
        .iter()
        .filter(|o| o.is_succeeded())
        .map(|o| o.item().as_str())
        .collect();
    assert_eq!(joined, HashSet::from(["a", "b", "c", "d"]));
    assert_eq!(*service.sent.lock().unwrap(), ["a", "b", "c", "d"]);
}

#[test]
fn lost_answers_are_read_back_after_the_input_ends_and_reported_found() {
    let service = Arc::new(Service {
        latency: Duration::from_millis(5),
        lost: HashSet::from([1]),
        ..Service::default()
    });
    let outcomes: Vec<_> = paused().block_on(
        stream_reconciled(
            template(&service),
            futures_util::stream::iter(players(0..12)),
            options(1),
        )
        .collect(),
    );
    assert_eq!(outcomes.len(), 12);
    let found: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            ItemOutcome::Succeeded {
                item, found: true, ..
            } => Some(item.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        found,
        ["p4", "p5", "p6", "p7"],
        "the lost request's players"
    );
    assert!(outcomes.iter().all(ItemOutcome::is_succeeded));
    assert_eq!(
        service.requests.load(Ordering::SeqCst),
        3,
        "nothing sent again"
    );
}

#[test]
fn without_a_stop_an_absent_item_is_sent_again_and_after_one_it_is_not() {
    for stop in [false, true] {
        // The first request's answer is lost and it never landed: read back, it is absent.
        let service = Arc::new(Service {
            latency: Duration::from_millis(5),
            dropped: HashSet::from([0]),
            ..Service::default()
        });
        let outcomes: Vec<_> = paused().block_on(async {
            let input = futures_util::stream::iter(players(0..4));
            let outcomes = if stop {
                // An input that never ends: only the stop lets the read-back begin.
                let endless = input.chain(futures_util::stream::pending()).boxed();
                stream_reconciled(template(&service), endless, options(1))
            } else {
                stream_reconciled(template(&service), input.boxed(), options(1))
            };
            let control = outcomes.control();
            if stop {
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    control.stop(Duration::from_secs(5));
                });
            }
            outcomes.collect().await
        });
        assert_eq!(outcomes.len(), 4);
        if stop {
            for outcome in &outcomes {
                match outcome {
                    ItemOutcome::Failed { error, .. } => {
                        assert!(matches!(**error, BatchError::NotResent), "{error}");
                    }
                    other => panic!("absent after a stop, yet {other:?}"),
                }
            }
            assert_eq!(service.requests.load(Ordering::SeqCst), 1, "not sent again");
            assert!(service.joined.lock().unwrap().is_empty());
        } else {
            assert!(
                outcomes.iter().all(ItemOutcome::is_succeeded),
                "{outcomes:?}"
            );
            assert_eq!(
                service.requests.load(Ordering::SeqCst),
                2,
                "sent again once"
            );
        }
    }
}
