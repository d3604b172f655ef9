//! `zengin_banks`, `zengin_branches` and `zengin_master`: the 全銀 bank and branch master as
//! the zengin-code project publishes it, replaced whole by a newer release.

use sqlx::any::AnyExecutor;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedCode {
    pub code: String,
    pub name: String,
    pub kana: String,
}

/// One bank with its branches, as a release lists it.
pub struct MasterBank {
    pub bank: NamedCode,
    pub branches: Vec<NamedCode>,
}

/// The release loaded, `YYYYMMDD`.
pub async fn version(db: impl AnyExecutor<'_>) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT version FROM zengin_master WHERE id = 1").fetch_optional(db).await
}

/// Claims the master for `version` unless the same or a newer one is loaded: true when the
/// caller is to load it (in `tx`; a parallel loader waits on the row and then sees it newer).
pub async fn claim(tx: &mut Transaction<'_, Any>, version: &str, now: i64) -> sqlx::Result<bool> {
    let claimed = sqlx::query(
        "INSERT INTO zengin_master (id, version, loaded_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, loaded_at = excluded.loaded_at
         WHERE zengin_master.version < excluded.version",
    )
    .bind(version)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Rows per INSERT: well under both engines' bind limits.
const ROWS_PER_INSERT: usize = 500;

/// Replaces every bank and branch, in `tx`.
pub async fn replace(tx: &mut Transaction<'_, Any>, banks: &[MasterBank]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM zengin_branches").execute(&mut **tx).await?;
    sqlx::query("DELETE FROM zengin_banks").execute(&mut **tx).await?;
    for chunk in banks.chunks(ROWS_PER_INSERT) {
        let rows: Vec<String> =
            (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3)).collect();
        let sql = format!("INSERT INTO zengin_banks (code, name, kana) VALUES {}", rows.join(", "));
        let mut query = sqlx::query(&sql);
        for entry in chunk {
            query = query.bind(&entry.bank.code).bind(&entry.bank.name).bind(&entry.bank.kana);
        }
        query.execute(&mut **tx).await?;
    }
    let branches: Vec<(&str, &NamedCode)> =
        banks.iter().flat_map(|b| b.branches.iter().map(|branch| (b.bank.code.as_str(), branch))).collect();
    for chunk in branches.chunks(ROWS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${}, ${})", i * 4 + 1, i * 4 + 2, i * 4 + 3, i * 4 + 4))
            .collect();
        let sql = format!("INSERT INTO zengin_branches (bank_code, code, name, kana) VALUES {}", rows.join(", "));
        let mut query = sqlx::query(&sql);
        for (bank, branch) in chunk {
            query = query.bind(*bank).bind(&branch.code).bind(&branch.name).bind(&branch.kana);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn bank(db: impl AnyExecutor<'_>, code: &str) -> sqlx::Result<Option<NamedCode>> {
    sqlx::query_as("SELECT code, name, kana FROM zengin_banks WHERE code = $1").bind(code).fetch_optional(db).await
}

pub async fn branch(db: impl AnyExecutor<'_>, bank_code: &str, code: &str) -> sqlx::Result<Option<NamedCode>> {
    sqlx::query_as("SELECT code, name, kana FROM zengin_branches WHERE bank_code = $1 AND code = $2")
        .bind(bank_code)
        .bind(code)
        .fetch_optional(db)
        .await
}

/// How a search narrows: by text (a code's start, the name's part, the カナ's start) or by
/// the カナ's first character among `initials`.
pub enum Search<'a> {
    Text { text: &'a str, kana: &'a str },
    Initials(&'a str),
    All,
}

/// `text` for a LIKE pattern, its `\\`, `%` and `_` escaped.
fn like_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Up to `limit` + 1 rows (the extra says there are more), ordered by カナ.
fn search_sql(table: &str, scope: &str, search: &Search<'_>, first_param: usize) -> (String, Vec<String>) {
    let n = first_param;
    let (condition, binds) = match search {
        // What was typed is text, not a pattern: LIKE's wildcards in it are escaped.
        Search::Text { text, kana } => (
            format!(
                "(code LIKE ${n} || '%' ESCAPE '\\' OR name LIKE '%' || ${} || '%' ESCAPE '\\' OR kana LIKE ${} || '%' ESCAPE '\\')",
                n + 1,
                n + 2
            ),
            vec![like_text(text), like_text(text), like_text(kana)],
        ),
        Search::Initials(initials) => {
            let params: Vec<String> = (0..initials.chars().count()).map(|i| format!("${}", n + i)).collect();
            (format!("substr(kana, 1, 1) IN ({})", params.join(", ")), initials.chars().map(String::from).collect())
        }
        Search::All => ("1 = 1".to_owned(), Vec::new()),
    };
    // Exact names first, then names that begin with the text, then the rest, each by カナ.
    let rank = match search {
        Search::Text { .. } => format!(
            "CASE WHEN name = ${} OR kana = ${} OR code = ${n} THEN 0 WHEN name LIKE ${} || '%' ESCAPE '\\' THEN 1 ELSE 2 END, ",
            n + 1,
            n + 2,
            n + 1
        ),
        _ => String::new(),
    };
    (format!("SELECT code, name, kana FROM {table} WHERE {scope}{condition} ORDER BY {rank}kana, code"), binds)
}

/// Banks other than `except` (this bank: its own 振込 are not 他行振込).
pub async fn search_banks(
    db: impl AnyExecutor<'_>,
    search: &Search<'_>,
    except: &str,
    limit: usize,
) -> sqlx::Result<Vec<NamedCode>> {
    let (sql, binds) = search_sql("zengin_banks", "code <> $1 AND ", search, 2);
    let sql = format!("{sql} LIMIT {}", limit + 1);
    let mut query = sqlx::query_as(&sql).bind(except);
    for bind in binds {
        query = query.bind(bind);
    }
    query.fetch_all(db).await
}

pub async fn search_branches(
    db: impl AnyExecutor<'_>,
    bank_code: &str,
    search: &Search<'_>,
    limit: usize,
) -> sqlx::Result<Vec<NamedCode>> {
    let (sql, binds) = search_sql("zengin_branches", "bank_code = $1 AND ", search, 2);
    let sql = format!("{sql} LIMIT {}", limit + 1);
    let mut query = sqlx::query_as(&sql).bind(bank_code);
    for bind in binds {
        query = query.bind(bind);
    }
    query.fetch_all(db).await
}
