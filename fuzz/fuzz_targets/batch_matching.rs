//! Matching a batch answer's results to its request: any answer (as the client reads it) and any
//! number of requested players give an exact outcome.
#![no_main]

use gse_client::types::JoinGameServerSessionBatchResponse;
use libfuzzer_sys::fuzz_target;
use tc3_runtime::__private::read_answer;

fuzz_target!(|data: &[u8]| {
    let Some((count, body)) = data.split_first() else {
        return;
    };
    let items: Vec<String> = (0..=usize::from(*count % 25))
        .map(|i| format!("p{i}"))
        .collect();
    let Ok((answer, _)) = read_answer::<JoinGameServerSessionBatchResponse, String>(200, body)
    else {
        return;
    };
    let keys: Vec<Option<String>> = answer
        .player_sessions
        .unwrap_or_default()
        .into_iter()
        .map(|session| session.player_id)
        .collect();
    let matched = tc3_runtime::__private::match_results(items.clone(), keys.clone(), |k| k.clone());
    let matched = test_support::BatchMatching {
        succeeded: matched.succeeded,
        results: matched.results,
        missing: matched.missing,
        unmatched: matched.unmatched,
    };
    if let Err(broken) = test_support::batch_matching_holds(&items, &keys, &matched) {
        panic!("{broken}: items {items:?}, answer {keys:?}");
    }
});
