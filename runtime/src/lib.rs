//! `tc3-runtime`: the hand-written runtime of clients generated from an OpenAPI spec of Tencent
//! Cloud API 3.0 actions.
//!
//! It signs requests (TC3-HMAC-SHA256), finds credentials, corrects clock skew, paces each
//! action under its rate, retries only what cannot happen twice, splits batches, and turns
//! every answer into a value or a typed [`Error`]. It knows no service and no action: a
//! generated client describes its API as data ([`service::Service`]) and its error codes as a
//! type ([`service::ServiceCode`]), and this crate does the rest.
//!
//! What a caller uses is at the crate root and in [`batch`], [`credentials`], [`defaults`],
//! [`service`], [`signing`] and [`tls`]. `__private` holds what generated code calls: it is
//! not an API, and changes in a way only generated code of the same runtime version can
//! follow.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer;
pub mod batch;
mod build_error;
mod builder;
mod call;
mod clock;
pub mod credentials;
pub mod defaults;
mod error;
mod generated;
mod language;
mod limits;
mod pacing;
mod retry;
mod runtime;
pub mod service;
pub mod signing;
mod text;
pub mod tls;

pub use build_error::BuildError;
pub use builder::ClientBuilder;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Cause, Error, TimeoutScope};
pub use generated::GeneratedClient;
pub use language::Language;
pub use pacing::RateLimit;
#[cfg(feature = "redis")]
pub use pacing::{OnOutage, SharedLimit};
pub use retry::RetryPolicy;
pub use runtime::Runtime;

/// What generated code calls. Not an API: hidden from the docs, and free to change with the
/// runtime's version (generated crates depend on the version they were generated against).
#[doc(hidden)]
pub mod __private {
    pub use crate::answer::read_answer;
    pub use crate::batch::matching::{check_distinct_items, match_results, Matched};
    pub use crate::batch::reading::{ReadPage, ReadQuery};
    pub use crate::batch::request::{send_in_batches, send_reconciled, BatchRequest, ReadBack};
    pub use crate::limits::{check_list_length, mismatch, too_long, too_short};
    pub use crate::text::{quoted, shown};

    use crate::error::Error;
    use crate::runtime::Runtime;
    use crate::service::{Action, ServiceCode};

    /// An invalid-request error with this message (nothing was sent).
    pub fn invalid_request<C: ServiceCode>(message: impl Into<String>) -> Error<C> {
        Error::invalid_request(message)
    }

    /// Calls `action` with `body` and returns the inner `Response` as `T`.
    pub async fn call<T: serde::de::DeserializeOwned, C: ServiceCode>(
        runtime: &Runtime,
        http: &reqwest::Client,
        action: &'static Action,
        body: &impl serde::Serialize,
    ) -> Result<T, Error<C>> {
        runtime.call(http, action, body).await
    }
}
