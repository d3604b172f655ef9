//! `./x bench`: one table of figures, each beside a reference measured in the same run.
//!
//!   netbank-bench --server-bin target/server/netbank-server --dist dist [--database postgres]
//!   netbank-bench --server-bin … --dist … --scale [CUSTOMERS] [--scale-lines N] [--scale-pages N]
//!     (a generated large bank beside a small one: `scale`)
//!   netbank-bench --server-bin … --dist … --first-load
//!     (only the browser's figures: first-load bytes and times, ホーム after a login)

mod closed_loop;
mod durability;
mod first_load;
mod logins;
mod overload;
mod reads;
mod scale;
mod server;
mod stats;
mod transfers;

use std::path::PathBuf;

use anyhow::Context;
use stats::ms;

struct Args {
    server_bin: PathBuf,
    dist: PathBuf,
    loads: usize,
    login_seconds: u64,
    read_seconds: u64,
    overload_seconds: u64,
    transfer_seconds: u64,
    /// `postgres`: on a throwaway PostgreSQL cluster, with a second instance's rows.
    postgres: bool,
    /// `--scale`: only the large bank beside the small one.
    scale: Option<scale::Size>,
    scale_pages: usize,
    /// `--first-load`: only the first-load rows, none of the load phases.
    first_load_only: bool,
}

fn args() -> anyhow::Result<Args> {
    let mut args = Args {
        server_bin: PathBuf::from("target/server/netbank-server"),
        dist: PathBuf::from("dist"),
        loads: 20,
        login_seconds: 15,
        read_seconds: 10,
        overload_seconds: 20,
        transfer_seconds: 10,
        postgres: false,
        scale: None,
        scale_pages: 200,
        first_load_only: false,
    };
    let mut it = std::env::args().skip(1).peekable();
    while let Some(flag) = it.next() {
        if flag == "--scale" {
            // The bank by default: a million customers, 150,000 lines per business account.
            let customers = match it.next_if(|next| !next.starts_with("--")) {
                Some(value) => value.replace('_', "").parse()?,
                None => 1_000_000,
            };
            args.scale = Some(scale::Size { customers, business_lines: 150_000 });
            continue;
        }
        if flag == "--first-load" {
            args.first_load_only = true;
            continue;
        }
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--server-bin" => args.server_bin = value.into(),
            "--dist" => args.dist = value.into(),
            "--loads" => args.loads = value.parse()?,
            "--login-seconds" => args.login_seconds = value.parse()?,
            "--read-seconds" => args.read_seconds = value.parse()?,
            "--overload-seconds" => args.overload_seconds = value.parse()?,
            "--transfer-seconds" => args.transfer_seconds = value.parse()?,
            "--database" => {
                args.postgres = match value.as_str() {
                    "postgres" => true,
                    "sqlite" => false,
                    other => anyhow::bail!("--database sqlite or postgres, not {other}"),
                }
            }
            "--scale-lines" => {
                let size = args.scale.as_mut().context("--scale-lines after --scale")?;
                size.business_lines = value.replace('_', "").parse()?;
            }
            "--scale-pages" => args.scale_pages = value.parse()?,
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    if let Some(large) = args.scale {
        return scale::run(&args.server_bin, &args.dist, large, args.scale_pages).await;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let work = tempfile::tempdir()?;
    let data = work.path().join("data");
    std::fs::create_dir_all(&data)?;
    eprintln!("seeding customers…");
    // Each customer can log in about three times per 30-s step window (a code is used once),
    // so there are enough of them never to run out at the argon2 bound.
    let cluster = if args.postgres { Some(netbank_testkit::postgres::PgCluster::start()?) } else { None };
    let database_url = match &cluster {
        // On this machine, as a server beside its database would: through the unix socket.
        Some(cluster) => Some(cluster.new_socket_database()?),
        None => None,
    };
    // Password-only customers: 8 hold the read sessions; the overload's crowd is all 400 (a
    // crowd is many customers, not a few logging in hundreds of times a second).
    let (with_token, plain) = server::seed(database_url.as_deref(), &data, 4000, 400).await?;
    let readers = &plain[..8];
    let dist = server::dist_with_reference(&args.dist, work.path())?;
    let server = server::start(&args.server_bin, &data, &dist, database_url.as_deref()).await?;
    let base = server.base.clone();
    let one = [base.clone()];

    // The bound first, while nothing else runs (browsers shutting down would steal cores).
    eprintln!("argon2id bound on {cores} cores…");
    let bound = logins::argon2_bound(cores, 5).await?;
    let first = first_load::Figures::measure(&base, &plain, args.loads).await?;
    if args.first_load_only {
        println!("| measure | netbank | reference (same run) | ratio | goal |");
        println!("| --- | --- | --- | --- | --- |");
        first.print_rows(args.loads);
        println!();
        first.print_files();
        return Ok(());
    }

    eprintln!("logins at concurrency 16 for {} s…", args.login_seconds);
    let mut login = logins::run(&one, with_token.clone(), 16, args.login_seconds).await?;
    let rss_after_logins = server.peak_rss_mib()?;

    eprintln!("authenticated reads at concurrency 64 for {} s…", args.read_seconds);
    let mut cookies = Vec::new();
    for login_id in readers {
        cookies.push(reads::session(&base, login_id).await?);
    }
    let mut read = reads::run(&one, &cookies, 64, args.read_seconds).await?;
    let rss_after_reads = server.peak_rss_mib()?;

    eprintln!("transfers (振替) at concurrency 16 for {} s…", args.transfer_seconds);
    let movers = &plain[8..24];
    let mut mover_cookies = Vec::new();
    let mut mover_accounts = Vec::new();
    for login_id in movers {
        mover_cookies.push(reads::session(&base, login_id).await?);
        let number = &login_id["bench".len()..];
        mover_accounts.push((format!("900-00{number}"), format!("901-00{number}")));
    }
    let mut moved = transfers::run(&base, &mover_cookies, &mover_accounts, args.transfer_seconds).await?;
    let trial = {
        let file = data.join(netbank_server::config::DATABASE_FILE);
        let location = netbank_server::db::Location::configured(database_url.as_deref(), &file);
        let db = netbank_server::db::connect(location, netbank_server::db::Durability::PowerLoss, 2).await?;
        let trial = netbank_server::banking::ledger::check(&db).await?;
        db.close().await;
        trial
    };
    anyhow::ensure!(trial.holds(), "the ledger does not balance after the transfers: {trial:?}");

    let offered = 4.0 * bound;
    eprintln!("overload: {offered:.0} logins/s offered (4× the bound) for {} s…", args.overload_seconds);
    let mut overload = overload::run(&base, &plain, offered, args.overload_seconds).await?;
    let peak = server.peak_rss_mib()?;

    // A second instance on the same PostgreSQL database: the same load shared out over both.
    let two = match &database_url {
        Some(url) => {
            eprintln!("two instances: logins for {} s, reads for {} s…", args.login_seconds, args.read_seconds);
            let second = server::start(&args.server_bin, &data, &dist, Some(url)).await?;
            let bases = [base.clone(), second.base.clone()];
            let login = logins::run(&bases, with_token.clone(), 16, args.login_seconds).await?;
            // Fresh sessions: the overload's logins have ended the earlier ones (the cap of
            // live sessions per customer). Each made on one instance, read through both.
            let mut cookies = Vec::new();
            for (i, login_id) in readers.iter().enumerate() {
                cookies.push(reads::session(&bases[i % 2], login_id).await?);
            }
            let read = reads::run(&bases, &cookies, 64, args.read_seconds).await?;
            drop(second);
            Some((login, read))
        }
        None => None,
    };
    drop(server);

    eprintln!("durability: committed writes, synchronous FULL against NORMAL…");
    let full = durability::commits_per_second(work.path(), netbank_server::db::Durability::PowerLoss, 3).await?;
    let normal = durability::commits_per_second(work.path(), netbank_server::db::Durability::ProcessCrash, 3).await?;

    println!("database: {}", if args.postgres { "PostgreSQL (throwaway cluster, same machine)" } else { "SQLite" });
    println!();
    println!("| measure | netbank | reference (same run) | ratio | goal |");
    println!("| --- | --- | --- | --- | --- |");
    first.print_rows(args.loads);
    println!(
        "| complete logins (password + TOTP), concurrency 16 | {:.1} /s | argon2id bound {:.1} /s ({cores} cores) | {:.0} % | ≥ 90 % |",
        login.per_second, bound, 100.0 * login.per_second / bound
    );
    println!(
        "| login latency p50 / p99 | {:.0} / {:.0} ms | | | p99 < 250 ms |",
        ms(login.latencies.percentile(50.0)),
        ms(login.latencies.percentile(99.0))
    );
    println!("| authenticated reads (me, otp), concurrency 64 | {:.0} /s | | | ≥ 10,000 /s |", read.per_second);
    println!(
        "| read latency p50 / p99 | {:.1} / {:.1} ms | | | |",
        ms(read.latencies.percentile(50.0)),
        ms(read.latencies.percentile(99.0))
    );
    println!(
        "| transfers (振替: key, 2 conditional UPDATEs, lines, notice, audit), concurrency 16 | {:.0} /s (p50 {:.1} / p99 {:.1} ms) | authenticated reads {:.0} /s | {:.0} % | ledger check passes: yes |",
        moved.per_second, ms(moved.latencies.percentile(50.0)), ms(moved.latencies.percentile(99.0)), read.per_second, 100.0 * moved.per_second / read.per_second
    );
    println!(
        "| overload: logins accepted while {:.0} /s are offered for {} s | {:.1} /s | argon2id bound {:.1} /s | {:.0} % | ≥ 90 % |",
        overload.offered_per_second, args.overload_seconds, overload.accepted_per_second, bound, 100.0 * overload.accepted_per_second / bound
    );
    println!(
        "| overload: accepted login p99; refused (503 busy) p99 | {:.0} ms; {:.0} ms ({} refused) | | | < 500 ms; fast |",
        ms(overload.accepted.percentile(99.0)), ms(overload.busy.percentile(99.0)), overload.busy.len()
    );
    println!("| server peak RSS (logins, reads, then overload) | {peak:.1} MiB | after logins {rss_after_logins:.1}, after reads {rss_after_reads:.1} MiB | | ≤ 96 MiB |");
    if let Some((mut login2, read2)) = two {
        anyhow::ensure!(
            read2.failures == 0 && login2.failures == 0,
            "two instances: {} failed logins, {} failed reads",
            login2.failures,
            read2.failures
        );
        println!(
            "| two instances: complete logins, concurrency 16 | {:.1} /s (p99 {:.0} ms) | one instance {:.1} /s | {:.0} % | |",
            login2.per_second, ms(login2.latencies.percentile(99.0)), login.per_second, 100.0 * login2.per_second / login.per_second
        );
        println!(
            "| two instances: authenticated reads, concurrency 64 | {:.0} /s | one instance {:.0} /s | {:.0} % | ≥ 8,000 /s |",
            read2.per_second, read.per_second, 100.0 * read2.per_second / read.per_second
        );
    }
    println!(
        "| committed writes (SQLite), synchronous = FULL (survives power loss) | {full:.0} /s | NORMAL (survives a crash) {normal:.0} /s | {:.0} % | the cost, recorded |",
        100.0 * full / normal
    );
    println!();
    first.print_files();
    println!(
        "failures: {} logins, {} reads, {} transfers (of {}, {} and {}); {} overload answers neither 200 nor 503",
        login.failures,
        read.failures,
        moved.failures,
        login.latencies.len(),
        read.latencies.len(),
        moved.latencies.len(),
        overload.other
    );
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    Ok(())
}
