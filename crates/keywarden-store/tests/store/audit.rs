//! The audit log's hash chain on both backends.

use keywarden_core::digest::{Pepper, PepperRing};
use keywarden_store::{AuditFilter, Store};

use crate::{NOW, draft, on_each_backend, raw_execute};

#[tokio::test]
async fn chain_verifies_and_pages() {
    on_each_backend(|b| async move {
        for i in 0..12 {
            let mut d = draft(
                if i % 2 == 0 { "key.create" } else { "key.read" },
                Some("key_target0000000000"),
            );
            d.details = serde_json::json!({"i": i, "note": "ünïcode ✓"});
            let entry = b.store.audit(&d).await.unwrap();
            assert_eq!(entry.seq, i + 1);
        }
        let report = b.store.verify_audit_chain().await.unwrap();
        assert!(report.ok(), "{}: {report:?}", b.name);
        assert_eq!(report.entries, 12);

        let newest = b
            .store
            .list_audit(&AuditFilter::default(), 5)
            .await
            .unwrap();
        assert_eq!(
            newest.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![12, 11, 10, 9, 8]
        );
        assert_eq!(newest[1].hash, newest[0].prev_hash);
        let older = b
            .store
            .list_audit(
                &AuditFilter {
                    before_seq: Some(8),
                    ..Default::default()
                },
                100,
            )
            .await
            .unwrap();
        assert_eq!(older.len(), 7);
        let creates = b
            .store
            .list_audit(
                &AuditFilter {
                    action: Some("key.create".into()),
                    ..Default::default()
                },
                100,
            )
            .await
            .unwrap();
        assert_eq!(creates.len(), 6);
    })
    .await;
}

#[tokio::test]
async fn tampering_is_detected() {
    on_each_backend(|b| async move {
        for _ in 0..5 {
            b.store
                .audit(&draft("key.revoke", Some("key_target0000000000")))
                .await
                .unwrap();
        }
        assert!(b.store.verify_audit_chain().await.unwrap().ok());

        // Rewrite what entry 3 says.
        raw_execute(
            &b,
            "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3",
        )
        .await;
        let report = b.store.verify_audit_chain().await.unwrap();
        assert_eq!(report.first_bad_seq, Some(3), "{}", b.name);
        assert!(report.problem.unwrap().contains("altered"));
    })
    .await;
}

#[tokio::test]
async fn deleting_an_entry_breaks_the_chain() {
    on_each_backend(|b| async move {
        for _ in 0..5 {
            b.store.audit(&draft("key.create", None)).await.unwrap();
        }
        raw_execute(&b, "DELETE FROM audit_log WHERE seq = 2").await;
        let report = b.store.verify_audit_chain().await.unwrap();
        assert_eq!(report.first_bad_seq, Some(3), "{}", b.name);
    })
    .await;
}

#[tokio::test]
async fn without_the_pepper_the_chain_cannot_be_checked_or_forged() {
    on_each_backend(|b| async move {
        b.store.audit(&draft("key.create", None)).await.unwrap();
        // The same database opened with another pepper: the chain does not verify.
        let other = PepperRing::new(Pepper::new(1, &[7; 32]).unwrap());
        let store = Store::open(&b.url, other).await.unwrap();
        let report = store.verify_audit_chain().await.unwrap();
        assert_eq!(report.first_bad_seq, Some(1), "{}", b.name);
        // A pepper of another version is named as missing.
        let v2 = PepperRing::new(Pepper::new(2, &[7; 32]).unwrap());
        let store = Store::open(&b.url, v2).await.unwrap();
        let report = store.verify_audit_chain().await.unwrap();
        assert!(report.problem.unwrap().contains("version 1"));
    })
    .await;
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    on_each_backend(|b| async move {
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let store = b.store.clone();
            tasks.push(tokio::spawn(async move {
                store.audit(&draft("key.read", None)).await.unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let report = b.store.verify_audit_chain().await.unwrap();
        assert!(report.ok(), "{}: {report:?}", b.name);
        assert_eq!(report.entries, 20);
    })
    .await;
}

#[tokio::test]
async fn truncating_the_end_of_the_log_is_detected() {
    on_each_backend(|b| async move {
        for _ in 0..6 {
            b.store.audit(&draft("key.create", None)).await.unwrap();
        }
        assert!(b.store.verify_audit_chain().await.unwrap().ok());
        // The newest entries go: every remaining link still verifies, but the
        // head record says the log went further.
        raw_execute(&b, "DELETE FROM audit_log WHERE seq > 4").await;
        let report = b.store.verify_audit_chain().await.unwrap();
        assert!(!report.ok(), "{}: truncation went unnoticed", b.name);
        assert_eq!(report.first_bad_seq, Some(5), "{}", b.name);
        assert!(report.problem.unwrap().contains("removed from its end"));
    })
    .await;
}

#[tokio::test]
async fn the_head_record_cannot_be_forged_or_removed() {
    on_each_backend(|b| async move {
        for _ in 0..3 {
            b.store.audit(&draft("key.create", None)).await.unwrap();
        }
        // Pointing the head at an earlier entry, without the pepper, breaks
        // its MAC.
        raw_execute(&b, "UPDATE audit_head SET seq = 2").await;
        let report = b.store.verify_audit_chain().await.unwrap();
        assert!(report.problem.unwrap().contains("altered"), "{}", b.name);
        raw_execute(&b, "DELETE FROM audit_head").await;
        let report = b.store.verify_audit_chain().await.unwrap();
        assert!(report.problem.unwrap().contains("missing"), "{}", b.name);
    })
    .await;
}

#[tokio::test]
async fn checkpoints_sign_the_head() {
    on_each_backend(|b| async move {
        assert_eq!(b.store.audit_checkpoint(1).await.unwrap(), None);
        let last = b.store.audit(&draft("key.create", None)).await.unwrap();
        let cp = b.store.audit_checkpoint(1_234).await.unwrap().unwrap();
        assert_eq!(
            (cp.seq, cp.hash.as_str(), cp.at),
            (1, last.hash.as_str(), 1_234)
        );
        assert_eq!(cp.signature.len(), 64);
        let again = b.store.audit_checkpoint(1_234).await.unwrap().unwrap();
        assert_eq!(cp, again, "deterministic");
        let later = b.store.audit_checkpoint(1_235).await.unwrap().unwrap();
        assert_ne!(cp.signature, later.signature, "the time is signed");
    })
    .await;
}

/// The head row as stored: seq, hash, key version, MAC (bytes as hex).
async fn head_row(b: &crate::Backend) -> (i64, String, i64, String) {
    use sqlx::{Connection, Row};
    let sql = "SELECT seq, hash, key_version, mac FROM audit_head WHERE id = 1";
    if b.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&b.url).await.unwrap();
        let r = sqlx::query(sql).fetch_one(&mut c).await.unwrap();
        (
            r.get("seq"),
            hex::encode(r.get::<Vec<u8>, _>("hash")),
            r.get("key_version"),
            hex::encode(r.get::<Vec<u8>, _>("mac")),
        )
    } else {
        let mut c = sqlx::PgConnection::connect(&b.url).await.unwrap();
        let r = sqlx::query(sql).fetch_one(&mut c).await.unwrap();
        (
            r.get("seq"),
            hex::encode(r.get::<Vec<u8>, _>("hash")),
            r.get("key_version"),
            hex::encode(r.get::<Vec<u8>, _>("mac")),
        )
    }
}

/// Puts a head row read by [`head_row`] back, as an attacker with write
/// access to the database (and without the pepper) can.
async fn put_head_back(b: &crate::Backend, (seq, hash, version, mac): &(i64, String, i64, String)) {
    let bytes = |h: &str| {
        if b.name == "sqlite" {
            format!("X'{h}'")
        } else {
            format!("decode('{h}', 'hex')")
        }
    };
    raw_execute(b, "DELETE FROM audit_head").await;
    raw_execute(
        b,
        &format!(
            "INSERT INTO audit_head (id, seq, hash, key_version, mac) VALUES (1, {seq}, {}, {version}, {})",
            bytes(hash),
            bytes(mac)
        ),
    )
    .await;
}

/// The head proves only that the log once ended at its entry: an old head
/// row put back over a cut log verifies. A checkpoint line kept outside the
/// database does not reach the cut log, and tells so.
#[tokio::test]
async fn a_checkpoint_catches_an_old_head_put_back() {
    use keywarden_store::CheckpointCheck;
    on_each_backend(|b| async move {
        for _ in 0..4 {
            b.store.audit(&draft("key.create", None)).await.unwrap();
        }
        let old_head = head_row(&b).await;
        for _ in 0..3 {
            b.store.audit(&draft("key.revoke", None)).await.unwrap();
        }
        let cp = b.store.audit_checkpoint(NOW).await.unwrap().unwrap();
        assert_eq!(cp.seq, 7);
        assert_eq!(
            b.store.check_audit_checkpoint(&cp.line).await.unwrap(),
            CheckpointCheck::Reached { seq: 7 }
        );
        // The attack: the three revocations go, the old head comes back.
        raw_execute(&b, "DELETE FROM audit_log WHERE seq > 4").await;
        put_head_back(&b, &old_head).await;
        assert!(
            b.store.verify_audit_chain().await.unwrap().ok(),
            "{}: without a checkpoint the cut is not detected (the documented limit)",
            b.name
        );
        assert_eq!(
            b.store.check_audit_checkpoint(&cp.line).await.unwrap(),
            CheckpointCheck::NotReached { seq: 7, last: 4 },
            "{}",
            b.name
        );
        // Rewritten past the cut: entry 7 exists again, with another hash.
        for _ in 0..3 {
            b.store.audit(&draft("key.read", None)).await.unwrap();
        }
        assert_eq!(
            b.store.check_audit_checkpoint(&cp.line).await.unwrap(),
            CheckpointCheck::Differs { seq: 7 }
        );
        // A forged or mangled line is no checkpoint.
        let (seq_hash, _) = cp.line.rsplit_once(':').unwrap();
        for bad in [
            format!("{seq_hash}:{}", "0".repeat(64)),
            "7:abc".to_owned(),
            String::new(),
            cp.line.replacen("7:", "8:", 1),
        ] {
            assert_eq!(
                b.store.check_audit_checkpoint(&bad).await.unwrap(),
                CheckpointCheck::Invalid,
                "{bad}"
            );
        }
    })
    .await;
}

/// A missing head is never signed afresh over what is left: a store that
/// had a head and lost it (with its newest entries) fails verification
/// when it is opened again.
#[tokio::test]
async fn a_head_removed_with_the_newest_entries_is_not_resigned_on_open() {
    on_each_backend(|b| async move {
        for _ in 0..5 {
            b.store.audit(&draft("key.create", None)).await.unwrap();
        }
        raw_execute(&b, "DELETE FROM audit_log WHERE seq > 3").await;
        raw_execute(&b, "DELETE FROM audit_head").await;
        let reopened = Store::open(&b.url, crate::peppers()).await.unwrap();
        let report = reopened.verify_audit_chain().await.unwrap();
        assert!(
            !report.ok(),
            "{}: the cut log was re-signed on open",
            b.name
        );
        assert!(report.problem.unwrap().contains("missing"), "{}", b.name);
    })
    .await;
}

/// Verifying from an anchor checks only the entries after it, finds a
/// change made after it, and starts over when the anchor's entry changed.
#[tokio::test]
async fn incremental_verification_goes_on_from_its_anchor() {
    on_each_backend(|b| async move {
        for _ in 0..5 {
            b.store.audit(&draft("key.create", None)).await.unwrap();
        }
        let (report, anchor) = b.store.verify_audit_chain_from(None).await.unwrap();
        assert!(report.ok() && report.entries == 5);
        let anchor = anchor.unwrap();
        assert_eq!(anchor.seq, 5);
        for _ in 0..3 {
            b.store.audit(&draft("key.read", None)).await.unwrap();
        }
        let (report, next) = b
            .store
            .verify_audit_chain_from(Some(&anchor))
            .await
            .unwrap();
        assert!(report.ok(), "{}: {report:?}", b.name);
        assert_eq!(report.entries, 8);
        assert_eq!(next.as_ref().map(|a| a.seq), Some(8));
        // A change after the anchor is found.
        raw_execute(&b, "UPDATE audit_log SET actor = 'x' WHERE seq = 7").await;
        let (report, next) = b
            .store
            .verify_audit_chain_from(Some(&anchor))
            .await
            .unwrap();
        assert_eq!(report.first_bad_seq, Some(7), "{}", b.name);
        assert!(next.is_none());
        // The anchor's own entry changed: a full walk, which finds it.
        raw_execute(&b, "UPDATE audit_log SET actor = 'y' WHERE seq = 5").await;
        let (report, _) = b
            .store
            .verify_audit_chain_from(Some(&anchor))
            .await
            .unwrap();
        assert_eq!(report.first_bad_seq, Some(5), "{}", b.name);
    })
    .await;
}
