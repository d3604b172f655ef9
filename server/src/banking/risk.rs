//! Which of the bank's rules put a 振込 on hold (出金停止), from facts the transfer already
//! has: whether the customer has paid this account before, the amount, and when each change
//! a thief makes first last happened. Pure, so each rule is tested on its own; the thresholds
//! are `--hold-new-payee-from` and `--hold-window-days` (`transfer_policy::HoldRule`).

use crate::money::Yen;
use crate::store::customers::RiskMarks;
use crate::transfer_policy::HoldRule;

/// A reason to hold, as the audit log and the branch's queue name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Within the window of 利用開始 (the customer's first days).
    NewCustomer,
    /// Within the window of a new passkey or a token's 利用開始.
    NewAuthenticator,
    LimitRaised,
    NoticeAddressChanged,
    /// Within the window of a login from a device the bank had not seen for the customer.
    NewEnvironment,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewCustomer => "new_customer",
            Self::NewAuthenticator => "new_authenticator",
            Self::LimitRaised => "limit_raised",
            Self::NoticeAddressChanged => "notice_address_changed",
            Self::NewEnvironment => "new_environment",
        }
    }
}

/// The rules a 振込 meets at `now`: to an account the customer had paid before the window
/// (`paid_before`) or not, bringing what they sent to new payees within the window to `total`
/// (amounts and fees, this one included); empty: it moves at once.
pub fn rules_met(rule: Option<HoldRule>, marks: &RiskMarks, paid_before: bool, total: Yen, now: i64) -> Vec<Rule> {
    let Some(rule) = rule else { return Vec::new() };
    if paid_before || total < rule.new_payee_from {
        return Vec::new();
    }
    let since = now - i64::from(rule.window_days) * 86_400;
    let recent = |at: Option<i64>| at.is_some_and(|at| at > since);
    [
        (Rule::NewCustomer, recent(Some(marks.created_at))),
        (Rule::NewAuthenticator, recent(marks.authenticator_added_at)),
        (Rule::LimitRaised, recent(marks.limit_raised_at)),
        (Rule::NoticeAddressChanged, recent(marks.notice_address_set_at)),
        (Rule::NewEnvironment, recent(marks.new_environment_at)),
    ]
    .into_iter()
    .filter_map(|(rule, met)| met.then_some(rule))
    .collect()
}

/// `limit_raised,new_environment`: how a hold records its rules.
pub fn names(rules: &[Rule]) -> String {
    rules.iter().map(|rule| rule.as_str()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    fn settled() -> RiskMarks {
        RiskMarks { created_at: NOW - 400 * DAY, ..RiskMarks::default() }
    }

    #[test]
    fn a_large_payment_to_a_new_payee_right_after_a_change_waits_and_names_the_change() {
        let rule = Some(HoldRule::default());
        let marks = RiskMarks { limit_raised_at: Some(NOW - 3600), new_environment_at: Some(NOW - 60), ..settled() };
        assert_eq!(rules_met(rule, &marks, false, Yen(100_000), NOW), [Rule::LimitRaised, Rule::NewEnvironment]);
        assert_eq!(names(&rules_met(rule, &marks, false, Yen(500_000), NOW)), "limit_raised,new_environment");
    }

    #[test]
    fn a_known_payee_a_small_amount_an_old_change_or_no_rule_moves_at_once() {
        let rule = Some(HoldRule::default());
        let marks = RiskMarks { authenticator_added_at: Some(NOW - DAY), ..settled() };
        assert!(rules_met(rule, &marks, true, Yen(1_000_000), NOW).is_empty(), "paid before");
        assert!(rules_met(rule, &marks, false, Yen(99_999), NOW).is_empty(), "below the amount");
        assert!(rules_met(None, &marks, false, Yen(1_000_000), NOW).is_empty(), "holds off");
        let old = RiskMarks { authenticator_added_at: Some(NOW - 8 * DAY), ..settled() };
        assert!(rules_met(rule, &old, false, Yen(1_000_000), NOW).is_empty(), "outside the window");
        assert!(rules_met(rule, &settled(), false, Yen(1_000_000), NOW).is_empty(), "nothing changed");
    }

    #[test]
    fn each_change_is_a_rule_of_its_own() {
        let rule = Some(HoldRule { new_payee_from: Yen(1), window_days: 7 });
        let recently = Some(NOW - DAY);
        let cases = [
            (RiskMarks { created_at: NOW - DAY, ..RiskMarks::default() }, Rule::NewCustomer),
            (RiskMarks { authenticator_added_at: recently, ..settled() }, Rule::NewAuthenticator),
            (RiskMarks { limit_raised_at: recently, ..settled() }, Rule::LimitRaised),
            (RiskMarks { notice_address_set_at: recently, ..settled() }, Rule::NoticeAddressChanged),
            (RiskMarks { new_environment_at: recently, ..settled() }, Rule::NewEnvironment),
        ];
        for (marks, expected) in cases {
            assert_eq!(rules_met(rule, &marks, false, Yen(1), NOW), [expected]);
        }
    }
}
