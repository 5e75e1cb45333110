//! Metrics through the `metrics` facade (the `metrics` feature; without it, nothing is
//! recorded and nothing is compiled in). Labelled by service and action only — never by
//! player, session or credential. No exporter here: the application installs one.
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `tc3_calls_total` | counter | `service`, `action`, `outcome` (`ok`, `failed`, `unknown`) |
//! | `tc3_attempts_total` | counter | `service`, `action`, `outcome` (`ok`, `error`) |
//! | `tc3_retries_total` | counter | `service`, `action`, `reason` (`throttled`, `not_sent`, `effect_unknown`, `clock_skew`) |
//! | `tc3_throttled_total` | counter | `service`, `action` |
//! | `tc3_reconcile_reads_total` | counter | (none: each read is also a call of its action) |
//! | `tc3_call_duration_seconds` | histogram | `service`, `action` |
//! | `tc3_attempt_duration_seconds` | histogram | `service`, `action` |
//! | `tc3_limiter_wait_seconds` | histogram | `service`, `action` |

use crate::interceptor::AttemptReport;
use std::time::Duration;

/// A call ended: `unknown` when it failed in a way that may have taken effect.
pub(crate) fn call(
    service: &'static str,
    action: &'static str,
    ok: bool,
    unknown: bool,
    took: Duration,
) {
    #[cfg(feature = "metrics")]
    {
        let outcome = match (ok, unknown) {
            (true, _) => "ok",
            (false, true) => "unknown",
            (false, false) => "failed",
        };
        metrics::counter!("tc3_calls_total", "service" => service, "action" => action, "outcome" => outcome)
            .increment(1);
        metrics::histogram!("tc3_call_duration_seconds", "service" => service, "action" => action)
            .record(took.as_secs_f64());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (service, action, ok, unknown, took);
}

/// An attempt ended.
pub(crate) fn attempt(report: &AttemptReport<'_>) {
    #[cfg(feature = "metrics")]
    {
        let (service, action) = (report.service, report.action);
        let outcome = if report.ok { "ok" } else { "error" };
        metrics::counter!("tc3_attempts_total", "service" => service, "action" => action, "outcome" => outcome)
            .increment(1);
        metrics::histogram!("tc3_attempt_duration_seconds", "service" => service, "action" => action)
            .record(report.latency.as_secs_f64());
        if report
            .error_code
            .is_some_and(|c| c.split('.').next() == Some("RequestLimitExceeded"))
        {
            metrics::counter!("tc3_throttled_total", "service" => service, "action" => action)
                .increment(1);
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = report;
}

/// A call is retried for `reason`.
pub(crate) fn retry(service: &'static str, action: &'static str, reason: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("tc3_retries_total", "service" => service, "action" => action, "reason" => reason)
        .increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = (service, action, reason);
}

/// A call waited `waited` for its pacer.
pub(crate) fn limiter_wait(service: &'static str, action: &'static str, waited: Duration) {
    #[cfg(feature = "metrics")]
    metrics::histogram!("tc3_limiter_wait_seconds", "service" => service, "action" => action)
        .record(waited.as_secs_f64());
    #[cfg(not(feature = "metrics"))]
    let _ = (service, action, waited);
}

/// Reconciliation sent one read-back request.
pub(crate) fn reconcile_read() {
    #[cfg(feature = "metrics")]
    metrics::counter!("tc3_reconcile_reads_total").increment(1);
}
