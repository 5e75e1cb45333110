//! Pacing: each action sent no faster than its rate, by this process alone or by a whole
//! fleet through Redis (the `redis` feature).

mod local;
mod pacer;
mod rate_limit;
#[cfg(feature = "redis")]
mod shared;

pub(crate) use pacer::{pacers, Pacer};
pub use rate_limit::RateLimit;
#[cfg(feature = "redis")]
pub use shared::{OnOutage, SharedLimit};
