//! The bank's rules for money leaving an account: the daily 振込 limit and its ceiling, the
//! fee table, and how many payee lookups a customer may make.

use crate::money::Yen;
use std::str::FromStr;

/// 振込手数料 by where the money goes and how much: below 30,000円 and from 30,000円, the
/// bands Japanese banks publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeTable {
    /// 自行宛・同一店.
    pub same_branch: [Yen; 2],
    /// 自行宛・本支店.
    pub other_branch: [Yen; 2],
    /// 他行宛.
    pub other_bank: [Yen; 2],
}

impl FeeTable {
    pub const BAND: Yen = Yen(30_000);

    /// 振替 between the customer's own accounts is always free.
    pub fn fee(&self, same_branch: bool, amount: Yen) -> Yen {
        let row = if same_branch { self.same_branch } else { self.other_branch };
        row[usize::from(amount >= Self::BAND)]
    }

    /// A 他行振込's fee.
    pub fn other_bank_fee(&self, amount: Yen) -> Yen {
        self.other_bank[usize::from(amount >= Self::BAND)]
    }
}

impl Default for FeeTable {
    /// 自行宛 free, as the issue asks of the default; 他行宛 at a 信用組合's usual internet fees.
    fn default() -> Self {
        Self { same_branch: [Yen::ZERO; 2], other_branch: [Yen::ZERO; 2], other_bank: [Yen(220), Yen(330)] }
    }
}

/// `same_branch=0/0,other_branch=110/220,other_bank=330/550`: the fee below / from 30,000円,
/// per row. Rows left out keep their default.
impl FromStr for FeeTable {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut table = Self::default();
        for row in text.split(',').map(str::trim).filter(|row| !row.is_empty()) {
            let (name, fees) = row.split_once('=').ok_or_else(|| format!("{row:?}: expected name=below/from"))?;
            let (below, from) =
                fees.split_once('/').ok_or_else(|| format!("{row:?}: expected two fees, below/from 30000"))?;
            let parse = |fee: &str| match fee.trim().parse::<i64>() {
                Ok(fee) if (0..=10_000).contains(&fee) => Ok(Yen(fee)),
                _ => Err(format!("{row:?}: a fee is whole yen from 0 to 10000")),
            };
            let fees = [parse(below)?, parse(from)?];
            match name.trim() {
                "same_branch" => table.same_branch = fees,
                "other_branch" => table.other_branch = fees,
                "other_bank" => table.other_bank = fees,
                other => return Err(format!("{other:?}: the rows are same_branch, other_branch and other_bank")),
            }
        }
        Ok(table)
    }
}

/// When a 振込 waits for the branch instead of moving (出金停止): to a payee the customer had
/// not paid before the window, once 振込 to such payees within `window_days` of a change a
/// thief makes first add up to `new_payee_from` (fees included) — 利用開始, a new authenticator, a limit raise, a new notice address,
/// a login from a device the bank had not seen (`banking::risk` names each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldRule {
    pub new_payee_from: Yen,
    pub window_days: u32,
}

impl Default for HoldRule {
    fn default() -> Self {
        Self { new_payee_from: Yen(100_000), window_days: 7 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferPolicy {
    /// 1日あたりの振込限度額 of a customer who has not set one.
    pub default_daily_limit: Yen,
    /// The most a customer may raise it to.
    pub max_daily_limit: Yen,
    pub fees: FeeTable,
    /// Payee lookups (a name for an account number) a customer may make per hour.
    pub lookups_per_hour: u32,
    /// `None`: no 振込 waits for the branch.
    pub hold: Option<HoldRule>,
    /// 夜間: the most one 振込 may be (fee included) during the night hours; `None`: no night
    /// limit.
    pub night: Option<NightLimit>,
    /// ペイジー's own limit per day (fees included), counted apart from 振込; never above the
    /// customer's 1日あたりの振込限度額 in force, so a raise waits as that limit's raises do.
    pub payeasy_daily_limit: Yen,
    /// 他行振込 accepted from this time of a business day (seconds into the day, Japan time)
    /// leave the next business day.
    pub same_day_cutoff: i64,
    /// The bank sends 他行振込 through 全銀モアタイム: at once, any day and hour.
    pub moretime: bool,
}

/// A lower limit per 振込 at night (Japan time), when a customer is least likely to notice a
/// notice mail in time: `[from_hour, until_hour)`, wrapping past midnight when from > until.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NightLimit {
    pub per_transfer: Yen,
    pub from_hour: u32,
    pub until_hour: u32,
}

impl NightLimit {
    /// Whether `seconds_into_day` (Japan time) is in the night.
    pub fn covers(&self, seconds_into_day: i64) -> bool {
        let hour = u32::try_from(seconds_into_day / 3600).unwrap_or(0);
        match self.from_hour <= self.until_hour {
            true => (self.from_hour..self.until_hour).contains(&hour),
            false => hour >= self.from_hour || hour < self.until_hour,
        }
    }
}

/// `0-6`: the night's hours, from (inclusive) to (exclusive), Japan time.
pub fn parse_hours(text: &str) -> Result<(u32, u32), String> {
    let (from, until) = text.split_once('-').ok_or_else(|| format!("{text:?}: expected from-until, e.g. 0-6"))?;
    let hour =
        |h: &str| h.trim().parse::<u32>().ok().filter(|h| *h <= 24).ok_or_else(|| format!("{h:?}: an hour 0–24"));
    Ok((hour(from)?, hour(until)?))
}

impl Default for TransferPolicy {
    fn default() -> Self {
        Self {
            default_daily_limit: Yen(500_000),
            max_daily_limit: Yen(10_000_000),
            fees: FeeTable::default(),
            lookups_per_hour: 30,
            hold: Some(HoldRule::default()),
            night: None,
            payeasy_daily_limit: Yen(1_000_000),
            same_day_cutoff: 15 * 3600,
            moretime: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_night_wraps_past_midnight_and_ends_before_its_last_hour() {
        let night = NightLimit { per_transfer: Yen(100_000), from_hour: 23, until_hour: 6 };
        assert!(night.covers(23 * 3600) && night.covers(0) && night.covers(5 * 3600 + 3599));
        assert!(!night.covers(6 * 3600) && !night.covers(12 * 3600) && !night.covers(22 * 3600 + 3599));
        let early = NightLimit { from_hour: 0, until_hour: 6, ..night };
        assert!(early.covers(0) && !early.covers(23 * 3600));
        assert_eq!(parse_hours("23-6"), Ok((23, 6)));
        assert!(parse_hours("6").is_err() && parse_hours("25-3").is_err());
    }

    #[test]
    fn fees_come_from_the_configured_table_by_band() {
        let table: FeeTable = "same_branch=0/0, other_branch=110/220".parse().unwrap();
        assert_eq!(table.fee(true, Yen(50_000)), Yen(0));
        assert_eq!(table.fee(false, Yen(29_999)), Yen(110));
        assert_eq!(table.fee(false, Yen(30_000)), Yen(220));
        assert_eq!("".parse::<FeeTable>().unwrap(), FeeTable::default());
        for bad in ["other_branch=110", "elsewhere=1/2", "same_branch=-1/0", "same_branch=a/0"] {
            assert!(bad.parse::<FeeTable>().is_err(), "{bad}");
        }
    }
}
