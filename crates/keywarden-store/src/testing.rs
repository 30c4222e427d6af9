//! Test support (feature `testing`): a PostgreSQL schema of its own for each
//! test, on the server at `KEYWARDEN_TEST_DATABASE_URL`. One place decides
//! the rule every crate's tests follow: without that variable the PostgreSQL
//! half is skipped with a message, unless `KEYWARDEN_REQUIRE_POSTGRES=1` (CI),
//! which makes a missing variable a failure; a set variable with an
//! unreachable server always fails.

use sqlx::Connection;

/// `base` with a `search_path` option, so every connection uses `schema`.
pub fn url_with_schema(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}")
}

/// Creates a fresh schema and returns a URL whose connections use it, or
/// `None` when no test database is configured (see the module docs).
///
/// # Panics
///
/// When PostgreSQL is required but not configured, or configured but
/// unreachable: a test must fail then, not skip.
pub async fn postgres_schema_url() -> Option<String> {
    let Ok(base) = std::env::var("KEYWARDEN_TEST_DATABASE_URL") else {
        if std::env::var("KEYWARDEN_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("KEYWARDEN_REQUIRE_POSTGRES=1 but KEYWARDEN_TEST_DATABASE_URL is not set");
        }
        eprintln!("KEYWARDEN_TEST_DATABASE_URL is not set: skipping PostgreSQL");
        return None;
    };
    let schema = format!(
        "kwt_{}",
        keywarden_core::random::base62_string(12).to_lowercase()
    );
    let mut admin = match sqlx::PgConnection::connect(&base).await {
        Ok(c) => c,
        Err(e) => panic!("KEYWARDEN_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"),
    };
    if let Err(e) = sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
    {
        panic!("cannot create a test schema: {e}");
    }
    Some(url_with_schema(&base, &schema))
}
