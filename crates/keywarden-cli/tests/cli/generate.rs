//! `keywarden gen …`

use base64::Engine as _;
use keywarden_core::key;
use serde_json::Value;

use crate::keywarden;

fn stdout_of(args: &[&str]) -> String {
    let out = keywarden()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn gen_key_prints_valid_keys() {
    let out = stdout_of(&[
        "gen", "key", "--prefix", "acme", "--env", "test", "--count", "5",
    ]);
    let keys: Vec<&str> = out.lines().collect();
    assert_eq!(keys.len(), 5);
    for k in &keys {
        let parts = key::parse(k).unwrap();
        assert_eq!((parts.prefix(), parts.environment()), ("acme", "test"));
    }
    let unique: std::collections::HashSet<_> = keys.iter().collect();
    assert_eq!(unique.len(), 5);
}

#[test]
fn gen_key_defaults_and_json() {
    let out = stdout_of(&["gen", "key"]);
    let parts = key::parse(out.trim_end()).unwrap();
    assert_eq!((parts.prefix(), parts.environment()), ("kw", "live"));

    let doc: Value =
        serde_json::from_str(&stdout_of(&["gen", "key", "--json", "--count", "2"])).unwrap();
    let list = doc.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let first = &list[0];
    let k = first["key"].as_str().unwrap();
    assert!(key::parse(k).is_ok());
    assert_eq!(first["environment"], "live");
    assert_eq!(first["prefix"], "kw");
    assert!(first["hint"].as_str().unwrap().ends_with(&k[k.len() - 4..]));
}

#[test]
fn gen_key_rejects_bad_names_with_exit_2() {
    for args in [
        &["gen", "key", "--prefix", "Bad"][..],
        &["gen", "key", "--env", "prod-eu"],
        &["gen", "key", "--env", "waytoolongenvname"],
        &["gen", "key", "--count", "0"],
        &["gen", "key", "--count", "10001"],
    ] {
        let assert = keywarden().args(args).assert().code(2);
        let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(assert.get_output().stdout.is_empty());
    }
}

#[test]
fn gen_secret_sizes_and_formats() {
    let hex = stdout_of(&["gen", "secret"]);
    assert_eq!(hex.trim_end().len(), 64);
    assert!(hex.trim_end().bytes().all(|b| b.is_ascii_hexdigit()));

    let b64 = stdout_of(&["gen", "secret", "--bytes", "48", "--format", "base64"]);
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim_end())
        .unwrap();
    assert_eq!(raw.len(), 48);

    let url = stdout_of(&["gen", "secret", "--bytes", "16", "--format", "base64url"]);
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(url.trim_end())
        .unwrap();
    assert_eq!(raw.len(), 16);

    let b62 = stdout_of(&["gen", "secret", "--format", "base62"]);
    assert_eq!(b62.trim_end().len(), 43);
    assert!(b62.trim_end().bytes().all(|b| b.is_ascii_alphanumeric()));

    let doc: Value =
        serde_json::from_str(&stdout_of(&["gen", "secret", "--bytes", "1024", "--json"])).unwrap();
    assert_eq!(doc["bytes"], 1024);
    assert_eq!(doc["bits"], 8192);
    assert_eq!(doc["secret"].as_str().unwrap().len(), 2048);

    keywarden()
        .args(["gen", "secret", "--bytes", "15"])
        .assert()
        .code(2);
    keywarden()
        .args(["gen", "secret", "--bytes", "1025"])
        .assert()
        .code(2);
    keywarden()
        .args(["gen", "secret", "--format", "base32"])
        .assert()
        .code(2);
}

#[test]
fn gen_jwt_secret_is_sized_for_its_algorithm() {
    for (alg, bytes) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let out = stdout_of(&["gen", "jwt-secret", "--alg", alg]);
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(out.trim_end())
            .unwrap();
        assert_eq!(raw.len(), bytes, "{alg}");

        let doc: Value =
            serde_json::from_str(&stdout_of(&["gen", "jwt-secret", "--alg", alg, "--json"]))
                .unwrap();
        assert_eq!(doc["alg"], alg);
        assert_eq!(doc["bytes"], bytes);
        assert_eq!(doc["bits"], bytes * 8);
    }
    let hex = stdout_of(&["gen", "jwt-secret", "--alg", "HS512", "--format", "hex"]);
    assert_eq!(hex.trim_end().len(), 128);

    let line = stdout_of(&["gen", "jwt-secret", "--env-var", "JWT_SECRET"]);
    let value = line.trim_end().strip_prefix("JWT_SECRET=").unwrap();
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(value)
            .unwrap()
            .len(),
        32
    );

    keywarden()
        .args(["gen", "jwt-secret", "--alg", "RS256"])
        .assert()
        .code(2);
    keywarden()
        .args(["gen", "jwt-secret", "--env-var", "NOT A NAME"])
        .assert()
        .code(2);
}

fn check(input: &str) -> (i32, String) {
    let out = keywarden()
        .args(["gen", "check"])
        .write_stdin(input)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn gen_check_accepts_generated_secrets() {
    let key = stdout_of(&["gen", "key", "--env", "staging"]);
    let (code, out) = check(&key);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("strong"), "{out}");
    assert!(
        out.contains("keywarden key: prefix kw, environment staging, checksum valid"),
        "{out}"
    );
    // The verdict never repeats the secret.
    assert!(!out.contains(key.trim_end()));

    let jwt = stdout_of(&["gen", "jwt-secret"]);
    assert_eq!(check(&jwt).0, 0);
    let hex = stdout_of(&["gen", "secret"]);
    assert_eq!(check(&format!("{}\r\n", hex.trim_end())).0, 0);
}

#[test]
fn gen_check_rejects_weak_secrets_and_says_why() {
    for (input, reason) in [
        ("hunter2\n", "too_short"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "repeats"),
        (
            "asdfghjkl;asdfghjkl;'zxcvbnm,./zxcvbnm,./\n",
            "keyboard_walk",
        ),
        (
            "correcthorsebatterystaplecorrecthorsebattery\n",
            "dictionary_word",
        ),
        ("abcdefghijklmnopqrstuvwxyz0123456789abcdefgh\n", "sequence"),
        ("release-2024-06-01-release-2024-06-01-aaaa\n", "date"),
        ("your-256-bit-secret\n", "known_example"),
        (
            "kw_live_00000000000000000000000000000000000000000000AwA6C\n",
            "bad_checksum",
        ),
        ("12345678901234567890\n", "small_alphabet"),
    ] {
        let (code, out) = check(input);
        assert_eq!(code, 1, "{input}: {out}");
        assert!(out.starts_with("WEAK"), "{input}: {out}");
        assert!(out.contains(reason), "{input}: expected {reason} in {out}");
    }
}

#[test]
fn gen_check_json_and_input_errors() {
    let out = keywarden()
        .args(["gen", "check", "--json"])
        .write_stdin("Summer2024!")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["strong"], false);
    assert_eq!(doc["length"], 11);
    assert!(!doc["weaknesses"].as_array().unwrap().is_empty());

    // One secret only; never several lines.
    let out = keywarden()
        .args(["gen", "check"])
        .write_stdin("one\ntwo\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("one secret"));

    // The secret is never taken from the command line.
    keywarden()
        .args(["gen", "check", "hunter2"])
        .assert()
        .code(2);
}
