//! API key records on both backends.

use keywarden_core::key::KeyId;
use keywarden_store::{Cursor, KeyFilter, KeyPatch, KeyStatus, RateLimit, StoreError};

use crate::{NOW, assert_same, draft, new_key, on_each_backend, peppers};

#[tokio::test]
async fn insert_get_find_by_digest() {
    on_each_backend(|b| async move {
        let (rec, plain) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", Some(rec.id.as_str())))
            .await
            .unwrap();
        let got = b.store.get_key(&rec.id).await.unwrap().unwrap();
        assert_same(&got, &rec, b.name);
        let digest = peppers().current().digest(&plain);
        let found = b.store.find_key_by_digest(&digest).await.unwrap().unwrap();
        assert_eq!(found.id, rec.id);
        assert!(b.store.get_key(&KeyId::generate()).await.unwrap().is_none());
        assert!(
            b.store
                .find_key_by_digest(
                    &keywarden_core::digest::KeyDigest::from_slice(&[0; 32]).unwrap()
                )
                .await
                .unwrap()
                .is_none()
        );
        // The same digest cannot be stored twice.
        let mut dup = rec.clone();
        dup.id = KeyId::generate();
        assert!(
            b.store
                .insert_key(&dup, &draft("key.create", None))
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn list_filters_and_pages() {
    on_each_backend(|b| async move {
        let mut ids = Vec::new();
        for i in 0..7 {
            let owner = if i % 2 == 0 { "acme" } else { "globex" };
            let env = if i < 4 { "live" } else { "test" };
            let (mut rec, _) = new_key(owner, env, NOW + i);
            if i == 6 {
                rec.expires_at = Some(NOW - 1);
            }
            b.store
                .insert_key(&rec, &draft("key.create", None))
                .await
                .unwrap();
            ids.push(rec.id);
        }
        b.store
            .revoke_key(&ids[5], "manual", NOW, &draft("key.revoke", None))
            .await
            .unwrap();

        let all = b
            .store
            .list_keys(&KeyFilter::default(), NOW, 100, None)
            .await
            .unwrap();
        assert_eq!(all.items.len(), 7);
        assert_eq!(all.items[0].id, ids[6], "newest first");
        assert!(all.next.is_none());

        // Pages of 3 cover everything once, in order.
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = b
                .store
                .list_keys(&KeyFilter::default(), NOW, 3, cursor.as_ref())
                .await
                .unwrap();
            seen.extend(page.items.iter().map(|k| k.id.clone()));
            match page.next {
                Some(next) => cursor = Some(Cursor::decode(&next).unwrap()),
                None => break,
            }
        }
        let mut expected = ids.clone();
        expected.reverse();
        assert_eq!(seen, expected, "{}", b.name);

        let f = |owner: Option<&str>, env: Option<&str>, status: Option<KeyStatus>| KeyFilter {
            owner: owner.map(|o| o.parse().unwrap()),
            environment: env.map(|e| e.parse().unwrap()),
            status,
            search: None,
            ..Default::default()
        };
        let count = |filter: KeyFilter| {
            let store = b.store.clone();
            async move { store.count_keys(&filter, NOW).await.unwrap() }
        };
        assert_eq!(count(f(Some("acme"), None, None)).await, 4);
        assert_eq!(count(f(None, Some("test"), None)).await, 3);
        assert_eq!(count(f(Some("globex"), Some("live"), None)).await, 2);
        assert_eq!(count(f(None, None, Some(KeyStatus::Revoked))).await, 1);
        assert_eq!(count(f(None, None, Some(KeyStatus::Expired))).await, 1);
        assert_eq!(count(f(None, None, Some(KeyStatus::Active))).await, 5);

        let search = KeyFilter {
            search: Some(ids[3].to_string()),
            ..KeyFilter::default()
        };
        let found = b.store.list_keys(&search, NOW, 10, None).await.unwrap();
        assert_eq!(found.items.len(), 1);
        assert_eq!(found.items[0].id, ids[3]);
        let by_name = KeyFilter {
            search: Some("globex".to_owned()),
            ..KeyFilter::default()
        };
        assert_eq!(b.store.count_keys(&by_name, NOW).await.unwrap(), 3);
        // LIKE wildcards in the search text are taken literally.
        for wild in ["%", "_", "\\"] {
            let filter = KeyFilter {
                search: Some(wild.to_owned()),
                ..KeyFilter::default()
            };
            let n = b.store.count_keys(&filter, NOW).await.unwrap();
            // Every id holds an underscore (`key_`), nothing holds % or \.
            assert_eq!(n, if wild == "_" { 7 } else { 0 }, "{}: {wild}", b.name);
        }
        let upper = KeyFilter {
            search: Some("GLOBEX".to_owned()),
            ..KeyFilter::default()
        };
        assert_eq!(b.store.count_keys(&upper, NOW).await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn patch_changes_only_what_it_names() {
    on_each_backend(|b| async move {
        let (rec, _) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let patch = KeyPatch {
            name: Some(None),
            scopes: Some(vec![
                "orders:*".parse().unwrap(),
                "users:read".parse().unwrap(),
            ]),
            expires_at: Some(Some(NOW + 1000)),
            ip_allowlist: Some(vec!["10.0.0.0/8".parse().unwrap()]),
            rate_limit: Some(Some(RateLimit {
                limit: 10,
                window_seconds: 60,
            })),
            usage_limit: Some(Some(5)),
            ..KeyPatch::default()
        };
        let after = b
            .store
            .update_key(&rec.id, &patch, NOW + 5, &draft("key.update", None))
            .await
            .unwrap();
        assert_eq!(after.name, None);
        assert_eq!(after.scopes.len(), 2);
        assert_eq!(after.expires_at, Some(NOW + 1000));
        assert_eq!(after.credits.map(|c| c.remaining), Some(5));
        assert_eq!(after.metadata, rec.metadata, "untouched");
        assert_eq!(after.updated_at, NOW + 5);
        assert_same(
            &b.store.get_key(&rec.id).await.unwrap().unwrap(),
            &after,
            b.name,
        );

        b.store
            .revoke_key(&rec.id, "manual", NOW, &draft("key.revoke", None))
            .await
            .unwrap();
        let err = b
            .store
            .update_key(
                &rec.id,
                &KeyPatch::default(),
                NOW,
                &draft("key.update", None),
            )
            .await;
        assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
        let err = b
            .store
            .update_key(
                &KeyId::generate(),
                &KeyPatch::default(),
                NOW,
                &draft("x", None),
            )
            .await;
        assert!(matches!(err, Err(StoreError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn roll_links_both_and_shortens_the_old_expiry() {
    on_each_backend(|b| async move {
        let (mut old, _) = new_key("acme", "live", NOW);
        old.expires_at = Some(NOW + 10_000_000);
        b.store
            .insert_key(&old, &draft("key.create", None))
            .await
            .unwrap();
        let (mut new, _) = new_key("acme", "live", NOW + 1);
        new.rotated_from = Some(old.id.clone());
        let (old_after, new_after, _) = b
            .store
            .roll_key(
                &old.id,
                &new,
                None,
                NOW + 3_600_000,
                NOW + 1,
                &draft("key.roll", None),
            )
            .await
            .unwrap();
        assert_eq!(
            old_after.expires_at,
            Some(NOW + 3_600_000),
            "earlier of its own and now+grace"
        );
        assert_eq!(old_after.rotated_to.as_ref(), Some(&new.id));
        assert_eq!(new_after.rotated_from.as_ref(), Some(&old.id));
        let stored_old = b.store.get_key(&old.id).await.unwrap().unwrap();
        assert_eq!(stored_old.rotated_to.as_ref(), Some(&new.id));
        assert!(b.store.get_key(&new.id).await.unwrap().is_some());

        // Rolled once: not again.
        let (again, _) = new_key("acme", "live", NOW + 2);
        let err = b
            .store
            .roll_key(
                &old.id,
                &again,
                None,
                NOW,
                NOW + 2,
                &draft("key.roll", None),
            )
            .await;
        assert!(matches!(err, Err(StoreError::Conflict(_))));
        assert!(
            b.store.get_key(&again.id).await.unwrap().is_none(),
            "nothing was inserted"
        );

        // A key whose own expiry is sooner keeps it.
        let (mut soon, _) = new_key("acme", "live", NOW);
        soon.expires_at = Some(NOW + 1000);
        b.store
            .insert_key(&soon, &draft("key.create", None))
            .await
            .unwrap();
        let (n2, _) = new_key("acme", "live", NOW);
        let (o2, _, _) = b
            .store
            .roll_key(
                &soon.id,
                &n2,
                None,
                NOW + 86_400_000,
                NOW,
                &draft("key.roll", None),
            )
            .await
            .unwrap();
        assert_eq!(o2.expires_at, Some(NOW + 1000));

        // Revoked keys cannot roll.
        let (r, _) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&r, &draft("key.create", None))
            .await
            .unwrap();
        b.store
            .revoke_key(&r.id, "manual", NOW, &draft("key.revoke", None))
            .await
            .unwrap();
        let (n3, _) = new_key("acme", "live", NOW);
        let err = b
            .store
            .roll_key(&r.id, &n3, None, NOW, NOW, &draft("key.roll", None))
            .await;
        assert!(matches!(err, Err(StoreError::Conflict(_))));
    })
    .await;
}

#[tokio::test]
async fn revoke_is_idempotent_and_bulk_revoke_counts() {
    on_each_backend(|b| async move {
        let (rec, _) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let (k, changed) = b
            .store
            .revoke_key(&rec.id, "compromised", NOW + 1, &draft("key.revoke", None))
            .await
            .unwrap();
        assert!(changed);
        assert_eq!(k.revoked.as_ref().map(|r| r.at), Some(NOW + 1));
        assert_eq!(
            k.revoked.as_ref().map(|r| r.reason.as_str()),
            Some("compromised")
        );
        let (k2, changed) = b
            .store
            .revoke_key(&rec.id, "again", NOW + 2, &draft("key.revoke", None))
            .await
            .unwrap();
        assert!(!changed);
        assert_eq!(
            k2.revoked.as_ref().map(|r| r.at),
            Some(NOW + 1),
            "first revocation stands"
        );

        for (owner, env) in [
            ("acme", "live"),
            ("acme", "test"),
            ("globex", "live"),
            ("acme", "live"),
        ] {
            let (r, _) = new_key(owner, env, NOW);
            b.store
                .insert_key(&r, &draft("key.create", None))
                .await
                .unwrap();
        }
        let acme = "acme".parse().unwrap();
        let live: keywarden_core::key::Environment = "live".parse().unwrap();
        let ids = b
            .store
            .bulk_revoke(
                &filter(Some(acme), Some(live.clone())),
                "emergency",
                NOW,
                &draft("key.bulk_revoke", None),
            )
            .await
            .unwrap();
        assert_eq!(
            ids.len(),
            2,
            "{}: already-revoked keys are not counted",
            b.name
        );
        let ids = b
            .store
            .bulk_revoke(
                &filter(None, Some(live)),
                "emergency",
                NOW,
                &draft("key.bulk_revoke", None),
            )
            .await
            .unwrap();
        assert_eq!(ids.len(), 1);
        let err = b
            .store
            .bulk_revoke(
                &filter(None, None),
                "x",
                NOW,
                &draft("key.bulk_revoke", None),
            )
            .await;
        assert!(err.is_err());
        let active = keywarden_store::KeyFilter {
            status: Some(KeyStatus::Active),
            ..Default::default()
        };
        assert_eq!(b.store.count_keys(&active, NOW).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn usage_limit_is_exact_under_concurrency() {
    on_each_backend(|b| async move {
        let (mut rec, _) = new_key("acme", "live", NOW);
        rec.credits = Some(keywarden_store::KeyCredits {
            limit: 25,
            remaining: 25,
            refill: None,
            period: 0,
        });
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..60 {
            let store = b.store.clone();
            let id = rec.id.clone();
            tasks.push(tokio::spawn(async move {
                store.consume_usage(&id, NOW).await.unwrap()
            }));
        }
        let mut granted = Vec::new();
        for t in tasks {
            if let Some(left) = t.await.unwrap() {
                granted.push(left);
            }
        }
        granted.sort_unstable();
        assert_eq!(granted, (0..25).collect::<Vec<i64>>(), "{}", b.name);
        let after = b.store.get_key(&rec.id).await.unwrap().unwrap();
        assert_eq!(after.credits.map(|c| c.remaining), Some(0));
    })
    .await;
}

#[tokio::test]
async fn last_used_keeps_the_latest() {
    on_each_backend(|b| async move {
        let (rec, _) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let id = rec.id.to_string();
        b.store
            .touch_last_used(&[(id.clone(), NOW + 10), (id.clone(), NOW + 5)])
            .await
            .unwrap();
        assert_eq!(
            b.store
                .get_key(&rec.id)
                .await
                .unwrap()
                .unwrap()
                .last_used_at,
            Some(NOW + 10)
        );
    })
    .await;
}

#[tokio::test]
async fn counts_by_environment_and_status_and_expiring_soon() {
    on_each_backend(|b| async move {
        let day = 86_400_000;
        // live: 2 active (one expiring in 3 days), 1 expired, 1 revoked; test: 1 active.
        let specs: [(&str, Option<i64>, bool); 5] = [
            ("live", None, false),
            ("live", Some(NOW + 3 * day), false),
            ("live", Some(NOW - 1), false),
            ("live", Some(NOW + day), true),
            ("test", Some(NOW + 30 * day), false),
        ];
        let mut ids = Vec::new();
        for (i, (env, expires, revoked)) in specs.iter().enumerate() {
            let (mut rec, _) = new_key("acme", env, NOW - 10 + i as i64);
            rec.expires_at = *expires;
            if *revoked {
                rec.revoked = Some(keywarden_store::Revocation {
                    at: NOW - 5,
                    reason: "manual".to_owned(),
                });
            }
            b.store
                .insert_key(&rec, &draft("key.create", None))
                .await
                .unwrap();
            ids.push(rec.id);
        }
        let counts: Vec<(String, &str, i64)> = b
            .store
            .key_counts(NOW, &Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.environment.to_string(), c.status.as_str(), c.count))
            .collect();
        assert_eq!(
            counts,
            vec![
                ("live".to_owned(), "active", 2),
                ("live".to_owned(), "expired", 1),
                ("live".to_owned(), "revoked", 1),
                ("test".to_owned(), "active", 1),
            ],
            "{}",
            b.name
        );

        // Within a week: only the live key expiring in 3 days (the revoked
        // one and the expired one are not "expiring").
        let soon = b.store.expiring_keys(NOW, NOW + 7 * day, 10).await.unwrap();
        let soon: Vec<_> = soon.iter().map(|k| k.id.clone()).collect();
        assert_eq!(soon, vec![ids[1].clone()], "{}", b.name);
        let month = b
            .store
            .expiring_keys(NOW, NOW + 31 * day, 10)
            .await
            .unwrap();
        assert_eq!(month.len(), 2, "{}", b.name);
        assert_eq!(month[1].id, ids[4], "soonest first");
        assert_eq!(
            b.store
                .expiring_keys(NOW, NOW + 31 * day, 1)
                .await
                .unwrap()
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn keys_move_to_a_new_pepper() {
    on_each_backend(|b| async move {
        let (rec, plain) = new_key("acme", "live", NOW);
        b.store
            .insert_key(&rec, &draft("key.create", None))
            .await
            .unwrap();
        let new = keywarden_core::digest::Pepper::new(2, &[8; 32])
            .unwrap()
            .digest(&plain);
        assert!(
            b.store
                .rehash_key(&rec.id, &rec.digest, &new, 2)
                .await
                .unwrap()
        );
        // Only from the digest it had: a second move from the old one does nothing.
        assert!(
            !b.store
                .rehash_key(&rec.id, &rec.digest, &new, 2)
                .await
                .unwrap()
        );
        let found = b.store.find_key_by_digest(&new).await.unwrap().unwrap();
        assert_eq!((found.id, found.pepper_version), (rec.id.clone(), 2));
        assert!(
            b.store
                .find_key_by_digest(&rec.digest)
                .await
                .unwrap()
                .is_none()
        );
        let versions = b.store.pepper_versions().await.unwrap();
        assert_eq!(versions, vec![(2, 1, 0)], "{}", b.name);
    })
    .await;
}

/// Spending credits (a key's and its owner's, in one transaction) and
/// recording last uses (several keys at once, from several nodes, in any
/// order) never deadlock: the last-use write never waits for a row lock, so
/// no verification is answered 503 on a healthy cluster. Whatever a write
/// had to skip is handed back, to record again.
#[tokio::test]
async fn spending_credits_and_recording_last_uses_never_deadlock() {
    on_each_backend(|b| async move {
        let mut ids = Vec::new();
        for _ in 0..6 {
            let (mut rec, _) = new_key("acme", "live", NOW);
            rec.credits = Some(keywarden_store::KeyCredits {
                limit: 1_000_000,
                remaining: 1_000_000,
                refill: None,
                period: 0,
            });
            b.store
                .insert_key(&rec, &draft("key.create", None))
                .await
                .unwrap();
            ids.push(rec.id);
        }
        b.store
            .put_owner_limits(
                "acme",
                None,
                Some(keywarden_store::Credits {
                    remaining: 1_000_000,
                    refill: None,
                }),
                NOW,
                &draft("owner.limits_set", None),
            )
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for worker in 0..8 {
            let store = b.store.clone();
            let ids = ids.clone();
            tasks.push(tokio::spawn(async move {
                let mut failures = Vec::new();
                for round in 0..60_i64 {
                    if worker % 2 == 0 {
                        // A node's batch of last uses, in its own order.
                        let mut uses: Vec<(String, i64)> =
                            ids.iter().map(|id| (id.to_string(), NOW + round)).collect();
                        if worker % 4 == 0 {
                            uses.reverse();
                        }
                        if let Err(e) = store.touch_last_used(&uses).await {
                            failures.push(e.to_string());
                        }
                    } else {
                        let id = &ids[(round as usize + worker) % ids.len()];
                        if let Err(e) = store.spend_credits(Some(id), Some("acme"), 1, NOW).await {
                            failures.push(e.to_string());
                        }
                    }
                }
                failures
            }));
        }
        let mut failures = Vec::new();
        for t in tasks {
            failures.extend(t.await.unwrap());
        }
        assert!(failures.is_empty(), "{}: {failures:?}", b.name);
        // Handed back, a skipped use is recorded by the next write.
        let last = b
            .store
            .touch_last_used(&[(ids[0].to_string(), NOW + 1_000)])
            .await
            .unwrap();
        assert!(last.is_empty());
        assert_eq!(
            b.store
                .get_key(&ids[0])
                .await
                .unwrap()
                .unwrap()
                .last_used_at,
            Some(NOW + 1_000)
        );
    })
    .await;
}

/// A bulk revocation's filter: an owner and/or environment.
fn filter(
    owner: Option<keywarden_core::names::Owner>,
    environment: Option<keywarden_core::key::Environment>,
) -> keywarden_store::KeyFilter {
    keywarden_store::KeyFilter {
        owner,
        environment,
        ..Default::default()
    }
}
