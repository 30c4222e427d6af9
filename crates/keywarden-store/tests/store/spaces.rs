//! Key spaces and roles: their rows, the spaces a filter sees, roles folded
//! into keys' effective permissions, and deletion's refusals.

use keywarden_core::spaces::SpaceId;
use keywarden_store::{KeyFilter, SpaceDefaults, SpaceRecord, StoreError};

use crate::{NOW, draft, new_key, on_each_backend};

fn space(id: &str, prefix: Option<&str>) -> SpaceRecord {
    SpaceRecord {
        id: id.parse().unwrap(),
        name: format!("The {id} space"),
        key_prefix: prefix.map(|p| p.parse().unwrap()),
        defaults: SpaceDefaults::default(),
        delete_protection: false,
        created_at: NOW,
        updated_at: NOW,
    }
}

#[tokio::test]
async fn spaces_partition_keys_and_roles_grant_permissions() {
    on_each_backend(|b| async move {
        let store = &b.store;
        // An upgraded (or new) store has the space `default`.
        let all = store.list_spaces(None).await.unwrap();
        assert_eq!(all.len(), 1, "{}", b.name);
        assert!(all[0].space.id.is_default() && all[0].space.key_prefix.is_none());

        store
            .insert_space(
                &space("payments", Some("pay")),
                &draft("space.create", None),
            )
            .await
            .unwrap();
        store
            .insert_space(&space("search", Some("srch")), &draft("space.create", None))
            .await
            .unwrap();
        // Ids and prefixes are unique.
        for taken in [space("search", Some("other")), space("other", Some("pay"))] {
            let err = store
                .insert_space(&taken, &draft("space.create", None))
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::Conflict(_)), "{}: {err}", b.name);
        }

        let payments: SpaceId = "payments".parse().unwrap();
        let search: SpaceId = "search".parse().unwrap();
        let (mut pay_key, _) = new_key("acme", "live", NOW);
        pay_key.space = payments.clone();
        pay_key.roles = vec!["editor".parse().unwrap(), "ghost".parse().unwrap()];
        store
            .insert_key(&pay_key, &draft("key.create", None))
            .await
            .unwrap();
        let (mut search_key, _) = new_key("acme", "live", NOW + 1);
        search_key.space = search.clone();
        store
            .insert_key(&search_key, &draft("key.create", None))
            .await
            .unwrap();

        // A filter by space, and by the spaces a scoped root key sees.
        let only = |space: Option<&SpaceId>, visible: Option<Vec<SpaceId>>| KeyFilter {
            space: space.cloned(),
            visible,
            ..Default::default()
        };
        let count = |f: KeyFilter| async move { store.count_keys(&f, NOW).await.unwrap() };
        assert_eq!(count(only(None, None)).await, 2);
        assert_eq!(count(only(Some(&payments), None)).await, 1);
        assert_eq!(count(only(None, Some(vec![search.clone()]))).await, 1);
        assert_eq!(
            count(only(Some(&payments), Some(vec![search.clone()]))).await,
            0
        );
        // "pay" is no prefix match of "payments": whole ids only.
        assert_eq!(
            count(only(None, Some(vec!["pay".parse().unwrap()]))).await,
            0
        );
        let listed = store
            .list_keys(&only(None, Some(vec![search.clone()])), NOW, 10, None)
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 1);
        assert_eq!(listed.items[0].id, search_key.id);

        // Roles: the key's effective permissions are its own and its
        // roles' (a role that does not exist grants nothing).
        let (role, created) = store
            .put_role(
                &payments,
                &"editor".parse().unwrap(),
                &["docs.read".parse().unwrap(), "docs.write".parse().unwrap()],
                NOW,
                &draft("role.set", None),
            )
            .await
            .unwrap();
        assert!(created);
        assert_eq!(role.permissions.len(), 2);
        let read = store.get_key(&pay_key.id).await.unwrap().unwrap();
        let names: Vec<&str> = read.effective.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["orders:read", "docs.read", "docs.write"],
            "{}",
            b.name
        );
        let by_digest = store
            .find_key_by_digest(&pay_key.digest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_digest.effective, read.effective);
        // The same role name in another space grants nothing here.
        store
            .put_role(
                &search,
                &"ghost".parse().unwrap(),
                &["admin".parse().unwrap()],
                NOW,
                &draft("role.set", None),
            )
            .await
            .unwrap();
        let (_, created) = store
            .put_role(
                &payments,
                &"editor".parse().unwrap(),
                &["docs.read".parse().unwrap()],
                NOW + 5,
                &draft("role.set", None),
            )
            .await
            .unwrap();
        assert!(!created, "a second put changes the role");
        let read = store.get_key(&pay_key.id).await.unwrap().unwrap();
        let names: Vec<&str> = read.effective.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["orders:read", "docs.read"], "{}", b.name);
        // A role of a space that does not exist.
        let err = store
            .put_role(
                &"nowhere".parse().unwrap(),
                &"x".parse().unwrap(),
                &[],
                NOW,
                &draft("role.set", None),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound));

        // Deletion: refused while a key lives, allowed once it is revoked
        // (the roles go with the space); protection refuses it always.
        let err = store
            .delete_space(&payments, &draft("space.delete", None))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Conflict(c) if c == "SPACE_HAS_KEYS"),
            "{err}"
        );
        store
            .revoke_key(&pay_key.id, "manual", NOW + 10, &draft("key.revoke", None))
            .await
            .unwrap();
        store
            .delete_space(&payments, &draft("space.delete", None))
            .await
            .unwrap();
        assert!(store.get_space(&payments).await.unwrap().is_none());
        assert!(store.list_roles(&payments).await.unwrap().is_empty());
        let mut protected = space("vault", None);
        protected.delete_protection = true;
        store
            .insert_space(&protected, &draft("space.create", None))
            .await
            .unwrap();
        let err = store
            .delete_space(&protected.id, &draft("space.delete", None))
            .await
            .unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(c) if c == "DELETE_PROTECTED"));
        // The audit chain holds every change.
        assert_eq!(
            store.verify_audit_chain().await.unwrap().first_bad_seq,
            None
        );
    })
    .await;
}
