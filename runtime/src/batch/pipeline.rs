//! A batch as a stream of settled requests: items pulled from the caller's stream in
//! requests of at most the batch's size, at most `concurrency` in flight, each request
//! settled as its answer comes; items whose answer was lost held and, when the input ends
//! (or the batch is stopped), read back. Memory is bounded by the requests in flight and the
//! items held unknown, never by the batch.

use super::control::{deadline_reached, BatchControl};
use super::matching::{check_distinct_items, match_results};
use super::options::BatchOptions;
use super::outcome::{BatchError, BatchFailure, BatchOutcome, Reconciliation};
use super::reconcile::Settling;
use super::request::BatchRequest;
use crate::error::Error;
use crate::service::ServiceCode;
use futures_util::stream::{BoxStream, FuturesUnordered};
use futures_util::StreamExt;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;
use tokio::time::Instant;

/// What one request, or reconciliation, settled.
pub(crate) enum Settled<I, R, C> {
    /// Items the service took: with a result key `results[i]` is `items[i]`'s; without one,
    /// every result of the answer.
    Succeeded {
        items: Vec<I>,
        results: Vec<R>,
        /// Found already there by a read-back, not joined by a request of this batch.
        found: bool,
    },
    /// Items that did not succeed, and why.
    Failed(BatchFailure<I, C>),
}

/// The counters of a batch so far, shared with [`super::BatchStream`]'s readers.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    pub(crate) requests: usize,
    pub(crate) unmatched_results: usize,
    pub(crate) reconciliation: Reconciliation,
}

pub(crate) type SharedProgress = Arc<Mutex<Progress>>;

pub(crate) fn progress_of(progress: &SharedProgress) -> std::sync::MutexGuard<'_, Progress> {
    progress.lock().unwrap_or_else(PoisonError::into_inner)
}

type Outcome<B> =
    BatchOutcome<<B as BatchRequest>::Item, <B as BatchRequest>::Result, <B as BatchRequest>::Code>;
type Answer<B> = (
    u64,
    Result<Vec<<B as BatchRequest>::Result>, Error<<B as BatchRequest>::Code>>,
);

/// Reads a batch's unknown items back (the generated `ReadBack` impl, through
/// [`super::entry`]): `first` is a request of the batch (its scope), `template` builds the
/// requests sent again.
pub(crate) type ReconcileFn<B> = for<'s> fn(
    first: &'s B,
    template: &'s B,
    outcome: &'s mut Outcome<B>,
    options: &'s BatchOptions,
    settling: Settling<'s>,
) -> futures_util::future::BoxFuture<'s, ()>;

/// How a batch's unknown items are settled, when the spec names a read-back.
pub(crate) struct ReadBackStep<B: BatchRequest> {
    pub(crate) reconcile: ReconcileFn<B>,
    /// Error codes of the batch action that may mean "an item is already there".
    pub(crate) present_codes: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Sending,
    Reconciling,
    Done,
}

/// The state of one streamed batch.
pub(crate) struct Pipeline<'a, B: BatchRequest> {
    template: B,
    /// The first request built: its scope is what reconciliation reads.
    first: Option<B>,
    input: BoxStream<'a, Vec<B::Item>>,
    input_done: bool,
    in_flight: FuturesUnordered<futures_util::future::BoxFuture<'a, Answer<B>>>,
    /// The items of each request in flight, by its number.
    carried: HashMap<u64, Vec<B::Item>>,
    next_id: u64,
    /// Failures to read back when sending ends.
    held: Vec<BatchFailure<B::Item, B::Code>>,
    ready: VecDeque<Settled<B::Item, B::Result, B::Code>>,
    options: BatchOptions,
    read_back: Option<ReadBackStep<B>>,
    /// Kept so that the stop's channel stays open while the batch runs.
    _control: BatchControl,
    stop: watch::Receiver<Option<Instant>>,
    progress: SharedProgress,
    phase: Phase,
}

impl<'a, B: BatchRequest + 'a> Pipeline<'a, B> {
    pub(crate) fn new(
        template: B,
        items: BoxStream<'a, B::Item>,
        options: BatchOptions,
        read_back: Option<ReadBackStep<B>>,
        control: BatchControl,
        progress: SharedProgress,
    ) -> Self {
        let stop = control.watch();
        Self {
            template,
            first: None,
            input: items.ready_chunks(B::MAX_ITEMS.max(1)).boxed(),
            input_done: false,
            in_flight: FuturesUnordered::new(),
            carried: HashMap::new(),
            next_id: 0,
            held: Vec::new(),
            ready: VecDeque::new(),
            options,
            read_back,
            _control: control,
            stop,
            progress,
            phase: Phase::Sending,
        }
    }

    /// The stream of what the batch settles, request by request.
    pub(crate) fn into_stream(self) -> BoxStream<'a, Settled<B::Item, B::Result, B::Code>> {
        futures_util::stream::unfold(self, |mut pipeline| async move {
            pipeline.next().await.map(|settled| (settled, pipeline))
        })
        .boxed()
    }

    async fn next(&mut self) -> Option<Settled<B::Item, B::Result, B::Code>> {
        loop {
            if let Some(settled) = self.ready.pop_front() {
                return Some(settled);
            }
            match self.phase {
                Phase::Sending => self.send_step().await,
                Phase::Reconciling => self.reconcile_step().await,
                Phase::Done => return None,
            }
        }
    }

    /// One event while sending: a stop, its deadline, an answer, or the next chunk of items.
    async fn send_step(&mut self) {
        enum Step<I, A> {
            Stopped,
            Deadline,
            Answer(Option<A>),
            Chunk(Option<Vec<I>>),
        }
        let deadline = *self.stop.borrow_and_update();
        let room = deadline.is_none()
            && !self.input_done
            && self.in_flight.len() < self.options.concurrency.max(1);
        if !room && self.in_flight.is_empty() {
            self.phase = Phase::Reconciling;
            return;
        }
        let step = tokio::select! {
            biased;
            _ = self.stop.changed() => Step::Stopped,
            () = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => Step::Deadline,
            answer = self.in_flight.next(), if !self.in_flight.is_empty() => Step::Answer(answer),
            chunk = self.input.next(), if room => Step::Chunk(chunk),
        };
        match step {
            Step::Stopped => {}
            Step::Deadline => self.give_up_in_flight(),
            Step::Answer(None) => {}
            Step::Answer(Some((id, answer))) => {
                let items = self.carried.remove(&id).unwrap_or_default();
                self.settle(items, answer);
            }
            Step::Chunk(None) => self.input_done = true,
            Step::Chunk(Some(items)) => self.start(items),
        }
    }

    /// Sends a chunk once checked; items that fail the checks are failed, never sent.
    fn start(&mut self, items: Vec<B::Item>) {
        let Some((request, items)) = self.checked(items) else {
            return;
        };
        if self.first.is_none() {
            self.first = Some(request.clone());
        }
        let id = self.next_id;
        self.next_id += 1;
        self.carried.insert(id, items);
        progress_of(&self.progress).requests += 1;
        self.in_flight
            .push(Box::pin(async move { (id, request.send_items().await) }));
    }

    /// The request for a chunk, and the items it carries. When the chunk fails the checks,
    /// the items at fault (a repeat of an earlier item of the chunk, or one the spec refuses
    /// on its own) are failed alone and the rest is sent; when none is at fault alone, the
    /// whole chunk is failed with the chunk's error.
    fn checked(&mut self, items: Vec<B::Item>) -> Option<(B, Vec<B::Item>)> {
        let whole = check_distinct_items::<_, B::Code>(B::FIELD, &items)
            .and_then(|()| self.template.with_items(items.clone()));
        if let Ok(request) = whole {
            return Some((request, items));
        }
        let mut first_seen: HashMap<B::Item, usize> = HashMap::with_capacity(items.len());
        let mut valid = Vec::with_capacity(items.len());
        for (position, item) in items.into_iter().enumerate() {
            let alone = match first_seen.get(&item) {
                Some(first) => Err(Error::invalid_request(format!(
                    "{field}: {shown:?} is given twice in one request of the batch (items \
                     {first} and {position} of the request); each item may appear once",
                    field = B::FIELD,
                    shown = item.to_string()
                ))),
                None => self.template.with_items(vec![item.clone()]).map(drop),
            };
            match alone {
                Ok(()) => {
                    first_seen.insert(item.clone(), position);
                    valid.push(item);
                }
                Err(error) => self
                    .ready
                    .push_back(Settled::Failed(BatchFailure::new(vec![item], error))),
            }
        }
        if valid.is_empty() {
            return None;
        }
        match self.template.with_items(valid.clone()) {
            Ok(request) => Some((request, valid)),
            Err(error) => {
                self.ready
                    .push_back(Settled::Failed(BatchFailure::new(valid, error)));
                None
            }
        }
    }

    /// The stop's deadline passed: requests in flight are dropped, their items unknown.
    fn give_up_in_flight(&mut self) {
        self.in_flight.clear();
        let mut carried: Vec<_> = self.carried.drain().collect();
        carried.sort_by_key(|(id, _)| *id);
        for (_, items) in carried {
            self.fail(BatchFailure::new(items, BatchError::Interrupted));
        }
    }

    /// One answer: results matched to its items, or its items failed.
    fn settle(&mut self, items: Vec<B::Item>, answer: Result<Vec<B::Result>, Error<B::Code>>) {
        if let Some(callback) = &self.options.on_request_done {
            callback(items.len(), answer.is_ok());
        }
        match (answer, B::RESULT_KEY) {
            (Ok(results), Some(key)) => {
                let matched = match_results(items, results, key);
                if matched.unmatched > 0 {
                    tracing::warn!(
                        results = matched.unmatched,
                        "a successful answer held results for items not in its request; left out"
                    );
                    progress_of(&self.progress).unmatched_results += matched.unmatched;
                }
                if !matched.succeeded.is_empty() {
                    self.ready.push_back(Settled::Succeeded {
                        items: matched.succeeded,
                        results: matched.results,
                        found: false,
                    });
                }
                if !matched.missing.is_empty() {
                    let missing = matched.missing.iter().map(ToString::to_string).collect();
                    self.fail(BatchFailure::new(
                        matched.missing,
                        BatchError::IncompleteAnswer { missing },
                    ));
                }
            }
            (Ok(results), None) => self.ready.push_back(Settled::Succeeded {
                items,
                results,
                found: false,
            }),
            (Err(error), _) => self.fail(BatchFailure::new(items, error)),
        }
    }

    /// A failure held for reading back when it may settle that way, else reported now.
    fn fail(&mut self, failure: BatchFailure<B::Item, B::Code>) {
        let holds = self.options.reconcile
            && B::RESULT_KEY.is_some()
            && self.read_back.as_ref().is_some_and(|step| {
                failure.error.may_have_taken_effect()
                    || failure
                        .error
                        .code()
                        .is_some_and(|c| step.present_codes.contains(&c.as_str()))
            });
        if holds {
            self.held.push(failure);
        } else {
            self.ready.push_back(Settled::Failed(failure));
        }
    }

    /// Reads the held items back, within the stop's deadline when the batch was stopped.
    async fn reconcile_step(&mut self) {
        self.phase = Phase::Done;
        let held = std::mem::take(&mut self.held);
        let (Some(step), Some(first)) = (&self.read_back, &self.first) else {
            self.ready.extend(held.into_iter().map(Settled::Failed));
            return;
        };
        if held.is_empty() {
            return;
        }
        if self.stop.borrow().is_some_and(|at| at <= Instant::now()) {
            self.ready.extend(held.into_iter().map(Settled::Failed));
            return;
        }
        let items: Vec<B::Item> = held.iter().flat_map(|f| f.items.iter().cloned()).collect();
        let mut outcome = Outcome::<B>::empty(0);
        outcome.failures = held;
        let mut found = HashSet::new();
        let watching = self.stop.clone();
        let stopped = move || watching.borrow().is_some();
        let settling = Settling {
            found: &mut found,
            stopped: &stopped,
        };
        let reconcile =
            (step.reconcile)(first, &self.template, &mut outcome, &self.options, settling);
        let cut = tokio::select! {
            biased;
            () = deadline_reached(&mut self.stop) => true,
            () = reconcile => false,
        };
        {
            let mut progress = progress_of(&self.progress);
            progress.requests += outcome.requests;
            progress.unmatched_results += outcome.unmatched_results;
            progress.reconciliation = outcome.reconciliation.clone();
        }
        let mut settled: HashSet<String> = HashSet::new();
        let mut joined = (Vec::new(), Vec::new());
        let mut present = (Vec::new(), Vec::new());
        for (item, result) in outcome.succeeded.into_iter().zip(outcome.results) {
            let name = item.to_string();
            let into = if found.contains(&name) {
                &mut present
            } else {
                &mut joined
            };
            into.0.push(item);
            into.1.push(result);
            settled.insert(name);
        }
        for ((items, results), found) in [(joined, false), (present, true)] {
            if !items.is_empty() {
                self.ready.push_back(Settled::Succeeded {
                    items,
                    results,
                    found,
                });
            }
        }
        for failure in outcome.failures {
            settled.extend(failure.items.iter().map(ToString::to_string));
            self.ready.push_back(Settled::Failed(failure));
        }
        if cut {
            let left: Vec<B::Item> = items
                .into_iter()
                .filter(|item| !settled.contains(&item.to_string()))
                .collect();
            if !left.is_empty() {
                self.ready.push_back(Settled::Failed(BatchFailure::new(
                    left,
                    BatchError::Interrupted,
                )));
            }
        }
    }
}
