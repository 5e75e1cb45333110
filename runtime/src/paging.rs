//! Reading every page of an action that pages with a token (a request field and an answer
//! field the spec names): pages and items as `Stream`s, at most a bound of pages, and a
//! token the service repeats ending the stream with an error instead of a loop.

use crate::defaults;
use crate::error::Error;
use crate::service::ServiceCode;
use crate::text::{shown, MAX_SHOWN_CHARS};
use futures_util::stream::{self, Stream, StreamExt};
use std::collections::HashSet;
use std::future::Future;

/// A request of an action that pages with a token: what the runtime needs to read every
/// page. Implemented by generated request builders; reached through `__private`.
pub trait PagedRequest: Clone + Send + Sync {
    /// One page: the action's answer.
    type Page: Send;
    /// One item of a page.
    type Item: Send;
    /// The service's error codes.
    type Code: ServiceCode;

    /// This request, asking for the page after `token` (the first page with none).
    #[must_use]
    fn with_token(&self, token: Option<String>) -> Self;

    /// Sends this request: one page.
    fn send_page(self) -> impl Future<Output = Result<Self::Page, Error<Self::Code>>> + Send;

    /// The token of the page after `page`, if there is one.
    fn next_token(page: &Self::Page) -> Option<String>;

    /// The items of `page`.
    fn items(page: Self::Page) -> Vec<Self::Item>;
}

/// Every page of a paged request. Make one with a request builder's `into_paginator()`.
#[derive(Debug, Clone)]
#[must_use]
pub struct Paginator<R> {
    request: R,
    max_pages: usize,
}

/// Where a paginator is between pages.
struct Cursor<R: PagedRequest> {
    request: R,
    token: Option<String>,
    seen: HashSet<String>,
    pages: usize,
    max_pages: usize,
    /// An error to end the stream with, after the page that revealed it.
    pending: Option<Error<R::Code>>,
    done: bool,
}

impl<R: PagedRequest> Cursor<R> {
    /// The error that ends the stream, with what went wrong.
    fn malformed(detail: String) -> Error<R::Code> {
        Error::MalformedResponse {
            request_id: None,
            detail,
            source: None,
        }
    }

    /// The next item of the stream of pages, and the cursor after it.
    async fn step(mut self) -> Option<(Result<R::Page, Error<R::Code>>, Self)> {
        if self.done {
            return None;
        }
        if let Some(error) = self.pending.take() {
            self.done = true;
            return Some((Err(error), self));
        }
        if self.pages >= self.max_pages {
            self.done = true;
            let error = Self::malformed(format!(
                "more than {} pages (the paginator's max_pages); stopped reading",
                self.max_pages
            ));
            return Some((Err(error), self));
        }
        self.pages += 1;
        let request = self.request.with_token(self.token.take());
        let page = match request.send_page().await {
            Ok(page) => page,
            Err(error) => {
                self.done = true;
                return Some((Err(error), self));
            }
        };
        match R::next_token(&page).filter(|t| !t.trim().is_empty()) {
            None => self.done = true,
            Some(next) if !self.seen.insert(next.clone()) => {
                // The page read is still the caller's; the error follows it.
                self.pending = Some(Self::malformed(format!(
                    "the next-page token {} came twice; its pages would never end",
                    shown(&next, MAX_SHOWN_CHARS)
                )));
            }
            Some(next) => self.token = Some(next),
        }
        Some((Ok(page), self))
    }
}

impl<R: PagedRequest> Paginator<R> {
    /// A paginator over `request`, at most [`defaults::MAX_PAGES`] pages (generated code).
    #[doc(hidden)]
    pub fn __new(request: R) -> Self {
        Self {
            request,
            max_pages: defaults::MAX_PAGES,
        }
    }

    /// Reads at most `pages` pages; a service with more ends the stream with an error.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = pages;
        self
    }

    /// Every page, in order, each as its own call (limits, signing, pacing and retries
    /// apply). An error ends the stream: a failed call, more pages than the bound, or a
    /// next-page token the service gave before (after the page that carried it).
    pub fn pages(self) -> impl Stream<Item = Result<R::Page, Error<R::Code>>> {
        let cursor = Cursor {
            request: self.request,
            token: None,
            seen: HashSet::new(),
            pages: 0,
            max_pages: self.max_pages,
            pending: None,
            done: false,
        };
        stream::unfold(cursor, Cursor::step)
    }

    /// Every item of every page, in order; an error ends the stream as in
    /// [`Paginator::pages`].
    pub fn items(self) -> impl Stream<Item = Result<R::Item, Error<R::Code>>> {
        self.pages().flat_map(|page| {
            let items: Vec<Result<R::Item, Error<R::Code>>> = match page {
                Ok(page) => R::items(page).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(items)
        })
    }

    /// Every item of every page, collected; the first error instead if one ends the stream.
    pub async fn collect_items(self) -> Result<Vec<R::Item>, Error<R::Code>> {
        let items = self.items();
        futures_util::pin_mut!(items);
        let mut all = Vec::new();
        while let Some(item) = items.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}
