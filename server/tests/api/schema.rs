//! One schema in three places: SQLite's migrations, PostgreSQL's migrations, and the column
//! list `db copy` moves rows by (`store::copy`). A column added to one and not the others
//! would be lost on the way to PostgreSQL, or break it; this test sees it first.

use std::collections::{BTreeMap, BTreeSet};

use netbank_server::db::{self, Durability, Location};
use netbank_testkit::postgres::PgCluster;
use sqlx::{AnyPool, Row};

type Schema = BTreeMap<String, BTreeSet<String>>;

/// Tables and columns as the database itself reports them, without the migrator's own table:
/// every column, and those a row is written with (not the generated ones, which `db copy`
/// must leave to the database). `columns` answers a column's name and 1 if it is generated.
async fn catalog(pool: &AnyPool, tables: &str, columns: &str) -> (Schema, Schema) {
    let (mut all, mut written) = (Schema::new(), Schema::new());
    for row in sqlx::query(tables).fetch_all(pool).await.unwrap() {
        let table: String = row.get(0);
        if table.starts_with("_sqlx") || table.starts_with("sqlite_") {
            continue;
        }
        for column in sqlx::query(columns).bind(table.clone()).fetch_all(pool).await.unwrap() {
            let (name, generated): (String, i32) = (column.get(0), column.get(1));
            all.entry(table.clone()).or_default().insert(name.clone());
            if generated == 0 {
                written.entry(table.clone()).or_default().insert(name);
            }
        }
    }
    (all, written)
}

#[tokio::test]
async fn both_engines_migrations_and_the_copy_list_name_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.sqlite3");
    let sqlite = db::connect(Location::SqliteFile(&file), Durability::ProcessCrash, 2).await.unwrap();
    let sqlite = catalog(
        &sqlite,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        // hidden 2 and 3: a generated column, which table_info leaves out.
        "SELECT name, CASE WHEN hidden IN (2, 3) THEN 1 ELSE 0 END FROM pragma_table_xinfo($1)",
    )
    .await;
    let url = PgCluster::shared().new_database().unwrap();
    let postgres = db::connect(Location::Url(&url), Durability::ProcessCrash, 2).await.unwrap();
    let postgres = catalog(
        &postgres,
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
        "SELECT column_name::text, CASE WHEN is_generated = 'ALWAYS' THEN 1 ELSE 0 END FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1",
    )
    .await;
    let copied: Schema = netbank_server::store::copy::columns()
        .into_iter()
        .map(|(table, columns)| (table.to_owned(), columns.into_iter().map(str::to_owned).collect()))
        .collect();

    assert!(sqlite.0.contains_key("customers") && sqlite.0["credentials"].contains("login_key"), "{sqlite:?}");
    assert_eq!(sqlite, postgres, "SQLite's migrations and PostgreSQL's differ");
    assert_eq!(copied, sqlite.1, "store::copy's list and the migrations' written columns differ");
}
