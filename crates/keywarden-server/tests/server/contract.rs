//! The API document and the server agree: a request the document allows is
//! taken, or refused only by a rule the document says it cannot state (an
//! expiry in the past, ...); what the server refuses otherwise, the document
//! rules out. Each test here is a class of requests schemathesis found
//! answered 422 although the document allowed them.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{NOW, TestApp, on_each_backend};

fn rfc3339(ms: i64) -> String {
    keywarden_server::timefmt::rfc3339(ms)
}

async fn patch(t: &TestApp, id: &str, body: Value) -> crate::Resp {
    t.call("PATCH", &format!("/v1/keys/{id}"), Some(body)).await
}

/// JSON Schema's `integer` is a number without a fraction: `3.0` is the
/// integer 3, in every integer field of every request body.
#[tokio::test]
async fn whole_numbers_are_integers_in_every_integer_field() {
    on_each_backend(|t| async move {
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({
                    "environment": "live",
                    "rate_limit": {"limit": 10.0, "window_seconds": 60.0},
                    "rate_limits": [{"name": "per-day", "limit": 100.0, "window_seconds": 86400.0}],
                    "credits": {"remaining": 3233024.0, "refill": {"amount": 1000.0, "interval": "1d"}}
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", t.backend, r.json);
        assert_eq!(r.json["rate_limit"], json!({"limit": 10, "window_seconds": 60}));
        assert_eq!(r.json["rate_limits"][0]["window_seconds"], 86400);
        assert_eq!(r.json["credits"]["remaining"], 3_233_024);
        assert_eq!(r.json["credits"]["refill"]["amount"], 1000);
        let id = r.json["id"].as_str().unwrap().to_owned();

        let (limited, key) = t
            .create(json!({"environment": "live", "usage_limit": 5.0}))
            .await;
        let r = patch(&t, &limited, json!({"usage_limit": 7.0})).await;
        assert_eq!((r.status, &r.json["usage_limit"]), (StatusCode::OK, &json!(7)), "{}", r.json);
        let r = patch(
            &t,
            &id,
            json!({"rate_limits": [{"name": "a", "limit": 1.0, "window_seconds": 1.0}]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let v = t.verify(json!({"key": key, "cost": 2.0})).await;
        assert_eq!((&v["code"], &v["remaining"]), (&json!("VALID"), &json!(5)), "{v}");

        // The failing case of the reviewer's schemathesis run.
        let r = t
            .call(
                "PUT",
                "/v1/owners/k0Dojp8t/limits",
                Some(json!({"rate_limit": null, "credits": {"remaining": 3233024.0, "refill": null}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json["credits"]["remaining"], 3_233_024);
        let r = t
            .call(
                "PUT",
                "/v1/owners/acme/limits",
                Some(json!({"rate_limit": {"limit": 5.0, "window_seconds": 60.0}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);

        // A fraction is no integer, nor is a number out of the field's range.
        for body in [
            json!({"environment": "live", "usage_limit": 1.5}),
            json!({"environment": "live", "rate_limit": {"limit": 10.5, "window_seconds": 60}}),
            json!({"environment": "live", "rate_limit": {"limit": 4294967296.0, "window_seconds": 60}}),
            json!({"environment": "live", "credits": {"remaining": 1e300}}),
        ] {
            let r = t.call("POST", "/v1/keys", Some(body.clone())).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "INVALID_REQUEST"),
                "{body}: {}",
                r.json
            );
        }
        let r = t
            .call("POST", "/v1/verify", Some(json!({"key": key, "cost": 0.5})))
            .await;
        assert_eq!(r.code(), "INVALID_REQUEST", "{}", r.json);
        t.stop().await;
    })
    .await;
}

/// A refill interval is at most 366 days (the document's `RefillInterval`),
/// so the next refill always has an RFC 3339 form; a longer one is refused
/// and nothing is stored, on keys and on owners' limits.
#[tokio::test]
async fn refill_intervals_are_at_most_366_days() {
    on_each_backend(|t| async move {
        for (i, (interval, ok)) in [
            ("999999999w", false),
            ("367d", false),
            ("53w", false),
            ("8785h", false),
            ("366d", true),
            ("52w", true),
        ]
        .into_iter()
        .enumerate()
        {
            let credits = json!({"remaining": 1, "refill": {"amount": 1, "interval": interval}});
            let owner = format!("owner{i}");
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "owner": owner, "credits": credits})),
                )
                .await;
            let put = t
                .call(
                    "PUT",
                    &format!("/v1/owners/{owner}/limits"),
                    Some(json!({"credits": credits})),
                )
                .await;
            if ok {
                let interval_ms = keywarden_core::clock::parse_duration(interval).unwrap();
                let next = rfc3339(NOW + interval_ms);
                assert_eq!(r.status, StatusCode::CREATED, "{interval}: {}", r.json);
                assert_eq!(
                    r.json["credits"]["refill"]["next_refill_at"], next,
                    "{interval}"
                );
                assert_eq!(put.status, StatusCode::OK, "{interval}: {}", put.json);
                assert_eq!(
                    put.json["credits"]["refill"]["next_refill_at"], next,
                    "{interval}"
                );
            } else {
                for r in [&r, &put] {
                    assert_eq!(
                        (r.status, r.code()),
                        (StatusCode::UNPROCESSABLE_ENTITY, "INVALID_CREDITS"),
                        "{}: {interval}: {}",
                        t.backend,
                        r.json
                    );
                }
                let stored = t.call("GET", &format!("/v1/owners/{owner}"), None).await;
                assert_eq!(stored.json["limits"], Value::Null, "{interval}");
                assert_eq!(stored.json["keys"], json!([]), "{interval}");
            }
        }
        // A key's credits changed to such a refill: refused the same way.
        let (id, _) = t.create(json!({"environment": "live"})).await;
        let r = patch(
            &t,
            &id,
            json!({"credits": {"remaining": 1, "refill": {"amount": 1, "interval": "999999999w"}}}),
        )
        .await;
        assert_eq!(r.code(), "INVALID_CREDITS", "{}", r.json);
        t.stop().await;
    })
    .await;
}

/// An expiry after 9999-12-31T23:59:59.999Z (UTC) has no RFC 3339 form: it
/// is refused as a lifetime too long (`LIFETIME_TOO_LONG`), whichever way it
/// is written, and never stored.
#[tokio::test]
async fn expiries_past_the_year_9999_are_too_long() {
    on_each_backend(|t| async move {
        let (id, _) = t.create(json!({"environment": "live"})).await;
        for body in [
            json!({"expires_in": "999999999w"}),
            // 9999-12-31T23:59:59-01:00 is in the year 10000 in UTC.
            json!({"expires_at": "9999-12-31T23:59:59-01:00"}),
        ] {
            let mut create = body.clone();
            create["environment"] = json!("live");
            let r = t.call("POST", "/v1/keys", Some(create)).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "LIFETIME_TOO_LONG"),
                "{}: {body}: {}",
                t.backend,
                r.json
            );
            let r = patch(&t, &id, body.clone()).await;
            assert_eq!(r.code(), "LIFETIME_TOO_LONG", "{body}: {}", r.json);
        }
        let r = patch(&t, &id, json!({"expires_at": "9999-12-31T23:59:59Z"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json["expires_at"], "9999-12-31T23:59:59Z");
        t.stop().await;
    })
    .await;
}

/// PATCH: a field left out stays, `null` clears, every field: `expires_in:
/// null` is no expiry (as `expires_at: null`), `scopes`, `ip_allowlist`,
/// `rate_limits` become empty and `metadata` `{}`.
#[tokio::test]
async fn patch_null_clears_every_field() {
    on_each_backend(|t| async move {
        let (id, _) = t
            .create(json!({
                "environment": "live",
                "expires_in": "1d",
                "scopes": ["orders:read"],
                "metadata": {"tier": "gold"},
                "ip_allowlist": ["10.0.0.0/8"],
                "rate_limits": [{"name": "a", "limit": 1, "window_seconds": 1}]
            }))
            .await;
        for (field, cleared) in [
            ("expires_in", ("expires_at", Value::Null)),
            ("scopes", ("scopes", json!([]))),
            ("metadata", ("metadata", json!({}))),
            ("ip_allowlist", ("ip_allowlist", json!([]))),
            ("rate_limits", ("rate_limits", json!([]))),
        ] {
            let r = patch(&t, &id, json!({ field: null })).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{}: {field}: {}",
                t.backend,
                r.json
            );
            assert_eq!(r.json[cleared.0], cleared.1, "{field}");
        }
        // A null beside a value: the value says.
        let r = patch(&t, &id, json!({"expires_at": null, "expires_in": "1d"})).await;
        assert_eq!(
            r.json["expires_at"],
            rfc3339(NOW + 86_400_000),
            "{}",
            r.json
        );
        let r = patch(
            &t,
            &id,
            json!({"expires_at": "2030-01-01T00:00:00Z", "expires_in": null}),
        )
        .await;
        assert_eq!(r.json["expires_at"], "2030-01-01T00:00:00Z", "{}", r.json);
        let r = patch(&t, &id, json!({"expires_at": null, "expires_in": null})).await;
        assert_eq!(r.json["expires_at"], Value::Null, "{}", r.json);
        // Two values: refused, as the document says.
        let r = patch(
            &t,
            &id,
            json!({"expires_at": "2030-01-01T00:00:00Z", "expires_in": "1d"}),
        )
        .await;
        assert_eq!(r.code(), "INVALID_EXPIRY", "{}", r.json);
        t.stop().await;
    })
    .await;
}

/// Named rate limits are unique by name, a rule JSON Schema cannot state
/// (`uniqueItems` compares whole items): it has its own code, which is
/// all the contract test lets through.
#[tokio::test]
async fn duplicate_rate_limit_names_have_their_own_code() {
    on_each_backend(|t| async move {
        let limits = json!([
            {"name": "a", "limit": 1, "window_seconds": 1},
            {"name": "a", "limit": 2, "window_seconds": 60}
        ]);
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({"environment": "live", "rate_limits": limits})),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "DUPLICATE_RATE_LIMIT"),
            "{}",
            r.json
        );
        let (id, _) = t.create(json!({"environment": "live"})).await;
        let r = patch(&t, &id, json!({"rate_limits": limits})).await;
        assert_eq!(r.code(), "DUPLICATE_RATE_LIMIT", "{}", r.json);
        t.stop().await;
    })
    .await;
}

/// Allowlist entries are read in the document's forms only
/// (`keywarden_proto::parse_network`).
#[tokio::test]
async fn allowlist_entries_are_the_documents_networks() {
    on_each_backend(|t| async move {
        for entry in ["00/120", "10.0.0.0/08", "010.0.0.0/8", "::/01", "fe80::1%eth0"] {
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "ip_allowlist": [entry]})),
                )
                .await;
            assert_eq!(r.code(), "INVALID_CIDR", "{entry}: {}", r.json);
        }
        let (_, key) = t
            .create(json!({"environment": "live", "ip_allowlist": ["::ffff:10.0.0.1/120", "10.1.2.3/8", " 192.0.2.1 "]}))
            .await;
        let v = t.verify(json!({"key": key, "client_ip": "10.200.0.1"})).await;
        assert_eq!(v["code"], "VALID", "{v}");
        let v = t.verify(json!({"key": key, "client_ip": "192.0.2.1"})).await;
        assert_eq!(v["code"], "VALID", "{v}");
        let v = t.verify(json!({"key": key, "client_ip": "192.0.2.2"})).await;
        assert_eq!(v["code"], "IP_DENIED", "{v}");
        t.stop().await;
    })
    .await;
}

/// The served document states the rules the server holds requests to:
/// exact address and network patterns, bounded grace periods and refill
/// intervals, clean metadata keys at every depth, a bulk revoke's filter.
#[tokio::test]
async fn the_document_states_the_rules() {
    on_each_backend(|t| async move {
        let doc = t
            .send("GET", "/openapi.json", None, None, &[], None)
            .await
            .json;
        let schemas = &doc["components"]["schemas"];
        let patterns = |schema: &Value| -> Vec<regex::Regex> {
            let alternatives = schema["anyOf"]
                .as_array()
                .cloned()
                .unwrap_or_else(|| vec![schema.clone()]);
            alternatives
                .iter()
                .map(|a| regex::Regex::new(a["pattern"].as_str().expect("a pattern")).unwrap())
                .collect()
        };
        let allows =
            |name: &str, text: &str| patterns(&schemas[name]).iter().any(|p| p.is_match(text));
        for (name, text, ok) in [
            ("Network", "00/120", false),
            ("Network", "10.0.0.0/08", false),
            ("Network", "1::2::3/64", false),
            ("Network", "2001:db8::/32", true),
            ("Network", "::ffff:10.0.0.1/120", true),
            ("Network", "10.0.0.1", true),
            ("IpAddress", "fe80::1%eth0", false),
            ("IpAddress", "01.2.3.4", false),
            ("IpAddress", "::1", true),
            ("GracePeriod", "31d", false),
            ("GracePeriod", "5w", false),
            ("GracePeriod", "30d", true),
            ("GracePeriod", "0s", true),
            ("RefillInterval", "367d", false),
            ("RefillInterval", "999999999w", false),
            ("RefillInterval", "366d", true),
            ("MetadataKey", "tag\u{E0041}", false),
            ("MetadataKey", "\u{1D173}", false),
            ("MetadataKey", "zero\u{200B}width", false),
            ("MetadataKey", "tier", true),
            ("KeyName", "tag\u{E0041}", false),
        ] {
            assert_eq!(allows(name, text), ok, "{name}: {text:?}");
        }
        // Metadata keys at every depth: the metadata object, then every
        // value in it (objects' values and arrays' items), recursively.
        let metadata_value = json!({"$ref": "#/components/schemas/MetadataValue"});
        let metadata_key = json!({"$ref": "#/components/schemas/MetadataKey"});
        for request in ["CreateKeyRequest", "PatchKeyRequest"] {
            let metadata = &schemas[request]["properties"]["metadata"];
            assert_eq!(metadata["propertyNames"], metadata_key, "{request}");
            assert_eq!(
                metadata["additionalProperties"], metadata_value,
                "{request}"
            );
        }
        let value = &schemas["MetadataValue"];
        assert_eq!(value["propertyNames"], metadata_key);
        assert_eq!(value["then"]["additionalProperties"], metadata_value);
        assert_eq!(value["else"]["items"], metadata_value);
        // A bulk revoke names an owner, an environment or a space.
        assert_eq!(
            schemas["BulkRevokeRequest"]["not"]["properties"],
            json!({"owner": {"type": "null"}, "environment": {"type": "null"}, "space": {"type": "null"}})
        );
        // A change of a space changes something.
        assert_eq!(schemas["PatchSpaceRequest"]["minProperties"], 1);
        t.stop().await;
    })
    .await;
}

/// A nested metadata key with a character names refuse is refused (the
/// document says so since `MetadataValue`), at any depth, in objects and
/// arrays; clean ones at any depth are taken.
#[tokio::test]
async fn nested_metadata_keys_are_names() {
    on_each_backend(|t| async move {
        for metadata in [
            json!({"a": {"b\u{0}": 1}}),
            json!({"a": [{"ok": {"tag\u{E0041}": 1}}]}),
            json!({"a": [[{"\u{202E}": true}]]}),
        ] {
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "metadata": metadata})),
                )
                .await;
            assert_eq!(r.code(), "INVALID_METADATA", "{metadata}: {}", r.json);
        }
        let metadata = json!({"a": [{"b": {"c": ["é", 1.5, null]}}], "tier": "gold"});
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({"environment": "live", "metadata": metadata})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        assert_eq!(r.json["metadata"], metadata);
        t.stop().await;
    })
    .await;
}
