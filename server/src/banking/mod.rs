//! 口座情報 and 振込・振替: the ledger (`ledger`: every movement an entry whose lines sum to
//! zero), 入出金明細 (`statement`), the transfer itself (`transfer`: 入力 → 確認 → 完了, exactly
//! once, confirmed by the one-time password for 振込), 登録振込先 and the payee lookup
//! (`payees`), 1日あたりの振込限度額 (`limit`) and the bank's rules (`policy`).

pub mod ledger;
pub mod limit;
pub mod payees;
pub mod policy;
pub mod statement;
pub mod transfer;

/// The business day of a moment: days since 1970-01-01 in Japan time (UTC+9, no daylight
/// saving). Limits reset and 明細 dates change at midnight in Japan.
pub fn jst_day(unix: i64) -> i64 {
    (unix + 9 * 3600).div_euclid(86_400)
}

/// The first second (unix) of a Japan-time day.
pub fn jst_day_start(day: i64) -> i64 {
    day * 86_400 - 9 * 3600
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_midnight_in_japan() {
        // 2026-11-24 00:00 JST is 2026-11-23 15:00 UTC.
        let midnight = 1_795_478_400 - 9 * 3600;
        assert_eq!(jst_day(midnight), jst_day(midnight - 1) + 1);
        assert_eq!(jst_day_start(jst_day(midnight)), midnight);
        assert_eq!(netbank_api::input::Date::from_days(jst_day(midnight)).to_string(), "2026-11-24");
    }
}
