//! Seeded, reproducible fault injection: each request draws once from a seeded generator
//! and gets at most one fault. The same seed and the same request order give the same faults.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use std::sync::Mutex;
use std::time::Duration;

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// HTTP 200 with the InternalError envelope; nothing is changed.
    InternalError,
    /// HTTP 500 with a plain body; nothing is changed.
    Http500,
    /// HTTP 503 with a plain body; nothing is changed.
    Http503,
    /// The request is served normally after a delay.
    Latency,
    /// The connection is closed without an answer; nothing is changed.
    DropConnection,
    /// HTTP 200 with a body that is not JSON; nothing is changed.
    MalformedBody,
    /// HTTP 200 with a JSON envelope cut short; nothing is changed.
    TruncatedBody,
    /// The request is served normally with a `Date` header off by the set seconds.
    SkewedDate,
    /// The request is served (its join applied), then the connection is closed without the
    /// answer.
    DropAfterApply,
    /// The request is served (its join applied), then answered HTTP 500 instead.
    Http500AfterApply,
    /// The request is served (its join applied), then answered with its envelope cut short.
    TruncatedAfterApply,
    /// The request is served (its join applied), and its answer sent after the set delay
    /// (`latency-after-apply=SHARE:MILLIS`, longer than the client's attempt timeout).
    LatencyAfterApply,
}

impl FaultKind {
    /// Every kind, in the order shares are drawn.
    pub const ALL: [FaultKind; 12] = [
        Self::InternalError,
        Self::Http500,
        Self::Http503,
        Self::Latency,
        Self::DropConnection,
        Self::MalformedBody,
        Self::TruncatedBody,
        Self::SkewedDate,
        Self::DropAfterApply,
        Self::Http500AfterApply,
        Self::TruncatedAfterApply,
        Self::LatencyAfterApply,
    ];

    /// The kinds that change no state (the answer is lost before the request is served).
    pub const BEFORE_APPLY: [FaultKind; 6] = [
        Self::InternalError,
        Self::Http500,
        Self::Http503,
        Self::DropConnection,
        Self::MalformedBody,
        Self::TruncatedBody,
    ];

    /// The kinds that serve the request (its join applied) and then lose its answer.
    pub const AFTER_APPLY: [FaultKind; 4] = [
        Self::DropAfterApply,
        Self::Http500AfterApply,
        Self::TruncatedAfterApply,
        Self::LatencyAfterApply,
    ];

    /// The kind's name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::InternalError => "internal-error",
            Self::Http500 => "http-500",
            Self::Http503 => "http-503",
            Self::Latency => "latency",
            Self::DropConnection => "drop-connection",
            Self::MalformedBody => "malformed-body",
            Self::TruncatedBody => "truncated-body",
            Self::SkewedDate => "skewed-date",
            Self::DropAfterApply => "drop-after-apply",
            Self::Http500AfterApply => "http-500-after-apply",
            Self::TruncatedAfterApply => "truncated-after-apply",
            Self::LatencyAfterApply => "latency-after-apply",
        }
    }

    /// Whether the request is still served (and may change state) under this fault.
    #[must_use]
    pub fn serves_request(self) -> bool {
        matches!(self, Self::Latency | Self::SkewedDate) || self.after_apply()
    }

    /// Whether the request is served and its answer then lost or late.
    #[must_use]
    pub fn after_apply(self) -> bool {
        Self::AFTER_APPLY.contains(&self)
    }
}

/// The largest `skewed-date` skew accepted, either way: 10 years of 365 days, in seconds.
pub const MAX_DATE_SKEW_SECS: i64 = 10 * 365 * 86_400;
/// The largest `latency` accepted: one hour, in milliseconds.
pub const MAX_LATENCY_MILLIS: u64 = 3_600_000;

/// The delay of `latency=SHARE:MILLIS` or `latency-after-apply=SHARE:MILLIS` (`text`, the
/// whole flag, names it in the error).
fn latency_param(text: &str, ms: &str) -> Result<Duration, String> {
    let ms: u64 = ms
        .trim_end_matches("ms")
        .parse()
        .map_err(|_| format!("--fault {text:?}: latency {ms:?} must be whole milliseconds"))?;
    if ms > MAX_LATENCY_MILLIS {
        return Err(format!(
            "--fault {text:?}: latency {ms} ms is over the limit of {MAX_LATENCY_MILLIS} ms (one hour)"
        ));
    }
    Ok(Duration::from_millis(ms))
}

/// Shares of requests per fault kind, and the parameters of latency and date skew.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// The generator's seed.
    pub seed: u64,
    /// `(kind, share in 0..=1)`; the shares add up to at most 1.
    pub shares: Vec<(FaultKind, f64)>,
    /// Added latency, at most [`MAX_LATENCY_MILLIS`].
    pub latency: Duration,
    /// Seconds added to `Date` (negative: behind), at most [`MAX_DATE_SKEW_SECS`] either way.
    pub date_skew_secs: i64,
    /// The delay of `latency-after-apply` answers, at most [`MAX_LATENCY_MILLIS`].
    pub latency_after_apply: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            shares: Vec::new(),
            latency: Duration::from_millis(200),
            date_skew_secs: 600,
            latency_after_apply: Duration::from_millis(2000),
        }
    }
}

impl FaultConfig {
    /// Parses `kind=share`, `latency=share:MILLIS` or `skewed-date=share:SECONDS` into this
    /// configuration.
    pub fn add(&mut self, text: &str) -> Result<(), String> {
        let (name, value) = text
            .split_once('=')
            .ok_or_else(|| format!("--fault {text:?}: expected KIND=SHARE"))?;
        let kind = FaultKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = FaultKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "--fault {text:?}: unknown kind {name:?}; known: {}",
                    names.join(", ")
                )
            })?;
        let (share, param) = match value.split_once(':') {
            Some((s, p)) => (s, Some(p)),
            None => (value, None),
        };
        let share: f64 = share
            .parse()
            .ok()
            .filter(|s: &f64| (0.0..=1.0).contains(s))
            .ok_or_else(|| {
                format!("--fault {text:?}: the share {share:?} must be a number from 0 to 1")
            })?;
        match (kind, param) {
            (FaultKind::Latency, Some(ms)) => self.latency = latency_param(text, ms)?,
            (FaultKind::LatencyAfterApply, Some(ms)) => {
                self.latency_after_apply = latency_param(text, ms)?
            }
            (FaultKind::SkewedDate, Some(secs)) => {
                let skew: i64 = secs.parse().map_err(|_| {
                    format!("--fault {text:?}: skew {secs:?} must be whole seconds")
                })?;
                if skew.unsigned_abs() > MAX_DATE_SKEW_SECS.unsigned_abs() {
                    return Err(format!(
                        "--fault {text:?}: skew {skew} s is beyond the limit of ±{MAX_DATE_SKEW_SECS} s (10 years)"
                    ));
                }
                self.date_skew_secs = skew;
            }
            (_, Some(_)) => return Err(format!("--fault {text:?}: {name} takes no parameter")),
            (_, None) => {}
        }
        self.shares.retain(|(k, _)| *k != kind);
        self.shares.push((kind, share));
        let total: f64 = self.shares.iter().map(|(_, s)| s).sum();
        if total > 1.0 + 1e-9 {
            return Err(format!(
                "--fault: the shares add up to {total}, more than 1"
            ));
        }
        Ok(())
    }

    /// Checks what [`FaultConfig::add`] checks, for a configuration built field by field; the
    /// error names the field, the limit and the value.
    pub fn validate(&self) -> Result<(), String> {
        if self.date_skew_secs.unsigned_abs() > MAX_DATE_SKEW_SECS.unsigned_abs() {
            return Err(format!(
                "faults.date_skew_secs: {} s is beyond the limit of ±{MAX_DATE_SKEW_SECS} s (10 years)",
                self.date_skew_secs
            ));
        }
        for (field, latency) in [
            ("faults.latency", self.latency),
            ("faults.latency_after_apply", self.latency_after_apply),
        ] {
            if latency > Duration::from_millis(MAX_LATENCY_MILLIS) {
                return Err(format!(
                    "{field}: {} ms is over the limit of {MAX_LATENCY_MILLIS} ms (one hour)",
                    latency.as_millis()
                ));
            }
        }
        for (kind, share) in &self.shares {
            if !(0.0..=1.0).contains(share) {
                return Err(format!(
                    "faults.shares: the share of {} is {share}, it must be from 0 to 1",
                    kind.name()
                ));
            }
        }
        let total: f64 = self.shares.iter().map(|(_, s)| s).sum();
        if total > 1.0 + 1e-9 {
            return Err(format!(
                "faults.shares: the shares add up to {total}, more than 1"
            ));
        }
        Ok(())
    }

    /// The same share of every kind whose answer tells the truth about the state: all but
    /// the after-apply kinds.
    #[must_use]
    pub fn all_kinds(seed: u64, share_each: f64) -> Self {
        Self {
            seed,
            shares: FaultKind::ALL
                .iter()
                .filter(|k| !k.after_apply())
                .map(|k| (*k, share_each))
                .collect(),
            ..Self::default()
        }
    }

    /// The same share of each after-apply kind (the join applied, its answer lost or late).
    #[must_use]
    pub fn after_apply_kinds(seed: u64, share_each: f64) -> Self {
        Self {
            seed,
            shares: FaultKind::AFTER_APPLY
                .iter()
                .map(|k| (*k, share_each))
                .collect(),
            ..Self::default()
        }
    }
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").finish_non_exhaustive()
    }
}

/// Draws the fault of each request.
pub struct Faults {
    config: FaultConfig,
    rng: Mutex<StdRng>,
}

impl Faults {
    /// Faults as configured, from the configured seed.
    #[must_use]
    pub fn new(config: FaultConfig) -> Self {
        Self {
            rng: Mutex::new(StdRng::seed_from_u64(config.seed)),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// The fault of the next request, if any.
    pub fn draw(&self) -> Option<FaultKind> {
        if self.config.shares.is_empty() {
            return None;
        }
        let roll: f64 = self.rng.lock().unwrap_or_else(|e| e.into_inner()).random();
        let mut edge = 0.0;
        for (kind, share) in &self.config.shares {
            edge += share;
            if roll < edge {
                return Some(*kind);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let config = FaultConfig::all_kinds(42, 0.1);
        let a: Vec<_> = (0..200)
            .map({
                let f = Faults::new(config.clone());
                move |_| f.draw()
            })
            .collect();
        let b: Vec<_> = (0..200)
            .map({
                let f = Faults::new(config.clone());
                move |_| f.draw()
            })
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().any(Option::is_none) && a.iter().any(Option::is_some));
    }

    #[test]
    fn parses_kinds_and_parameters() {
        let mut c = FaultConfig::default();
        c.add("http-503=0.25").unwrap();
        c.add("latency=0.1:50ms").unwrap();
        c.add("skewed-date=0.1:-600").unwrap();
        assert_eq!(c.latency, Duration::from_millis(50));
        assert_eq!(c.date_skew_secs, -600);
        assert!(c.add("nonsense=0.1").unwrap_err().contains("unknown kind"));
        assert!(c.add("http-500=2").unwrap_err().contains("from 0 to 1"));
        assert!(c.add("http-500=0.6").unwrap_err().contains("more than 1"));
    }

    #[test]
    fn refuses_a_skew_or_latency_beyond_its_limit_naming_it() {
        let mut c = FaultConfig::default();
        c.add("skewed-date=1:315360000").unwrap();
        c.add("skewed-date=1:-315360000").unwrap();
        let e = c.add("skewed-date=1:315360001").unwrap_err();
        assert!(
            e.contains("--fault") && e.contains("315360001") && e.contains("±315360000 s"),
            "{e}"
        );
        let e = c.add("skewed-date=1:-9223372036854775808").unwrap_err();
        assert!(e.contains("-9223372036854775808"), "{e}");
        let e = c.add("latency=0.1:3600001").unwrap_err();
        assert!(e.contains("3600001 ms") && e.contains("3600000 ms"), "{e}");
        assert_eq!(
            c.date_skew_secs, -315_360_000,
            "a refused value changes nothing"
        );

        let built = FaultConfig {
            date_skew_secs: i64::MAX,
            ..FaultConfig::default()
        };
        let e = built.validate().unwrap_err();
        assert!(
            e.contains("faults.date_skew_secs") && e.contains(&i64::MAX.to_string()),
            "{e}"
        );
        let built = FaultConfig {
            shares: vec![(FaultKind::Http500, f64::NAN)],
            ..FaultConfig::default()
        };
        assert!(built.validate().unwrap_err().contains("http-500"));
        assert!(FaultConfig::all_kinds(1, 0.1).validate().is_ok());
    }

    #[test]
    fn after_apply_kinds_parse_with_their_delay_and_stay_out_of_all_kinds() {
        let mut c = FaultConfig::default();
        c.add("drop-after-apply=0.1").unwrap();
        c.add("latency-after-apply=0.05:3000").unwrap();
        assert_eq!(c.latency_after_apply, Duration::from_millis(3000));
        assert_eq!(
            c.shares,
            [
                (FaultKind::DropAfterApply, 0.1),
                (FaultKind::LatencyAfterApply, 0.05)
            ]
        );
        let e = c.add("latency-after-apply=0.1:3600001").unwrap_err();
        assert!(e.contains("3600001 ms"), "{e}");
        assert!(FaultConfig::all_kinds(1, 0.1)
            .shares
            .iter()
            .all(|(k, _)| !k.after_apply()));
        assert!(FaultConfig::after_apply_kinds(1, 0.1)
            .shares
            .iter()
            .all(|(k, _)| k.after_apply() && k.serves_request()));
    }
}
