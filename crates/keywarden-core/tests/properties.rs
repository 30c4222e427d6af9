//! Property tests and known-answer files for the key engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use keywarden_core::key::{self, Environment, ParseError, Prefix};
use proptest::prelude::*;

fn prefix() -> impl Strategy<Value = Prefix> {
    "[a-z][a-z0-9]{0,15}".prop_map(|s| s.parse().unwrap())
}

fn env() -> impl Strategy<Value = Environment> {
    "[a-z][a-z0-9]{0,11}".prop_map(|s| s.parse().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn durations_parse_totally(text in any::<String>(), tail in "\\PC{0,3}") {
        // Any text, and digits followed by any characters (multi-byte ones
        // included): a value or None, never a panic.
        let _ = keywarden_core::clock::parse_duration(&text);
        let _ = keywarden_core::clock::parse_duration(&format!("1{tail}"));
    }

    #[test]
    fn durations_read_what_they_say(n in 1i64..1_000_000, unit in prop::sample::select(vec![("ms", 1i64), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000)])) {
        prop_assert_eq!(keywarden_core::clock::parse_duration(&format!("{n}{}", unit.0)), Some(n * unit.1));
    }

    #[test]
    fn generate_then_parse_round_trips(p in prefix(), e in env(), bytes in any::<[u8; 32]>()) {
        let k = key::from_secret_bytes(&p, &e, &bytes);
        let parts = key::parse(k.expose()).unwrap();
        prop_assert_eq!(parts.prefix(), p.as_str());
        prop_assert_eq!(parts.environment(), e.as_str());
        prop_assert!(k.expose().len() <= key::MAX_KEY_LEN);
        let minted = key::mint(&p, &e);
        prop_assert!(key::parse(minted.expose()).is_ok());
    }

    #[test]
    fn parse_never_panics(s in any::<String>()) {
        if let Ok(parts) = key::parse(&s) {
            prop_assert!(s.len() <= key::MAX_KEY_LEN);
            prop_assert_eq!(parts.expose(), s.as_str());
        }
    }

    #[test]
    fn parse_never_panics_on_near_keys(s in "[a-z0-9_]{1,20}_[a-z0-9]{1,13}_[0-9A-Za-z_]{40,60}") {
        let _ = key::parse(&s);
    }

    #[test]
    fn any_single_character_change_is_rejected(
        p in prefix(), e in env(), bytes in any::<[u8; 32]>(),
        pos in any::<prop::sample::Index>(), replacement in any::<char>(),
    ) {
        let k = key::from_secret_bytes(&p, &e, &bytes);
        let original: Vec<char> = k.expose().chars().collect();
        let i = pos.index(original.len());
        prop_assume!(original[i] != replacement);
        let mut changed = original.clone();
        changed[i] = replacement;
        let changed: String = changed.into_iter().collect();
        prop_assert!(key::parse(&changed).is_err(), "{changed} was accepted");
    }
}

/// Every `ok_*` file holds keys that parse; every `fail_*` file holds lines
/// that must be rejected, with the reason as the file name says.
#[test]
fn known_answer_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let got = key::parse(line);
            if name.starts_with("ok_") {
                assert!(got.is_ok(), "{name}: {line:?} was rejected");
            } else if name.starts_with("fail_checksum") {
                assert_eq!(
                    got.unwrap_err(),
                    ParseError::BadChecksum,
                    "{name}: {line:?}"
                );
            } else if name.starts_with("fail_") {
                assert_eq!(got.unwrap_err(), ParseError::Malformed, "{name}: {line:?}");
            }
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} vectors read");
}
