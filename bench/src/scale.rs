//! `./x bench --scale [CUSTOMERS]`: the costs that must not grow with the bank, measured on a
//! generated large bank side by side with a small one — the same generator, the same binary,
//! the same queries: login and `/api/me`, 入出金明細 page 1 of a 13-month period and pages deep
//! into it, the CSV of the whole period (every line, counted), `ledger check` (time and peak
//! memory), `db copy` to PostgreSQL (rows per second) and start-up.
//!
//! The banks are written straight into SQLite with set-based SQL (a recursive series per
//! table), one known password hash, and a ledger that `ledger check` accepts: each customer's
//! 普通 opened with 100,000円 from cash, and three business accounts paid 1,000円 at a time
//! over 13 months.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use netbank_server::config::DATABASE_FILE;
use netbank_server::identity::password;

use crate::reads::session;
use crate::server::PASSWORD;
use crate::stats::ms;

/// How big a bank to generate.
#[derive(Clone, Copy)]
pub struct Size {
    pub customers: i64,
    /// Lines on each of the three business accounts, spread over 13 months.
    pub business_lines: i64,
}

pub const SMALL: Size = Size { customers: 1_000, business_lines: 1_000 };

const DAY: i64 = 86_400;
/// The period the statement and CSV figures ask for: 13 months back from now.
const PERIOD_DAYS: i64 = 395;

/// Writes a bank of `size` into the data directory's database.
pub async fn generate(data: &Path, size: Size) -> anyhow::Result<()> {
    let file = data.join(DATABASE_FILE);
    let location = netbank_server::db::Location::configured(None, &file);
    let db = netbank_server::db::connect(location, netbank_server::db::Durability::ProcessCrash, 1).await?;
    let hash = password::hash(PASSWORD.into()).await?;
    let now = netbank_server::clock::Clock::System.now();
    let opened = now - (PERIOD_DAYS + 5) * DAY;
    let mut tx = db.begin().await?;
    let next = |table: &'static str| format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    let customer_base: i64 = sqlx::query_scalar(&next("customers")).fetch_one(&mut *tx).await?;
    let account_base: i64 = sqlx::query_scalar(&next("accounts")).fetch_one(&mut *tx).await?;
    let entry_base: i64 = sqlx::query_scalar(&next("journal_entries")).fetch_one(&mut *tx).await?;
    let line_base: i64 = sqlx::query_scalar(&next("journal_lines")).fetch_one(&mut *tx).await?;
    let series =
        |count: i64| format!("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count})");
    // Customers 1..=N and the three business customers N+1..=N+3.
    let everyone = size.customers + 3;
    let statements = [
        format!(
            "INSERT INTO customers (id, name, created_at) {} SELECT {customer_base} + n,
                 CASE WHEN n > {n} THEN '事業 口座' ELSE '規模 試験' END, {opened} FROM s",
            series(everyone),
            n = size.customers
        ),
        format!(
            "INSERT INTO credentials (customer_id, login_id, password_hash, updated_at) {} SELECT {customer_base} + n,
                 CASE WHEN n > {n} THEN 'business' || (n - {n}) ELSE 'scale' || n END, $1, {opened} FROM s",
            series(everyone),
            n = size.customers
        ),
        format!(
            "INSERT INTO accounts (id, customer_id, branch_code, number, kind, balance, holder_kana) {} SELECT
                 {account_base} + n, {customer_base} + n, CASE WHEN n > {n} THEN '801' ELSE '800' END,
                 printf('%07d', CASE WHEN n > {n} THEN n - {n} ELSE n END), 'ordinary',
                 CASE WHEN n > {n} THEN {business_balance} ELSE 100000 END, 'キボ　シケン' FROM s",
            series(everyone),
            n = size.customers,
            business_balance = size.business_lines * 1_000
        ),
        // Each customer's opening: one entry, its account's line and cash's.
        format!(
            "INSERT INTO journal_entries (id, kind, occurred_at, customer_id) {} SELECT {entry_base} + n, 'opening',
                 {opened}, NULL FROM s",
            series(size.customers)
        ),
        format!(
            "INSERT INTO journal_lines (id, entry_id, account_id, house_account, amount, balance_after, description,
                 occurred_at) {} SELECT {line_base} + 2 * n - 1, {entry_base} + n, {account_base} + n, NULL, 100000,
                 100000, '口座開設', {opened} FROM s",
            series(size.customers)
        ),
        format!(
            "INSERT INTO journal_lines (id, entry_id, account_id, house_account, amount, balance_after, description,
                 occurred_at) {} SELECT {line_base} + 2 * n, {entry_base} + n, NULL, 'cash', -100000, NULL, '口座開設',
                 {opened} FROM s",
            series(size.customers)
        ),
    ];
    for statement in &statements {
        sqlx::query(statement).bind(&hash).execute(&mut *tx).await.with_context(|| statement.clone())?;
    }
    // The business accounts: deposits of 1,000円 spread evenly over the period, oldest first.
    let (entry_base, line_base) = (entry_base + size.customers, line_base + 2 * size.customers);
    let step = PERIOD_DAYS * DAY / size.business_lines;
    for b in 1..=3 {
        let account = account_base + size.customers + b;
        let (entries, lines) =
            (entry_base + (b - 1) * size.business_lines, line_base + 2 * (b - 1) * size.business_lines);
        let at = format!("{} + n * {step}", now - PERIOD_DAYS * DAY);
        let statements = [
            format!(
                "INSERT INTO journal_entries (id, kind, occurred_at, customer_id) {} SELECT {entries} + n, 'deposit',
                     {at}, NULL FROM s",
                series(size.business_lines)
            ),
            format!(
                "INSERT INTO journal_lines (id, entry_id, account_id, house_account, amount, balance_after,
                     description, occurred_at) {} SELECT {lines} + 2 * n - 1, {entries} + n, {account}, NULL, 1000,
                     1000 * n, '振込 トリヒキサキ', {at} FROM s",
                series(size.business_lines)
            ),
            format!(
                "INSERT INTO journal_lines (id, entry_id, account_id, house_account, amount, balance_after,
                     description, occurred_at) {} SELECT {lines} + 2 * n, {entries} + n, NULL, 'cash', -1000, NULL,
                     '振込 トリヒキサキ', {at} FROM s",
                series(size.business_lines)
            ),
        ];
        for statement in &statements {
            sqlx::query(statement).execute(&mut *tx).await.with_context(|| statement.clone())?;
        }
    }
    tx.commit().await?;
    db.close().await;
    // On the disk before anything is measured: the kernel writing the new file back in the
    // background took CPU from the server on this two-core machine (the large bank's CSV
    // measured about twice the time curl took for it a minute later).
    std::fs::File::open(&file)?.sync_all()?;
    Ok(())
}

/// What one bank measured.
pub struct Figures {
    pub rows: i64,
    pub start_ms: f64,
    pub login_ms: f64,
    pub me_ms: f64,
    pub page_one_ms: f64,
    pub deep_page_ms: f64,
    pub deep_pages: usize,
    pub csv_ms: f64,
    pub csv_lines: usize,
    pub period_lines: i64,
    pub ledger_check_ms: f64,
    pub ledger_check_mib: f64,
    pub copy_ms: f64,
}

/// The CSV is fetched this many times and its median time reported.
const CSV_RUNS: usize = 5;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Measures the bank in `data` through the server binary and the operator's commands.
pub async fn measure(binary: &Path, data: &Path, dist: &Path, pages: usize) -> anyhow::Result<Figures> {
    let file = data.join(DATABASE_FILE);
    let sqlite = netbank_server::db::Location::configured(None, &file);
    let db = netbank_server::db::connect(sqlite, netbank_server::db::Durability::ProcessCrash, 1).await?;
    let mut rows = 0;
    for table in ["customers", "credentials", "accounts", "journal_entries", "journal_lines"] {
        rows += sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db).await?;
    }
    db.close().await;

    let started = Instant::now();
    let server = crate::server::start(binary, data, dist, None).await?;
    let start_ms = ms(started.elapsed());
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let mut logins = Vec::new();
    for _ in 0..5 {
        let at = Instant::now();
        session(&base, "scale1").await?;
        logins.push(ms(at.elapsed()));
    }
    let cookie = session(&base, "business1").await?;
    let get = |path: String| {
        let (client, cookie) = (client.clone(), cookie.clone());
        async move {
            let at = Instant::now();
            let response = client.get(&path).header("cookie", cookie).send().await?;
            let status = response.status();
            anyhow::ensure!(status == 200, "{path}: {status} {}", response.text().await.unwrap_or_default());
            let body = response.bytes().await?;
            Ok::<_, anyhow::Error>((ms(at.elapsed()), body))
        }
    };
    let mut me = Vec::new();
    for _ in 0..30 {
        me.push(get(format!("{base}/api/me")).await?.0);
    }
    // The longest period 期間指定 allows, as the server says it.
    let (_, opening) = get(format!("{base}/api/accounts/801-0000001/statement")).await?;
    let opening: serde_json::Value = serde_json::from_slice(&opening)?;
    let from = opening["earliest"].as_str().context("no earliest day")?.to_owned();
    let today = opening["latest"].as_str().context("no latest day")?.to_owned();
    let statement = format!("{base}/api/accounts/801-0000001/statement?period=custom&from={from}&to={today}");
    let mut page_one = Vec::new();
    for _ in 0..30 {
        page_one.push(get(statement.clone()).await?.0);
    }
    // 次のページ, again and again: each page by its cursor.
    let mut deep = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..pages {
        let url = match &cursor {
            Some(before) => format!("{statement}&before={before}"),
            None => statement.clone(),
        };
        let (took, body) = get(url).await?;
        deep.push(took);
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        match page["older"].as_str() {
            Some(older) => cursor = Some(older.to_owned()),
            None => break,
        }
    }
    let deep_pages = deep.len();
    let csv = format!("{base}/api/accounts/801-0000001/statement/csv?period=custom&from={from}&to={today}");
    let (mut csv_runs, mut body) = (Vec::new(), Default::default());
    for _ in 0..CSV_RUNS {
        let (took, got) = get(csv.clone()).await?;
        csv_runs.push(took);
        body = got;
    }
    let csv_ms = median(csv_runs);
    // The header line, then one line per journal line.
    let csv_lines = String::from_utf8_lossy(&body).lines().count().saturating_sub(1);
    drop(server);
    let db = netbank_server::db::connect(
        netbank_server::db::Location::configured(None, &file),
        netbank_server::db::Durability::ProcessCrash,
        1,
    )
    .await?;
    let since = netbank_api::input::Date::parse_field(&from, "from").map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let period_lines: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM journal_lines l JOIN accounts a ON a.id = l.account_id
         WHERE a.branch_code = '801' AND a.number = '0000001' AND l.occurred_at >= $1",
    )
    .bind(netbank_server::banking::jst_day_start(since.days()))
    .fetch_one(&db)
    .await?;
    db.close().await;

    let (ledger_check_ms, ledger_check_mib) =
        timed(std::process::Command::new(binary).arg("--data-dir").arg(data).args(["ledger", "check"]))?;
    let cluster = netbank_testkit::postgres::PgCluster::start()?;
    let target = cluster.new_socket_database()?;
    let from_url = format!("sqlite://{}", file.display());
    let (copy_ms, _) =
        timed(std::process::Command::new(binary).args(["db", "copy", "--from", &from_url, "--to", &target]))?;
    Ok(Figures {
        rows,
        start_ms,
        login_ms: median(logins),
        me_ms: median(me),
        page_one_ms: median(page_one),
        deep_page_ms: median(deep),
        deep_pages,
        csv_ms,
        csv_lines,
        period_lines,
        ledger_check_ms,
        ledger_check_mib,
        copy_ms,
    })
}

/// Runs `command` under `/usr/bin/time`: its wall time in ms and peak resident set in MiB.
fn timed(command: &mut std::process::Command) -> anyhow::Result<(f64, f64)> {
    let mut timed = std::process::Command::new("/usr/bin/time");
    timed.args(["-f", "%e %M"]).arg(command.get_program()).args(command.get_args());
    let output = timed.stdout(std::process::Stdio::null()).output()?;
    anyhow::ensure!(output.status.success(), "{:?}: {}", command, String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let (seconds, kib) = last.split_once(' ').context("no figures from /usr/bin/time")?;
    Ok((seconds.parse::<f64>()? * 1000.0, kib.parse::<f64>()? / 1024.0))
}

/// `./x bench --scale`: both banks, then one table.
pub async fn run(binary: &Path, dist: &Path, large: Size, pages: usize) -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let dist = crate::server::dist_with_reference(dist, work.path())?;
    let mut figures = Vec::new();
    for (name, size) in [("small", SMALL), ("large", large)] {
        let data = work.path().join(name);
        std::fs::create_dir_all(&data)?;
        eprintln!(
            "{name} bank: generating {} customers, {} lines on each business account…",
            size.customers, size.business_lines
        );
        let at = Instant::now();
        generate(&data, size).await?;
        let generated = ms(at.elapsed());
        eprintln!("{name} bank: generated in {:.1} s; measuring…", generated / 1000.0);
        let measured = measure(binary, &data, &dist, pages).await?;
        anyhow::ensure!(
            measured.csv_lines as i64 == measured.period_lines,
            "the CSV holds {} of the period's {} lines",
            measured.csv_lines,
            measured.period_lines
        );
        figures.push((size, generated, measured));
    }
    let (small, large) = (&figures[0], &figures[1]);
    let (s, l) = (&small.2, &large.2);
    println!("| measure | small bank | large bank | ratio | goal |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| size | {} customers, {} rows, {} lines per business account | {} customers, {} rows, {} lines per business account | {:.0}× rows | |",
        small.0.customers, s.rows, small.0.business_lines, large.0.customers, l.rows, large.0.business_lines,
        l.rows as f64 / s.rows as f64
    );
    println!("| generated (direct SQL) | {:.1} s | {:.1} s | | quick |", small.1 / 1000.0, large.1 / 1000.0);
    let row = |what: &str, a: f64, b: f64, goal: &str| {
        println!("| {what} | {a:.1} ms | {b:.1} ms | {:.2}× | {goal} |", b / a);
    };
    row("start-up until it listens", s.start_ms, l.start_ms, "flat");
    row("login (password; argon2id)", s.login_ms, l.login_ms, "flat");
    row("`GET /api/me` (median of 30)", s.me_ms, l.me_ms, "flat");
    row("入出金明細, 13 months, page 1 (median of 30)", s.page_one_ms, l.page_one_ms, "≤ 1.25×");
    println!(
        "| 入出金明細, 13 months, each 次のページ (median over the walk) | {:.1} ms ({} pages) | {:.1} ms ({} pages) | {:.2}× | ≤ 1.25× |",
        s.deep_page_ms, s.deep_pages, l.deep_page_ms, l.deep_pages, l.deep_page_ms / s.deep_page_ms
    );
    println!(
        "| CSV of the 13 months (every line, counted; median of 5) | {:.0} ms, {} lines ({:.1} µs/line) | {:.0} ms, {} lines ({:.1} µs/line) | {:.2}× per line | ≤ 1.25× per line |",
        s.csv_ms, s.csv_lines, 1000.0 * s.csv_ms / s.csv_lines.max(1) as f64,
        l.csv_ms, l.csv_lines, 1000.0 * l.csv_ms / l.csv_lines.max(1) as f64,
        (l.csv_ms / l.csv_lines.max(1) as f64) / (s.csv_ms / s.csv_lines.max(1) as f64)
    );
    println!(
        "| `ledger check` | {:.0} ms, {:.0} MiB | {:.0} ms, {:.0} MiB | {:.1}× time, {:.2}× memory | bounded memory |",
        s.ledger_check_ms,
        s.ledger_check_mib,
        l.ledger_check_ms,
        l.ledger_check_mib,
        l.ledger_check_ms / s.ledger_check_ms,
        l.ledger_check_mib / s.ledger_check_mib
    );
    println!(
        "| `db copy` to PostgreSQL | {:.1} s ({:.0} rows/s) | {:.1} s ({:.0} rows/s) | | ≥ 50,000 rows/s; minutes |",
        s.copy_ms / 1000.0,
        s.rows as f64 / (s.copy_ms / 1000.0),
        l.copy_ms / 1000.0,
        l.rows as f64 / (l.copy_ms / 1000.0)
    );
    Ok(())
}
