//! The branch's side of passkeys: list a customer's, and remove them all when a device is lost
//! or stolen (the customer then logs in with the password and one-time password and may
//! register a new one).

use netbank_api::input::LoginId;
use sqlx::AnyPool;

use crate::audit::Actor;
use crate::calendar::jst_datetime;
use crate::clock::Clock;
use crate::operator::customers::CustomerRef;
use crate::passkey::manage;
use crate::store::passkeys;

/// One line per passkey for the terminal.
pub async fn show(db: &AnyPool, login_id: &LoginId) -> anyhow::Result<String> {
    let id = CustomerRef::LoginId(login_id).id(db).await?;
    let rows = passkeys::list(db, id).await?;
    if rows.is_empty() {
        return Ok(format!("login ID:  {}\npasskeys:  none", login_id.as_str()));
    }
    let mut text = format!("login ID:  {}\npasskeys:  {}", login_id.as_str(), rows.len());
    for row in rows {
        let used = row.last_used_at.map_or("never used".to_owned(), |at| format!("last used {}", jst_datetime(at)));
        let synced = if row.backed_up != 0 { ", synced" } else { "" };
        text.push_str(&format!(
            "\n  #{} {:?}: registered {}, {used}{synced}",
            row.id,
            row.name,
            jst_datetime(row.created_at)
        ));
    }
    Ok(text)
}

/// Removes every passkey of the customer; how many there were.
pub async fn remove_all(db: &AnyPool, clock: &Clock, login_id: &LoginId, actor: &Actor) -> anyhow::Result<u64> {
    let id = CustomerRef::LoginId(login_id).id(db).await?;
    manage::remove_all_by_bank(db, id, actor, clock.now()).await
}
