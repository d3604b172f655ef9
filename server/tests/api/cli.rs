//! The command line as the README promises it: the server's flags work with and without
//! `serve`, and the README's configuration table names exactly the flags and environment
//! variables that `serve --help` lists.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_netbank-server")).args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// `(flags, environment variables)` of the README's configuration table.
fn readme_table() -> (Vec<String>, Vec<String>) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|line| !line.starts_with("| flag | environment |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .collect();
    assert!(table.len() > 10, "the README's configuration table was not found");
    let ticked = |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    let (mut flags, mut envs) = (Vec::new(), Vec::new());
    for row in table {
        let cells: Vec<&str> = row.split('|').collect();
        flags.extend(ticked(cells[1]));
        envs.extend(ticked(cells[2]));
    }
    (flags, envs)
}

#[test]
fn the_readme_configuration_table_and_serve_help_name_the_same_flags_and_variables() {
    let help = help(&["serve", "--help"]);
    let (flags, envs) = readme_table();
    for flag in &flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "README's {flag} is not in serve --help"
        );
    }
    let listed: Vec<&str> = help
        .split_whitespace()
        .filter(|word| word.starts_with("--") && *word != "--help" && *word != "--version")
        .collect();
    for flag in listed {
        assert!(flags.iter().any(|f| f == flag), "serve --help has {flag}, the README's table does not");
    }
    // Every NETBANK_ variable the README names is a flag's, shown in help as `[env: NAME=…]`
    // (RUST_LOG is the only one without a flag).
    for env in envs.iter().filter(|e| e.starts_with("NETBANK_")) {
        let name = env.trim_end_matches('*');
        assert!(help.contains(&format!("[env: {name}")), "README's {env} is not in serve --help");
    }
}

#[test]
fn the_server_flags_work_without_serve_and_the_top_level_help_shows_them() {
    let top = help(&["--help"]);
    for flag in ["--addr", "--dist", "--demo", "--mode", "--otp-key", "--smtp-url"] {
        assert!(top.contains(flag), "netbank-server --help lacks {flag}");
    }
    // A flag the parser does not know at the top level would fail here, before the mode check.
    let output = Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .args(["--data-dir", "/nonexistent/never", "--addr", "127.0.0.1:0", "--demo", "--mode", "production"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("development mode only"), "{stderr}");
}

/// The README's "Deploying" shows the nginx configuration the end-to-end tests run through,
/// word for word.
#[test]
fn the_readmes_nginx_configuration_is_the_one_the_tests_use() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let config = std::fs::read_to_string(format!("{root}/deploy/nginx-netbank.conf")).unwrap();
    assert!(
        readme.contains(&format!("```nginx\n{config}```")),
        "README.md's nginx block differs from deploy/nginx-netbank.conf"
    );
}

/// Attack 10: one operator argument must not break the trial balance for good. The opening
/// balance takes the API's amount rule; a ledger that holds an impossible sum anyway (written
/// behind the server's back) is reported by `ledger check`, never a crash.
#[tokio::test]
async fn amounts_past_the_api_rule_are_refused_and_ledger_check_reports_an_overflow() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_netbank-server"))
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap()
    };
    let create = |balance: &str, account: &str| {
        run(&[
            "customer",
            "create",
            "--name",
            "試験 太郎",
            "--branch",
            "001",
            "--account",
            account,
            "--balance",
            balance,
        ])
    };
    for huge in ["9223372036854775807", "100000000", "-1", "1e9"] {
        let refused = create(huge, "1000001");
        assert!(!refused.status.success(), "--balance {huge} was accepted");
    }
    // An opening balance above the counter's approval amount is two people's: from the CLI,
    // breaking glass (this database has no server yet, so it counts as production).
    let large = run(&[
        "customer",
        "create",
        "--name",
        "試験 太郎",
        "--branch",
        "001",
        "--account",
        "1000001",
        "--balance",
        "99,999,999",
        "--break-glass",
        "--reason",
        "移行データ",
    ]);
    assert!(large.status.success(), "{}", String::from_utf8_lossy(&large.stderr));
    assert!(create("0", "1000002").status.success());
    let check = run(&["ledger", "check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    // Two lines past 64 bits between them, put in behind the server's back.
    let db = netbank_server::db::open(&data.path().join(netbank_server::config::DATABASE_FILE)).await.unwrap();
    let entry: i64 =
        sqlx::query_scalar("SELECT id FROM journal_entries ORDER BY id LIMIT 1").fetch_one(&db).await.unwrap();
    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1").fetch_one(&db).await.unwrap();
    for _ in 0..2 {
        sqlx::query("INSERT INTO journal_lines (entry_id, account_id, amount, balance_after, description) VALUES ($1, $2, $3, 0, 'x')")
            .bind(entry)
            .bind(account)
            .bind(i64::MAX)
            .execute(&db)
            .await
            .unwrap();
    }
    db.close().await;
    let check = run(&["ledger", "check"]);
    let printed = String::from_utf8_lossy(&check.stdout);
    assert!(!check.status.success());
    assert!(printed.contains("OVERFLOW") && printed.contains("FAILED"), "{printed}");
    assert!(!String::from_utf8_lossy(&check.stderr).contains("panicked"));
}
