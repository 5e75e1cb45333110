//! How fast a client sends each action: the setting.

/// How fast the client sends each action.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RateLimit {
    /// [`crate::defaults::RATE_SHARE`] of each action's `x-tc-rate-limit` (the default).
    Spec,
    /// This share of each action's spec rate, e.g. 0.25 on each of four machines sharing an
    /// account's quota.
    ShareOfSpec(f64),
    /// At most this many requests per second for every action.
    PerSecond(u32),
    /// No client-side limit.
    Off,
    /// One quota for every process of a fleet, kept in Redis (the `redis` feature): see
    /// [`crate::SharedLimit`].
    #[cfg(feature = "redis")]
    Shared(super::shared::SharedLimit),
}
