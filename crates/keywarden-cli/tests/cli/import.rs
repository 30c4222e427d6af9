//! `keywarden key import` against the real server, on both backends: a
//! JSON Lines file of keys of other systems (drf-api-key's `sha512` of
//! `prefix.secret`, a SHA-256 in base64, a plaintext key of any format),
//! a line that is not JSON named by its number, a re-run that adds nothing,
//! and every old string verifying afterwards.

use std::io::Write;

use base64::Engine as _;
use serde_json::json;
use sha2::Digest as _;

use crate::server::{Db, Server};

#[test]
fn key_import_reads_json_lines_and_the_old_strings_verify() {
    for db in Db::each() {
        let name = db.name();
        let server = Server::start(&db, &[]);
        let root = server.root_key().unwrap();
        // drf-api-key keeps `sha512$$<hex of "prefix.secret">`.
        let drf = "Ab3dEf7h.q9Wl2mXr5tZb8nCk1vYp4sGd6hJf0aLe";
        let legacy = "sk_old_4f9a8b7c6d5e4f3a2b1c";
        let plain = "kong-3b5d5c3712955042212a";
        let lines = [
            json!({"hash": {"algorithm": "sha512", "encoding": "hex",
                "value": hex::encode(sha2::Sha512::digest(drf.as_bytes()))},
                "external_id": "drf-Ab3dEf7h", "name": "drf key"})
            .to_string(),
            "{not json".to_owned(),
            json!({"hash": {"algorithm": "sha256", "encoding": "base64",
                "value": base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(legacy.as_bytes()))},
                "external_id": "old-1"})
            .to_string(),
            String::new(),
            json!({"plaintext": plain, "external_id": "kong-1", "scopes": ["orders:read"]}).to_string(),
            json!({"plaintext": "bad key text"}).to_string(),
        ];
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys.jsonl");
        let mut f = std::fs::File::create(&file).unwrap();
        for l in &lines {
            writeln!(f, "{l}").unwrap();
        }
        drop(f);
        let out = server.cli(&root, &["key", "import", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: refused lines exit 1: {stderr}"
        );
        assert!(stderr.contains("line 2: not JSON"), "{stderr}");
        assert!(stderr.contains("line 6: INVALID_KEY_TEXT"), "{stderr}");
        assert!(
            !stderr.contains("bad key text"),
            "the key's text is not echoed: {stderr}"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("imported 3 keys"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        for key in [drf, legacy, plain] {
            assert_eq!(server.verify(&root, key), "VALID", "{name}: {key}");
        }
        // A re-run imports nothing new (the same two lines are refused).
        let again = server.cli(&root, &["key", "import", file.to_str().unwrap(), "--json"]);
        assert_eq!(again.status.code(), Some(1));
        let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(again["imported"], 0, "{name}: {again}");
        assert_eq!(again["skipped"], 3);
        // The list shows where they came from.
        let list = server.cli_json(&root, &["key", "list"]);
        let drf_view = list["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["external_id"] == "drf-Ab3dEf7h")
            .unwrap();
        assert_eq!(drf_view["imported"], true);
        assert_eq!(
            drf_view["redigested"], true,
            "moved at its first verification"
        );
    }
}
