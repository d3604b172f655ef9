use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, BranchCode, KanaName, LoginId, NoticeAddress};
use rand::Rng;
use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::banking::ledger;
use crate::clock::Clock;
use crate::config::Policy;
use crate::identity::session::{self, Revocation};
use crate::identity::{notice_address, password};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::money::Yen;
use crate::store::ledger::EntryKind;
use crate::store::{accounts, customers};

/// The audit log's client address for what the operator does.
pub const OPERATOR: &str = crate::audit::OPERATOR_CLI;

/// What the branch tells a new customer, once: the 仮パスワード is stored only hashed.
#[derive(Debug, Clone)]
pub struct TemporaryPasswordNotice {
    pub customer_id: CustomerId,
    pub temporary_password: String,
    pub expires_at: i64,
}

pub struct NewCustomer<'a> {
    pub name: &'a str,
    pub branch: BranchCode,
    pub account: AccountNumber,
    pub kind: AccountKind,
    pub balance: i64,
    /// 通知先メールアドレス, when the branch has one on file.
    pub notice_address: Option<NoticeAddress>,
    /// 口座名義 (全角カナ), what a payer sees as the 受取人名; without it, the name.
    pub kana: Option<KanaName>,
}

/// 8 characters from an alphabet without look-alikes (no 0/O, 1/l/I), letters and digits.
pub fn generate_temporary_password() -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = rand::thread_rng();
    let mut chars: Vec<u8> = (0..4).map(|_| LETTERS[rng.gen_range(0..LETTERS.len())]).collect();
    chars.extend((0..4).map(|_| DIGITS[rng.gen_range(0..DIGITS.len())]));
    use rand::seq::SliceRandom;
    chars.shuffle(&mut rng);
    String::from_utf8(chars).expect("ASCII")
}

/// Opens a customer with one account and a 仮パスワード for 初回利用登録.
pub async fn create(
    db: &AnyPool,
    clock: &Clock,
    policy: &Policy,
    customer: NewCustomer<'_>,
) -> anyhow::Result<TemporaryPasswordNotice> {
    anyhow::ensure!(!customer.name.trim().is_empty(), "the name must not be empty");
    // The same bound as every amount the API takes: a balance no sum of the ledger can overflow.
    anyhow::ensure!(
        (0..=netbank_api::input::Amount::MAX).contains(&customer.balance),
        "the opening balance is 0 to {} yen",
        netbank_api::input::Amount::MAX
    );
    anyhow::ensure!(
        !netbank_api::input::has_hidden_characters(customer.name),
        "the name has control or invisible formatting characters"
    );
    let temporary = generate_temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    let now = clock.now();
    let expires_at = now + i64::from(policy.temporary_password_days) * 86_400;
    let mut tx = crate::db::begin_write(db).await?;
    let notice_address = customer.notice_address.as_ref().map(NoticeAddress::as_str);
    let customer_id = customers::insert_customer(&mut *tx, customer.name.trim(), notice_address, now).await?;
    let account = accounts::NewAccount {
        customer_id,
        branch_code: customer.branch.as_str(),
        number: customer.account.as_str(),
        kind: customer.kind,
        holder_kana: customer.kana.as_ref().map(KanaName::as_str),
    };
    let account_id = accounts::insert_account(&mut *tx, account).await.map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            anyhow::anyhow!("account {}-{} exists already", customer.branch.as_str(), customer.account.as_str())
        }
        _ => e.into(),
    })?;
    if customer.balance > 0 {
        let opening = ledger::from_cash(EntryKind::Opening, account_id, Yen(customer.balance), "口座開設", None, now);
        ledger::post(&mut tx, opening).await?;
    }
    customers::store_temporary_password(&mut *tx, customer_id, &hash, expires_at).await?;
    if let Some(address) = &customer.notice_address {
        notice::send_to(&mut tx, customer_id, address.as_str(), &Notice::NoticeAddressRegistered, now).await?;
    }
    actor_audit(&mut tx, now, customer_id, AuditAction::CustomerCreate, &Actor::operator_cli()).await?;
    tx.commit().await?;
    Ok(TemporaryPasswordNotice { customer_id, temporary_password: temporary, expires_at })
}

/// A new 仮パスワード for a customer who has not registered yet (lost, expired or voided).
pub async fn reissue_temporary_password(
    db: &AnyPool,
    clock: &Clock,
    policy: &Policy,
    branch: &BranchCode,
    account: &AccountNumber,
    actor: &Actor,
) -> anyhow::Result<TemporaryPasswordNotice> {
    let customer_id = customer_by_account(db, branch, account).await?;
    let fresh = FreshTemporaryPassword::make().await?;
    let mut tx = crate::db::begin_write(db).await?;
    let notice = reissue_temporary_password_in(&mut tx, customer_id, fresh, policy, actor, clock.now()).await?;
    tx.commit().await?;
    Ok(notice)
}

/// A 仮パスワード and its hash, made before any transaction opens (argon2 takes a while).
pub struct FreshTemporaryPassword {
    plain: String,
    hash: String,
}

impl FreshTemporaryPassword {
    pub async fn make() -> anyhow::Result<Self> {
        let plain = generate_temporary_password();
        let hash = password::hash(plain.clone()).await?;
        Ok(Self { plain, hash })
    }
}

pub async fn reissue_temporary_password_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    fresh: FreshTemporaryPassword,
    policy: &Policy,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<TemporaryPasswordNotice> {
    anyhow::ensure!(
        !customers::is_registered(&mut **tx, customer_id).await?,
        "the customer has registered already: unlock the login instead"
    );
    let expires_at = now + i64::from(policy.temporary_password_days) * 86_400;
    customers::store_temporary_password(&mut **tx, customer_id, &fresh.hash, expires_at).await?;
    actor_audit(tx, now, customer_id, AuditAction::TemporaryPasswordReissue, actor).await?;
    Ok(TemporaryPasswordNotice { customer_id, temporary_password: fresh.plain, expires_at })
}

/// Lifts a password lockout (the customer's written request having been checked). Any
/// session still open from before ends: the customer starts again from a login.
pub async fn unlock(db: &AnyPool, clock: &Clock, login_id: &LoginId, actor: &Actor) -> anyhow::Result<()> {
    let customer_id = CustomerRef::LoginId(login_id).id(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    unlock_in(&mut tx, customer_id, actor, clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn unlock_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<()> {
    anyhow::ensure!(customers::unlock_customer(&mut **tx, customer_id).await?, "the customer has no login yet");
    session::revoke_all(tx, customer_id, Revocation::Unlock, actor.client_addr.clone(), now).await?;
    actor_audit(tx, now, customer_id, AuditAction::LoginUnlock, actor).await?;
    Ok(())
}

/// Freezes (凍結) or unfreezes the customer's dealings, with the branch's reason; the customer
/// is told. Sessions stay: the customer may still see balances.
pub async fn set_frozen(
    db: &AnyPool,
    clock: &Clock,
    login_id: &LoginId,
    frozen: bool,
    reason: &str,
    actor: &Actor,
) -> anyhow::Result<()> {
    let customer_id = CustomerRef::LoginId(login_id).id(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    set_frozen_in(&mut tx, customer_id, frozen, reason, actor, clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_frozen_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    frozen: bool,
    reason: &str,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<()> {
    let reason =
        audit::reason(reason).ok_or_else(|| anyhow::anyhow!("say why (--reason): it goes to the audit log"))?;
    let changed = match frozen {
        true => customers::freeze(&mut **tx, customer_id, reason, now).await?,
        false => customers::unfreeze(&mut **tx, customer_id).await?,
    };
    anyhow::ensure!(changed, "the customer is {} already", if frozen { "frozen" } else { "not frozen" });
    notice::send(tx, customer_id, if frozen { &Notice::Frozen } else { &Notice::Unfrozen }, now).await?;
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: if frozen { AuditAction::CustomerFreeze } else { AuditAction::CustomerUnfreeze },
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("reason={reason}")),
    };
    audit::record_by(&mut **tx, now, event, actor).await?;
    Ok(())
}

/// Registers the customer's 通知先メールアドレス from the branch's records (login ID or
/// account). The new address is told; a replaced one is told too.
pub async fn set_notice_address(
    db: &AnyPool,
    clock: &Clock,
    customer: CustomerRef<'_>,
    address: &NoticeAddress,
    actor: &Actor,
) -> anyhow::Result<CustomerId> {
    let customer_id = customer.id(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    set_notice_address_in(&mut tx, customer_id, address, actor, clock.now()).await?;
    tx.commit().await?;
    Ok(customer_id)
}

pub async fn set_notice_address_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    address: &NoticeAddress,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<()> {
    notice_address::replace(tx, customer_id, address, now).await?;
    actor_audit(tx, now, customer_id, AuditAction::NoticeAddressSet, actor).await?;
    Ok(())
}

/// How the operator names a customer: by login ID, or by 店番 and 口座番号.
#[derive(Debug, Clone, Copy)]
pub enum CustomerRef<'a> {
    LoginId(&'a LoginId),
    Account(&'a BranchCode, &'a AccountNumber),
}

impl CustomerRef<'_> {
    pub async fn id(self, db: &AnyPool) -> anyhow::Result<CustomerId> {
        match self {
            Self::LoginId(id) => customers::customer_by_login_id(db, id.as_str())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no login ID {}", id.as_str())),
            Self::Account(branch, number) => customer_by_account(db, branch, number).await,
        }
    }
}

pub use crate::store::customers::CustomerSummary;

pub async fn show(
    db: &AnyPool,
    login_id: Option<&LoginId>,
    account: Option<(&BranchCode, &AccountNumber)>,
) -> anyhow::Result<CustomerSummary> {
    let customer_id = match (login_id, account) {
        (Some(id), _) => CustomerRef::LoginId(id).id(db).await?,
        (None, Some((branch, number))) => CustomerRef::Account(branch, number).id(db).await?,
        (None, None) => anyhow::bail!("give a login ID or an account"),
    };
    Ok(customers::summary(db, customer_id).await?)
}

async fn customer_by_account(db: &AnyPool, branch: &BranchCode, account: &AccountNumber) -> anyhow::Result<CustomerId> {
    accounts::customer_by_account(db, branch.as_str(), account.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {}-{}", branch.as_str(), account.as_str()))
}

async fn actor_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    customer_id: CustomerId,
    event: AuditAction,
    actor: &Actor,
) -> sqlx::Result<()> {
    let event =
        AuditEvent { customer_id: Some(customer_id), event, client_addr: None, result: Outcome::Success, detail: None };
    audit::record_by(&mut **tx, now, event, actor).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_mix_letters_and_digits_without_look_alikes() {
        for _ in 0..100 {
            let password = generate_temporary_password();
            assert_eq!(password.len(), 8);
            assert!(password.bytes().any(|b| b.is_ascii_digit()));
            assert!(password.bytes().any(|b| b.is_ascii_lowercase()));
            assert!(!password.contains(['0', '1', 'l', 'o', 'i']));
        }
    }
}
