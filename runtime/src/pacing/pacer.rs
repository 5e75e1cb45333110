//! Each action's pacer, made from the client's [`RateLimit`] and the spec's rates: this
//! process's own limiter, or the fleet's schedule in Redis with its fallback.

use super::local::{limiter, Limiter};
use super::rate_limit::RateLimit;
use crate::build_error::BuildError;
use crate::defaults;
use crate::service::Service;
use std::collections::HashMap;
use std::sync::Arc;

/// How one action is paced: alone, or through the fleet's schedule in Redis.
#[derive(Clone)]
pub(crate) enum Pacer {
    /// This process's own limiter.
    Local(Arc<Limiter>),
    /// The fleet's schedule, with its fallback.
    #[cfg(feature = "redis")]
    Shared(Arc<super::shared::SharedPacer>),
}

impl Pacer {
    /// Waits for the call's slot; `account` (the SecretId) names the fleet's schedule. An
    /// error only when the shared limit cannot be reached and is set to fail then.
    pub(crate) async fn wait(&self, account: &str) -> Result<(), String> {
        match self {
            Self::Local(limiter) => {
                let _ = account;
                limiter.until_ready().await;
                Ok(())
            }
            #[cfg(feature = "redis")]
            Self::Shared(pacer) => pacer.wait(account).await.map_err(|outage| outage.0),
        }
    }
}

/// The pacer of every action of `service` that `rate_limit` paces (none with
/// [`RateLimit::Off`]). With a shared limit, one Redis connection serves every action.
pub(crate) fn pacers(
    service: &'static Service,
    rate_limit: &RateLimit,
) -> Result<HashMap<&'static str, Pacer>, BuildError> {
    #[cfg(feature = "redis")]
    let mut redis: Option<Arc<super::shared::RedisPace>> = None;
    let mut pacers = HashMap::new();
    for action in service.actions {
        let spec_rate = f64::from(action.rate_limit_per_second);
        let rate = match rate_limit {
            RateLimit::Spec => spec_rate * defaults::RATE_SHARE,
            RateLimit::ShareOfSpec(share) => spec_rate * share,
            RateLimit::PerSecond(n) => f64::from(*n),
            RateLimit::Off => continue,
            #[cfg(feature = "redis")]
            RateLimit::Shared(shared) => {
                let pacer = super::shared::shared_pacer(
                    &mut redis,
                    shared,
                    service.name,
                    action.name,
                    spec_rate,
                )?;
                pacers.insert(action.name, Pacer::Shared(pacer));
                continue;
            }
        };
        pacers.insert(action.name, Pacer::Local(limiter(rate)?));
    }
    Ok(pacers)
}
