//! Unix seconds as dates people read: UTC dates for the operator, Japan time for customers.

use netbank_api::jst;

/// (year, month, day) of a day count since 1970-01-01: the API crate's calendar, so the
/// server needs no date crate for a few lines of text.
fn civil(days: i64) -> (i64, i64, i64) {
    let date = netbank_api::input::Date::from_days(days);
    (i64::from(date.year), i64::from(date.month), i64::from(date.day))
}

/// `2026-11-24` (UTC).
pub fn utc_date(unix: i64) -> String {
    let (y, m, d) = civil(unix.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026年11月24日 15:52` in Japan Standard Time (UTC+9, no daylight saving).
pub fn jst_datetime(unix: i64) -> String {
    let (y, m, d) = civil(jst::day(unix));
    let seconds = jst::seconds_into_day(unix);
    format!("{y}年{m}月{d}日 {:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_795_478_400), "2026-11-24");
        assert_eq!(jst_datetime(1_795_478_400), "2026年11月24日 09:00");
        assert_eq!(jst_datetime(1_795_478_400 - jst::OFFSET_SECONDS - 60), "2026年11月23日 23:59");
    }
}
