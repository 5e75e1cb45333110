//! Reconciliation against a simulated service whose answers get lost: every item ends joined
//! or failed exactly once, what is reported joined is what the service holds, no item is sent
//! while it is already there, and nothing stays unknown once reads work again. Property
//! tests draw the fault schedules; the named tests pin one case each.

use super::entry::send_reconciled;
use super::reading::{ReadPage, ReadQuery};
use super::request::{BatchRequest, ReadBack};
use super::{BatchOptions, BatchOutcome};
use crate::defaults::RECONCILE_ROUNDS;
use crate::error::Error;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

/// The code the simulated service refuses a request with when one of its items is already
/// there (the spec's `present-codes`).
const PRESENT: &str = "InvalidParameterValue";
const MAX_ITEMS: usize = 5;
const PAGE: usize = 7;

/// What happens to one batch request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JoinFault {
    /// Applied and answered.
    None,
    /// Not applied; a retryable refusal the client does not retry here.
    RefusedBefore,
    /// Applied; the connection drops before the answer.
    LostAfter,
    /// Applied; the answer is HTTP 500.
    Http500After,
    /// Applied; the answer holds results for the first item only.
    Incomplete,
    /// Lost, and applied only when the service next takes a join (a request still on its
    /// way when the client gave up on it).
    AppliedLate,
}

/// One result: the item it is for, and where it came from.
#[derive(Clone, Debug, PartialEq)]
struct Seat {
    player: Option<String>,
    read_back: bool,
}

fn key(seat: &Seat) -> Option<String> {
    seat.player.clone()
}

#[derive(Default)]
struct Service {
    joined: Mutex<HashSet<String>>,
    joins: Mutex<VecDeque<JoinFault>>,
    reads: Mutex<VecDeque<bool>>,
    sends: Mutex<HashMap<String, usize>>,
    /// Items sent again after a read had shown them present (a reconciliation bug).
    resent_while_present: Mutex<Vec<String>>,
    /// Items some read has shown present.
    read_present: Mutex<HashSet<String>>,
    /// Items of a lost request the service applies when it next takes a join.
    late: Mutex<Vec<String>>,
    /// The most results a page may hold before its answer is over the client's cap.
    largest_page: Option<usize>,
    /// The page sizes reads asked for, in order.
    page_sizes: Mutex<Vec<u64>>,
}

impl Service {
    fn new(joins: Vec<JoinFault>, read_failures: Vec<bool>, already: &[String]) -> Self {
        Self {
            joined: Mutex::new(already.iter().cloned().collect()),
            joins: Mutex::new(joins.into()),
            reads: Mutex::new(read_failures.into()),
            ..Self::default()
        }
    }

    fn join(&self, items: Vec<String>) -> Result<Vec<Seat>, Error> {
        let fault = self
            .joins
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(JoinFault::None);
        let mut joined = self.joined.lock().unwrap();
        let mut sends = self.sends.lock().unwrap();
        for item in &items {
            let n = sends.entry(item.clone()).or_default();
            *n += 1;
            if *n > 1 && self.read_present.lock().unwrap().contains(item) {
                self.resent_while_present.lock().unwrap().push(item.clone());
            }
        }
        // A late request lands first (the client could not have seen it).
        joined.extend(self.late.lock().unwrap().drain(..));
        if fault == JoinFault::AppliedLate {
            self.late.lock().unwrap().extend(items);
            return Err(Error::Timeout {
                scope: crate::error::TimeoutScope::Attempt,
                after: std::time::Duration::from_secs(1),
                source: None,
            });
        }
        if fault == JoinFault::RefusedBefore {
            return Err(api("RequestLimitExceeded"));
        }
        if items.iter().any(|i| joined.contains(i)) {
            return Err(api(PRESENT));
        }
        joined.extend(items.iter().cloned());
        let seat = |p: &String| Seat {
            player: Some(p.clone()),
            read_back: false,
        };
        match fault {
            JoinFault::None => Ok(items.iter().map(seat).collect()),
            JoinFault::LostAfter => Err(Error::Transport {
                request_sent: true,
                source: "connection closed before the answer".into(),
            }),
            JoinFault::Http500After => Err(Error::HttpStatus {
                status: 500,
                request_id: None,
                body: String::new(),
            }),
            JoinFault::Incomplete => Ok(items.iter().take(1).map(seat).collect()),
            JoinFault::RefusedBefore | JoinFault::AppliedLate => unreachable!("handled above"),
        }
    }

    fn read(
        &self,
        query: ReadQuery<String>,
        token: Option<String>,
        page_size: Option<u64>,
    ) -> Result<ReadPage<Seat>, Error> {
        let page = page_size.map_or(PAGE, |size| usize::try_from(size).unwrap());
        self.page_sizes.lock().unwrap().push(page as u64);
        if self.largest_page.is_some_and(|largest| page > largest) {
            let too_large = crate::transport::TransportError::TooLarge { cap: 1024 };
            return Err(Error::MalformedResponse {
                request_id: None,
                detail: too_large.to_string(),
                source: Some(Box::new(too_large)),
            });
        }
        if self.reads.lock().unwrap().pop_front().unwrap_or(false) {
            return Err(Error::Transport {
                request_sent: true,
                source: "read lost".into(),
            });
        }
        let joined = self.joined.lock().unwrap();
        let mut all: Vec<&String> = joined
            .iter()
            .filter(|p| match &query {
                ReadQuery::Scope => true,
                ReadQuery::Item(item) => *p == item,
            })
            .collect();
        all.sort();
        let start: usize = token.map_or(0, |t| t.parse().unwrap());
        let end = (start + page).min(all.len());
        self.read_present
            .lock()
            .unwrap()
            .extend(all[start..end].iter().map(|p| (*p).clone()));
        Ok(ReadPage {
            results: all[start..end]
                .iter()
                .map(|p| Seat {
                    player: Some((*p).clone()),
                    read_back: true,
                })
                .collect(),
            next_token: (end < all.len()).then(|| end.to_string()),
        })
    }
}

fn api(code: &str) -> Error {
    Error::Api {
        code: code.to_owned(),
        message: "simulated".into(),
        request_id: "req".into(),
        hint: None,
    }
}

/// A batch request of the simulated service, as a generated client's builder would be.
#[derive(Clone)]
struct Join<'s> {
    service: &'s Service,
    items: Vec<String>,
    scope_readable: bool,
    /// The listing answers no results and the same next-page token, forever.
    lying_listing: bool,
}

impl BatchRequest for Join<'_> {
    type Item = String;
    type Result = Seat;
    type Code = String;
    const FIELD: &'static str = "Players";
    const MAX_ITEMS: usize = MAX_ITEMS;
    const RESULT_KEY: Option<fn(&Seat) -> Option<String>> = Some(key);

    fn with_items(&self, items: Vec<String>) -> Result<Self, Error> {
        Ok(Self {
            items,
            ..self.clone()
        })
    }

    async fn send_items(self) -> Result<Vec<Seat>, Error> {
        self.service.join(self.items)
    }
}

impl ReadBack for Join<'_> {
    const PRESENT_CODES: &'static [&'static str] = &[PRESENT];
    const PAGE_SIZE: Option<u64> = Some(PAGE as u64);

    fn scope_readable(&self) -> bool {
        self.scope_readable
    }

    fn contradiction(&self, _: &[Seat]) -> Option<(usize, String)> {
        None
    }

    async fn read(
        &self,
        query: ReadQuery<String>,
        token: Option<String>,
        page_size: Option<u64>,
    ) -> Result<ReadPage<Seat>, Error> {
        if self.lying_listing {
            return Ok(ReadPage {
                results: Vec::new(),
                next_token: Some("again".into()),
            });
        }
        self.service.read(query, token, page_size)
    }
}

fn run_with(
    service: &Service,
    items: &[String],
    scope_readable: bool,
    lying_listing: bool,
    options: BatchOptions,
) -> BatchOutcome<String, Seat> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let template = Join {
        service,
        items: Vec::new(),
        scope_readable,
        lying_listing,
    };
    runtime
        .block_on(send_reconciled(template, items.to_vec(), options))
        .expect("the items are distinct and not empty")
}

fn run(
    service: &Service,
    items: &[String],
    scope_readable: bool,
    options: BatchOptions,
) -> BatchOutcome<String, Seat> {
    run_with(service, items, scope_readable, false, options)
}

fn players(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("p{i:03}")).collect()
}

/// The invariants that hold whatever the faults: every item once, joined = held, failed =
/// not held (unless it was there before the batch), nothing sent again once a read showed it
/// there.
fn check_exact(
    service: &Service,
    items: &[String],
    already: &[String],
    outcome: &BatchOutcome<String, Seat>,
) {
    let mut seen = HashSet::new();
    for item in outcome
        .succeeded
        .iter()
        .chain(outcome.not_succeeded_items())
    {
        assert!(seen.insert(item.clone()), "{item} reported twice");
    }
    assert_eq!(seen.len(), items.len(), "every item reported once");
    let held = service.joined.lock().unwrap();
    for (item, result) in outcome.succeeded.iter().zip(&outcome.results) {
        assert!(held.contains(item), "{item} reported joined, not held");
        assert_eq!(result.player.as_deref(), Some(item.as_str()));
    }
    for item in outcome.failed_items().filter(|i| !already.contains(i)) {
        assert!(!held.contains(item), "{item} reported failed, but held");
    }
    for item in items
        .iter()
        .filter(|i| held.contains(*i) && !already.contains(i))
    {
        assert!(
            outcome.succeeded.contains(item) || outcome.unknown_items().any(|u| u == item),
            "{item} held but reported failed"
        );
    }
    assert!(
        service.resent_while_present.lock().unwrap().is_empty(),
        "sent again while present: {:?}",
        service.resent_while_present.lock().unwrap()
    );
}

#[test]
fn lost_answers_are_read_back_and_nothing_is_sent_twice() {
    let items = players(20);
    let service = Service::new(
        vec![
            JoinFault::LostAfter,
            JoinFault::Http500After,
            JoinFault::Incomplete,
            JoinFault::RefusedBefore,
        ],
        vec![],
        &[],
    );
    let outcome = run(&service, &items, true, BatchOptions::default());
    check_exact(&service, &items, &[], &outcome);
    assert_eq!(outcome.succeeded.len(), 15, "{:?}", outcome.failures);
    // The refused request did not take effect and its code is not a presence code: it stands.
    assert_eq!(outcome.failed_items().count(), 5);
    assert_eq!(outcome.unknown_items().count(), 0);
    // 5 + 5 + 4 items were unknown; all were there, none was sent again.
    assert_eq!(outcome.reconciliation.found_present, 14);
    assert_eq!(outcome.reconciliation.resent, 0);
    assert_eq!(outcome.reconciliation.rounds, 1);
    assert!(outcome.results.iter().filter(|s| s.read_back).count() == 14);
}

#[test]
fn with_reconciliation_off_the_unknown_items_stay_unknown() {
    let items = players(10);
    let service = Service::new(vec![JoinFault::LostAfter], vec![], &[]);
    let outcome = run(
        &service,
        &items,
        true,
        BatchOptions::default().reconcile(false),
    );
    check_exact(&service, &items, &[], &outcome);
    assert_eq!(outcome.unknown_items().count(), 5);
    assert_eq!(outcome.reconciliation, Default::default());
}

#[test]
fn a_refusal_because_an_item_is_there_settles_it_and_sends_the_rest() {
    let items = players(5);
    let service = Service::new(vec![], vec![], &items[..1]);
    let outcome = run(&service, &items, false, BatchOptions::default());
    check_exact(&service, &items, &items[..1], &outcome);
    assert_eq!(outcome.succeeded.len(), 5);
    assert_eq!(outcome.reconciliation.found_present, 1);
    assert_eq!(outcome.reconciliation.resent, 4);
    assert_eq!(*service.sends.lock().unwrap().get("p000").unwrap(), 1);
}

#[test]
fn reads_that_keep_failing_leave_the_items_unknown_not_failed() {
    let items = players(10);
    let service = Service::new(vec![JoinFault::LostAfter], vec![true; 1000], &[]);
    let outcome = run(&service, &items, true, BatchOptions::default());
    check_exact(&service, &items, &[], &outcome);
    assert_eq!(outcome.unknown_items().count(), 5);
    assert_eq!(outcome.failed_items().count(), 0);
    assert_eq!(outcome.reconciliation.rounds, RECONCILE_ROUNDS);
}

#[test]
fn a_page_over_the_answer_cap_is_asked_again_at_half_the_size_for_the_rest_of_the_batch() {
    // 20 players already held, then 5 whose answer is lost: the listing's pages of 7 are
    // over the cap, 3 are too, 1 fits; every later page asks for 1 at once.
    let already = players(25)[..20].to_vec();
    let items = players(25)[20..].to_vec();
    let service = Service {
        largest_page: Some(2),
        ..Service::new(vec![JoinFault::LostAfter], vec![], &already)
    };
    let outcome = run(&service, &items, true, BatchOptions::default());
    check_exact(&service, &items, &already, &outcome);
    assert_eq!(outcome.succeeded.len(), 5);
    assert_eq!(outcome.reconciliation.found_present, 5);
    let sizes = service.page_sizes.lock().unwrap().clone();
    assert_eq!(sizes[..3], [7, 3, 1], "halved until a page fits: {sizes:?}");
    assert!(sizes[3..].iter().all(|&s| s == 1), "{sizes:?}");
    assert_eq!(sizes.len(), 2 + 25, "one page per held player once it fits");
    assert_eq!(outcome.reconciliation.read_failures, 2);
}

#[test]
fn one_item_per_read_when_the_scope_cannot_be_listed() {
    let items = players(10);
    let service = Service::new(vec![JoinFault::None, JoinFault::LostAfter], vec![], &[]);
    let outcome = run(&service, &items, false, BatchOptions::default());
    check_exact(&service, &items, &[], &outcome);
    assert_eq!(outcome.succeeded.len(), 10);
    assert_eq!(outcome.reconciliation.read_requests, 5);
}

fn join_fault() -> impl Strategy<Value = JoinFault> {
    prop_oneof![
        4 => Just(JoinFault::None),
        1 => Just(JoinFault::RefusedBefore),
        2 => Just(JoinFault::LostAfter),
        2 => Just(JoinFault::Http500After),
        1 => Just(JoinFault::Incomplete),
        2 => Just(JoinFault::AppliedLate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any schedule of faults, on first sends, re-sends and reads: the outcome is exact.
    #[test]
    fn any_fault_schedule_gives_an_exact_outcome(
        n in 1usize..40,
        joins in prop::collection::vec(join_fault(), 0..30),
        reads in prop::collection::vec(prop::bool::weighted(0.3), 0..30),
        already in 0usize..3,
        scope_readable in any::<bool>(),
        concurrency in 1usize..4,
    ) {
        let items = players(n);
        let already: Vec<String> = items.iter().take(already.min(n)).cloned().collect();
        let service = Service::new(joins, reads, &already);
        let outcome = run(&service, &items, scope_readable, BatchOptions::default().concurrency(concurrency));
        check_exact(&service, &items, &already, &outcome);
    }

    /// When faults stop during the first pass and reads never fail, nothing stays unknown
    /// and every item ends joined or refused before the service took it.
    #[test]
    fn nothing_stays_unknown_once_the_service_answers_again(
        n in 1usize..40,
        joins in prop::collection::vec(join_fault(), 0..8),
        scope_readable in any::<bool>(),
    ) {
        let items = players(n);
        let first_pass = n.div_ceil(MAX_ITEMS);
        let joins: Vec<JoinFault> = joins.into_iter().take(first_pass).collect();
        let refused = joins.iter().filter(|f| **f == JoinFault::RefusedBefore).count();
        let service = Service::new(joins, vec![], &[]);
        let outcome = run(&service, &items, scope_readable, BatchOptions::default());
        check_exact(&service, &items, &[], &outcome);
        prop_assert_eq!(outcome.unknown_items().count(), 0);
        prop_assert!(outcome.failures.len() <= refused);
        prop_assert_eq!(
            outcome.succeeded.len() + outcome.failed_items().count(),
            n
        );
    }
}

#[test]
fn a_listing_whose_next_token_repeats_is_not_followed_forever() {
    let items = players(10);
    let service = Service::new(vec![JoinFault::LostAfter], vec![], &[]);
    let outcome = run_with(&service, &items, true, true, BatchOptions::default());
    check_exact(&service, &items, &[], &outcome);
    // The lying listing never completes, so nothing is declared absent or sent again.
    assert_eq!(outcome.unknown_items().count(), 5);
    assert_eq!(outcome.reconciliation.resent, 0);
    assert_eq!(
        outcome.reconciliation.read_requests,
        2 * RECONCILE_ROUNDS as usize
    );
}

#[test]
fn items_on_the_pages_read_count_even_when_a_later_page_fails() {
    let items = players(20);
    let service = Service::new(
        vec![JoinFault::LostAfter; 4],
        // The first page is read; every attempt at the second fails.
        vec![false, true, true, true, true],
        &[],
    );
    let outcome = run(&service, &items, true, BatchOptions::default());
    check_exact(&service, &items, &[], &outcome);
    assert_eq!(outcome.succeeded.len(), 20);
    let report = &outcome.reconciliation;
    assert_eq!(report.rounds, 2);
    // Round 1 settles the 7 players of the first page; round 2 reads back only the other 13.
    assert_eq!(report.looked_up, 20 + 13, "{report:?}");
    assert_eq!(report.resent, 0);
}

#[test]
fn a_request_that_lands_after_the_read_leaves_its_items_unknown_never_failed() {
    let items = players(1);
    // The join is lost on its way; the read finds nothing; the join lands; the re-send is
    // refused as "already there"; every later read fails.
    let mut reads = vec![false];
    reads.extend([true; 200]);
    let service = Service::new(vec![JoinFault::AppliedLate], reads, &[]);
    let outcome = run(&service, &items, false, BatchOptions::default());
    check_exact(&service, &items, &[], &outcome);
    assert_eq!(outcome.failed_items().count(), 0);
    assert_eq!(outcome.unknown_items().collect::<Vec<_>>(), ["p000"]);
    assert!(
        outcome.failures[0]
            .error
            .to_string()
            .contains("sent again after a lost answer and refused"),
        "{}",
        outcome.failures[0].error
    );
}
