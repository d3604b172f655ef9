//! Japan Standard Time, the bank's clock for people: UTC+9 all year (Japan has no daylight
//! saving). Limits reset, 明細 dates change and screens write times by it; this is the one
//! place the offset is written.

/// Seconds Japan is ahead of UTC.
pub const OFFSET_SECONDS: i64 = 9 * 3600;

const DAY: i64 = 86_400;

/// The business day of a moment: days since 1970-01-01 in Japan time.
pub fn day(unix: i64) -> i64 {
    (unix + OFFSET_SECONDS).div_euclid(DAY)
}

/// The first second (unix) of a Japan-time day.
pub fn day_start(day: i64) -> i64 {
    day * DAY - OFFSET_SECONDS
}

/// Seconds since the Japan-time midnight that began the moment's day.
pub fn seconds_into_day(unix: i64) -> i64 {
    (unix + OFFSET_SECONDS).rem_euclid(DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_midnight_in_japan() {
        // 2026-11-24 00:00 JST is 2026-11-23 15:00 UTC.
        let midnight = 1_795_478_400 - OFFSET_SECONDS;
        assert_eq!(day(midnight), day(midnight - 1) + 1);
        assert_eq!(day_start(day(midnight)), midnight);
        assert_eq!(seconds_into_day(midnight), 0);
        assert_eq!(seconds_into_day(midnight - 1), DAY - 1);
        assert_eq!(crate::input::Date::from_days(day(midnight)).to_string(), "2026-11-24");
    }
}
