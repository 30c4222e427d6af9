//! The usage log and events on both backends.

use keywarden_store::UsageEvent;

use crate::{NOW, draft, new_key, on_each_backend};

fn event(key_id: Option<&str>, at: i64, code: &'static str) -> UsageEvent {
    UsageEvent {
        key_id: key_id.map(str::to_owned),
        at,
        code,
        client_ip: Some("192.0.2.1".parse().unwrap()),
        user_agent: Some("curl/8".to_owned()),
        scopes: None,
        node_id: Some("n1".to_owned()),
        hits: 1,
    }
}

#[tokio::test]
async fn usage_buckets_by_code() {
    on_each_backend(|b| async move {
        let (rec, _) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let id = rec.id.as_str();
        let minute = 60_000;
        let base = NOW - NOW % minute;
        let mut batch = Vec::new();
        for i in 0..1000 {
            // 600 in the first minute, 400 in the third; every 10th refused.
            let at = if i < 600 {
                base + i
            } else {
                base + 2 * minute + i
            };
            batch.push(event(
                Some(id),
                at,
                if i % 10 == 0 { "RATE_LIMITED" } else { "VALID" },
            ));
        }
        batch.push(event(None, base, "NOT_FOUND"));
        b.store.insert_usage(&batch).await.unwrap();

        let buckets = b
            .store
            .usage_buckets(Some(&rec.id), minute, base, base + 10 * minute)
            .await
            .unwrap();
        assert_eq!(buckets.len(), 2, "{}: {buckets:?}", b.name);
        assert_eq!(buckets[0].start, base);
        assert_eq!(buckets[0].total, 600);
        assert_eq!(buckets[0].by_code["RATE_LIMITED"], 60);
        assert_eq!(buckets[0].by_code["VALID"], 540);
        assert_eq!(buckets[1].start, base + 2 * minute);
        assert_eq!(buckets[1].total, 400);

        let all = b
            .store
            .usage_buckets(None, 3_600_000, base - 3_600_000, base + 3_600_000)
            .await
            .unwrap();
        assert_eq!(all.iter().map(|b| b.total).sum::<i64>(), 1001);

        let recent = b.store.recent_usage(Some(&rec.id), true, 5).await.unwrap();
        assert_eq!(recent.len(), 5);
        assert!(recent.iter().all(|(_, r)| r.code == "RATE_LIMITED"));
        assert!(recent[0].1.at >= recent[4].1.at);

        assert!(
            b.store
                .seen_address(&rec.id, "192.0.2.1", base + 10 * minute)
                .await
                .unwrap()
        );
        assert!(
            !b.store
                .seen_address(&rec.id, "198.51.100.7", base + 10 * minute)
                .await
                .unwrap()
        );

        let pruned = b.store.prune_usage(base + minute).await.unwrap();
        assert_eq!(pruned, 601);
        let left = b
            .store
            .usage_buckets(Some(&rec.id), minute, 0, i64::MAX)
            .await
            .unwrap();
        assert_eq!(left.iter().map(|b| b.total).sum::<i64>(), 400);
    })
    .await;
}

#[tokio::test]
async fn folded_rows_count_every_hit() {
    on_each_backend(|b| async move {
        let (rec, _) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let mut folded = event(Some(rec.id.as_str()), NOW, "VALID");
        folded.hits = 250;
        b.store
            .insert_usage(&[folded, event(Some(rec.id.as_str()), NOW + 1, "REVOKED")])
            .await
            .unwrap();
        let buckets = b
            .store
            .usage_buckets(Some(&rec.id), 3_600_000, NOW - 3_600_000, NOW + 3_600_000)
            .await
            .unwrap();
        assert_eq!(
            buckets.iter().map(|b| b.total).sum::<i64>(),
            251,
            "{}",
            b.name
        );
        let recent = b
            .store
            .recent_usage(Some(&rec.id), false, 10)
            .await
            .unwrap();
        assert_eq!(recent.iter().map(|(_, r)| r.hits).sum::<i64>(), 251);
    })
    .await;
}

#[tokio::test]
async fn events_list_newest_first() {
    on_each_backend(|b| async move {
        b.store
            .insert_event(
                "key.leaked",
                Some("key_a000000000000000"),
                &serde_json::json!({"source": "github"}),
                NOW,
            )
            .await
            .unwrap();
        b.store
            .insert_event(
                "key.burst",
                Some("key_b000000000000000"),
                &serde_json::json!({}),
                NOW + 1,
            )
            .await
            .unwrap();
        let all = b.store.list_events(None, None, None, 10).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].kind, "key.burst");
        let leaks = b
            .store
            .list_events(Some("key.leaked"), None, None, 10)
            .await
            .unwrap();
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].details["source"], "github");
        let older = b
            .store
            .list_events(None, None, Some(all[0].seq), 10)
            .await
            .unwrap();
        assert_eq!(older.len(), 1);
    })
    .await;
}

/// A SQLite store made by the first schema version, with usage rows in it,
/// keeps them through the later migrations.
#[tokio::test]
async fn sqlite_upgrade_keeps_the_usage_log() {
    use sha2::Digest;
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let url = keywarden_store::sqlite_url(dir.path());
    let v1 = include_str!("../../migrations/sqlite/0001_init.sql");
    {
        let mut c = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        sqlx::raw_sql(v1).execute(&mut c).await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, \
             checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)",
        )
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (1, 'init', TRUE, $1, 0)")
            .bind(sha2::Sha384::digest(v1.as_bytes()).to_vec())
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::raw_sql("INSERT INTO usage_events (key_id, at, code) VALUES ('key_a000000000000000', 1000, 'VALID'), ('key_a000000000000000', 2000, 'REVOKED')")
            .execute(&mut c)
            .await
            .unwrap();
    }
    let store = keywarden_store::Store::open(&url, crate::peppers())
        .await
        .unwrap();
    let id: keywarden_core::key::KeyId = "key_a000000000000000".parse().unwrap();
    let buckets = store
        .usage_buckets(Some(&id), 1_000_000, 0, 10_000)
        .await
        .unwrap();
    assert_eq!(buckets[0].total, 2);
    store
        .insert_usage(&[event(Some("key_a000000000000000"), 3000, "VALID")])
        .await
        .unwrap();
    let buckets = store
        .usage_buckets(Some(&id), 1_000_000, 0, 10_000)
        .await
        .unwrap();
    assert_eq!(buckets[0].total, 3);
}
