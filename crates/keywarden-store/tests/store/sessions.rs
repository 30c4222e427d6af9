//! Console sessions on both backends.

use keywarden_store::{Permission, SESSION_TOUCH_MS};

use crate::{NOW, draft, on_each_backend, root_keys::root};

#[tokio::test]
async fn a_session_lives_in_the_store_with_its_root_key() {
    on_each_backend(|b| async move {
        let (rec, _) = root(vec![Permission::Admin]);
        b.store
            .insert_root_key(&rec, &draft("root_key.create", None))
            .await
            .unwrap();
        let id = [3u8; 32];
        assert!(b.store.console_session(&id).await.unwrap().is_none());
        b.store
            .create_console_session(&id, &rec.id, NOW)
            .await
            .unwrap();
        let s = b.store.console_session(&id).await.unwrap().unwrap();
        assert_eq!(s.root.id, rec.id, "{}", b.name);
        assert_eq!(s.root.permissions, rec.permissions);
        assert_eq!((s.created_at, s.last_seen_at), (NOW, NOW));
        assert_eq!(s.notice, None);

        // Touches are spared within SESSION_TOUCH_MS, written past it.
        b.store
            .touch_console_session(&id, NOW + SESSION_TOUCH_MS - 1)
            .await
            .unwrap();
        let s = b.store.console_session(&id).await.unwrap().unwrap();
        assert_eq!(s.last_seen_at, NOW, "{}", b.name);
        b.store
            .touch_console_session(&id, NOW + SESSION_TOUCH_MS)
            .await
            .unwrap();
        let s = b.store.console_session(&id).await.unwrap().unwrap();
        assert_eq!(s.last_seen_at, NOW + SESSION_TOUCH_MS, "{}", b.name);

        // A notice is cleared only if it is still the one shown.
        b.store.set_console_notice(&id, "first").await.unwrap();
        b.store.set_console_notice(&id, "second").await.unwrap();
        b.store.clear_console_notice(&id, "first").await.unwrap();
        let s = b.store.console_session(&id).await.unwrap().unwrap();
        assert_eq!(s.notice.as_deref(), Some("second"), "{}", b.name);
        b.store.clear_console_notice(&id, "second").await.unwrap();
        let s = b.store.console_session(&id).await.unwrap().unwrap();
        assert_eq!(s.notice, None, "{}", b.name);

        // A revoked root key is seen in the same read.
        b.store
            .revoke_root_key(&rec.id, NOW + 9, &draft("root_key.revoke", None))
            .await
            .unwrap();
        let s = b.store.console_session(&id).await.unwrap().unwrap();
        assert_eq!(s.root.revoked_at, Some(NOW + 9), "{}", b.name);

        assert!(b.store.end_console_session(&id).await.unwrap());
        assert!(!b.store.end_console_session(&id).await.unwrap());
        assert!(b.store.console_session(&id).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn pruning_drops_idle_old_and_revoked_sessions() {
    on_each_backend(|b| async move {
        let (live, _) = root(vec![Permission::Admin]);
        let (gone, _) = root(vec![Permission::Admin]);
        for rec in [&live, &gone] {
            b.store
                .insert_root_key(rec, &draft("root_key.create", None))
                .await
                .unwrap();
        }
        let (fresh, idle, old, revoked) = ([1u8; 32], [2u8; 32], [3u8; 32], [4u8; 32]);
        b.store
            .create_console_session(&fresh, &live.id, NOW + 100)
            .await
            .unwrap();
        b.store
            .create_console_session(&idle, &live.id, NOW + 100)
            .await
            .unwrap();
        b.store
            .create_console_session(&old, &live.id, NOW)
            .await
            .unwrap();
        b.store
            .create_console_session(&revoked, &gone.id, NOW + 100)
            .await
            .unwrap();
        b.store
            .touch_console_session(&fresh, NOW + 100_000)
            .await
            .unwrap();
        b.store
            .touch_console_session(&old, NOW + 100_000)
            .await
            .unwrap();
        b.store
            .revoke_root_key(&gone.id, NOW + 1, &draft("root_key.revoke", None))
            .await
            .unwrap();
        let n = b
            .store
            .prune_console_sessions(NOW + 50_000, NOW + 50)
            .await
            .unwrap();
        assert_eq!(n, 3, "{}", b.name);
        assert!(b.store.console_session(&fresh).await.unwrap().is_some());
        for id in [idle, old, revoked] {
            assert!(b.store.console_session(&id).await.unwrap().is_none());
        }
    })
    .await;
}
