//! Hostile input: every answer under `/v1` is a 4xx in the JSON error shape,
//! never a panic, an empty body or a stored surprise.

use axum::http::StatusCode;
use keywarden_store::{AuditFilter, Permission};
use serde_json::json;

use crate::{Resp, on_each_backend};

fn assert_json_error(r: &Resp, status: StatusCode, code: &str, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.text);
    assert_eq!(r.code(), code, "{what}: {}", r.text);
    assert!(
        r.headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")),
        "{what}: not JSON"
    );
}

#[tokio::test]
async fn durations_of_any_text_are_refused_not_panics() {
    on_each_backend(|t| async move {
        for bad in ["1é", "é", "1\u{1F600}", "ʼ", "1y", "-1d", ""] {
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({ "environment": "live", "expires_in": bad })),
                )
                .await;
            assert_json_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_EXPIRY",
                &format!("expires_in {bad:?}"),
            );
        }
        // The longest duration there is ends after the year 9999: a
        // lifetime too long, which no answer could show.
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({ "environment": "live", "expires_in": "999999999w" })),
            )
            .await;
        assert_json_error(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "LIFETIME_TOO_LONG",
            "expires_in 999999999w",
        );
        let (id, _) = t.create(json!({ "environment": "live" })).await;
        let r = t
            .call(
                "PATCH",
                &format!("/v1/keys/{id}"),
                Some(json!({ "expires_in": "1é" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        let r = t
            .call(
                "POST",
                &format!("/v1/keys/{id}/roll"),
                Some(json!({ "grace_period": "1é" })),
            )
            .await;
        assert_json_error(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_GRACE_PERIOD",
            "grace_period",
        );
        // The longest accepted lifetime still has a time.
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({ "environment": "live", "expires_in": "400000w" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert!(r.json["expires_at"].as_str().unwrap().starts_with("96"));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_routes_methods_and_paths_answer_json() {
    on_each_backend(|t| async move {
        let r = t.call("GET", "/v1/nope", None).await;
        assert_json_error(&r, StatusCode::NOT_FOUND, "NOT_FOUND", "unknown route");
        let r = t.call("DELETE", "/v1/verify", None).await;
        assert_json_error(
            &r,
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "wrong method",
        );
        let r = t.call("TRACE", "/v1/forward-auth", None).await;
        assert_json_error(
            &r,
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "TRACE forward-auth",
        );
        let r = t.call("PUT", "/v1/keys", None).await;
        assert_json_error(
            &r,
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "PUT /v1/keys",
        );
        for path in ["/v1/keys/%FF", "/v1/keys/%FF/roll", "/v1/keys/%C0%AF/usage"] {
            let method = if path.ends_with("roll") {
                "POST"
            } else {
                "GET"
            };
            let r = t.call(method, path, None).await;
            assert_json_error(&r, StatusCode::BAD_REQUEST, "INVALID_PATH", path);
        }
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn invisible_characters_are_refused_in_names() {
    on_each_backend(|t| async move {
        let cases = [
            (
                json!({ "environment": "live", "name": "invoice\u{202E}fdp.exe" }),
                "INVALID_NAME",
            ),
            (
                json!({ "environment": "live", "name": "a\u{200B}b" }),
                "INVALID_NAME",
            ),
            (
                json!({ "environment": "live", "metadata": { "te\u{2066}am": "x" } }),
                "INVALID_METADATA",
            ),
            (
                json!({ "environment": "live", "metadata": { "a": { "b\u{FEFF}": 1 } } }),
                "INVALID_METADATA",
            ),
            // Line and paragraph separators end a log line or a table row.
            (
                json!({ "environment": "live", "name": "first\u{2028}fake: line" }),
                "INVALID_NAME",
            ),
            (
                json!({ "environment": "live", "name": "a\u{2029}b" }),
                "INVALID_NAME",
            ),
        ];
        for (body, code) in cases {
            let r = t.call("POST", "/v1/keys", Some(body.clone())).await;
            assert_json_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                &body.to_string(),
            );
        }
        for body in [
            json!({ "environment": "live", "owner": "acme\u{202E}" }),
            json!({ "environment": "live", "scopes": ["orders:re\u{200B}ad"] }),
        ] {
            let r = t.call("POST", "/v1/keys", Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        }
        // A revocation's reason follows the same rule.
        let (id, _) = t.create(json!({ "environment": "live" })).await;
        for reason in [
            "leaked\u{2028}by: admin",
            "ok\u{202E}kcab",
            "\u{2029}",
            "tab\there",
        ] {
            let r = t
                .call(
                    "POST",
                    &format!("/v1/keys/{id}/revoke"),
                    Some(json!({ "reason": reason })),
                )
                .await;
            assert_json_error(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_REASON",
                reason,
            );
        }
        let k = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(
            k.json["status"], "active",
            "a refused revocation changes nothing"
        );
        // Visible non-ASCII text is fine.
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({ "environment": "live", "name": "Zahlungs-API für München" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn request_text_reaches_the_audit_log_only_cut_and_cleaned() {
    on_each_backend(|t| async move {
        let weak = t.root_key(&[Permission::KeysVerify]).await;
        let long = "A".repeat(20_000);
        let path = format!("/v1/keys/%1B%5B2J%0Afake%20entry{long}");
        let r = t.send("GET", &path, Some(&weak), None, &[], None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let r = t
            .send("GET", &path, Some("kw_root_nope"), None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let entries = t
            .store
            .list_audit(&AuditFilter::default(), 50)
            .await
            .unwrap();
        let mut seen = 0;
        for e in &entries {
            if let Some(target) = &e.draft.target {
                seen += 1;
                assert!(
                    target.chars().count() <= 65,
                    "{}: a target of {} characters",
                    e.draft.action,
                    target.chars().count()
                );
                assert!(
                    !target.chars().any(char::is_control),
                    "{}: control characters in {target:?}",
                    e.draft.action
                );
            }
        }
        assert!(seen >= 2, "the refusals were audited");
        t.stop().await;
    })
    .await;
}

#[test]
fn debug_output_of_request_and_response_types_holds_no_key() {
    use keywarden_core::key::{self, Prefix};
    use keywarden_server::{
        api::{leaks::LeakReport, verify::VerifyRequest},
        verify::VerifyInput,
    };
    let minted = key::mint(&Prefix::default(), &"live".parse().unwrap());
    let text = minted.expose().to_owned();
    let secret_part = &text[8..];
    let req: VerifyRequest =
        serde_json::from_value(json!({ "key": text, "scopes": ["orders:read"] })).unwrap();
    let leak: LeakReport =
        serde_json::from_value(json!({ "key": text, "source": "https://example.com/x" })).unwrap();
    let input = VerifyInput {
        key: Some(&text),
        ..VerifyInput::default()
    };
    let recovered = key::recovered(text.clone()).unwrap();
    for (what, shown) in [
        ("VerifyRequest", format!("{req:?}")),
        ("LeakReport", format!("{leak:?}")),
        ("VerifyInput", format!("{input:?}")),
        ("PlaintextKey", format!("{minted:?} {minted}")),
        (
            "recovered PlaintextKey",
            format!("{recovered:?} {recovered}"),
        ),
    ] {
        assert!(
            !shown.contains(secret_part),
            "{what} shows the key: {shown}"
        );
    }
    // The body itself still carries the key where it must.
    assert_eq!(req.key.expose(), text);
}
