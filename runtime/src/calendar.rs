//! The UTC calendar date of a Unix timestamp, as the TC3 credential scope spells it
//! (`YYYY-MM-DD`): the proleptic Gregorian calendar, years 0000 to 9999.

/// The first second of 0000-01-01 and the last of 9999-12-31, as Unix timestamps.
const FIRST: i64 = -62_167_219_200;
const LAST: i64 = 253_402_300_799;

/// `YYYY-MM-DD` of `timestamp` in UTC, or `None` outside years 0000 to 9999.
pub(crate) fn utc_date(timestamp: i64) -> Option<String> {
    if !(FIRST..=LAST).contains(&timestamp) {
        return None;
    }
    let (year, month, day) = civil_from_days(timestamp.div_euclid(86_400));
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The (year, month, day) of the day `days` after 1970-01-01: the Gregorian calendar counted
/// in 400-year eras of 146,097 days, each era starting on a 1 March so that the leap day
/// ends its year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097); // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153; // 0 = March .. 11 = February
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_days_and_the_ends_of_the_range() {
        assert_eq!(utc_date(0).as_deref(), Some("1970-01-01"));
        assert_eq!(utc_date(-1).as_deref(), Some("1969-12-31"));
        assert_eq!(utc_date(951_782_400).as_deref(), Some("2000-02-29"));
        assert_eq!(utc_date(4_107_542_400).as_deref(), Some("2100-03-01"));
        assert_eq!(utc_date(FIRST).as_deref(), Some("0000-01-01"));
        assert_eq!(utc_date(LAST).as_deref(), Some("9999-12-31"));
        assert_eq!(utc_date(FIRST - 1), None);
        assert_eq!(utc_date(LAST + 1), None);
        assert_eq!(utc_date(i64::MIN), None);
        assert_eq!(utc_date(i64::MAX), None);
    }

    proptest! {
        #[test]
        fn agrees_with_the_time_crate(timestamp in FIRST..=LAST) {
            let reference = time::OffsetDateTime::from_unix_timestamp(timestamp).unwrap().date();
            let expected = format!(
                "{:04}-{:02}-{:02}",
                reference.year(),
                u8::from(reference.month()),
                reference.day()
            );
            prop_assert_eq!(utc_date(timestamp), Some(expected));
        }
    }
}
