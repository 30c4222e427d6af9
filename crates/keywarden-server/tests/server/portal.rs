//! The customer portal through the router on both backends: one-time links
//! (minting refused without the permissions they hand out, opened once), a
//! session that sees one owner's keys and runs only its grants (another
//! owner's key is 404, a write without the CSRF token 403), the space's
//! portal policy (environments, most keys per owner under concurrency,
//! approval), and the audit trail of it all as `portal:<owner>`.

use axum::http::StatusCode;
use keywarden_store::{AuditFilter, Permission};
use serde_json::{Value, json};

use crate::{Resp, TestApp, on_each_backend};

/// A session opened from a link: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

/// Mints a link as the admin root key; its path (`/portal/open/…`).
async fn mint(t: &TestApp, body: Value) -> String {
    let r = t.call("POST", "/v1/portal/sessions", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}: {}", t.backend, r.json);
    assert_eq!(
        r.headers.get("cache-control").unwrap(),
        "no-store",
        "the link is a secret"
    );
    let url = r.json["url"].as_str().unwrap();
    let path = url[url.find("/portal/open/").unwrap()..].to_owned();
    assert_eq!(path.len(), "/portal/open/".len() + 43, "{url}");
    path
}

/// Opens a link: the page, and the session it made.
async fn open(t: &TestApp, path: &str) -> (Resp, Option<Session>) {
    let r = t.send("GET", path, None, None, &[], None).await;
    let cookie = r
        .headers
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    let session = cookie.map(|c| {
        assert!(c.contains("HttpOnly"), "{c}");
        assert!(c.contains("SameSite=Strict"), "{c}");
        assert!(c.contains("Path=/portal"), "{c}");
        let value = c.split(';').next().unwrap().to_owned();
        let marker = "name=\"csrf-token\" content=\"";
        let at = r
            .text
            .find(marker)
            .expect("the page carries its CSRF token")
            + marker.len();
        let csrf = r.text[at..at + 64].to_owned();
        Session {
            cookie: value,
            csrf,
        }
    });
    (r, session)
}

/// A portal API call with the session's cookie (and its CSRF token when
/// `csrf`).
async fn portal(
    t: &TestApp,
    s: &Session,
    method: &str,
    path: &str,
    body: Option<Value>,
    csrf: bool,
) -> Resp {
    let mut headers = vec![("cookie", s.cookie.as_str())];
    if csrf {
        headers.push(("x-csrf-token", s.csrf.as_str()));
    }
    t.send(method, path, None, body, &headers, None).await
}

fn ids(r: &Resp) -> Vec<String> {
    let mut ids: Vec<String> = r.json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_portal_session_sees_one_owner_and_does_only_what_it_was_granted() {
    on_each_backend(|t| async move {
        let mut acme = Vec::new();
        for i in 0..3 {
            acme.push(
                t.create(
                    json!({ "environment": "live", "owner": "acme", "name": format!("acme {i}") }),
                )
                .await,
            );
        }
        let (globex_id, _) = t
            .create(json!({ "environment": "live", "owner": "globex" }))
            .await;
        let link = mint(
            &t,
            json!({
                "owner": "acme",
                "grants": ["keys:read", "keys:create", "keys:roll", "usage:read"],
                "return_url": "https://app.example.com/settings",
            }),
        )
        .await;

        let (page, session) = open(&t, &link).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let s = session.expect("the first open makes a session");
        assert!(page.text.contains("Back to app.example.com"));
        for (id, _) in &acme {
            assert!(page.text.contains(id.as_str()), "acme's key {id} is listed");
        }
        assert!(!page.text.contains(&globex_id), "globex's key is not");
        assert!(
            !page.text.contains("Revoke"),
            "no revoke button without the grant"
        );

        // The link opens once; a made-up one never.
        let (again, none) = open(&t, &link).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        assert!(none.is_none(), "a second open makes no session");
        assert!(again.text.contains("This link cannot be opened"));
        let forged = format!("/portal/open/{}", "A".repeat(43));
        let (forged, none) = open(&t, &forged).await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND);
        assert!(none.is_none());

        let list = portal(&t, &s, "GET", "/portal/api/keys", None, false).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.json);
        let mut want: Vec<String> = acme.iter().map(|(id, _)| id.clone()).collect();
        want.sort();
        assert_eq!(ids(&list), want);
        let other = portal(
            &t,
            &s,
            "GET",
            &format!("/portal/api/keys/{globex_id}"),
            None,
            false,
        )
        .await;
        assert_eq!(
            other.status,
            StatusCode::NOT_FOUND,
            "another owner's key is 404"
        );
        let revoke = format!("/portal/api/keys/{}/revoke", acme[0].0);
        let refused = portal(&t, &s, "POST", &revoke, None, true).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
        assert_eq!(refused.code(), "FORBIDDEN");
        assert_eq!(
            t.verify(json!({ "key": acme[0].1 })).await["code"],
            "VALID",
            "the refused revocation changed nothing"
        );

        // Writes need the CSRF token.
        let body = json!({ "name": "from the portal", "environment": "live" });
        let no_csrf = portal(
            &t,
            &s,
            "POST",
            "/portal/api/keys",
            Some(body.clone()),
            false,
        )
        .await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
        assert_eq!(no_csrf.code(), "CSRF_TOKEN_INVALID");
        let made = portal(&t, &s, "POST", "/portal/api/keys", Some(body), true).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
        let key = made.json["key"].as_str().unwrap().to_owned();
        assert_eq!(made.json["env_line"], format!("API_KEY={key}"));
        let v = t.verify(json!({ "key": key })).await;
        assert_eq!(v["code"], "VALID");
        assert_eq!(v["owner"], "acme", "{v}");
        let new_id = made.json["record"]["id"].as_str().unwrap().to_owned();
        let shown = portal(
            &t,
            &s,
            "GET",
            &format!("/portal/api/keys/{new_id}"),
            None,
            false,
        )
        .await;
        assert!(!shown.text.contains(&key), "a key is shown once");

        // A roll with a grace period keeps the old key working.
        let roll = format!("/portal/api/keys/{}/roll", acme[1].0);
        let bad = portal(
            &t,
            &s,
            "POST",
            &roll,
            Some(json!({ "grace_period": "30d" })),
            true,
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.json);
        let rolled = portal(
            &t,
            &s,
            "POST",
            &roll,
            Some(json!({ "grace_period": "15m" })),
            true,
        )
        .await;
        assert_eq!(rolled.status, StatusCode::OK, "{}", rolled.json);
        assert_eq!(
            rolled.json["old"]["expires_at"],
            keywarden_server::timefmt::rfc3339(t.state.now() + 15 * 60_000),
            "the grace period asked"
        );
        assert_eq!(t.verify(json!({ "key": acme[1].1 })).await["code"], "VALID");
        let new_key = rolled.json["key"].as_str().unwrap();
        assert_eq!(t.verify(json!({ "key": new_key })).await["code"], "VALID");
        t.clock.advance_ms(15 * 60_000 + 1);
        assert_eq!(
            t.verify(json!({ "key": acme[1].1 })).await["code"],
            "EXPIRED",
            "the old key ends with its grace period"
        );
        let usage = format!("/portal/api/keys/{}/usage", acme[2].0);
        assert_eq!(
            portal(&t, &s, "GET", &usage, None, false).await.status,
            StatusCode::OK
        );

        // Management routes do not take the portal cookie.
        let mgmt = t
            .send(
                "GET",
                "/v1/keys",
                None,
                None,
                &[("cookie", s.cookie.as_str())],
                None,
            )
            .await;
        assert_eq!(mgmt.status, StatusCode::UNAUTHORIZED);

        // The audit log names the customer and the session.
        let entries = t
            .store
            .list_audit(
                &AuditFilter {
                    actor: Some("portal:acme".to_owned()),
                    ..AuditFilter::default()
                },
                500,
            )
            .await
            .unwrap();
        let has = |action: &str, outcome: &str| {
            entries.iter().any(|e| {
                e.draft.action == action
                    && e.draft.outcome == outcome
                    && e.draft.details["portal_session"]
                        .as_str()
                        .is_some_and(|id| id.starts_with("ps_"))
            })
        };
        for (action, outcome) in [
            ("portal.open", "allowed"),
            ("key.list", "allowed"),
            ("key.create", "allowed"),
            ("key.roll", "allowed"),
            ("key.revoke", "denied"),
            ("console.csrf", "denied"),
        ] {
            assert!(
                has(action, outcome),
                "{}: no {action} {outcome}: {entries:?}",
                t.backend
            );
        }
        assert!(
            entries.iter().any(|e| e.draft.action == "portal.open"
                && e.draft.outcome == "denied"
                && e.draft.details["reason"] == "used"),
            "the second open is audited"
        );

        // Revoking the root key that minted the link ends the session.
        let issuer = t.store.list_root_keys().await.unwrap();
        let admin = issuer.iter().find(|r| r.revoked_at.is_none()).unwrap();
        let now = t.state.now();
        t.store
            .revoke_root_key(
                &admin.id,
                now,
                &keywarden_store::AuditDraft {
                    actor: "test".into(),
                    action: keywarden_store::AuditAction::RootKeyRevoke.into(),
                    target: Some(admin.id.to_string()),
                    outcome: keywarden_store::AuditOutcome::Allowed.into(),
                    client_ip: None,
                    details: json!({}),
                    at: now,
                },
            )
            .await
            .unwrap();
        let ended = portal(&t, &s, "GET", "/portal/api/keys", None, false).await;
        assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
        assert_eq!(ended.code(), "PORTAL_SESSION_REQUIRED");
    })
    .await;
}

#[tokio::test]
async fn links_are_refused_without_what_they_hand_out() {
    on_each_backend(|t| async move {
        let issuer = t
            .root_key(&[Permission::PortalIssue, Permission::KeysRead])
            .await;
        let ask = |token: String, body: Value| {
            let t = &t;
            async move {
                t.send("POST", "/v1/portal/sessions", Some(&token), Some(body), &[], None)
                    .await
            }
        };
        let ok = ask(issuer.clone(), json!({ "owner": "acme", "grants": ["keys:read", "usage:read"] })).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);
        for grant in ["keys:create", "keys:roll", "keys:revoke"] {
            let r = ask(issuer.clone(), json!({ "owner": "acme", "grants": ["keys:read", grant] })).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{grant}: {}", r.json);
        }
        let plain = t.root_key(&[Permission::KeysRead, Permission::KeysWrite]).await;
        let r = ask(plain, json!({ "owner": "acme", "grants": ["keys:read"] })).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "portal:issue is needed");
        t.call("POST", "/v1/spaces", Some(json!({ "id": "payments" }))).await;
        let scoped = t
            .scoped_root_key(&[Permission::PortalIssue, Permission::KeysRead], &["payments"])
            .await;
        let r = ask(scoped.clone(), json!({ "owner": "acme", "grants": ["keys:read"] })).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "default is not its space");
        let r = ask(scoped, json!({ "owner": "acme", "space": "payments", "grants": ["keys:read"] })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        for body in [
            json!({ "owner": "acme", "grants": [] }),
            json!({ "owner": "acme", "grants": ["keys:delete"] }),
            json!({ "owner": "acme", "grants": ["keys:read"], "expires_in": "20m" }),
            json!({ "owner": "acme", "grants": ["keys:read"], "return_url": "javascript:alert(1)" }),
            json!({ "owner": "acme", "grants": ["keys:read"], "space": "nowhere" }),
            json!({ "owner": "a b", "grants": ["keys:read"] }),
        ] {
            let r = t.call("POST", "/v1/portal/sessions", Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.json);
        }
        // An expired link opens nothing.
        let link = mint(&t, json!({ "owner": "acme", "grants": ["keys:read"], "expires_in": "10s" })).await;
        t.clock.advance_ms(11_000);
        let (r, none) = open(&t, &link).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(none.is_none());
    })
    .await;
}

#[tokio::test]
async fn the_space_policy_rules_portal_made_keys() {
    on_each_backend(|t| async move {
        let r = t
            .call(
                "PATCH",
                "/v1/spaces/default",
                Some(json!({ "portal": {
                    "environments": ["test"],
                    "max_keys_per_owner": 5,
                    "max_lifetime": "30d",
                    "credits": { "amount": 50 },
                    "require_approval": true,
                } })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json["portal"]["max_keys_per_owner"], 5);
        // A change of the defaults keeps the policy; one that leaves out an
        // environment the policy offers is refused.
        let r = t
            .call(
                "PATCH",
                "/v1/spaces/default",
                Some(json!({ "defaults": {
                    "rate_limit": { "limit": 100, "window_seconds": 60 },
                    "max_lifetime": "7d",
                } })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json["portal"]["require_approval"], true, "{}", r.json);
        let r = t
            .call(
                "PATCH",
                "/v1/spaces/default",
                Some(json!({ "defaults": { "environments": ["live"] } })),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
        let link = mint(&t, json!({ "owner": "acme", "grants": ["keys:read", "keys:create"] })).await;
        let (_, s) = open(&t, &link).await;
        let s = s.unwrap();
        let create = |body: Value| portal(&t, &s, "POST", "/portal/api/keys", Some(body), true);
        let live = create(json!({ "environment": "live" })).await;
        assert_eq!(live.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", live.json);
        let long = create(json!({ "expires_in": "90d" })).await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", long.json);
        let made = create(json!({})).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
        assert_eq!(made.json["record"]["environment"], "test", "the policy's first");
        assert_eq!(made.json["record"]["status"], "pending");
        assert_eq!(made.json["record"]["credits_remaining"], 50);
        // No expiry asked: the tightest limit's (the space's 7 days, not
        // the portal's 30).
        assert_eq!(
            made.json["record"]["expires_at"],
            keywarden_server::timefmt::rfc3339(t.state.now() + 7 * 86_400_000),
            "{}",
            made.json
        );
        let key = made.json["key"].as_str().unwrap().to_owned();
        let id = made.json["record"]["id"].as_str().unwrap().to_owned();
        assert_eq!(t.verify(json!({ "key": key })).await["code"], "PENDING_APPROVAL");
        let fa = t
            .send("GET", "/v1/forward-auth", None, None, &[("x-api-key", &key)], None)
            .await;
        assert_eq!(fa.status, StatusCode::FORBIDDEN);
        let events = t.call("GET", "/v1/events?kind=key.pending", None).await;
        assert!(
            events
                .json
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["key_id"] == id.as_str()),
            "{}",
            events.json
        );
        let pending = t.call("GET", "/v1/keys?status=pending", None).await;
        assert_eq!(pending.json["keys"].as_array().unwrap().len(), 1);
        let approved = t.call("POST", &format!("/v1/keys/{id}/approve"), None).await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.json);
        assert_eq!(t.verify(json!({ "key": key })).await["code"], "VALID");
        let again = t.call("POST", &format!("/v1/keys/{id}/decline"), None).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.code(), "NOT_PENDING");

        // At most five live keys, however many ask at once.
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let app = t.app.clone();
            let (cookie, csrf) = (s.cookie.clone(), s.csrf.clone());
            tasks.spawn(async move {
                use tower::ServiceExt;
                let req = axum::http::Request::post("/portal/api/keys")
                    .header("cookie", cookie)
                    .header("x-csrf-token", csrf)
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from("{}"))
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                let status = res.status();
                let bytes = http_body_util::BodyExt::collect(res.into_body())
                    .await
                    .unwrap()
                    .to_bytes();
                (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
            });
        }
        let results: Vec<(StatusCode, Value)> = tasks.join_all().await;
        let made = results.iter().filter(|r| r.0 == StatusCode::CREATED).count();
        assert_eq!(made, 4, "{}: one was made before", t.backend);
        assert!(
            results
                .iter()
                .filter(|r| r.0 != StatusCode::CREATED)
                .all(|r| r.0 == StatusCode::CONFLICT && r.1["error"]["code"] == "KEY_LIMIT_REACHED"),
            "{results:?}"
        );
        // A declined key is revoked, and frees its place.
        let last = results.iter().find(|r| r.0 == StatusCode::CREATED).unwrap();
        let last_id = last.1["record"]["id"].as_str().unwrap();
        let declined = t.call("POST", &format!("/v1/keys/{last_id}/decline"), None).await;
        assert_eq!(declined.json["status"], "revoked", "{}", declined.json);
        assert_eq!(create(json!({})).await.status, StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn grants_sessions_and_links_hold_at_their_edges() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({ "environment": "live", "owner": "acme" }))
            .await;
        // A link opened by many at once makes one session.
        let link = mint(&t, json!({ "owner": "acme", "grants": ["keys:read"] })).await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let app = t.app.clone();
            let link = link.clone();
            tasks.spawn(async move {
                use tower::ServiceExt;
                let req = axum::http::Request::get(link)
                    .body(axum::body::Body::empty())
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                (res.status(), res.headers().contains_key("set-cookie"))
            });
        }
        let opened = tasks.join_all().await;
        let sessions = opened
            .iter()
            .filter(|(status, cookie)| *status == StatusCode::OK && *cookie)
            .count();
        assert_eq!(sessions, 1, "{opened:?}");
        assert!(
            opened
                .iter()
                .all(|(status, cookie)| *status == StatusCode::OK
                    || (*status == StatusCode::NOT_FOUND && !cookie)),
            "{opened:?}"
        );

        // With the grant, a revocation works; without usage:read, usage is
        // refused and the page shows no sparkline.
        let link = mint(
            &t,
            json!({ "owner": "acme", "grants": ["keys:read", "keys:revoke"] }),
        )
        .await;
        let (page, s) = open(&t, &link).await;
        let s = s.unwrap();
        assert!(
            !page.text.contains("Last 7 days"),
            "no usage column without usage:read"
        );
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        let usage = portal(
            &t,
            &s,
            "GET",
            &format!("/portal/api/keys/{id}/usage"),
            None,
            false,
        )
        .await;
        assert_eq!(usage.status, StatusCode::FORBIDDEN, "{}", usage.json);
        let revoked = portal(
            &t,
            &s,
            "POST",
            &format!("/portal/api/keys/{id}/revoke"),
            None,
            true,
        )
        .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.json);
        assert_eq!(revoked.json["status"], "revoked");
        assert_eq!(t.verify(json!({ "key": key })).await["code"], "REVOKED");

        // A session ends at portal.session_max (12 h by default).
        t.clock.advance_ms(12 * 3_600_000 + 1);
        let ended = portal(&t, &s, "GET", "/portal/api/keys", None, false).await;
        assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
        assert_eq!(ended.code(), "PORTAL_SESSION_REQUIRED");
        let page = t
            .send(
                "GET",
                "/portal",
                None,
                None,
                &[("cookie", s.cookie.as_str())],
                None,
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);

        // Deleting its space ends a session and its unopened links, even
        // once a space of the same id is made again.
        t.call("POST", "/v1/spaces", Some(json!({ "id": "shop" })))
            .await;
        let early = mint(
            &t,
            json!({ "owner": "acme", "space": "shop", "grants": ["keys:read"] }),
        )
        .await;
        let link = mint(
            &t,
            json!({ "owner": "acme", "space": "shop", "grants": ["keys:read"] }),
        )
        .await;
        let (_, s) = open(&t, &link).await;
        let s = s.unwrap();
        let gone = t.call("DELETE", "/v1/spaces/shop", None).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
        t.call("POST", "/v1/spaces", Some(json!({ "id": "shop" })))
            .await;
        let list = portal(&t, &s, "GET", "/portal/api/keys", None, false).await;
        assert_eq!(list.status, StatusCode::UNAUTHORIZED, "{}", list.json);
        let (r, none) = open(&t, &early).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(none.is_none());
    })
    .await;
}
