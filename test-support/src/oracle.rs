//! The batch-matching oracle: the rules an exact matching of a batch answer's results to its
//! request's items obeys. The caller runs the matching (the runtime's
//! `batch::match_results`) and hands over what it decided, so this crate needs no runtime.

/// What a batch matching decided for item ids and result keys: the fields of the runtime's
/// `batch::Matched`.
#[derive(Clone, Debug, Default)]
pub struct BatchMatching {
    /// The items that have a result, in request order.
    pub succeeded: Vec<String>,
    /// `results[i]` (a result's key) belongs to `succeeded[i]`.
    pub results: Vec<Option<String>>,
    /// The items without a result, in request order.
    pub missing: Vec<String>,
    /// Results that belong to no item.
    pub unmatched: usize,
}

/// Checks that `matched`, the batch matching of a request's distinct `items` and an answer's
/// result keys, is exact: every item exactly once in succeeded or missing, every result
/// either given to one item (its own key, or a blank key) or counted as unmatched, blank keys
/// used only for items no keyed result claimed, and no item missing while a blank result was
/// left over. `Err` says which rule broke.
pub fn batch_matching_holds(
    items: &[String],
    answer_keys: &[Option<String>],
    matched: &BatchMatching,
) -> Result<(), String> {
    use std::collections::{BTreeMap, BTreeSet};
    let blank = |k: &Option<String>| k.as_deref().is_none_or(|k| k.trim().is_empty());
    let succeeded: BTreeSet<&String> = matched.succeeded.iter().collect();
    let missing: BTreeSet<&String> = matched.missing.iter().collect();
    let all: BTreeSet<&String> = items.iter().collect();
    if succeeded.len() != matched.succeeded.len() || missing.len() != matched.missing.len() {
        return Err("an item is reported twice".into());
    }
    if !succeeded.is_disjoint(&missing)
        || succeeded.union(&missing).copied().collect::<BTreeSet<_>>() != all
    {
        return Err("succeeded and missing do not partition the items".into());
    }
    if matched.results.len() != matched.succeeded.len() {
        return Err("results and succeeded differ in length".into());
    }
    if matched.results.len() + matched.unmatched != answer_keys.len() {
        return Err(format!(
            "{} results given, {} used and {} unmatched",
            answer_keys.len(),
            matched.results.len(),
            matched.unmatched
        ));
    }
    for (item, key) in matched.succeeded.iter().zip(&matched.results) {
        if !blank(key) && key.as_deref() != Some(item.as_str()) {
            return Err(format!("{item} was given the result of {key:?}"));
        }
    }
    let keyed: BTreeMap<&str, usize> = answer_keys
        .iter()
        .filter(|k| !blank(k))
        .filter_map(|k| k.as_deref())
        .fold(BTreeMap::new(), |mut m, k| {
            *m.entry(k).or_default() += 1;
            m
        });
    for item in items {
        if keyed.contains_key(item.as_str()) && !succeeded.contains(item) {
            return Err(format!("{item} has a result of its own but is missing"));
        }
    }
    let blanks = answer_keys.iter().filter(|k| blank(k)).count();
    let without_own = items
        .iter()
        .filter(|i| !keyed.contains_key(i.as_str()))
        .count();
    if matched.missing.len() != without_own.saturating_sub(blanks) {
        return Err(format!(
            "{} missing, expected {} ({without_own} items without their own result, {blanks} blank results)",
            matched.missing.len(),
            without_own.saturating_sub(blanks)
        ));
    }
    Ok(())
}
