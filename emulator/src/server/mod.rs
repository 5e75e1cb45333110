//! The HTTP side, as a request flows: [`transport`] accepts connections and serves HTTP/1.1
//! on them; [`handle`] sends `POST /` and `GET /` to the API [`pipeline`], `GET
//! /latest/meta-data/…` to the CVM instance [`metadata`], and every other request to the
//! [`admin`] API. Each answer is written by [`answer`].

mod admin;
mod answer;
mod body;
mod call;
mod headers;
mod injected;
mod metadata;
mod pipeline;
pub(crate) mod state;
mod sts;
pub(crate) mod transport;

use answer::Answer;
use bytes::Bytes;
use hyper::body::Body;
use hyper::{Method, Request};
use state::Emulator;
use std::fmt::Display;

/// Answers one HTTP request: the API at `/` (`POST` or `GET`), the admin API otherwise.
pub(crate) async fn handle<B>(state: &Emulator, request: Request<B>) -> Answer
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    if matches!(*request.method(), Method::POST | Method::GET) && request.uri().path() == "/" {
        return pipeline::handle(state, request).await;
    }
    if *request.method() == Method::GET && request.uri().path().starts_with(metadata::PREFIX) {
        return Ok(metadata::handle(state, request.uri().path()));
    }
    Ok(admin::handle(state, request).await)
}
