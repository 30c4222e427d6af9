//! Root keys on both backends.

use keywarden_core::key::{self, Environment, KeyId};
use keywarden_store::{Permission, RootKeyRecord};

use crate::{NOW, assert_same, draft, on_each_backend, peppers};

pub(crate) fn root(permissions: Vec<Permission>) -> (RootKeyRecord, String) {
    let minted = key::mint(&key::Prefix::default(), &Environment::root());
    let rec = RootKeyRecord {
        id: KeyId::generate(),
        digest: peppers().current().digest(minted.expose()),
        pepper_version: 1,
        hint: minted.hint(),
        name: Some("ops".to_owned()),
        permissions,
        spaces: None,
        environments: None,
        created_at: NOW,
        created_by: Some("bootstrap".to_owned()),
        revoked_at: None,
        last_used_at: None,
    };
    (rec, minted.expose().to_owned())
}

#[tokio::test]
async fn bootstrap_happens_once() {
    on_each_backend(|b| async move {
        let (first, plain) = root(vec![Permission::Admin]);
        assert!(
            b.store
                .bootstrap_root_key(&first, &draft("root_key.bootstrap", None))
                .await
                .unwrap()
        );
        let (second, _) = root(vec![Permission::Admin]);
        assert!(
            !b.store
                .bootstrap_root_key(&second, &draft("root_key.bootstrap", None))
                .await
                .unwrap()
        );
        assert_eq!(b.store.list_root_keys().await.unwrap().len(), 1);

        let digest = peppers().current().digest(&plain);
        let found = b
            .store
            .find_root_key_by_digest(&digest)
            .await
            .unwrap()
            .unwrap();
        assert!(
            found.allows(Permission::KeysWrite),
            "admin allows everything"
        );

        let (reader, _) = root(vec![Permission::KeysRead]);
        b.store
            .insert_root_key(&reader, &draft("root_key.create", None))
            .await
            .unwrap();
        let got = b.store.list_root_keys().await.unwrap();
        assert_eq!(got.len(), 2);
        // Both were made at NOW: the order between them is by random id.
        let got = got.iter().find(|r| r.id == reader.id).unwrap();
        assert!(got.allows(Permission::KeysRead));
        assert!(!got.allows(Permission::KeysWrite));

        b.store
            .revoke_root_key(&reader.id, NOW + 1, &draft("root_key.revoke", None))
            .await
            .unwrap();
        let got = b
            .store
            .find_root_key_by_digest(&reader.digest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.revoked_at, Some(NOW + 1));
        assert!(
            b.store
                .revoke_root_key(&reader.id, NOW, &draft("root_key.revoke", None))
                .await
                .is_err()
        );

        b.store
            .touch_root_key(&first.id, NOW + 100_000)
            .await
            .unwrap();
        let got = b
            .store
            .find_root_key_by_digest(&first.digest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.last_used_at, Some(NOW + 100_000));
    })
    .await;
}

#[tokio::test]
async fn concurrent_bootstraps_make_one_root_key() {
    on_each_backend(|b| async move {
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = b.store.clone();
            tasks.push(tokio::spawn(async move {
                let (rec, _) = root(vec![Permission::Admin]);
                store
                    .bootstrap_root_key(&rec, &draft("root_key.bootstrap", None))
                    .await
                    .unwrap()
            }));
        }
        let mut made = 0;
        for t in tasks {
            made += usize::from(t.await.unwrap());
        }
        assert_eq!(made, 1, "{}", b.name);
        assert_eq!(b.store.list_root_keys().await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn get_root_key_by_id_sees_revocation() {
    on_each_backend(|b| async move {
        let (rec, _) = root(vec![Permission::KeysRead, Permission::AuditRead]);
        b.store
            .insert_root_key(&rec, &draft("root_key.create", None))
            .await
            .unwrap();
        let got = b.store.get_root_key(&rec.id).await.unwrap().unwrap();
        assert_same(&got, &rec, b.name);
        assert!(
            b.store
                .get_root_key(&KeyId::generate())
                .await
                .unwrap()
                .is_none()
        );
        b.store
            .revoke_root_key(&rec.id, NOW + 5, &draft("root_key.revoke", None))
            .await
            .unwrap();
        let got = b.store.get_root_key(&rec.id).await.unwrap().unwrap();
        assert_eq!(got.revoked_at, Some(NOW + 5), "{}", b.name);
    })
    .await;
}
