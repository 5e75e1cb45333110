//! One rate limit for every process of a fleet, kept in Redis (the `redis` feature).
//!
//! Each call reserves the next slot of its (service, account, action) in a GCRA schedule held
//! in one Redis key, by a Lua script that runs atomically on the server and reads the server's
//! clock (so the fleet's clocks need not agree). The script answers how long to wait for the
//! slot; the caller sleeps that long and sends. Callers never fail for want of a slot. The key
//! expires once its schedule is in the past, so idle accounts and actions leave nothing behind;
//! its name is one hash tag, so it lives in one slot of a Redis Cluster.
//!
//! When Redis is unreachable or slower than [`SharedLimit::redis_timeout`], the call either
//! falls back to a local share of the quota ([`OnOutage::LocalShare`], the default; a warning
//! once per outage, and back to the shared schedule as soon as Redis answers) or fails before
//! sending ([`OnOutage::Fail`]). During an outage Redis is asked again at most every
//! [`crate::defaults::REDIS_PROBE_EVERY`], so calls do not each pay the timeout.
//!
//! So that a call does not wait for Redis before it is sent, each action reserves slots ahead,
//! in the background, while the calls that took the previous ones are in flight: as many as
//! pass during one round trip to Redis (its latency, measured, over the schedule's interval; at
//! most [`MAX_AHEAD`]), in one script call, consecutive in the schedule, whenever half of them
//! have been taken. So a Redis 40 ms away still serves a process its share,
//! where one slot a round trip would cap it at its concurrency over 40 ms. A slot reserved
//! ahead is used only until its time plus the schedule's burst tolerance has passed, else
//! dropped: a late slot can add no more than one burst to any one-second window (at 98% of
//! 1000/s with a burst of 9: at most 998), and slots dropped cost the fleet at most one batch.
//! A schedule without a burst tolerance (under 200 requests a second) reserves nothing ahead.

use super::local::Limiter;
use crate::defaults::{self, REDIS_PROBE_EVERY};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// The GCRA reservation of ARGV[3] consecutive slots: KEYS[1] the schedule, ARGV[1] the
/// interval and ARGV[2] the burst tolerance, both in microseconds. Returns the microseconds to
/// wait before sending in the first slot; the others follow an interval apart.
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now - tolerance
if wait < 0 then wait = 0 end
local next_tat = tat + interval * count
redis.call('SET', KEYS[1], next_tat, 'PX', math.floor((next_tat - now) / 1000) + 1000)
return wait
";

/// The most slots one action of one process reserves ahead in one round trip.
pub(crate) const MAX_AHEAD: u64 = 64;

/// What a call does when Redis cannot be reached in time.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum OnOutage {
    /// Pace this process alone at this share of the action's shared rate (e.g. 0.25 in a fleet
    /// of four), until Redis answers again.
    LocalShare(f64),
    /// Fail the call before sending, with an error that names Redis.
    Fail,
}

/// A rate limit shared through Redis by every process that uses the same Redis, service,
/// account (SecretId) and action.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct SharedLimit {
    pub(crate) url: String,
    pub(crate) share: f64,
    pub(crate) on_outage: OnOutage,
    pub(crate) redis_timeout: Duration,
    pub(crate) key_prefix: String,
}

impl SharedLimit {
    /// Schedules kept in the Redis at `url`, e.g. `redis://127.0.0.1:6379/0`; the fleet uses
    /// [`defaults::RATE_SHARE`] of each action's spec rate (headroom for network jitter), falls
    /// back to a local share of [`defaults::OUTAGE_SHARE`] when Redis is unreachable, waits
    /// [`defaults::REDIS_TIMEOUT`] for it, and its keys start with `tc3`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            share: defaults::RATE_SHARE,
            on_outage: OnOutage::LocalShare(defaults::OUTAGE_SHARE),
            redis_timeout: defaults::REDIS_TIMEOUT,
            key_prefix: "tc3".to_owned(),
        }
    }

    /// What to do when Redis is unreachable.
    pub fn on_outage(mut self, on_outage: OnOutage) -> Self {
        self.on_outage = on_outage;
        self
    }

    /// How long a call waits for Redis.
    pub fn redis_timeout(mut self, timeout: Duration) -> Self {
        self.redis_timeout = timeout;
        self
    }

    /// The share of each action's spec rate the fleet uses.
    pub fn share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// The first part of every key, to keep several fleets apart in one Redis.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }
}

/// Why a shared limit could not pace a call (only with [`OnOutage::Fail`]).
#[derive(Debug)]
pub(crate) struct Outage(pub(crate) String);

/// A connection being made, shared by the calls that wait for it.
type Connecting = futures_util::future::Shared<
    futures_util::future::BoxFuture<'static, Result<redis::aio::ConnectionManager, String>>,
>;

/// How long a connection to Redis may take in the background: its handshake and the
/// script's loading, a few round trips.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);

/// The connection to Redis shared by every action of one client and its clones.
pub(crate) struct RedisPace {
    client: redis::Client,
    connection: OnceCell<redis::aio::ConnectionManager>,
    /// The connection being made, in its own task: a call waits for it no longer than the
    /// timeout, but it goes on, so that a Redis whose handshake takes longer than one call
    /// may wait (a few round trips) is still reached.
    connecting: Mutex<Option<Connecting>>,
    script: redis::Script,
    timeout: Duration,
    in_outage: AtomicBool,
    next_probe: Mutex<Option<Instant>>,
}

impl RedisPace {
    /// A lazily connected Redis at `url`.
    pub(crate) fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            connection: OnceCell::new(),
            connecting: Mutex::new(None),
            script: redis::Script::new(SCRIPT),
            timeout,
            in_outage: AtomicBool::new(false),
            next_probe: Mutex::new(None),
        })
    }

    /// Reserves a slot of `key`'s schedule; the time to wait for it, as Redis said (checked by
    /// the caller: Redis may be broken or hostile).
    async fn reserve(
        &self,
        key: &str,
        interval_us: u64,
        tolerance_us: u64,
        count: u64,
    ) -> Result<i64, String> {
        let connect = self.connection();
        let work = async {
            let mut connection = connect.await?;
            self.script
                .key(key)
                .arg(interval_us)
                .arg(tolerance_us)
                .arg(count)
                .invoke_async::<i64>(&mut connection)
                .await
                .map_err(|e| e.to_string())
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    /// The connection, made in the background at the first call (and again after a failed
    /// attempt), with the script loaded so that the first reservation is one round trip.
    async fn connection(&self) -> Result<redis::aio::ConnectionManager, String> {
        use futures_util::FutureExt;
        if let Some(connection) = self.connection.get() {
            return Ok(connection.clone());
        }
        let connecting = {
            let mut slot = self.connecting.lock().unwrap_or_else(|e| e.into_inner());
            slot.get_or_insert_with(|| {
                let client = self.client.clone();
                // Reconnect attempts come often enough that a restarted Redis is used again
                // within a probe or two, and each command gives up as soon as a call would.
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_min_delay(Duration::from_millis(20))
                    .set_max_delay(REDIS_PROBE_EVERY / 2)
                    .set_connection_timeout(Some(CONNECT_WITHIN))
                    .set_response_timeout(Some(self.timeout));
                let made = tokio::spawn(async move {
                    let connect = async {
                        let mut connection =
                            redis::aio::ConnectionManager::new_with_config(client, config)
                                .await
                                .map_err(|e| e.to_string())?;
                        redis::cmd("SCRIPT")
                            .arg("LOAD")
                            .arg(SCRIPT)
                            .query_async::<String>(&mut connection)
                            .await
                            .map_err(|e| e.to_string())?;
                        Ok(connection)
                    };
                    tokio::time::timeout(CONNECT_WITHIN, connect)
                        .await
                        .unwrap_or_else(|_| Err(format!("no connection within {CONNECT_WITHIN:?}")))
                });
                async move { made.await.unwrap_or_else(|e| Err(e.to_string())) }
                    .boxed()
                    .shared()
            })
            .clone()
        };
        let made = connecting.await;
        let mut slot = self.connecting.lock().unwrap_or_else(|e| e.into_inner());
        *slot = None;
        match made {
            Ok(connection) => {
                let _ = self.connection.set(connection.clone());
                Ok(connection)
            }
            Err(e) => Err(e),
        }
    }

    /// Drops `key` (a schedule whose answer could not be obeyed); a failure is left for the
    /// next reservation to meet.
    async fn repair(&self, key: &str) {
        let Some(connection) = self.connection.get() else {
            return;
        };
        let mut connection = connection.clone();
        let mut command = redis::cmd("DEL");
        command.arg(key);
        let drop_key = command.query_async::<i64>(&mut connection);
        let _ = tokio::time::timeout(self.timeout, drop_key).await;
        tracing::warn!("the shared rate limit's schedule held an impossible wait; it was reset");
    }

    /// Whether to ask Redis now: always outside an outage, every [`defaults::REDIS_PROBE_EVERY`] inside one.
    fn should_ask(&self) -> bool {
        if !self.in_outage.load(Ordering::Acquire) {
            return true;
        }
        let mut next = self.next_probe.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match *next {
            Some(at) if now < at => false,
            _ => {
                *next = Some(now + REDIS_PROBE_EVERY);
                true
            }
        }
    }

    fn outage_began(&self, url: &str, reason: &str) {
        if !self.in_outage.swap(true, Ordering::AcqRel) {
            *self.next_probe.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(Instant::now() + REDIS_PROBE_EVERY);
            tracing::warn!(
                redis = %redacted(url),
                reason,
                "the shared rate limit's Redis is unreachable; pacing on the outage setting until it answers"
            );
        }
    }

    fn outage_ended(&self, url: &str) {
        if self.in_outage.swap(false, Ordering::AcqRel) {
            tracing::info!(redis = %redacted(url), "the shared rate limit's Redis answers again; back to the shared quota");
        }
    }
}

/// Sleeps until `at`, and not at all when it has come (a timer rounds up to a millisecond).
async fn sleep_until(at: Instant) {
    if at > Instant::now() {
        tokio::time::sleep_until(at.into()).await;
    }
}

/// A Redis URL without its password.
pub(crate) fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(an unparsable URL)".to_owned(),
    }
}

/// A slot of an account's schedule, reserved ahead of the call that will use it.
#[derive(Clone, Debug, PartialEq)]
struct Reserved {
    account: String,
    /// When the slot comes (the call sleeps until then).
    at: Instant,
    /// The last moment the slot may still be used.
    use_by: Instant,
}

impl Reserved {
    /// Whether a call of `account` may use this slot at `now`.
    fn usable(&self, account: &str, now: Instant) -> bool {
        self.account == account && now <= self.use_by
    }
}

/// One action's pace through Redis, with its fallback.
pub(crate) struct SharedPacer {
    redis: Arc<RedisPace>,
    url: String,
    key: String,
    interval_us: u64,
    tolerance_us: u64,
    fallback: Option<Arc<Limiter>>,
    /// The slots reserved ahead for the next calls, earliest first.
    ahead: Mutex<std::collections::VecDeque<Reserved>>,
    /// Whether a reservation ahead is under way.
    reserving_ahead: AtomicBool,
    /// The last round trip to Redis, in microseconds (0 before the first).
    round_trip_us: std::sync::atomic::AtomicU64,
    /// Told when a reservation ahead ends (slots added, or none).
    refilled: tokio::sync::Notify,
}

impl SharedPacer {
    /// The pace of `action` of `service` at `per_second` for the whole fleet.
    pub(crate) fn new(
        redis: Arc<RedisPace>,
        limit: &SharedLimit,
        service: &str,
        action: &str,
        per_second: f64,
        fallback: Option<Arc<Limiter>>,
    ) -> Self {
        let interval_us = (1_000_000.0 / per_second).round().max(1.0) as u64;
        // The same burst as the local limiter: 1% of the rate, at least one request.
        let burst = (per_second / 100.0).floor().max(1.0) as u64;
        Self {
            redis,
            url: limit.url.clone(),
            key: format!("{}:{service}:{{account}}:{action}", limit.key_prefix),
            interval_us,
            tolerance_us: interval_us * (burst - 1),
            fallback,
            ahead: Mutex::new(std::collections::VecDeque::new()),
            reserving_ahead: AtomicBool::new(false),
            round_trip_us: std::sync::atomic::AtomicU64::new(0),
            refilled: tokio::sync::Notify::new(),
        }
    }

    /// The key of `account`'s schedule: one hash tag, so one Redis Cluster slot.
    fn key_for(&self, account: &str) -> String {
        format!("{{{}}}", self.key.replace("{account}", account))
    }

    /// Waits for this call's slot.
    pub(crate) async fn wait(self: &Arc<Self>, account: &str) -> Result<(), Outage> {
        if let Some(slot) = self.take_ahead(account) {
            self.reserve_ahead(account);
            sleep_until(slot).await;
            return Ok(());
        }
        // Slots on their way: wait for them (no longer than a call waits for Redis) rather
        // than ask for one more alone, a round trip during which theirs would pass unused.
        if self.reserving_ahead.load(Ordering::Acquire) {
            let refilled = self.refilled.notified();
            tokio::pin!(refilled);
            refilled.as_mut().enable();
            if self.reserving_ahead.load(Ordering::Acquire) {
                let _ = tokio::time::timeout(self.redis.timeout, refilled).await;
            }
            if let Some(slot) = self.take_ahead(account) {
                self.reserve_ahead(account);
                sleep_until(slot).await;
                return Ok(());
            }
        }
        if self.redis.should_ask() {
            match self.reserve(account, 1).await {
                Ok(mut slots) => {
                    let slot = slots.remove(0);
                    self.redis.outage_ended(&self.url);
                    self.reserve_ahead(account);
                    sleep_until(slot.at).await;
                    return Ok(());
                }
                Err(reason) => self.redis.outage_began(&self.url, &reason),
            }
        }
        match &self.fallback {
            Some(limiter) => {
                limiter.until_ready().await;
                Ok(())
            }
            None => Err(Outage(format!(
                "the shared rate limit's Redis ({}) is unreachable; nothing was sent",
                redacted(&self.url)
            ))),
        }
    }

    /// The longest wait a healthy schedule can ask for: a second, or a thousand slots at a
    /// low rate. A longer one (a key a backward step of Redis's clock left in the future) or a
    /// negative one (a broken or hostile Redis) is not obeyed: it is an outage.
    fn max_wait_us(&self) -> u64 {
        (self.interval_us.saturating_mul(1000)).max(1_000_000)
    }

    /// Reserves the next `count` slots of `account`'s schedule (at least one), earliest
    /// first. A wait Redis cannot mean is refused, and the schedule's key dropped so that the
    /// fleet's next reservation starts it afresh.
    async fn reserve(&self, account: &str, count: u64) -> Result<Vec<Reserved>, String> {
        let key = self.key_for(account);
        let count = count.clamp(1, MAX_AHEAD);
        let asked = Instant::now();
        let wait = self
            .redis
            .reserve(&key, self.interval_us, self.tolerance_us, count)
            .await?;
        self.round_trip_us.store(
            u64::try_from(asked.elapsed().as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        let wait_us = match u64::try_from(wait) {
            Ok(us) if us <= self.max_wait_us() => us,
            _ => {
                self.redis.repair(&key).await;
                return Err(format!(
                    "Redis asked for a wait of {wait} µs, beyond the {} µs a healthy schedule can ask; the schedule was reset",
                    self.max_wait_us()
                ));
            }
        };
        let first = Instant::now() + Duration::from_micros(wait_us);
        let grace = Duration::from_micros(self.tolerance_us);
        Ok((0..count)
            .map(|k| {
                let at = first + Duration::from_micros(self.interval_us.saturating_mul(k));
                Reserved {
                    account: account.to_owned(),
                    at,
                    use_by: at + grace,
                }
            })
            .collect())
    }

    /// How many slots to reserve ahead: as many as pass during one round trip to Redis (and
    /// one more), at most [`MAX_AHEAD`].
    fn batch(&self) -> u64 {
        let round_trip = self.round_trip_us.load(Ordering::Relaxed);
        (round_trip / self.interval_us.max(1) + 1).clamp(1, MAX_AHEAD)
    }

    /// The earliest slot reserved ahead this call may use (stale ones, and another account's,
    /// are dropped).
    fn take_ahead(&self, account: &str) -> Option<Instant> {
        let mut ahead = self.ahead.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        while let Some(slot) = ahead.pop_front() {
            if slot.usable(account, now) {
                return Some(slot.at);
            }
            if slot.account != account {
                ahead.clear();
            }
        }
        None
    }

    /// Reserves the next calls' slots in the background (one round trip's worth, see
    /// [`SharedPacer::batch`]) once no more than half that many are left ahead, unless a
    /// reservation is under way or the schedule has no burst tolerance (a slot could then only
    /// be used before its time).
    fn reserve_ahead(self: &Arc<Self>, account: &str) {
        if self.tolerance_us == 0 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.reserving_ahead.swap(true, Ordering::AcqRel) {
            return;
        }
        let count = self.batch();
        // Half a round trip's slots still ahead: the next batch arrives before they run out.
        if self.ahead.lock().unwrap_or_else(|e| e.into_inner()).len() as u64 > count / 2 {
            self.reserving_ahead.store(false, Ordering::Release);
            return;
        }
        let pacer = Arc::clone(self);
        let account = account.to_owned();
        runtime.spawn(async move {
            // A failure here is left for the next call to meet (and to report) itself.
            if let Ok(slots) = pacer.reserve(&account, count).await {
                pacer
                    .ahead
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(slots);
            }
            pacer.reserving_ahead.store(false, Ordering::Release);
            pacer.refilled.notify_waiters();
        });
    }
}

/// The fleet's pace of `action` under `shared`, through the client's one Redis connection
/// (made at the first shared action).
pub(crate) fn shared_pacer(
    redis: &mut Option<Arc<RedisPace>>,
    shared: &SharedLimit,
    service: &str,
    action: &str,
    spec_rate: f64,
) -> Result<Arc<SharedPacer>, crate::build_error::BuildError> {
    let fallback = match shared.on_outage {
        OnOutage::LocalShare(share) => Some(super::local::limiter(spec_rate * share)?),
        OnOutage::Fail => None,
    };
    let per_second = spec_rate * shared.share;
    // The same check of the rate as a local limiter's (positive, finite).
    super::local::limiter(per_second)?;
    let connection = match redis {
        Some(connection) => connection.clone(),
        None => {
            let made = Arc::new(RedisPace::new(&shared.url, shared.redis_timeout).map_err(
                |problem| crate::build_error::BuildError::SharedLimit {
                    value: redacted(&shared.url),
                    problem,
                },
            )?);
            *redis = Some(made.clone());
            made
        }
    };
    Ok(Arc::new(SharedPacer::new(
        connection, shared, service, action, per_second, fallback,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_reserved_ahead_serves_only_its_account_and_only_until_its_grace_ends() {
        let now = Instant::now();
        let slot = Reserved {
            account: "AKIDone".to_owned(),
            at: now + Duration::from_millis(5),
            use_by: now + Duration::from_millis(13),
        };
        assert!(slot.usable("AKIDone", now));
        assert!(slot.usable("AKIDone", now + Duration::from_millis(13)));
        assert!(!slot.usable("AKIDone", now + Duration::from_millis(14)));
        assert!(!slot.usable("AKIDtwo", now));
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        let shown = redacted("redis://user:hunter2@127.0.0.1:6379/0");
        assert!(
            !shown.contains("hunter2") && shown.contains("127.0.0.1"),
            "{shown}"
        );
    }
}
