//! `tc3-runtime`: the runtime of generated Tencent Cloud API 3.0 clients.
//!
#![doc = include_str!("../GUIDE.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer;
pub mod batch;
mod build_error;
mod builder;
mod calendar;
mod call;
mod call_options;
mod clock;
pub mod credentials;
pub mod defaults;
mod digest;
mod error;
mod generated;
pub mod interceptor;
mod language;
mod limits;
mod pacing;
mod paging;
mod retry;
mod runtime;
pub mod service;
pub mod signing;
mod telemetry;
mod text;
pub mod tls;
pub mod transport;
mod wire_trace;

pub use build_error::BuildError;
pub use builder::ClientBuilder;
pub use call_options::CallOptions;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Cause, Error, TimeoutScope};
pub use generated::GeneratedClient;
pub use language::Language;
pub use pacing::RateLimit;
#[cfg(feature = "redis")]
pub use pacing::{OnOutage, SharedLimit};
pub use paging::Paginator;
pub use retry::RetryPolicy;
pub use runtime::Runtime;

/// What generated code calls. Not an API: hidden from the docs, and free to change with the
/// runtime's version (generated crates depend on the version they were generated against).
#[doc(hidden)]
pub mod __private {
    pub use crate::answer::read_answer;
    pub use crate::batch::entry::{
        send_in_batches, send_reconciled, stream_in_batches, stream_reconciled,
    };
    pub use crate::batch::matching::{check_distinct_items, match_results, Matched};
    pub use crate::batch::reading::{ReadPage, ReadQuery};
    pub use crate::batch::request::{check_results, BatchRequest, ReadBack};
    pub use crate::limits::{
        chars_in, check_items, check_list_length, mismatch, too_long, too_short, ItemLimits,
    };
    pub use crate::paging::PagedRequest;
    pub use crate::text::{quoted, shown};
    pub use futures_util::stream::{BoxStream, Stream};

    /// A caller's stream of items, converted and boxed, so that what consumes it is compiled
    /// once, in the generated crate.
    pub fn boxed_items<'a, V: Into<I> + 'a, I: 'a>(
        items: impl Stream<Item = V> + Send + 'a,
    ) -> BoxStream<'a, I> {
        use futures_util::StreamExt;
        items.map(Into::into).boxed()
    }

    use crate::call_options::CallOptions;
    use crate::error::Error;

    /// A generated method's future, boxed by a non-generic, never-inlined function of the
    /// generated crate: the call pipeline's generic code is then compiled once, in that crate,
    /// instead of again in every crate that awaits it (seconds of each user's build).
    pub type CompiledHere<'a, T> =
        std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
    use crate::runtime::Runtime;
    use crate::service::{Action, ServiceCode};

    /// An invalid-request error with this message (nothing was sent).
    pub fn invalid_request<C: ServiceCode>(message: impl Into<String>) -> Error<C> {
        Error::invalid_request(message)
    }

    /// Calls `action` with `body` and returns the inner `Response` as `T`.
    pub async fn call<T: serde::de::DeserializeOwned, C: ServiceCode>(
        runtime: &Runtime,
        action: &'static Action,
        body: &impl serde::Serialize,
    ) -> Result<T, Error<C>> {
        runtime.call(action, body, &CallOptions::new()).await
    }

    /// [`call`] with settings of this call only.
    pub async fn call_with<T: serde::de::DeserializeOwned, C: ServiceCode>(
        runtime: &Runtime,
        action: &'static Action,
        body: &impl serde::Serialize,
        options: &CallOptions,
    ) -> Result<T, Error<C>> {
        runtime.call(action, body, options).await
    }
}
