//! How the screens write dates, accounts and amounts: one way each, everywhere (the 明細, the
//! 確認 and 完了 screens, the lists), and as the guide's screens write them.

use crate::identity::AccountKind;

pub use crate::banking::yen;

/// `2026-11-22` → `2026年11月22日` (no leading zeros, as receipts write dates). Anything that is
/// not an ISO date is returned unchanged rather than hidden.
pub fn japanese_date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    let number = |text: &str, digits: usize| {
        (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.trim_start_matches('0').to_owned())
    };
    match (number(y, 4), number(m, 2), number(d, 2)) {
        (Some(y), Some(m), Some(d)) if !m.is_empty() && !d.is_empty() => format!("{y}年{m}月{d}日"),
        _ => iso.to_owned(),
    }
}

/// `001 普通 1234567`: 店番, 科目 and 口座番号, as every screen writes an account.
pub fn account_text(branch_code: &str, kind: AccountKind, number: &str) -> String {
    format!("{branch_code} {} {number}", kind.label())
}

/// `60` → `1分`, `90` → `1分30秒`, `45` → `45秒`: a configured length of time in words.
pub fn duration_ja(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s}秒"),
        (m, 0) => format!("{m}分"),
        (m, s) => format!("{m}分{s}秒"),
    }
}

/// Why a login stopped at BLI023, with the server's own window for the code.
pub fn otp_login_expired(window_seconds: u32) -> String {
    format!("ワンタイムパスワードの入力が{}以内に完了しなかったため、ログインを中止しました。もう一度ログインしてください。", duration_ja(window_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_receipts_write_them() {
        assert_eq!(japanese_date("2026-11-22"), "2026年11月22日");
        assert_eq!(japanese_date("2027-01-05"), "2027年1月5日");
        assert_eq!(japanese_date("2026-12-31"), "2026年12月31日");
    }

    #[test]
    fn what_is_not_a_date_is_shown_as_it_came() {
        for odd in ["", "2026-11", "2026-1-22", "2026-00-10", "20261122", "2026-11-22T10:00", "abcd-ef-gh"] {
            assert_eq!(japanese_date(odd), odd);
        }
    }

    #[test]
    fn lengths_of_time_are_written_in_words() {
        assert_eq!(duration_ja(60), "1分");
        assert_eq!(duration_ja(90), "1分30秒");
        assert_eq!(duration_ja(45), "45秒");
        assert_eq!(duration_ja(300), "5分");
        assert_eq!(
            otp_login_expired(60),
            crate::ErrorReason::OtpLoginExpired.default_message(),
            "the default window reads as the reason's own message"
        );
        assert!(otp_login_expired(120).contains("2分以内に完了しなかった"));
    }

    #[test]
    fn accounts_are_written_with_their_kind() {
        assert_eq!(account_text("001", AccountKind::Ordinary, "1234567"), "001 普通 1234567");
        assert_eq!(account_text("002", AccountKind::Savings, "7654321"), "002 貯蓄 7654321");
    }

    #[test]
    fn the_statement_opens_on_a_period_with_something_in_it() {
        use crate::banking::{StatementPeriod, StatementQuery};
        assert_eq!(StatementQuery::opening(2026, 12, 7).period, StatementPeriod::ThisMonth);
        assert_eq!(StatementQuery::opening(2026, 12, 31).period, StatementPeriod::ThisMonth);
        let early = StatementQuery::opening(2026, 12, 3);
        assert_eq!(early.period, StatementPeriod::Custom);
        assert_eq!((early.from.as_deref(), early.to.as_deref()), (Some("2026-11-01"), Some("2026-12-03")));
        let new_year = StatementQuery::opening(2027, 1, 1);
        assert_eq!((new_year.from.as_deref(), new_year.to.as_deref()), (Some("2026-12-01"), Some("2027-01-01")));
    }
}
