//! Staff accounts from the command line: `staff create` (prints the single-use enrolment
//! code the person registers their passkey with at the console), `staff list`, `staff
//! disable` (their sessions end at once) and `staff new-code` (a lost security key).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use netbank_api::staff::Roles;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::calendar::jst_datetime;
use crate::clock::Clock;
use crate::staff::ENROLMENT_SECONDS;
use crate::store::staff as store;

/// What `staff create` prints once: the code is stored only hashed.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub staff_id: i64,
    pub code: String,
    pub expires_at: i64,
}

fn fresh_code() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let code = URL_SAFE_NO_PAD.encode(bytes);
    let hash = Sha256::digest(code.as_bytes()).to_vec();
    (code, hash)
}

fn checked_name(name: &str) -> anyhow::Result<&str> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 40 && !netbank_api::input::has_hidden_characters(name),
        "the name is 1 to 40 characters, nothing hidden"
    );
    Ok(name)
}

async fn record(db: &AnyPool, now: i64, event: AuditAction, detail: String) -> sqlx::Result<()> {
    let event =
        AuditEvent { customer_id: None, event, client_addr: None, result: Outcome::Success, detail: Some(detail) };
    audit::record_by(db, now, event, &Actor::operator_cli()).await
}

pub async fn create(db: &AnyPool, clock: &Clock, name: &str, roles: &Roles) -> anyhow::Result<Enrolment> {
    let name = checked_name(name)?;
    anyhow::ensure!(store::by_name(db, name).await?.is_none(), "a staff member named {name:?} exists already");
    let now = clock.now();
    let (code, hash) = fresh_code();
    let mut handle = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut handle);
    let expires_at = now + ENROLMENT_SECONDS;
    let staff_id = store::insert(db, name, &roles.stored(), &handle, &hash, expires_at, now).await?;
    record(db, now, AuditAction::StaffCreate, format!("staff={staff_id} name={name} roles={}", roles.stored())).await?;
    Ok(Enrolment { staff_id, code, expires_at })
}

/// A new single-use code for someone who lost their key (their passkeys stay until disabled).
pub async fn new_code(db: &AnyPool, clock: &Clock, name: &str) -> anyhow::Result<Enrolment> {
    let row = store::by_name(db, name.trim()).await?.ok_or_else(|| anyhow::anyhow!("no staff member {name:?}"))?;
    let now = clock.now();
    let (code, hash) = fresh_code();
    let expires_at = now + ENROLMENT_SECONDS;
    anyhow::ensure!(store::set_enrolment(db, row.id, &hash, expires_at).await?, "{name} is disabled");
    record(db, now, AuditAction::StaffCreate, format!("staff={} new enrolment code", row.id)).await?;
    Ok(Enrolment { staff_id: row.id, code, expires_at })
}

/// Disables the person; every console session of theirs ends in the same transaction.
pub async fn disable(db: &AnyPool, clock: &Clock, name: &str) -> anyhow::Result<()> {
    let row = store::by_name(db, name.trim()).await?.ok_or_else(|| anyhow::anyhow!("no staff member {name:?}"))?;
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    anyhow::ensure!(store::disable(&mut *tx, row.id, now).await?, "{name} is disabled already");
    store::delete_sessions_of(&mut *tx, row.id).await?;
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::StaffDisable,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("staff={}", row.id)),
    };
    audit::record_by(&mut *tx, now, event, &Actor::operator_cli()).await?;
    tx.commit().await?;
    Ok(())
}

/// One line per person for the terminal.
pub async fn list(db: &AnyPool) -> anyhow::Result<String> {
    let mut text = String::new();
    for row in store::list(db).await? {
        let roles = Roles::parse(&row.roles).map(|roles| roles.labels()).unwrap_or(row.roles.clone());
        let passkeys = store::count_passkeys(db, row.id).await?;
        let state = match (row.disabled_at, row.enrolment_expires_at) {
            (Some(at), _) => format!("disabled {}", jst_datetime(at)),
            (None, Some(until)) if passkeys == 0 => format!("waiting for enrolment until {}", jst_datetime(until)),
            _ => "active".to_owned(),
        };
        text.push_str(&format!("#{} {}  {}  passkeys: {passkeys}  {state}\n", row.id, row.name, roles));
    }
    if text.is_empty() {
        text.push_str("no staff yet: `netbank-server staff create --name … --role admin` makes the first 管理者\n");
    }
    Ok(text)
}
