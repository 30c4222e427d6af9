//! The usage log and events on both backends.

use keywarden_store::{AttemptResult, DeliveryState, NewEvent, Redelivery, UsageEvent};

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

fn new_event<'a>(
    kind: &'a str,
    key_id: Option<&'a str>,
    details: &'a serde_json::Value,
    at: i64,
) -> NewEvent<'a> {
    NewEvent {
        kind,
        key_id,
        details,
        at,
        outbox: None,
    }
}

#[tokio::test]
async fn events_list_newest_first() {
    on_each_backend(|b| async move {
        let github = serde_json::json!({"source": "github"});
        let empty = serde_json::json!({});
        let first = b
            .store
            .insert_event(&new_event(
                "key.leaked",
                Some("key_a000000000000000"),
                &github,
                NOW,
            ))
            .await
            .unwrap();
        b.store
            .insert_event(&new_event(
                "key.burst",
                Some("key_b000000000000000"),
                &empty,
                NOW + 1,
            ))
            .await
            .unwrap();
        let all = b.store.list_events(&Default::default(), 10).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].kind, "key.burst");
        assert_eq!(all[1].id, first);
        assert!(first.starts_with("evt_") && first.len() == 26, "{first}");
        assert_ne!(all[0].id, all[1].id);
        assert_eq!(all[0].delivery.state, DeliveryState::None);
        let leaks = b
            .store
            .list_events(
                &keywarden_store::EventFilter {
                    kind: Some("key.leaked".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].details["source"], "github");
        let older = b
            .store
            .list_events(
                &keywarden_store::EventFilter {
                    before_seq: Some(all[0].seq),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(older.len(), 1);
    })
    .await;
}

/// The outbox: a claim hides an event from other workers until it lapses;
/// a retry moves it to its next time, a delivery or a give-up ends it.
#[tokio::test]
async fn the_webhook_outbox_claims_retries_and_ends() {
    on_each_backend(|b| async move {
        let details = serde_json::json!({});
        let mut ids = Vec::new();
        for (i, due) in [(0, 1_000), (1, 2_000), (2, 50_000)] {
            let mut e = new_event("key.burst", None, &details, NOW + i);
            e.outbox = Some((due, 100_000));
            ids.push(b.store.insert_event(&e).await.unwrap());
        }
        assert_eq!(b.store.next_delivery_due().await.unwrap(), Some(1_000));
        // At 2s two are due; a second worker at the same time gets none.
        let claimed = b.store.claim_deliveries(2_000, 30_000, 10).await.unwrap();
        let claimed_ids: Vec<_> = claimed.iter().map(|o| o.event.id.clone()).collect();
        assert_eq!(claimed_ids, ids[..2].to_vec());
        assert_eq!(claimed[0].deliver_until, 100_000);
        assert!(
            b.store
                .claim_deliveries(2_000, 30_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // The first is delivered, the second fails and is retried at 10s.
        b.store
            .finish_delivery(claimed[0].event.seq, 2_100, &AttemptResult::Delivered)
            .await
            .unwrap();
        b.store
            .finish_delivery(
                claimed[1].event.seq,
                2_100,
                &AttemptResult::Retry {
                    error: "HTTP 503".into(),
                    at: 10_000,
                },
            )
            .await
            .unwrap();
        // A late result for a finished event changes nothing.
        b.store
            .finish_delivery(
                claimed[0].event.seq,
                2_200,
                &AttemptResult::GiveUp {
                    error: "late".into(),
                },
            )
            .await
            .unwrap();
        let all = b.store.list_events(&Default::default(), 10).await.unwrap();
        let by_id = |id: &str| all.iter().find(|e| e.id == id).unwrap().delivery.clone();
        let d0 = by_id(&ids[0]);
        assert_eq!(d0.state, DeliveryState::Delivered);
        assert_eq!(
            (d0.attempts, d0.delivered_at, d0.last_error),
            (1, Some(2_100), None)
        );
        let d1 = by_id(&ids[1]);
        assert_eq!(d1.state, DeliveryState::Pending);
        assert_eq!(d1.next_attempt_at, Some(10_000));
        assert_eq!(d1.last_error.as_deref(), Some("HTTP 503"));
        assert_eq!(b.store.next_delivery_due().await.unwrap(), Some(10_000));
        // Not before its time; a claim that lapses is claimed again.
        assert!(
            b.store
                .claim_deliveries(9_999, 30_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let again = b.store.claim_deliveries(10_000, 1_000, 10).await.unwrap();
        assert_eq!(again.len(), 1);
        let lapsed = b.store.claim_deliveries(11_000, 1_000, 10).await.unwrap();
        assert_eq!(lapsed.len(), 1, "a claim lapses");
        b.store
            .finish_delivery(
                lapsed[0].event.seq,
                11_500,
                &AttemptResult::GiveUp {
                    error: "HTTP 500".into(),
                },
            )
            .await
            .unwrap();
        let failed = b
            .store
            .list_events(
                &keywarden_store::EventFilter {
                    delivery: Some(DeliveryState::Failed),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].id, ids[1]);
        assert_eq!(failed[0].delivery.attempts, 2);
        assert_eq!(failed[0].delivery.next_attempt_at, None);
        assert_eq!(b.store.next_delivery_due().await.unwrap(), Some(50_000));
        // An operator asks for the failed one again: pending at once, with
        // a fresh period and count; its last error stays until an attempt.
        let Redelivery::Queued(again) = b.store.redeliver(&ids[1], 60_000, 90_000).await.unwrap()
        else {
            panic!("a failed event is queued again");
        };
        assert_eq!(again.delivery.state, DeliveryState::Pending);
        assert_eq!(
            (again.delivery.attempts, again.delivery.next_attempt_at),
            (0, Some(60_000))
        );
        assert_eq!(again.delivery.last_error.as_deref(), Some("HTTP 500"));
        assert!(matches!(
            b.store.redeliver(&ids[1], 60_001, 90_000).await.unwrap(),
            Redelivery::AlreadyPending(e) if e.delivery.next_attempt_at == Some(60_000)
        ));
        assert!(matches!(
            b.store
                .redeliver("evt_nosuchevent", 60_000, 90_000)
                .await
                .unwrap(),
            Redelivery::NotFound
        ));
        let claimed = b.store.claim_deliveries(60_000, 1_000, 10).await.unwrap();
        let ours = claimed.iter().find(|o| o.event.id == ids[1]).unwrap();
        assert_eq!(ours.deliver_until, 90_000, "with its fresh period");
        // A delivered event can be sent again too.
        assert!(matches!(
            b.store.redeliver(&ids[0], 61_000, 90_000).await.unwrap(),
            Redelivery::Queued(e) if e.delivery.delivered_at.is_none()
        ));
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
