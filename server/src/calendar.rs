//! Unix seconds as dates people read (UTC dates for the operator, Japan time for customers),
//! and the banking calendar: which days the 全銀 network settles 他行振込 on.

use netbank_api::interbank::{BookableDate, BookableDates, BOOKING_DAYS};
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

/// 曜日 of a day count since 1970-01-01 (a Thursday): 0 for Sunday.
fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

/// A day banks are open (銀行法施行令 第5条): not a Saturday or Sunday, not a national holiday
/// (祝日法, from `jpholiday`), not 12月31日 – 1月3日.
pub fn is_business_day(day: i64) -> bool {
    let (year, month, date) = civil(day);
    if matches!(weekday(day), 0 | 6) || (month == 12 && date == 31) || (month == 1 && date <= 3) {
        return false;
    }
    let holiday = i32::try_from(year)
        .ok()
        .and_then(|year| jpholiday::chrono::NaiveDate::from_ymd_opt(year, month as u32, date as u32))
        .is_some_and(|date| jpholiday::jpholiday::JPHoliday::new().is_holiday(&date));
    !holiday
}

/// The first business day after `day`.
pub fn next_business_day(day: i64) -> i64 {
    (day + 1..).find(|d| is_business_day(*d)).unwrap_or(day + 1)
}

/// When a 他行振込 accepted at `now` leaves: today, while it is a business day before the
/// cut-off (seconds into the day, Japan time), or any time with 全銀モアタイム; otherwise the
/// next business day.
pub fn execution_day(now: i64, cutoff_seconds: i64, moretime: bool) -> i64 {
    let today = jst::day(now);
    if moretime || (is_business_day(today) && jst::seconds_into_day(now) < cutoff_seconds) {
        today
    } else {
        next_business_day(today)
    }
}

/// `2026年12月7日（月）`.
/// A day a 振込予約 may name: a business day after `earliest` (the day a 振込 asked now would
/// be carried out) and at most `BOOKING_DAYS` after `today`.
pub fn bookable(earliest: i64, today: i64, day: i64) -> bool {
    day > earliest && day <= today + BOOKING_DAYS && is_business_day(day)
}

/// Every day `bookable` allows, as BTF011's 振込指定日 lists them.
pub fn bookable_dates(earliest: i64, today: i64) -> BookableDates {
    let dates = (earliest + 1..=today + BOOKING_DAYS)
        .filter(|day| bookable(earliest, today, *day))
        .map(|day| BookableDate {
            date: netbank_api::input::Date::from_days(day).to_string(),
            label: japanese_date_with_weekday(day),
        })
        .collect();
    BookableDates { earliest: japanese_date_with_weekday(earliest), dates }
}

pub fn japanese_date_with_weekday(day: i64) -> String {
    let (y, m, d) = civil(day);
    let name = ["日", "月", "火", "水", "木", "金", "土"][weekday(day) as usize];
    format!("{y}年{m}月{d}日（{name}）")
}

/// `HH:MM` (Japan time) as seconds into the day, for `--same-day-cutoff`.
pub fn parse_time_of_day(text: &str) -> Result<i64, String> {
    let (hours, minutes) =
        text.trim().split_once(':').ok_or_else(|| format!("{text:?}: expected HH:MM, e.g. 15:00"))?;
    match (hours.parse::<i64>(), minutes.parse::<i64>()) {
        (Ok(h), Ok(m)) if (0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 24 * 60 => {
            Ok(h * 3600 + m * 60)
        }
        _ => Err(format!("{text:?}: a time from 00:00 to 24:00")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        netbank_api::input::Date::parse_field(text, "date").unwrap().days()
    }

    #[test]
    fn business_days_skip_weekends_holidays_and_the_new_year() {
        assert!(is_business_day(day("2026-12-04")), "a Friday");
        assert!(!is_business_day(day("2026-12-05")), "a Saturday");
        assert!(!is_business_day(day("2026-11-23")), "勤労感謝の日");
        assert!(!is_business_day(day("2026-09-22")), "国民の休日");
        assert!(!is_business_day(day("2026-05-06")), "振替休日");
        assert!(!is_business_day(day("2026-12-31")));
        assert!(is_business_day(day("2027-01-04")), "the first business day of 2027");
        assert_eq!(next_business_day(day("2026-12-30")), day("2027-01-04"));
        assert_eq!(next_business_day(day("2026-11-20")), day("2026-11-24"), "over a weekend and 勤労感謝の日");
    }

    #[test]
    fn after_the_cut_off_a_transfer_leaves_the_next_business_day() {
        let cutoff = 15 * 3600;
        let at = |date: &str, h: i64| day(date) * 86_400 + h * 3600 - jst::OFFSET_SECONDS;
        assert_eq!(execution_day(at("2026-12-04", 14), cutoff, false), day("2026-12-04"));
        assert_eq!(execution_day(at("2026-12-04", 15), cutoff, false), day("2026-12-07"));
        assert_eq!(execution_day(at("2026-12-05", 10), cutoff, false), day("2026-12-07"));
        assert_eq!(execution_day(at("2026-11-20", 16), cutoff, false), day("2026-11-24"));
        assert_eq!(execution_day(at("2026-12-05", 10), cutoff, true), day("2026-12-05"), "モアタイム");
        assert_eq!(japanese_date_with_weekday(day("2026-12-07")), "2026年12月7日（月）");
        assert_eq!(parse_time_of_day("15:00"), Ok(54_000));
        assert!(parse_time_of_day("25:00").is_err() && parse_time_of_day("15").is_err());
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_795_478_400), "2026-11-24");
        assert_eq!(jst_datetime(1_795_478_400), "2026年11月24日 09:00");
        assert_eq!(jst_datetime(1_795_478_400 - jst::OFFSET_SECONDS - 60), "2026年11月23日 23:59");
    }
}
