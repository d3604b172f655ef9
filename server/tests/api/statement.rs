//! 入出金明細: periods on the server's clock in Japan time, newest first, pages, and the CSV.

use serde_json::Value;

use crate::banking_helpers::{draft, Holder};
use crate::helpers::{spawn_app, TestApp};

#[tokio::test]
async fn the_statement_pages_newest_first_filters_by_period_and_downloads_as_csv() {
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 100_000).await;
    // 25 transfers over 25 days (the clock starts on 2027-01-15 in Japan).
    let mut session = taro.session.clone();
    for day in 0..25 {
        let response =
            app.quote_and_transfer(&session, &draft(&taro.ordinary, &taro.savings, "savings", 100 + day), None).await;
        assert_eq!(response.status(), 200);
        app.clock().advance(86_400);
        // A new day, a new login (the session's absolute limit has passed).
        session = app.logged_in("taro01", "kumo4821").await;
    }
    let period = "period=custom&from=2027-01-01&to=2027-02-09";
    let page1 = app.statement(&session, &taro.ordinary, period).await;
    assert_eq!(
        (page1["total"].as_u64(), page1["total_is_more"].as_bool(), page1["entries"].as_array().unwrap().len()),
        (Some(26), Some(false), 20)
    );
    assert_eq!(page1["entries"][0]["withdrawal"].as_i64(), Some(124), "newest first");
    assert!(page1.get("newer").is_none(), "nothing newer than the newest page");
    // 次のページ by the page's cursor: the six oldest, the account's opening last.
    let older = page1["older"].as_str().unwrap();
    let page2 = app.statement(&session, &taro.ordinary, &format!("{period}&page=2&before={older}")).await;
    assert_eq!((page2["page"].as_u64(), page2["entries"].as_array().unwrap().len()), (Some(2), 6));
    let last = page2["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["description"].as_str(), last["deposit"].as_i64()), (Some("口座開設"), Some(100_000)));
    assert!(page2.get("older").is_none(), "nothing older than the last page");
    // 前のページ from there is the first page again, line for line.
    let newer = page2["newer"].as_str().unwrap();
    let back = app.statement(&session, &taro.ordinary, &format!("{period}&page=1&after={newer}")).await;
    assert_eq!(back["entries"], page1["entries"]);
    assert!(back.get("newer").is_none() && back["older"] == page1["older"], "{back}");
    // A cursor that is not one is refused by name.
    for bad in ["before=12", "after=1.x", "before=-1.2"] {
        let response =
            app.get_with_session(&format!("/api/accounts/{}/statement?{period}&{bad}", taro.ordinary), &session).await;
        assert_eq!(response.status(), 422, "{bad}");
    }

    let week = app.statement(&session, &taro.ordinary, "period=last_week").await;
    assert_eq!((week["from"].as_str(), week["to"].as_str()), (Some("2027-02-03"), Some("2027-02-09")));
    assert_eq!(week["total"].as_u64(), Some(6), "{week}");
    let last_month = app.statement(&session, &taro.ordinary, "period=last_month").await;
    assert_eq!(
        (last_month["from"].as_str(), last_month["to"].as_str(), last_month["total"].as_u64()),
        (Some("2027-01-01"), Some("2027-01-31"), Some(18))
    );

    // Outside 13 months, or backwards: refused by field.
    for (query, field) in [
        ("period=custom&from=2025-12-31&to=2027-01-01", "from"),
        ("period=custom&from=2027-02-01&to=2027-01-01", "from"),
        ("period=custom&from=2027-02-01&to=2027-02-10", "to"),
    ] {
        let response =
            app.get_with_session(&format!("/api/accounts/{}/statement?{query}", taro.ordinary), &session).await;
        assert_eq!(response.status(), 422, "{query}");
        assert_eq!(response.json::<Value>().await.unwrap()["field"], field);
    }

    let csv = app
        .get_with_session(
            &format!("/api/accounts/{}/statement/csv?period=custom&from=2027-01-01&to=2027-02-09", taro.ordinary),
            &session,
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = csv.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains(&format!("meisai_{}_20270101-20270209.csv", taro.ordinary)), "{disposition}");
    assert_eq!(csv.headers()["cache-control"], "no-store");
    let text = csv.text().await.unwrap();
    let rows: Vec<&str> = text.strip_prefix('\u{FEFF}').expect("a BOM for Excel").trim_end().split("\r\n").collect();
    assert_eq!(rows.len(), 27);
    assert_eq!(rows[0], "取引日,摘要,お支払金額,お預り金額,残高");
    assert_eq!(rows[1], "2027-01-15,口座開設,,100000,100000");
    assert_eq!(rows[26], "2027-02-08,振替,124,,97200");
}

/// Attack 6: a 摘要 is partly others' words (the depositor's at the counter). Beginning with
/// `=`, `+`, `-` or `@` it stays text in the CSV; hidden formatting characters are refused.
#[tokio::test]
async fn a_depositors_words_never_become_a_formula_in_the_csv() {
    use netbank_api::input::{AccountNumber, Amount, BranchCode};
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 0).await;
    let (branch, number) = taro.ordinary_parts();
    let (branch, number) = (BranchCode::parse(branch).unwrap(), AccountNumber::parse(number).unwrap());
    let deposit = |words: &'static str| {
        let (db, clock, branch, number) = (app.state.db.clone(), app.clock().clone(), branch.clone(), number.clone());
        async move {
            netbank_server::operator::accounts::deposit(
                &db,
                &clock,
                &branch,
                &number,
                Amount::parse("100").unwrap(),
                words,
                &netbank_server::audit::Actor::operator_cli(),
            )
            .await
        }
    };
    deposit("=HYPERLINK(\"http://e.jp\",\"返金\")").await.unwrap();
    deposit("@SUM(1+1)").await.unwrap();
    assert!(deposit("返金\u{202E}gpj.exe").await.is_err(), "a bidi override is refused");
    let csv = app
        .get_with_session(&format!("/api/accounts/{}/statement/csv?period=this_month", taro.ordinary), &taro.session)
        .await;
    let text = csv.text().await.unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://e.jp\"\",\"\"返金\"\")\""), "{text}");
    assert!(text.contains(",'@SUM(1+1),"), "{text}");
    assert!(
        text.lines().skip(1).all(|row| !row
            .split(',')
            .nth(1)
            .unwrap_or("")
            .trim_start_matches('"')
            .starts_with(['=', '@', '+', '-'])),
        "{text}"
    );
}

/// `lines` 窓口入金 of 1円 into the account, `per_second` of them in each second up to now
/// (the clock stands at 2027-01-15 in Japan), written set-wise: each a balanced entry, the
/// running balance counting up.
async fn one_yen_deposits(app: &TestApp, holder: &str, lines: i64, per_second: i64) -> Holder {
    use netbank_api::input::{AccountNumber, BranchCode};
    let taro = app.account_holder(holder, "ヤマダ タロウ", 0).await;
    let (branch, number) = taro.ordinary_parts();
    let account = netbank_server::operator::accounts::find(
        &app.state.db,
        &BranchCode::parse(branch).unwrap(),
        &AccountNumber::parse(number).unwrap(),
    )
    .await
    .unwrap();
    let start = app.clock().now() - lines / per_second - 1;
    let mut tx = app.state.db.begin().await.unwrap();
    for (sql, binds) in [
        (
            "WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)
             INSERT INTO journal_entries (kind, occurred_at) SELECT 'deposit', $2 + i / $3 FROM n ORDER BY i",
            vec![lines, start, per_second],
        ),
        (
            "INSERT INTO journal_lines (entry_id, account_id, amount, balance_after, description, occurred_at)
             SELECT id, $1, 1, ROW_NUMBER() OVER (ORDER BY id), '窓口入金', occurred_at FROM journal_entries
             WHERE occurred_at >= $2 AND occurred_at < $3 ORDER BY id",
            vec![account.id.0, start, app.clock().now()],
        ),
        (
            "INSERT INTO journal_lines (entry_id, house_account, amount, description, occurred_at)
             SELECT id, 'cash', -1, '窓口入金', occurred_at FROM journal_entries WHERE occurred_at >= $1 AND occurred_at < $2",
            vec![start, app.clock().now()],
        ),
        ("UPDATE accounts SET balance = balance + $1 WHERE id = $2", vec![lines, account.id.0]),
    ] {
        let query = binds.iter().fold(sqlx::query(sql), |query, value| query.bind(*value));
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    app.assert_ledger_holds().await;
    taro
}

/// This month's CSV: its rows after the header, each checked to be the next deposit of 1円.
async fn csv_of_deposits(app: &TestApp, taro: &Holder, lines: i64) {
    let response = app
        .get_with_session(&format!("/api/accounts/{}/statement/csv?period=this_month", taro.ordinary), &taro.session)
        .await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let rows: Vec<&str> = text.trim_start_matches('\u{FEFF}').trim_end().split("\r\n").collect();
    // The header and every deposit.
    assert_eq!(rows.len() as i64, 1 + lines, "every line of the period");
    for (n, row) in rows[1..].iter().enumerate() {
        assert!(row.ends_with(&format!(",,1,{}", n + 1)), "row {n}: {row}");
    }
}

/// The CSV holds the whole period, however long: 60,000 lines in one period come out as
/// 60,000 rows, oldest first, the running balance unbroken (it was once cut at the newest
/// 50,000 while its name claimed the period).
#[tokio::test]
async fn the_csv_holds_every_line_of_a_60000_line_period() {
    const LINES: i64 = 60_000;
    let app = spawn_app().await;
    let taro = one_yen_deposits(&app, "csv01", LINES, 1).await;
    csv_of_deposits(&app, &taro, LINES).await;
    // The screen counts up to a thousand and says there are more; its pages go by cursor, so
    // one deep in the period is read like the first.
    let page = app.statement(&taro.session, &taro.ordinary, "period=this_month").await;
    assert_eq!((page["total"].as_i64(), page["total_is_more"].as_bool()), (Some(1_000), Some(true)));
    let mut cursor = page["older"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let next = app.statement(&taro.session, &taro.ordinary, &format!("period=this_month&before={cursor}")).await;
        assert_eq!(next["entries"].as_array().unwrap().len(), 20);
        cursor = next["older"].as_str().unwrap().to_owned();
    }
}

/// Many lines in one second, the CSV's batches cut in the middle of a second: every line
/// comes out once, in order (a batch starts at its cursor's second, after its line).
#[tokio::test]
async fn the_csv_keeps_every_line_of_a_second_its_batches_cut() {
    const LINES: i64 = 5_000;
    let app = spawn_app().await;
    let taro = one_yen_deposits(&app, "csv02", LINES, 700).await;
    csv_of_deposits(&app, &taro, LINES).await;
}
