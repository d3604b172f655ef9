//! Staff accounts from the command line: `staff create` (prints the single-use enrolment
//! code the person registers their passkey with at the console), `staff list`, `staff
//! disable` (their sessions end at once) and `staff new-code` (a lost security key).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use netbank_api::staff::{Roles, StaffMember};
use rand::RngCore;
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
    let hash = crate::identity::session::token_hash(&code);
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

async fn record(db: &AnyPool, now: i64, event: AuditAction, detail: String, actor: &Actor) -> sqlx::Result<()> {
    let event =
        AuditEvent { customer_id: None, event, client_addr: None, result: Outcome::Success, detail: Some(detail) };
    audit::record_by(db, now, event, actor).await
}

/// A new person with `roles`, by the operator's CLI.
pub async fn create(db: &AnyPool, clock: &Clock, name: &str, roles: &Roles) -> anyhow::Result<Enrolment> {
    create_by(db, clock, name, roles, &Actor::operator_cli()).await
}

/// The same by whoever `actor` is (a 管理者 at the console).
pub async fn create_by(
    db: &AnyPool,
    clock: &Clock,
    name: &str,
    roles: &Roles,
    actor: &Actor,
) -> anyhow::Result<Enrolment> {
    let name = checked_name(name)?;
    anyhow::ensure!(store::by_name(db, name).await?.is_none(), "a staff member named {name:?} exists already");
    let now = clock.now();
    let (code, hash) = fresh_code();
    let mut handle = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut handle);
    let expires_at = now + ENROLMENT_SECONDS;
    let staff_id = store::insert(db, name, &roles.stored(), &handle, &hash, expires_at, now).await?;
    record(db, now, AuditAction::StaffCreate, format!("staff={staff_id} name={name} roles={}", roles.stored()), actor)
        .await?;
    Ok(Enrolment { staff_id, code, expires_at })
}

/// A new single-use code for someone who lost their key (their passkeys stay until disabled).
pub async fn new_code(db: &AnyPool, clock: &Clock, name: &str) -> anyhow::Result<Enrolment> {
    let row = store::by_name(db, name.trim()).await?.ok_or_else(|| anyhow::anyhow!("no staff member {name:?}"))?;
    new_code_by(db, clock, row.id, &Actor::operator_cli()).await
}

pub async fn new_code_by(db: &AnyPool, clock: &Clock, staff_id: i64, actor: &Actor) -> anyhow::Result<Enrolment> {
    let row = store::by_id(db, staff_id).await?.ok_or_else(|| anyhow::anyhow!("no staff member {staff_id}"))?;
    let name = row.name.as_str();
    let now = clock.now();
    let (code, hash) = fresh_code();
    let expires_at = now + ENROLMENT_SECONDS;
    anyhow::ensure!(store::set_enrolment(db, row.id, &hash, expires_at).await?, "{name} is disabled");
    record(db, now, AuditAction::StaffNewCode, format!("staff={}", row.id), actor).await?;
    Ok(Enrolment { staff_id: row.id, code, expires_at })
}

/// Disables the person; every console session of theirs ends in the same transaction.
pub async fn disable(db: &AnyPool, clock: &Clock, name: &str) -> anyhow::Result<()> {
    let row = store::by_name(db, name.trim()).await?.ok_or_else(|| anyhow::anyhow!("no staff member {name:?}"))?;
    disable_by(db, clock, row.id, &Actor::operator_cli()).await
}

pub async fn disable_by(db: &AnyPool, clock: &Clock, staff_id: i64, actor: &Actor) -> anyhow::Result<()> {
    let row = store::by_id(db, staff_id).await?.ok_or_else(|| anyhow::anyhow!("no staff member {staff_id}"))?;
    let name = row.name.as_str();
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
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether an enabled 管理者 exists (then people are made at the console, not the CLI).
pub async fn has_enabled_admin(db: &AnyPool) -> anyhow::Result<bool> {
    let rows = store::list(db).await?;
    Ok(rows.iter().any(|row| {
        row.disabled_at.is_none()
            && Roles::parse(&row.roles).is_ok_and(|roles| roles.has(netbank_api::staff::Role::Admin))
    }))
}

/// Everyone, as the console's 職員管理 shows them.
pub async fn members(db: &AnyPool) -> anyhow::Result<Vec<StaffMember>> {
    let mut members = Vec::new();
    for row in store::list(db).await? {
        let roles = Roles::parse(&row.roles).map_err(anyhow::Error::msg)?;
        let passkeys = store::count_passkeys(db, row.id).await? as u32;
        let state = match (row.disabled_at, row.enrolment_expires_at) {
            (Some(at), _) => format!("無効（{}）", jst_datetime(at)),
            (None, Some(until)) => format!("登録コード発行済（{}まで）", jst_datetime(until)),
            _ => "有効".to_owned(),
        };
        members.push(StaffMember {
            id: row.id,
            name: row.name,
            roles: roles.list().to_vec(),
            passkeys,
            state,
            enabled: row.disabled_at.is_none(),
        });
    }
    Ok(members)
}

/// One line per person for the terminal.
pub async fn list(db: &AnyPool) -> anyhow::Result<String> {
    let mut text = String::new();
    for member in members(db).await? {
        let roles = member.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("・");
        text.push_str(&format!(
            "#{} {}  {}  passkeys: {}  {}\n",
            member.id, member.name, roles, member.passkeys, member.state
        ));
    }
    if text.is_empty() {
        text.push_str("no staff yet: `netbank-server staff create --name … --role admin` makes the first 管理者\n");
    }
    Ok(text)
}

/// The 管理者's screen (STF040): the staff list, a new person, a new code, disabling.
pub mod console {
    use axum::extract::{Path, State};
    use axum::http::StatusCode;
    use axum::Json;
    use netbank_api::staff::{EnrolmentCode, NewStaffRequest, Role, Roles, StaffMember};

    use crate::calendar::jst_datetime;
    use crate::error::ApiError;
    use crate::extract::ApiJson;
    use crate::staff::auth::Staff;
    use crate::staff::{StaffError, StaffState};

    /// A refusal the 管理者 can act on (a name taken, disabling oneself) versus a failure.
    fn refused(field: &'static str, message: &'static str) -> impl Fn(anyhow::Error) -> StaffError {
        move |error| match error.downcast::<sqlx::Error>() {
            Ok(store) => StaffError::Unexpected(store.into()),
            Err(_) => StaffError::Invalid { field, message },
        }
    }

    /// `GET /staff-api/staff`.
    pub async fn list(State(state): State<StaffState>, staff: Staff) -> Result<Json<Vec<StaffMember>>, ApiError> {
        staff.acting_as(Role::Admin, None)?;
        Ok(Json(super::members(&state.app.db).await.map_err(StaffError::from)?))
    }

    /// `POST /staff-api/staff`: the new person's single-use code, shown once.
    pub async fn create(
        State(state): State<StaffState>,
        staff: Staff,
        ApiJson(request): ApiJson<NewStaffRequest>,
    ) -> Result<(StatusCode, Json<EnrolmentCode>), ApiError> {
        let actor = staff.acting_as(Role::Admin, None)?;
        let roles = Roles::from_list(request.roles).ok_or(StaffError::Invalid {
            field: "roles",
            message: "役割を1つ以上選んでください（管理者は窓口・役席を兼ねられません）。",
        })?;
        let enrolment = super::create_by(&state.app.db, &state.app.clock, &request.name, &roles, &actor)
            .await
            .map_err(refused("name", "氏名を40文字以内で入力してください（同じ氏名の職員は登録できません）。"))?;
        let code = EnrolmentCode {
            staff_id: enrolment.staff_id,
            code: enrolment.code,
            expires_at: jst_datetime(enrolment.expires_at),
        };
        Ok((StatusCode::CREATED, Json(code)))
    }

    /// `POST /staff-api/staff/{id}/code`: a new code (a lost key).
    pub async fn new_code(
        State(state): State<StaffState>,
        staff: Staff,
        Path(id): Path<i64>,
    ) -> Result<Json<EnrolmentCode>, ApiError> {
        let actor = staff.acting_as(Role::Admin, None)?;
        let enrolment = super::new_code_by(&state.app.db, &state.app.clock, id, &actor)
            .await
            .map_err(refused("id", "無効な職員、または存在しない職員です。"))?;
        Ok(Json(EnrolmentCode {
            staff_id: enrolment.staff_id,
            code: enrolment.code,
            expires_at: jst_datetime(enrolment.expires_at),
        }))
    }

    /// `POST /staff-api/staff/{id}/disable`: never oneself (the last 管理者 must not lock
    /// everyone out); their sessions end in the same transaction.
    pub async fn disable(
        State(state): State<StaffState>,
        staff: Staff,
        Path(id): Path<i64>,
    ) -> Result<StatusCode, ApiError> {
        let actor = staff.acting_as(Role::Admin, None)?;
        if id == staff.id {
            return Err(StaffError::Invalid {
                field: "id", message: "ご自身を無効にすることはできません。"
            }
            .into());
        }
        super::disable_by(&state.app.db, &state.app.clock, id, &actor)
            .await
            .map_err(refused("id", "無効にできる職員ではありません（無効化済、または存在しません）。"))?;
        Ok(StatusCode::NO_CONTENT)
    }
}
