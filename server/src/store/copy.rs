//! Every table, row for row, from the embedded SQLite to PostgreSQL (`netbank-server db
//! copy`). The columns are listed here once, in the order their foreign keys need; each
//! engine's migrations create the same columns.

use sqlx::{AnyPool, Row};

use crate::db::Engine;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Int,
    Text,
    Blob,
}

use Kind::{Blob, Int, Text};

struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// Has an `id` the database numbers (PostgreSQL's sequence must continue after the copy).
    numbered: bool,
}

const TABLES: &[Table] = &[
    Table {
        name: "customers",
        numbered: true,
        columns: &[
            ("id", Int),
            ("name", Text),
            ("created_at", Int),
            ("notice_address", Text),
            ("daily_transfer_limit", Int),
            ("notice_address_set_at", Int),
            ("authenticator_added_at", Int),
            ("limit_raised_at", Int),
            ("new_environment_at", Int),
            ("frozen_at", Int),
            ("frozen_reason", Text),
            ("scheduled_daily_limit", Int),
            ("scheduled_limit_from", Int),
            ("per_transfer_limit", Int),
            ("scheduled_per_transfer_limit", Int),
        ],
    },
    Table {
        name: "accounts",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("branch_code", Text),
            ("number", Text),
            ("kind", Text),
            ("balance", Int),
            ("holder_kana", Text),
            ("held", Int),
        ],
    },
    Table {
        name: "journal_entries",
        numbered: true,
        columns: &[("id", Int), ("kind", Text), ("occurred_at", Int), ("customer_id", Int)],
    },
    Table {
        name: "journal_lines",
        numbered: true,
        columns: &[
            ("id", Int),
            ("entry_id", Int),
            ("account_id", Int),
            ("house_account", Text),
            ("amount", Int),
            ("balance_after", Int),
            ("description", Text),
            ("occurred_at", Int),
        ],
    },
    Table {
        name: "transfers",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("idempotency_key", Text),
            ("kind", Text),
            ("entry_id", Int),
            ("from_account_id", Int),
            ("to_account_id", Int),
            ("amount", Int),
            ("fee", Int),
            ("requester_name", Text),
            ("payee_name", Text),
            ("created_at", Int),
        ],
    },
    Table {
        name: "payee_flags",
        numbered: false,
        columns: &[("account_id", Int), ("reason", Text), ("flagged_at", Int)],
    },
    Table {
        name: "transfer_holds",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("idempotency_key", Text),
            ("from_account_id", Int),
            ("to_account_id", Int),
            ("amount", Int),
            ("fee", Int),
            ("requester_name", Text),
            ("payee_name", Text),
            ("rules", Text),
            ("day", Int),
            ("status", Text),
            ("transfer_id", Int),
            ("decided_at", Int),
            ("decision_reason", Text),
            ("created_at", Int),
        ],
    },
    Table {
        name: "transfer_day_totals",
        numbered: false,
        columns: &[("customer_id", Int), ("day", Int), ("amount", Int)],
    },
    Table {
        name: "payees",
        numbered: true,
        columns: &[("id", Int), ("customer_id", Int), ("account_id", Int), ("created_at", Int)],
    },
    Table {
        name: "billers",
        numbered: true,
        columns: &[
            ("id", Int),
            ("number", Text),
            ("name", Text),
            ("kind", Text),
            ("needs_category", Int),
            ("account_id", Int),
            ("fee", Int),
            ("created_at", Int),
        ],
    },
    Table {
        name: "bills",
        numbered: true,
        columns: &[
            ("id", Int),
            ("biller_id", Int),
            ("number", Text),
            ("confirmation", Text),
            ("category", Text),
            ("amount", Int),
            ("due_day", Int),
            ("description", Text),
            ("status", Text),
            ("paid_at", Int),
            ("imported_at", Int),
        ],
    },
    Table {
        name: "payeasy_payments",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("idempotency_key", Text),
            ("entry_id", Int),
            ("bill_id", Int),
            ("biller_id", Int),
            ("from_account_id", Int),
            ("amount", Int),
            ("fee", Int),
            ("created_at", Int),
        ],
    },
    Table {
        name: "payeasy_day_totals",
        numbered: false,
        columns: &[("customer_id", Int), ("day", Int), ("amount", Int)],
    },
    Table {
        name: "payeasy_guards",
        numbered: false,
        columns: &[
            ("customer_id", Int),
            ("day", Int),
            ("wrong", Int),
            ("stops", Int),
            ("stopped_on", Int),
            ("locked_at", Int),
        ],
    },
    Table { name: "zengin_banks", numbered: false, columns: &[("code", Text), ("name", Text), ("kana", Text)] },
    Table {
        name: "zengin_branches",
        numbered: false,
        columns: &[("bank_code", Text), ("code", Text), ("name", Text), ("kana", Text)],
    },
    Table { name: "zengin_master", numbered: false, columns: &[("id", Int), ("version", Text), ("loaded_at", Int)] },
    Table { name: "zengin_house", numbered: false, columns: &[("role", Text), ("account_id", Int)] },
    Table {
        name: "zengin_exports",
        numbered: true,
        columns: &[
            ("id", Int),
            ("business_day", Int),
            ("record_count", Int),
            ("total", Int),
            ("created_at", Int),
            ("settled_entry", Int),
            ("written_at", Int),
        ],
    },
    Table {
        name: "interbank_transfers",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("idempotency_key", Text),
            ("entry_id", Int),
            ("from_account_id", Int),
            ("bank_code", Text),
            ("bank_name", Text),
            ("bank_kana", Text),
            ("branch_code", Text),
            ("branch_name", Text),
            ("branch_kana", Text),
            ("account_kind", Text),
            ("account_number", Text),
            ("payee_name", Text),
            ("amount", Int),
            ("fee", Int),
            ("requester_name", Text),
            ("execution_day", Int),
            ("status", Text),
            ("export_id", Int),
            ("closing_entry", Int),
            ("return_reason", Text),
            ("created_at", Int),
            ("closed_at", Int),
            ("booked", Int),
            ("review_rules", Text),
            ("review_status", Text),
            ("reviewed_at", Int),
            ("review_reason", Text),
        ],
    },
    Table {
        name: "transfer_bookings",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("idempotency_key", Text),
            ("kind", Text),
            ("from_account_id", Int),
            ("to_account_id", Int),
            ("amount", Int),
            ("fee", Int),
            ("requester_name", Text),
            ("payee_name", Text),
            ("execution_day", Int),
            ("status", Text),
            ("transfer_id", Int),
            ("hold_id", Int),
            ("reason", Text),
            ("created_at", Int),
            ("closed_at", Int),
            ("booked_rules", Text),
        ],
    },
    Table { name: "scheduler_leases", numbered: false, columns: &[("name", Text), ("holder", Text), ("until", Int)] },
    Table {
        name: "credentials",
        numbered: false,
        columns: &[
            ("customer_id", Int),
            ("login_id", Text),
            ("password_hash", Text),
            ("failed_attempts", Int),
            ("locked_at", Int),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "temporary_passwords",
        numbered: false,
        columns: &[
            ("customer_id", Int),
            ("password_hash", Text),
            ("expires_at", Int),
            ("failed_attempts", Int),
            ("used_at", Int),
        ],
    },
    Table {
        name: "sessions",
        numbered: false,
        columns: &[
            ("id_hash", Blob),
            ("customer_id", Int),
            ("stage", Text),
            ("level", Text),
            ("login_at", Int),
            ("created_at", Int),
            ("last_seen_at", Int),
            ("environment", Text),
        ],
    },
    Table {
        name: "login_history",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("occurred_at", Int),
            ("method", Text),
            ("succeeded", Int),
            ("environment", Text),
        ],
    },
    Table {
        name: "known_devices",
        numbered: false,
        columns: &[("customer_id", Int), ("device_hash", Blob), ("last_seen_at", Int)],
    },
    Table {
        name: "enrolment_codes",
        numbered: false,
        columns: &[
            ("customer_id", Int),
            ("purpose", Text),
            ("code_hash", Blob),
            ("wrong_attempts", Int),
            ("expires_at", Int),
            ("created_at", Int),
        ],
    },
    Table { name: "passkey_handles", numbered: false, columns: &[("customer_id", Int), ("handle", Blob)] },
    Table {
        name: "passkeys",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("credential_id", Blob),
            ("name", Text),
            ("credential", Text),
            ("sign_count", Int),
            ("backup_eligible", Int),
            ("backed_up", Int),
            ("created_at", Int),
            ("last_used_at", Int),
        ],
    },
    Table {
        name: "passkey_ceremonies",
        numbered: false,
        columns: &[
            ("id_hash", Blob),
            ("purpose", Text),
            ("customer_id", Int),
            ("state", Text),
            ("binding", Blob),
            ("expires_at", Int),
        ],
    },
    Table {
        name: "otp_tokens",
        numbered: false,
        columns: &[
            ("customer_id", Int),
            ("state", Text),
            ("method", Text),
            ("service_id", Text),
            ("user_id", Text),
            ("mail_address", Text),
            ("activation_hash", Text),
            ("provisioning_failures", Int),
            ("issued_at", Int),
            ("pending_until", Int),
            ("secret_ciphertext", Blob),
            ("secret_nonce", Blob),
            ("algorithm", Text),
            ("digits", Int),
            ("period", Int),
            ("last_step", Int),
            ("failed_otp", Int),
            ("suspended_from", Text),
            ("updated_at", Int),
            ("secret_key_id", Text),
        ],
    },
    Table {
        name: "mail_outbox",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("to_address", Text),
            ("subject", Text),
            ("body", Text),
            ("created_at", Int),
            ("status", Text),
            ("transport", Text),
            ("attempts", Int),
            ("next_attempt_at", Int),
            ("last_error", Text),
            ("sent_at", Int),
        ],
    },
    Table { name: "throttles", numbered: false, columns: &[("key", Text), ("window_start", Int), ("count", Int)] },
    Table {
        name: "deployment",
        numbered: false,
        columns: &[("id", Int), ("mode", Text), ("started_at", Int), ("deposit_approval_above", Int)],
    },
    Table {
        name: "staff",
        numbered: true,
        columns: &[
            ("id", Int),
            ("name", Text),
            ("roles", Text),
            ("user_handle", Blob),
            ("enrolment_hash", Blob),
            ("enrolment_expires_at", Int),
            ("disabled_at", Int),
            ("created_at", Int),
        ],
    },
    Table {
        name: "staff_passkeys",
        numbered: true,
        columns: &[
            ("id", Int),
            ("staff_id", Int),
            ("credential_id", Blob),
            ("credential", Text),
            ("sign_count", Int),
            ("created_at", Int),
            ("last_used_at", Int),
        ],
    },
    Table {
        name: "staff_ceremonies",
        numbered: false,
        columns: &[("id_hash", Blob), ("purpose", Text), ("staff_id", Int), ("state", Text), ("expires_at", Int)],
    },
    Table {
        name: "staff_sessions",
        numbered: false,
        columns: &[("id_hash", Blob), ("staff_id", Int), ("created_at", Int), ("last_seen_at", Int)],
    },
    Table {
        name: "proposals",
        numbered: true,
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("kind", Text),
            ("action", Text),
            ("form_number", Text),
            ("form_date", Text),
            ("identity_check", Text),
            ("note", Text),
            ("proposed_by", Int),
            ("proposed_at", Int),
            ("expires_at", Int),
            ("status", Text),
            ("decided_by", Int),
            ("decided_at", Int),
            ("decision_reason", Text),
        ],
    },
    Table {
        name: "audit_log",
        numbered: true,
        columns: &[
            ("id", Int),
            ("occurred_at", Int),
            ("customer_id", Int),
            ("event", Text),
            ("client_addr", Text),
            ("result", Text),
            ("detail", Text),
            ("staff_id", Int),
            ("staff_role", Text),
            ("proposal_id", Int),
        ],
    },
];

/// Rows read at a time from the source.
const PAGE: i64 = 5_000;

/// Bind parameters one INSERT may carry: under SQLite's 32,766 and PostgreSQL's 65,535.
const BINDS_PER_INSERT: usize = 30_000;

/// What `copy_all` reports as it goes: the table, its rows so far, and whether it is done.
pub type Progress<'a> = &'a mut dyn FnMut(&'static str, u64, bool);

/// Copies every row of the embedded SQLite `from` into `to`, which must be empty, in one
/// transaction (all or nothing, so a failed copy is simply run again); the rows per table.
/// Each table is read in pages by SQLite's rowid (a seek per page, however far in) and
/// written by INSERTs of many rows each, so the time is linear in the rows.
pub async fn copy_all(
    from: &AnyPool,
    to: &AnyPool,
    progress: Progress<'_>,
) -> anyhow::Result<Vec<(&'static str, u64)>> {
    anyhow::ensure!(
        Engine::of(from) == Engine::Sqlite,
        "db copy reads the embedded SQLite database (--from sqlite://…); for PostgreSQL to PostgreSQL use pg_dump"
    );
    for table in TABLES {
        let present: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", table.name)).fetch_one(to).await?;
        anyhow::ensure!(
            present == 0,
            "the destination's {} has {present} rows: copy only into an empty database",
            table.name
        );
    }
    let mut tx = crate::db::begin_write(to).await?;
    let mut copied = Vec::new();
    for table in TABLES {
        let count = copy_table(from, &mut tx, table, progress).await?;
        if table.numbered && Engine::of(to) == Engine::Postgres {
            // The next row the database numbers comes after the copied ones.
            let table = table.name;
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(&mut *tx)
            .await?;
        }
        copied.push((table.name, count));
    }
    tx.commit().await?;
    Ok(copied)
}

/// One table's rows, page by page; how many.
async fn copy_table(
    from: &AnyPool,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &Table,
    progress: Progress<'_>,
) -> anyhow::Result<u64> {
    let columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let list = columns.join(", ");
    // The rowid comes last, so the columns keep their places.
    let select = format!("SELECT {list}, rowid FROM {} WHERE rowid > $1 ORDER BY rowid LIMIT $2", table.name);
    let rows_per_insert = (BINDS_PER_INSERT / columns.len()).max(1);
    let (mut count, mut after) = (0u64, i64::MIN);
    loop {
        let rows = sqlx::query(&select).bind(after).bind(PAGE).fetch_all(from).await?;
        for chunk in rows.chunks(rows_per_insert) {
            let insert = multi_row_insert(table.name, &columns, chunk.len());
            let mut query = sqlx::query(&insert);
            for row in chunk {
                for (i, (_, kind)) in table.columns.iter().enumerate() {
                    query = match kind {
                        Int => query.bind(row.try_get::<Option<i64>, _>(i)?),
                        Text => query.bind(row.try_get::<Option<String>, _>(i)?),
                        Blob => query.bind(row.try_get::<Option<Vec<u8>>, _>(i)?),
                    };
                }
            }
            query.execute(&mut **tx).await?;
        }
        count += rows.len() as u64;
        let Some(last) = rows.last() else { break };
        after = last.try_get::<i64, _>(columns.len())?;
        progress(table.name, count, false);
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    progress(table.name, count, true);
    Ok(count)
}

/// `INSERT INTO table (columns) VALUES ($1, …), ($k+1, …), …` for `rows` rows.
fn multi_row_insert(table: &str, columns: &[&str], rows: usize) -> String {
    let width = columns.len();
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let marks: Vec<String> = (1..=width).map(|column| format!("${}", row * width + column)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), values.join(", "))
}

/// Rows per table, for comparing two databases.
/// Every table this module copies, with its columns in the order listed: the schema as
/// `db copy` knows it, which a test holds against each engine's migrated catalog.
pub fn columns() -> Vec<(&'static str, Vec<&'static str>)> {
    TABLES.iter().map(|table| (table.name, table.columns.iter().map(|(name, _)| *name).collect())).collect()
}

pub async fn row_counts(db: &AnyPool) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push((
            table.name,
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", table.name)).fetch_one(db).await?,
        ));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_row_insert_numbers_every_value_once_in_order() {
        assert_eq!(multi_row_insert("t", &["a", "b"], 2), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert!(
            TABLES.iter().all(|t| BINDS_PER_INSERT / t.columns.len() >= 1000),
            "a thousand rows an INSERT at least"
        );
    }
}
