//! The server under test: the release binary as its own process (so its memory is its own),
//! on a free port, over a data directory seeded here.

use std::path::{Path, PathBuf};

use anyhow::Context;
use netbank_server::banking::ledger;
use netbank_server::config::{Mode, DATABASE_FILE};
use netbank_server::identity::password;
use netbank_server::otp::secret_box::SecretBox;
use netbank_server::store::ledger::EntryKind;
use netbank_testkit::ServerProcess;

pub const PASSWORD: &str = "bench1234";

/// A customer the load generator logs in as: login ID and TOTP secret.
#[derive(Clone)]
pub struct Customer {
    pub login_id: String,
    pub secret: Vec<u8>,
}

/// Customers with a token in use (`with_token`) and without (`plain`), written straight to
/// the database with one shared password hash, so seeding costs one argon2.
pub async fn seed(
    database_url: Option<&str>,
    data: &Path,
    with_token: usize,
    plain: usize,
) -> anyhow::Result<(Vec<Customer>, Vec<String>)> {
    let file = data.join(DATABASE_FILE);
    let location = netbank_server::db::Location::configured(database_url, &file);
    let db = netbank_server::db::connect(location, netbank_server::db::Durability::PowerLoss, 4).await?;
    let secrets = SecretBox::load(Mode::Development, None, None, data)?;
    let hash = password::hash(PASSWORD.into()).await?;
    let now = netbank_server::clock::Clock::System.now();
    let mut tx = db.begin().await?;
    let mut tokens = Vec::new();
    let mut others = Vec::new();
    for i in 0..with_token + plain {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO customers (name, created_at) VALUES ('負荷 試験', $1) RETURNING id")
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        // Two accounts each, the money in through the ledger (so its trial balance holds after
        // the transfers bench).
        for (branch, kind, balance) in [("900", "ordinary", 123_456), ("901", "savings", 0)] {
            let account: netbank_server::ids::AccountId = sqlx::query_scalar(
                "INSERT INTO accounts (customer_id, branch_code, number, kind, balance, holder_kana) VALUES ($1, $2, $3, $4, 0, 'フカ　シケン') RETURNING id",
            )
            .bind(id)
            .bind(branch)
            .bind(format!("{:07}", i))
            .bind(kind)
            .fetch_one(&mut *tx)
            .await?;
            if balance > 0 {
                let opening = ledger::from_cash(
                    EntryKind::Opening,
                    account,
                    netbank_server::money::Yen(balance),
                    "口座開設",
                    None,
                    now,
                );
                ledger::post(&mut tx, opening).await?;
            }
        }
        let login_id = format!("bench{i:05}");
        sqlx::query(
            "INSERT INTO credentials (customer_id, login_id, password_hash, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&login_id)
        .bind(&hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if i < with_token {
            let secret: Vec<u8> = (0..20).map(|b| (b as u8).wrapping_mul(31).wrapping_add(i as u8)).collect();
            let user_id = format!("9{:010}", i);
            let sealed = secrets.seal(&user_id, &secret);
            sqlx::query(
                "INSERT INTO otp_tokens (customer_id, state, method, service_id, user_id, mail_address,
                     issued_at, pending_until, secret_ciphertext, secret_nonce, secret_key_id, algorithm, digits, period,
                     updated_at)
                 VALUES ($1, 'active', 'software_token', '10010001', $2, 'bench@docomo.ne.jp', $3, $4, $5, $6, $7, 'SHA1', 6,
                     30, $8)",
            )
            .bind(id)
            .bind(&user_id)
            .bind(now)
            .bind(now)
            .bind(sealed.ciphertext)
            .bind(sealed.nonce)
            .bind(&sealed.key_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tokens.push(Customer { login_id, secret });
        } else {
            others.push(login_id);
        }
    }
    tx.commit().await?;
    db.close().await;
    Ok((tokens, others))
}

/// The server as the benchmarks run it: development mode (no OTP key to set up), the limits
/// that would stop a load test raised, its warnings on stderr.
/// With `database_url`, on that database (several instances may share it).
pub async fn start(
    binary: &Path,
    data: &Path,
    dist: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<ServerProcess> {
    let dist = dist.to_str().context("the dist path is not UTF-8")?;
    // The load generator is hundreds of clients on one loopback address.
    let mut args = vec![
        "--mode",
        "development",
        "--dist",
        dist,
        "--auth-requests-per-minute",
        "1000000000",
        "--session-idle-seconds",
        "3600",
        "--max-connections-per-client",
        "100000",
    ];
    if let Some(url) = database_url {
        args.extend(["--database-url", url]);
    }
    ServerProcess::start(binary, data, &args, Some("warn")).await
}

/// Where the static reference login form is served.
pub const REFERENCE_PAGE: &str = "/static-login.htm";

/// A copy of the SPA build with the static reference page beside it.
pub fn dist_with_reference(dist: &Path, into: &Path) -> anyhow::Result<PathBuf> {
    let target = into.join("dist");
    std::fs::create_dir_all(&target)?;
    for entry in std::fs::read_dir(dist)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name()))?;
        }
    }
    // `.htm`: the server hands out no `.html` by name (a page is a route's answer), and the
    // reference is a plain file served as any other.
    std::fs::write(target.join(REFERENCE_PAGE.trim_start_matches('/')), include_str!("../static-login.html"))?;
    let login = std::fs::read_to_string(dist.join("index.html"))?;
    std::fs::write(target.join(WITHOUT_SCRIPTS_PAGE.trim_start_matches('/')), without_bundle(&login))?;
    Ok(target)
}

/// Where BLI001's page without its bundle is served: the build's HTML and style sheet alone.
pub const WITHOUT_SCRIPTS_PAGE: &str = "/static-bli001.htm";

/// `page` without what loads its bundle: the module script and the links that preload its JS
/// and wasm (the only `crossorigin` ones). What is left is the page a browser without the
/// bundle would show.
fn without_bundle(page: &str) -> String {
    let mut rest = page;
    let mut kept = String::with_capacity(page.len());
    while let Some(start) = rest.find('<') {
        kept.push_str(&rest[..start]);
        let tail = &rest[start..];
        let tag_end = tail.find('>').map_or(tail.len(), |end| end + 1);
        let tag = &tail[..tag_end];
        let skip = if tag.starts_with("<script type=module") {
            tail.find("</script>").map_or(tail.len(), |end| end + "</script>".len())
        } else if tag.starts_with("<link") && tag.contains("crossorigin") {
            tag_end
        } else {
            kept.push_str(tag);
            tag_end
        };
        rest = &tail[skip..];
    }
    kept.push_str(rest);
    kept
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_without_its_bundle_keeps_everything_else() {
        let page = "<head><script type=module>import init from '/a.js';\nawait init();</script>\
            <link href=/main.css rel=stylesheet><script>inline()</script>\
            <link crossorigin href=/a.js rel=modulepreload><link as=fetch crossorigin href=/a.wasm rel=preload>\
            </head><body><input id=x></body>";
        assert_eq!(
            super::without_bundle(page),
            "<head><link href=/main.css rel=stylesheet><script>inline()</script></head><body><input id=x></body>"
        );
    }
}
