//! One process's own pace of an action: requests spaced evenly, with a burst of at most 1% of
//! the rate to absorb scheduling delays. Paced at 98% of the spec's rate, a burst that small
//! keeps every one-second window under the rate.

use crate::build_error::BuildError;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// The pace of one action, shared by every clone of a client.
pub(crate) type Limiter = governor::DefaultDirectRateLimiter;

/// A limiter of `per_second` requests a second; an error naming the rate when it is not a
/// positive, finite rate that can be paced.
pub(crate) fn limiter(per_second: f64) -> Result<Arc<Limiter>, BuildError> {
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(BuildError::RateLimit {
            value: per_second,
            problem: "must be a positive number of requests per second",
        });
    }
    let period = Duration::from_secs_f64(1.0 / per_second);
    let quota = governor::Quota::with_period(period)
        .ok_or(BuildError::RateLimit {
            value: per_second,
            problem: "is too high to pace",
        })?
        .allow_burst(NonZeroU32::new((per_second / 100.0) as u32).unwrap_or(NonZeroU32::MIN));
    Ok(Arc::new(governor::RateLimiter::direct(quota)))
}
