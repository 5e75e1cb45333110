//! What a read-back asks for and what one page of its answer holds.

/// What one read-back request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadQuery<I> {
    /// Every result in the batch request's scope (e.g. one session), page by page.
    Scope,
    /// The results for one item, page by page.
    Item(I),
}

/// One page of a read-back's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadPage<R> {
    /// The page's results that lie in the batch request's scope and count as present.
    pub results: Vec<R>,
    /// The token of the next page, if there is one.
    pub next_token: Option<String>,
}
