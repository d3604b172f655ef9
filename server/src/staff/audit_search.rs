//! The 監査 role's audit search: by customer, event, staff member, date range (Japan time)
//! and client address, newest first, paged by id; and the same as CSV (cells a spreadsheet
//! would read as a formula kept text). Each export is itself audited.

use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use netbank_api::input::Date;
use netbank_api::jst;
use netbank_api::staff::{AuditLine, AuditPage, Role};
use serde::Deserialize;

use crate::audit::{AuditAction, AuditEvent, Outcome};
use crate::banking::statement::formula_safe;
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::ids::CustomerId;
use crate::staff::auth::Staff;
use crate::staff::{StaffError, StaffState};
use crate::store::audit_log::{self, AuditFilter, AuditRow};
use crate::store::staff as people;

/// Lines per page on the screen; an export takes at most `EXPORT_ROWS` and says so.
const PAGE: i64 = 50;
const EXPORT_ROWS: i64 = 10_000;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub customer: Option<i64>,
    pub event: Option<String>,
    /// A staff member's name.
    pub staff: Option<String>,
    /// `YYYY-MM-DD`, Japan time, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub client: Option<String>,
    pub before: Option<i64>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

async fn filter<'a>(state: &StaffState, query: &'a AuditQuery) -> Result<Option<AuditFilter<'a>>, StaffError> {
    let day = |text: Option<&str>, field: &'static str| -> Result<Option<i64>, StaffError> {
        text.map(|t| Date::parse_field(t, field).map(|d| d.days())).transpose().map_err(StaffError::from)
    };
    let staff_id = match present(&query.staff) {
        Some(name) => match people::by_name(&state.app.db, name).await? {
            Some(row) => Some(row.id),
            // Nobody by that name: nothing can match.
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(AuditFilter {
        customer_id: query.customer.map(CustomerId),
        event: present(&query.event),
        staff_id,
        from: day(present(&query.from), "from")?.map(jst::day_start),
        until: day(present(&query.to), "to")?.map(|d| jst::day_start(d + 1)),
        client_addr: present(&query.client),
        before: query.before,
    }))
}

/// A stored line as the console shows it.
pub fn line(row: AuditRow) -> AuditLine {
    AuditLine {
        id: row.id,
        at: jst_datetime(row.occurred_at),
        customer_id: row.customer_id.map(|id| id.0),
        event: row.event,
        client_addr: row.client_addr,
        result: row.result,
        detail: row.detail,
        staff: row.staff_name,
        staff_role: row.staff_role.and_then(|r| Role::parse(&r)).map(|r| r.label().to_owned()),
        proposal_id: row.proposal_id,
    }
}

/// `GET /staff-api/audit` (監査).
pub async fn search(
    State(state): State<StaffState>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    staff.acting_as(Role::Auditor, None)?;
    let Some(filter) = filter(&state, &query).await? else {
        return Ok(Json(AuditPage { lines: Vec::new(), next_before: None }));
    };
    let rows = audit_log::search(&state.app.db, &filter, PAGE + 1).await.map_err(StaffError::from)?;
    let more = rows.len() as i64 > PAGE;
    let lines: Vec<AuditLine> = rows.into_iter().take(PAGE as usize).map(line).collect();
    let next_before = if more { lines.last().map(|l| l.id) } else { None };
    Ok(Json(AuditPage { lines, next_before }))
}

/// `GET /staff-api/audit.csv` (監査): the search's lines, oldest first.
pub async fn export(
    State(state): State<StaffState>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let actor = staff.acting_as(Role::Auditor, None)?;
    let rows = match filter(&state, &query).await? {
        Some(filter) => audit_log::search(&state.app.db, &filter, EXPORT_ROWS).await.map_err(StaffError::from)?,
        None => Vec::new(),
    };
    let now = state.app.clock.now();
    let detail = format!("rows={} query={query:?}", rows.len());
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::AuditExport,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(detail),
    };
    crate::audit::record_by(&state.app.db, now, event, &actor).await.map_err(StaffError::from)?;
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer("\u{FEFF}".as_bytes().to_vec());
    let header = ["番号", "日時", "お客様番号", "事象", "結果", "職員", "役割", "起案番号", "接続元", "詳細"];
    writer.write_record(header).map_err(|e| StaffError::Unexpected(e.into()))?;
    for row in rows.into_iter().rev().map(line) {
        let cells = [
            row.id.to_string(),
            row.at,
            row.customer_id.map(|id| id.to_string()).unwrap_or_default(),
            row.event,
            row.result,
            row.staff.unwrap_or_default(),
            row.staff_role.unwrap_or_default(),
            row.proposal_id.map(|id| id.to_string()).unwrap_or_default(),
            row.client_addr.unwrap_or_default(),
            row.detail.unwrap_or_default(),
        ];
        writer
            .write_record(cells.iter().map(|cell| formula_safe(cell).into_owned()))
            .map_err(|e| StaffError::Unexpected(e.into()))?;
    }
    let bytes = writer.into_inner().map_err(|e| StaffError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
            (CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
