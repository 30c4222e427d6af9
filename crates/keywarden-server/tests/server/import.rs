//! Importing keys of another system, on both backends: keys given by text
//! (any format) or by the old system's SHA-256/SHA-512 hash verify with
//! their old strings; a hash-imported key moves to a keyed digest at its
//! first verification and its hash is gone; re-imports add nothing; a bad
//! row is reported and skipped; keywarden keys with a bad checksum still
//! fail fast.

use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest as _;

use crate::{TestApp, on_each_backend};

async fn import(t: &TestApp, keys: Value) -> Value {
    let r = t
        .call("POST", "/v1/keys/import", Some(json!({ "keys": keys })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", t.backend, r.json);
    r.json
}

async fn code(t: &TestApp, key: &str) -> String {
    t.verify(json!({ "key": key, "cost": 0 })).await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn imported_keys_verify_with_their_old_strings() {
    on_each_backend(|t| async move {
        // Before any import, strings of another format are MALFORMED
        // without a lookup.
        let drf = "NXk3VxvZ.XzAxY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6";
        assert_eq!(code(&t, drf).await, "MALFORMED");

        let sha512_hex = hex::encode(sha2::Sha512::digest(drf.as_bytes()));
        let old = "sk_old_4f9a8b7c6d5e4f3a2b1c";
        let sha256_b64 = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(old.as_bytes()));
        let plain = "kong-credential-3b5d5c3712955042212";
        let answer = import(
            &t,
            json!([
                {"hash": {"algorithm": "sha512", "encoding": "hex", "value": sha512_hex},
                 "external_id": "drf-1", "name": "from drf", "owner": "acme", "scopes": ["orders:read"]},
                {"hash": {"algorithm": "sha256", "encoding": "base64", "value": sha256_b64},
                 "external_id": "old-7"},
                {"plaintext": plain, "external_id": "kong-3", "environment": "test"},
                {"plaintext": "x", "hash": {"algorithm": "sha256", "encoding": "hex", "value": "00"}},
                {"hash": {"algorithm": "md5", "encoding": "hex", "value": "00"}},
                {"plaintext": "kw_live_00000000000000000000000000000000000000000000AwA6C"},
                {"plaintext": "has space"},
                "not an object",
            ]),
        )
        .await;
        assert_eq!(answer["imported"], 3, "{answer}");
        assert_eq!(answer["failed"], 5);
        let failed: Vec<(u64, &str)> = answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["index"].as_u64().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            failed,
            [
                (3, "INVALID_ROW"),
                (4, "INVALID_HASH"),
                (5, "INVALID_KEY_TEXT"),
                (6, "INVALID_KEY_TEXT"),
                (7, "INVALID_ROW"),
            ]
        );
        // No error quotes the key's text.
        assert!(!answer.to_string().contains("has space"));

        // The keys wait with their old hash; the list says so.
        let list = t.call("GET", "/v1/keys", None).await.json;
        let drf_view = list["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["external_id"] == "drf-1")
            .unwrap()
            .clone();
        assert_eq!(drf_view["imported"], true);
        assert_eq!(drf_view["redigested"], false);
        assert_eq!(t.store.pending_foreign_hashes().await.unwrap(), 2);

        // Presenting the stored hash itself finds nothing.
        assert_eq!(code(&t, &sha512_hex).await, "NOT_FOUND");
        // Each old string verifies, through /v1/verify and forward-auth.
        let v = t.verify(json!({ "key": drf, "scopes": ["orders:read"] })).await;
        assert_eq!(v["code"], "VALID", "{v}");
        assert_eq!(v["owner"], "acme");
        assert_eq!(code(&t, old).await, "VALID");
        assert_eq!(code(&t, plain).await, "VALID");
        let fa = t
            .send("GET", "/v1/forward-auth", None, None, &[("x-api-key", drf)], None)
            .await;
        assert_eq!(fa.status, StatusCode::OK);
        // After its first use no old hash is left, and the key is moved.
        assert_eq!(t.store.pending_foreign_hashes().await.unwrap(), 0);
        let shown = t
            .call("GET", &format!("/v1/keys/{}", drf_view["id"].as_str().unwrap()), None)
            .await
            .json;
        assert_eq!(shown["redigested"], true);
        // And it still verifies, from the store by its keyed digest.
        t.state.invalidate_all();
        assert_eq!(code(&t, drf).await, "VALID");
        // A near miss of a legacy string is not found; a keywarden key with
        // a bad checksum stays MALFORMED.
        assert_eq!(code(&t, "NXk3VxvZ.XzAxY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl7").await, "NOT_FOUND");
        assert_eq!(
            code(&t, "kw_live_00000000000000000000000000000000000000000000AwA6C").await,
            "MALFORMED"
        );

        // Run again: nothing new, and it says so (by `external_id`; a key
        // by its text also by its digest; a key by a hash not used yet also
        // by that hash, which its first use deletes: `external_id` is what
        // makes a re-run safe).
        let unused = hex::encode(sha2::Sha256::digest(b"never-presented-key-0001"));
        let first = import(
            &t,
            json!([{"hash": {"algorithm": "sha256", "encoding": "hex", "value": unused}}]),
        )
        .await;
        assert_eq!(first["imported"], 1);
        let again = import(
            &t,
            json!([
                {"hash": {"algorithm": "sha512", "encoding": "hex", "value": sha512_hex}, "external_id": "drf-1"},
                {"hash": {"algorithm": "sha256", "encoding": "base64", "value": sha256_b64}, "external_id": "old-7"},
                {"plaintext": plain},
                {"hash": {"algorithm": "sha256", "encoding": "hex", "value": unused}},
            ]),
        )
        .await;
        assert_eq!((again["imported"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(4)), "{again}");
        // The import is audited once per request, with its counts.
        let audit = t.call("GET", "/v1/audit?action=key.import", None).await.json;
        let entries = audit["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2]["details"]["imported"], 3);
        assert_eq!(entries[2]["details"]["failed"], 5);
        assert_eq!(entries[0]["details"]["skipped"], 4);
    })
    .await;
}

#[tokio::test]
async fn an_import_is_bounded_and_needs_keys_write() {
    on_each_backend(|t| async move {
        let rows: Vec<Value> = (0..1001)
            .map(|i| json!({"plaintext": format!("legacy-key-{i:06}-abcdefgh")}))
            .collect();
        let r = t
            .call("POST", "/v1/keys/import", Some(json!({ "keys": rows })))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
        let reader = t.root_key(&[keywarden_store::Permission::KeysRead]).await;
        let r = t
            .send(
                "POST",
                "/v1/keys/import",
                Some(&reader),
                Some(json!({ "keys": [{"plaintext": "abcdefgh12345678"}] })),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// Leak checks see imported keys: `POST /v1/leaks/check` finds one by its
/// old string (a hash-imported key before its first use too, which moves
/// it to its keyed digest); an unknown string of another format is
/// unknown.
#[tokio::test]
async fn leak_checks_find_imported_keys() {
    on_each_backend(|t| async move {
        let drf = "LeAk5Drf.QkFzZWQtb24tYS1yZWFsLWRyZi1rZXktdGV4dA";
        let plain = "kong-leaked-credential-9f1e2d3c4b5a";
        let answer = import(
            &t,
            json!([
                {"hash": {"algorithm": "sha512", "encoding": "hex",
                  "value": hex::encode(sha2::Sha512::digest(drf.as_bytes()))},
                 "external_id": "drf-leak"},
                {"plaintext": plain, "external_id": "kong-leak"},
            ]),
        )
        .await;
        assert_eq!(answer["imported"], 2, "{answer}");
        for key in [drf, plain] {
            let r = t
                .call("POST", "/v1/leaks/check", Some(json!({ "key": key })))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(
                r.json["status"], "active",
                "{}: {key}: {}",
                t.backend, r.json
            );
        }
        let unknown = t
            .call(
                "POST",
                "/v1/leaks/check",
                Some(json!({ "key": "never-imported-text-1234" })),
            )
            .await;
        assert_eq!(unknown.json["status"], "unknown", "{}", unknown.json);
        // The check spent nothing and changed nothing but the digest.
        assert_eq!(code(&t, drf).await, "VALID");
        assert_eq!(code(&t, plain).await, "VALID");
        t.stop().await;
    })
    .await;
}

/// A public leak report of an imported key's old string (a drf key kept as
/// its hash, a Kong credential imported in plaintext) revokes it, as a
/// keywarden-format key's report does; a string that is no key revokes
/// nothing, and the answer is the same.
#[tokio::test]
async fn leak_reports_revoke_imported_keys() {
    on_each_backend(|t| async move {
        let drf = "RePo5Drf.QkFzZWQtb24tYS1yZWFsLWRyZi1rZXktdGV4dB";
        let plain = "kong-reported-credential-4c3b2a1f0e9d";
        let kept = "kong-never-reported-credential-77aa";
        let answer = import(
            &t,
            json!([
                {"hash": {"algorithm": "sha512", "encoding": "hex",
                  "value": hex::encode(sha2::Sha512::digest(drf.as_bytes()))},
                 "external_id": "drf-report"},
                {"plaintext": plain, "external_id": "kong-report"},
                {"plaintext": kept, "external_id": "kong-kept"},
            ]),
        )
        .await;
        assert_eq!(answer["imported"], 3, "{answer}");
        let r = t
            .send(
                "POST",
                "/v1/leaks",
                None,
                Some(json!([
                    {"key": drf, "source": "https://paste.example/abc"},
                    {"key": plain},
                    {"key": "no-key-of-anyone-5678"},
                ])),
                &[],
                Some("198.51.100.21"),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        assert_eq!(r.json["accepted"], 3);
        assert_eq!(code(&t, drf).await, "REVOKED", "{}", t.backend);
        assert_eq!(code(&t, plain).await, "REVOKED", "{}", t.backend);
        assert_eq!(code(&t, kept).await, "VALID", "{}", t.backend);
        // Audited and announced like any leaked key: two key.leaked events.
        let events = t.call("GET", "/v1/events?kind=key.leaked", None).await;
        assert_eq!(
            events.json.as_array().map(Vec::len),
            Some(2),
            "{}",
            events.json
        );
        t.stop().await;
    })
    .await;
}
