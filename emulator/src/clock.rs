//! The server's clock as answers show it: Unix seconds, the `Date` header, and the current
//! second's texts, made once a second per thread.

use hyper::header::HeaderValue;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `Date` when the clock cannot be formatted (never expected: the clock is before 9999).
const EPOCH_DATE: &str = "Thu, 01 Jan 1970 00:00:00 GMT";
/// The first second `Date` (HTTP-date, four-digit years) cannot show: 10000-01-01.
pub(crate) const FIRST_UNSHOWABLE_SECOND: i64 = 253_402_300_800;

/// Seconds since the Unix epoch now (0 when the clock is before it).
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// The `Date` header `skew` seconds from now, or `None` when that is outside what an
/// HTTP-date shows (1970 to 9999).
pub(crate) fn http_date(skew: i64) -> Option<HeaderValue> {
    if skew == 0 {
        return this_second(|second| second.date.clone());
    }
    http_date_at(unix_now().checked_add(skew)?)
}

/// The `Date` header of the Unix second `secs`, or `None` when an HTTP-date cannot show it.
fn http_date_at(secs: i64) -> Option<HeaderValue> {
    if !(0..FIRST_UNSHOWABLE_SECOND).contains(&secs) {
        return None;
    }
    let at = UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))?;
    HeaderValue::from_str(&httpdate::fmt_http_date(at)).ok()
}

/// What answers show of the current second, made once a second (per thread).
pub(crate) struct Second {
    unix: i64,
    /// `Date`.
    date: Option<HeaderValue>,
    /// A player session's `CreationTime`.
    pub(crate) rfc3339: String,
}

thread_local! {
    static SECOND: std::cell::RefCell<Option<Second>> = const { std::cell::RefCell::new(None) };
}

/// `f` of the current second's texts.
pub(crate) fn this_second<T>(f: impl FnOnce(&Second) -> T) -> T {
    let unix = unix_now();
    SECOND.with_borrow_mut(|cached| {
        let second = match cached {
            Some(second) if second.unix == unix => second,
            _ => cached.insert(Second {
                unix,
                date: http_date_at(unix),
                rfc3339: time::OffsetDateTime::from_unix_timestamp(unix)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default(),
            }),
        };
        f(second)
    })
}

/// `Date` now (the epoch if the clock cannot be shown).
pub(crate) fn date_now() -> HeaderValue {
    http_date(0).unwrap_or_else(|| HeaderValue::from_static(EPOCH_DATE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_what_http_dates_show_are_refused_not_panicked_on() {
        for skew in [i64::MAX, i64::MIN, -unix_now() - 1, FIRST_UNSHOWABLE_SECOND] {
            assert_eq!(http_date(skew), None, "{skew}");
        }
        assert!(http_date(crate::faults::MAX_DATE_SKEW_SECS).is_some());
        assert!(http_date(-crate::faults::MAX_DATE_SKEW_SECS).is_some());
    }
}
