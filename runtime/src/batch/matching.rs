//! Matching one successful answer's results to its request's items, and the checks of a
//! batch's items before anything is sent.
//!
//! How a successful answer's results are matched to the request's items (with a key, i.e. the
//! spec names the result field that echoes the item), in [`match_results`]:
//! 1. a result whose key is a requested item not matched yet belongs to that item;
//! 2. a result whose key is another item, or an item already matched, belongs to none (it is
//!    counted in [`crate::BatchOutcome::unmatched_results`] and left out);
//! 3. a result with a blank or absent key (the service may not echo it: the field is nullable)
//!    belongs to the first requested item still without a result, in request order, since a
//!    successful answer means the request's items were taken; spare ones belong to none;
//! 4. a requested item left without any result is unknown
//!    ([`crate::BatchError::IncompleteAnswer`]).
//!
//! Without a key, every item of a successful request succeeded and every result is kept.

use crate::error::Error;
use crate::service::ServiceCode;
use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;

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
}
