//! `tc3-runtime`: the hand-written runtime of clients generated from an OpenAPI spec of Tencent
//! Cloud API 3.0 actions.
//!
//! It signs requests (TC3-HMAC-SHA256), finds credentials, corrects clock skew, paces each
//! action under its rate, retries only what cannot happen twice, splits batches, and turns
//! every answer into a value or a typed [`Error`]. It knows no service and no action: a
//! generated client describes its API as data ([`service::Service`]) and its error codes as a
//! type ([`service::ServiceCode`]), and this crate does the rest.

pub mod batch;
mod call;
mod client;
pub mod credentials;
mod error;
#[doc(hidden)]
pub mod limits;
pub mod reconcile;
pub mod retry;
pub mod service;
#[cfg(feature = "redis")]
pub mod shared_limit;
pub mod signing;
pub mod tls;

pub use call::read_answer;
pub use client::{
    BuildError, ClientBuilder, Clock, FixedClock, Language, RateLimit, Runtime, SystemClock,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ANSWER_BYTES, DEFAULT_OVERALL_TIMEOUT, DEFAULT_RATE_SHARE,
    DEFAULT_TIMEOUT, ENV_REGION, MAX_CLOCK_CORRECTION,
};
pub use credentials::{Credentials, ProvideCredentials};
pub use error::{shown, Cause, Error, TimeoutScope, MAX_SHOWN_CHARS};
pub use retry::RetryPolicy;
pub use service::{GeneratedClient, ServiceCode};
