//! The demo customers `./x run` prints: one registered (log straight in), one waiting for
//! 初回利用登録. Seeding again puts them back in that state, so the printed values always work.

use netbank_api::identity::AccountKind;
use sqlx::AnyPool;

use crate::audit::{self, AuditEvent};
use crate::clock::Clock;
use crate::config::Mode;
use crate::identity::password;
use crate::identity::session::{self, Revocation};
use crate::operator::customers::OPERATOR;
use crate::store::customers;
use crate::store::otp_tokens;

pub const LOGIN_ID: &str = "demo01";
pub const PASSWORD: &str = "demo1234";
pub const NEW_BRANCH: &str = "001";
pub const NEW_ACCOUNT: &str = "7654321";
pub const NEW_TEMPORARY_PASSWORD: &str = "kari2345";

/// Where the demo customer's notices go: the development mailbox shows them.
pub const NOTICE_ADDRESS: &str = "demo01@netbank.example";

/// The demo's well-known passwords must never exist on a real database: seeding refuses
/// unless the server runs in development mode.
pub fn ensure_allowed(mode: Mode) -> anyhow::Result<()> {
    anyhow::ensure!(
        mode == Mode::Development,
        "the demo customers are for development mode only (--mode development); nothing was written"
    );
    Ok(())
}

pub async fn seed(db: &AnyPool, clock: &Clock, mode: Mode) -> anyhow::Result<()> {
    ensure_allowed(mode)?;
    let now = clock.now();
    let password_hash = password::hash(PASSWORD.into()).await?;
    let temporary_hash = password::hash(NEW_TEMPORARY_PASSWORD.into()).await?;
    let mut tx = db.begin().await?;

    let registered = ensure_customer(&mut tx, "デモ 太郎", "001", "1234567", 1_250_000, now).await?;
    ensure_account(&mut tx, registered, "001", "2345678", AccountKind::Savings, 300_000).await?;
    customers::set_notice_address(&mut *tx, registered, NOTICE_ADDRESS).await?;
    customers::reset_credentials(&mut *tx, registered, LOGIN_ID, &password_hash, now).await?;

    // Back to トークン未発行, so the printed password logs in without a code from a token
    // that may be gone with an earlier browser profile; its sessions end with it.
    otp_tokens::initialise(&mut *tx, registered).await?;
    session::revoke_all(&mut tx, registered, Revocation::DemoSeed, Some(OPERATOR.into()), now).await?;

    let newcomer = ensure_customer(&mut tx, "デモ 花子", NEW_BRANCH, NEW_ACCOUNT, 80_000, now).await?;
    session::revoke_all(&mut tx, newcomer, Revocation::DemoSeed, Some(OPERATOR.into()), now).await?;
    otp_tokens::initialise(&mut *tx, newcomer).await?;
    customers::delete_credentials(&mut *tx, newcomer).await?;
    customers::store_temporary_password(&mut *tx, newcomer, &temporary_hash, now + 365 * 86_400).await?;
    for customer_id in [registered, newcomer] {
        let event = AuditEvent {
            customer_id: Some(customer_id),
            event: "demo_seed",
            client_addr: Some(OPERATOR.into()),
            result: "success",
            detail: None,
        };
        audit::record(&mut *tx, now, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn ensure_customer(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    name: &str,
    branch: &str,
    number: &str,
    balance: i64,
    now: i64,
) -> sqlx::Result<i64> {
    if let Some(id) = customers::customer_by_account(&mut **tx, branch, number).await? {
        return Ok(id);
    }
    let id = customers::insert_customer(&mut **tx, name, None, now).await?;
    ensure_account(tx, id, branch, number, AccountKind::Ordinary, balance).await?;
    Ok(id)
}

async fn ensure_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    customer_id: i64,
    branch: &str,
    number: &str,
    kind: AccountKind,
    balance: i64,
) -> sqlx::Result<()> {
    let account = customers::NewAccount { customer_id, branch_code: branch, number, kind, balance };
    customers::insert_account_if_absent(&mut **tx, account).await
}

/// What `serve --demo` prints under the URL.
pub fn credentials_text() -> String {
    format!(
        "demo login:        ログインID {LOGIN_ID} / ログインパスワード {PASSWORD} (notices to {NOTICE_ADDRESS})\n\
         demo registration: 店番 {NEW_BRANCH} / 口座番号 {NEW_ACCOUNT} / 仮パスワード {NEW_TEMPORARY_PASSWORD} (初回利用登録)"
    )
}
