//! 入出金明細 (口座情報): an account's entries in a period, newest first, a page at a time, and
//! the same period as CSV for Excel (UTF-8 with a BOM). Periods are Japan-time days, chosen by
//! the server's clock: 今月, 前月, 直近1週間, or 期間指定 within the last 13 months.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use netbank_api::banking::{Statement, StatementEntry, StatementPeriod, StatementQuery, STATEMENT_COUNT_CAP};
use netbank_api::checked::account_key;
use netbank_api::input::{Date, InputError};
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::ErrorReason;

use crate::banking::jst_day;
use crate::banking::transfer::{account_of, own_account};
use crate::error::ApiError;
use crate::identity::session::CurrentCustomer;
use crate::ids::{AccountId, CustomerId};
use crate::money::Yen;
use crate::state::AppState;
use crate::store::accounts::AccountRecord;
use crate::store::ledger::{self, Seek, StatementLine};

/// Entries per page.
pub const PAGE_SIZE: u32 = 20;

/// The days a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: Date,
    pub to: Date,
    /// The earliest day 期間指定 may start: the first of the month 12 months ago.
    pub earliest: Date,
    pub today: Date,
}

impl Range {
    /// `[first second, first second after)` in unix time.
    fn bounds(&self) -> (i64, i64) {
        (super::jst_day_start(self.from.days()), super::jst_day_start(self.to.days() + 1))
    }
}

/// Resolves the query's period on `today`.
pub fn resolve(query: &StatementQuery, today: Date) -> Result<Range, InputError> {
    let earliest = today.month_start(12);
    let (from, to) = match query.period {
        StatementPeriod::ThisMonth => (today.month_start(0), today),
        StatementPeriod::LastMonth => (today.month_start(1), Date::from_days(today.month_start(0).days() - 1)),
        StatementPeriod::LastWeek => (Date::from_days(today.days() - 6), today),
        StatementPeriod::Custom => {
            let from = Date::parse_field(query.from.as_deref().unwrap_or_default(), "from")?;
            let to = Date::parse_field(query.to.as_deref().unwrap_or_default(), "to")?;
            if from < earliest || to > today {
                let field = if from < earliest { "from" } else { "to" };
                return Err(InputError {
                    field,
                    message: "期間は13か月前の月初から本日までの範囲で指定してください。",
                });
            }
            if from > to {
                return Err(InputError {
                    field: "from", message: "開始日には終了日以前の日付を指定してください。"
                });
            }
            (from, to)
        }
    };
    Ok(Range { from, to, earliest, today })
}

/// The query string as the statement reads it: an unknown period or a page that is not a
/// number is a 422 naming its field (never axum's plain-text 400).
pub fn query_of(pairs: Vec<(String, String)>) -> Result<StatementQuery, InputError> {
    let mut query = StatementQuery::default();
    for (name, value) in pairs {
        match name.as_str() {
            "period" => {
                query.period = StatementPeriod::from_query(&value)
                    .ok_or(InputError { field: "period", message: "照会期間を選択してください。" })?;
            }
            "from" => query.from = Some(value),
            "before" => query.before = Some(value),
            "after" => query.after = Some(value),
            "to" => query.to = Some(value),
            "page" => {
                let page = value.parse::<u32>().ok().filter(|p| *p >= 1);
                query.page =
                    Some(page.ok_or(InputError {
                        field: "page", message: "ページの指定が正しくありません。"
                    })?);
            }
            _ => {}
        }
    }
    Ok(query)
}

/// The customer's account named in the path, or 404 (someone else's is not found either).
async fn account(state: &AppState, customer_id: CustomerId, key: &str) -> Result<AccountRecord, ApiError> {
    let key = account_key(key, "account").map_err(|_| ApiError::new(ErrorReason::NotFound))?;
    own_account(state, customer_id, &key).await.map_err(|_| ApiError::new(ErrorReason::NotFound))
}

fn entry(line: StatementLine) -> StatementEntry {
    StatementEntry {
        date: Date::from_days(jst_day(line.occurred_at)).to_string(),
        description: line.description,
        withdrawal: (line.amount < Yen::ZERO).then_some(-line.amount.0),
        deposit: (line.amount > Yen::ZERO).then_some(line.amount.0),
        balance: line.balance_after.0,
    }
}

/// The account and the period a statement request names, both checked.
async fn requested(
    state: &AppState,
    customer_id: CustomerId,
    key: &str,
    pairs: Vec<(String, String)>,
) -> Result<(AccountRecord, StatementQuery, Range), ApiError> {
    let query = query_of(pairs)?;
    let account = account(state, customer_id, key).await?;
    let range = resolve(&query, Date::from_days(jst_day(state.clock.now())))?;
    Ok((account, query, range))
}

#[utoipa::path(get, path = "/accounts/{account}/statement", tag = "banking",
    params(("account" = String, Path, description = "店番-口座番号"), StatementQuery),
    responses((status = 200, body = Statement),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found: not an account of this customer", body = ErrorBody),
        (status = 422, description = "invalid_input: the period", body = ErrorBody)))]
/// `GET /api/accounts/{account}/statement`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentCustomer,
    Path(key): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Statement>, ApiError> {
    let (account, query, range) = requested(&state, current.customer_id, &key, pairs).await?;
    let period = range.bounds();
    let seek = match (&query.before, &query.after) {
        (Some(cursor), _) => cursor_of(cursor, "before").map(|(at, id)| Seek::Older(at, id))?,
        (None, Some(cursor)) => cursor_of(cursor, "after").map(|(at, id)| Seek::Newer(at, id))?,
        (None, None) => Seek::Newest,
    };
    let cap = i64::from(STATEMENT_COUNT_CAP);
    let counted = ledger::count_statement(&state.db, account.id, period, cap + 1).await?;
    // One line beyond the page says whether there is another page that way.
    let mut lines = ledger::statement_page(&state.db, account.id, period, seek, i64::from(PAGE_SIZE) + 1).await?;
    let beyond = lines.len() > PAGE_SIZE as usize;
    if beyond {
        match seek {
            Seek::Newer(..) => drop(lines.remove(0)),
            _ => lines.truncate(PAGE_SIZE as usize),
        }
    }
    let first = lines.first().map(|(key, _)| cursor_text(*key));
    let last = lines.last().map(|(key, _)| cursor_text(*key));
    let (newer, older) = match seek {
        Seek::Newest => (None, last.filter(|_| beyond)),
        Seek::Older(..) => (first, last.filter(|_| beyond)),
        Seek::Newer(..) => (first.filter(|_| beyond), last),
    };
    Ok(Json(Statement {
        account: account_of(&account),
        period: query.period,
        from: range.from.to_string(),
        to: range.to.to_string(),
        earliest: range.earliest.to_string(),
        latest: range.today.to_string(),
        page: match seek {
            Seek::Newest => 1,
            _ => query.page.unwrap_or(1),
        },
        total: counted.min(cap) as u32,
        total_is_more: counted > cap,
        newer,
        older,
        entries: lines.into_iter().map(|(_, line)| entry(line)).collect(),
    }))
}

/// A line's key as a page cursor: `time.id`.
fn cursor_text((at, id): (i64, i64)) -> String {
    format!("{at}.{id}")
}

/// A cursor from the query, or a 422 naming its field.
fn cursor_of(text: &str, field: &'static str) -> Result<(i64, i64), InputError> {
    let refuse = InputError { field, message: "ページの指定が正しくありません。" };
    let (at, id) = text.split_once('.').ok_or(refuse.clone())?;
    let number = |part: &str| part.parse::<i64>().ok().filter(|n| *n >= 0);
    number(at).zip(number(id)).ok_or(refuse)
}

/// A value a spreadsheet would read as a formula (a 摘要 is partly others' words: a
/// depositor's at the counter) is kept text by a leading `'` (OWASP's CSV injection advice);
/// quoting is the `csv` writer's.
pub(crate) fn formula_safe(value: &str) -> std::borrow::Cow<'_, str> {
    match value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{value}").into(),
        false => value.into(),
    }
}

/// The CSV's first bytes: a BOM (Excel reads UTF-8 only with one) and the header.
fn csv_head() -> Vec<u8> {
    let mut head = "\u{FEFF}".as_bytes().to_vec();
    head.extend(csv_rows(std::iter::once(["取引日", "摘要", "お支払金額", "お預り金額", "残高"].map(String::from))));
    head
}

/// Rows as RFC 4180 wants them (quoted where needed), CRLF line ends.
fn csv_rows(rows: impl IntoIterator<Item = [String; 5]>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        // Writing to memory fails only on a field the writer cannot hold; ours are text.
        writer.write_record(&row).expect("a CSV row in memory");
    }
    writer.into_inner().expect("a CSV in memory")
}

/// Statement lines, oldest first (as spreadsheets and 家計簿 software expect), as CSV rows.
fn csv_lines(lines: impl IntoIterator<Item = StatementLine>) -> Vec<u8> {
    let amount = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    csv_rows(lines.into_iter().map(entry).map(|line| {
        [
            line.date,
            formula_safe(&line.description).into_owned(),
            amount(line.withdrawal),
            amount(line.deposit),
            line.balance.to_string(),
        ]
    }))
}

/// Lines read per batch of the CSV: its memory, whatever the period holds.
const CSV_BATCH: i64 = 2_000;

/// The whole period's CSV, read in batches by line number while it is sent: the memory of
/// one batch, however many lines. A database error midway ends the response without its
/// last chunk, so the browser reports a failed download instead of keeping a short file.
fn csv_stream(db: sqlx::AnyPool, account_id: AccountId, from: i64, until: i64) -> Body {
    let batches = futures_util::stream::try_unfold(Some((i64::MIN, 0_i64)), move |after| {
        let db = db.clone();
        async move {
            let Some(after) = after else { return Ok::<_, sqlx::Error>(None) };
            let lines = ledger::statement_after(&db, account_id, from, until, after, CSV_BATCH).await?;
            let next = match lines.len() as i64 == CSV_BATCH {
                true => lines.last().map(|(key, _)| *key),
                false => None,
            };
            Ok(Some((csv_lines(lines.into_iter().map(|(_, line)| line)), next)))
        }
    });
    let head = futures_util::stream::once(async { Ok::<_, sqlx::Error>(csv_head()) });
    Body::from_stream(futures_util::StreamExt::chain(head, batches))
}

#[utoipa::path(get, path = "/accounts/{account}/statement/csv", tag = "banking",
    params(("account" = String, Path, description = "店番-口座番号"), StatementQuery),
    responses((status = 200, description = "text/csv (UTF-8 with BOM), the whole period", content_type = "text/csv"),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 422, description = "invalid_input: the period", body = ErrorBody)))]
/// `GET /api/accounts/{account}/statement/csv`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn download(
    State(state): State<AppState>,
    current: CurrentCustomer,
    Path(key): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let (account, _, range) = requested(&state, current.customer_id, &key, pairs).await?;
    let (from, until) = range.bounds();
    let name = format!(
        "attachment; filename=\"meisai_{}-{}_{}-{}.csv\"",
        account.branch_code,
        account.number,
        range.from.to_string().replace('-', ""),
        range.to.to_string().replace('-', "")
    );
    let mut response = csv_stream(state.db.clone(), account.id, from, until).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(CONTENT_DISPOSITION, HeaderValue::from_str(&name).map_err(ApiError::internal)?);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole CSV of `lines`, oldest first, as the stream sends it.
    fn csv(lines: Vec<StatementLine>) -> String {
        let mut bytes = csv_head();
        bytes.extend(csv_lines(lines));
        String::from_utf8(bytes).unwrap()
    }

    fn query(period: StatementPeriod, from: &str, to: &str) -> StatementQuery {
        StatementQuery { period, from: Some(from.into()), to: Some(to.into()), ..StatementQuery::default() }
    }

    #[test]
    fn periods_are_resolved_on_the_day_in_japan() {
        let today = Date::parse_field("2026-03-10", "t").unwrap();
        let range = |period| resolve(&query(period, "", ""), today).unwrap();
        let text = |r: Range| (r.from.to_string(), r.to.to_string());
        assert_eq!(text(range(StatementPeriod::ThisMonth)), ("2026-03-01".into(), "2026-03-10".into()));
        assert_eq!(text(range(StatementPeriod::LastMonth)), ("2026-02-01".into(), "2026-02-28".into()));
        assert_eq!(text(range(StatementPeriod::LastWeek)), ("2026-03-04".into(), "2026-03-10".into()));
        assert_eq!(range(StatementPeriod::ThisMonth).earliest.to_string(), "2025-03-01");
    }

    #[test]
    fn an_unknown_period_or_page_names_its_field() {
        let pairs =
            |list: &[(&str, &str)]| list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        assert_eq!(query_of(pairs(&[("period", "last_week"), ("page", "2")])).unwrap().page, Some(2));
        assert_eq!(query_of(pairs(&[("period", "yesterday")])).unwrap_err().field, "period");
        for page in ["0", "-1", "9223372036854775808", "x"] {
            assert_eq!(query_of(pairs(&[("page", page)])).unwrap_err().field, "page", "{page}");
        }
    }

    #[test]
    fn a_chosen_period_stays_within_thirteen_months_and_runs_forwards() {
        let today = Date::parse_field("2026-03-10", "t").unwrap();
        assert!(resolve(&query(StatementPeriod::Custom, "2025-03-01", "2026-03-10"), today).is_ok());
        assert_eq!(
            resolve(&query(StatementPeriod::Custom, "2025-02-28", "2026-03-10"), today).unwrap_err().field,
            "from"
        );
        assert_eq!(
            resolve(&query(StatementPeriod::Custom, "2026-03-01", "2026-03-11"), today).unwrap_err().field,
            "to"
        );
        assert_eq!(
            resolve(&query(StatementPeriod::Custom, "2026-03-05", "2026-03-01"), today).unwrap_err().field,
            "from"
        );
        assert_eq!(
            resolve(&query(StatementPeriod::Custom, "2026-3-05", "2026-03-06"), today).unwrap_err().field,
            "from"
        );
    }

    #[test]
    fn the_csv_opens_in_excel_oldest_first_with_fields_quoted() {
        let line = |at: i64, description: &str, amount: i64, balance_after: i64| StatementLine {
            occurred_at: at,
            description: description.into(),
            amount: Yen(amount),
            balance_after: Yen(balance_after),
        };
        let text = csv(vec![
            line(1_795_400_000, "窓口入金, 現金", 10_000, 10_000),
            line(1_795_478_400, "振込 デモ ハナコ", -1000, 9000),
        ]);
        assert!(text.starts_with('\u{FEFF}'));
        let rows: Vec<&str> = text.trim_start_matches('\u{FEFF}').split("\r\n").collect();
        assert_eq!(rows[0], "取引日,摘要,お支払金額,お預り金額,残高");
        assert_eq!(rows[1], "2026-11-23,\"窓口入金, 現金\",,10000,10000");
        assert_eq!(rows[2], "2026-11-24,振込 デモ ハナコ,1000,,9000");
    }

    #[test]
    fn what_others_wrote_never_becomes_a_formula() {
        for (written, cell) in [
            ("=HYPERLINK(\"http://evil.jp\")", "\"'=HYPERLINK(\"\"http://evil.jp\"\")\""),
            ("+81-3", "'+81-3"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\r=1", "\"'\r=1\""),
            ("窓口入金", "窓口入金"),
        ] {
            let text = csv(vec![StatementLine {
                occurred_at: 1_795_400_000,
                description: written.into(),
                amount: Yen(1),
                balance_after: Yen(1),
            }]);
            let row = text.split("\r\n").nth(1).unwrap();
            assert_eq!(row, format!("2026-11-23,{cell},,1,1"), "{written:?}");
        }
    }
}
