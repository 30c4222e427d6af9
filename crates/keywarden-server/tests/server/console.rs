//! The web console through `app(state)`: headers, sign-in, sessions and
//! their expiry, CSRF, permissions, the one-time key display, forms, and
//! audit entries identical to the API's. On both backends.

use std::collections::HashMap;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use keywarden_server::ServerConfig;
use keywarden_store::{AuditFilter, Permission};
use serde_json::json;
use tower::ServiceExt;

use crate::{Options, TestApp, on_each_backend, on_each_backend_with};

/// A console page as a browser receives it.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// The CSRF token of the page's first form.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field: {}", self.body));
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser: keeps cookies, sends forms.
struct Browser<'a> {
    t: &'a TestApp,
    cookies: HashMap<String, String>,
    peer: &'static str,
    headers: Vec<(&'static str, &'static str)>,
}

impl<'a> Browser<'a> {
    fn new(t: &'a TestApp) -> Self {
        Self {
            t,
            cookies: HashMap::new(),
            peer: "127.0.0.1",
            headers: Vec::new(),
        }
    }

    async fn send(&mut self, method: &str, uri: &str, body: Option<String>) -> Page {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, cookie);
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (k, v) in &self.headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        let addr: std::net::SocketAddr = format!("{}:40000", self.peer).parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        let res = self.t.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&mut self, uri: &str) -> Page {
        self.send("GET", uri, None).await
    }

    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        self.send("POST", uri, Some(form_encode(fields))).await
    }

    /// Posts a form with the CSRF token of `from`.
    async fn submit(&mut self, from: &str, uri: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(uri, &all).await
    }

    async fn sign_in(&mut self, key: &str) -> Page {
        let form = self.get("/ui/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        self.post(
            "/ui/sign-in",
            &[("csrf", &csrf), ("key", key), ("next", "/ui")],
        )
        .await
    }
}

async fn audit(t: &TestApp, action: &str) -> Vec<keywarden_store::AuditEntry> {
    t.store
        .list_audit(
            &AuditFilter {
                action: Some(action.to_owned()),
                ..AuditFilter::default()
            },
            100,
        )
        .await
        .unwrap()
}

fn assert_console_headers(p: &Page, what: &str) {
    let h = |name: &str| {
        p.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let csp = h("content-security-policy");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
    assert_eq!(h("cache-control"), "no-store", "{what}");
    assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    // The CSP forbids inline code and styles, so the pages must not need any.
    assert!(!p.body.contains("<script>"), "{what}: inline script");
    assert!(!p.body.contains(" style="), "{what}: inline style");
    assert!(!p.body.contains("onclick="), "{what}: inline handler");
}

#[tokio::test]
async fn security_headers_on_every_console_response() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        let root = b.get("/").await;
        assert!(root.status.is_redirection());
        assert_eq!(root.location(), "/ui");
        for uri in [
            "/ui/sign-in",
            "/ui",
            "/ui/keys",
            "/ui/nowhere",
            "/ui/assets/app.js",
            "/ui/assets/app.css",
        ] {
            let p = b.get(uri).await;
            assert_console_headers(&p, uri);
        }
        let css = b.get("/ui/assets/app.css").await;
        assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
        assert!(css.body.contains(".btn"));
        let js = b.get("/ui/assets/app.js").await;
        assert_eq!(
            js.headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert!(js.body.contains("getRandomValues"));
        assert_eq!(b.get("/ui/nowhere").await.status, StatusCode::NOT_FOUND);

        b.sign_in(&t.root).await;
        let (id, _) = t
            .create(json!({"environment": "live", "owner": "acme"}))
            .await;
        for uri in [
            "/ui".to_owned(),
            "/ui/keys".to_owned(),
            format!("/ui/keys/{id}"),
            "/ui/keys/new".to_owned(),
            format!("/ui/keys/{id}/edit"),
            format!("/ui/keys/{id}/roll"),
            format!("/ui/keys/{id}/revoke"),
            "/ui/emergency?owner=acme".to_owned(),
            "/ui/audit".to_owned(),
            "/ui/generator".to_owned(),
            "/ui/spaces".to_owned(),
            "/ui/spaces/default".to_owned(),
            "/ui/spaces/default/delete".to_owned(),
            "/ui/spaces/default/roles".to_owned(),
            "/ui/keys/key_AAAAAAAAAAAAAAAA".to_owned(),
        ] {
            let p = b.get(&uri).await;
            assert!(
                p.status == StatusCode::OK
                    || (uri.ends_with("AAAA") && p.status == StatusCode::NOT_FOUND),
                "{}: {uri}: {}",
                t.backend,
                p.status
            );
            assert_console_headers(&p, &uri);
            assert!(
                !p.body.contains(&t.root[8..]),
                "{uri}: the root key is never in a page"
            );
        }
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn sign_in_with_a_root_key_makes_a_strict_session() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        // Pages send a signed-out browser to sign-in, remembering where it was going.
        let p = b.get("/ui/keys?owner=acme").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), "/ui/sign-in?next=/ui/keys");
        let p = b
            .post("/ui/keys/key_AAAAAAAAAAAAAAAA/revoke", &[("reason", "x")])
            .await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, "/ui/sign-in")
        );

        let form = b.get("/ui/sign-in").await;
        let signin_cookie = form.set_cookie("kw_signin").unwrap();
        assert!(signin_cookie.contains("HttpOnly") && signin_cookie.contains("SameSite=Strict"));
        assert!(
            form.body.contains("type=\"password\""),
            "the key field is masked"
        );

        // A wrong key: 401, audited like the API's refusals, not echoed.
        let csrf = form.csrf();
        let wrong = "kw_root_notarealkeynotarealkeynotarealkeynotarealkey123";
        let p = b
            .post(
                "/ui/sign-in",
                &[("csrf", &csrf), ("key", wrong), ("next", "/ui")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", t.backend);
        assert!(p.body.contains("not a valid root key"));
        assert!(
            !p.body.contains("notarealkey"),
            "the typed key is not echoed"
        );
        assert!(p.set_cookie("kw_session").is_none());
        let denied = audit(&t, "auth.denied").await;
        assert_eq!(denied.len(), 1);
        assert_eq!(denied[0].draft.target.as_deref(), Some("POST /ui/sign-in"));
        assert_eq!(denied[0].draft.client_ip.as_deref(), Some("127.0.0.1"));

        // Without the form's double-submit cookie (a cross-site form): refused.
        let mut other = Browser::new(&t);
        let p = other
            .post("/ui/sign-in", &[("csrf", &csrf), ("key", &t.root)])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert!(p.set_cookie("kw_session").is_none());

        // The right key: a session cookie, HttpOnly, SameSite=Strict, Path=/ui.
        let p = b
            .post(
                "/ui/sign-in",
                &[("csrf", &csrf), ("key", &t.root), ("next", "/ui/keys")],
            )
            .await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, "/ui/keys")
        );
        let cookie = p.set_cookie("kw_session").unwrap();
        assert!(cookie.contains("; Path=/ui;"), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain HTTP: no Secure flag");
        assert!(!cookie.contains(&t.root[8..]), "the cookie is not the key");
        assert!(!p.location().contains(&t.root[8..]));
        let signed_in = audit(&t, "console.sign_in").await;
        assert_eq!(signed_in.len(), 1);
        assert_eq!(signed_in[0].draft.outcome, "allowed");
        let page = b.get("/ui/keys").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Sign out"));

        // `next` never leaves the console.
        let mut c = Browser::new(&t);
        let csrf = c.get("/ui/sign-in").await.csrf();
        let p = c
            .post(
                "/ui/sign-in",
                &[
                    ("csrf", &csrf),
                    ("key", &t.root),
                    ("next", "https://evil.example/"),
                ],
            )
            .await;
        assert_eq!(p.location(), "/ui");

        // Signing out ends the session on the server: the old cookie is dead.
        let old = b.cookies.clone();
        let csrf = b.get("/ui").await.csrf();
        let p = b.post("/ui/sign-out", &[("csrf", &csrf)]).await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, "/ui/sign-in?signed_out=1")
        );
        assert!(p.set_cookie("kw_session").unwrap().contains("Max-Age=0"));
        assert_eq!(b.get("/ui").await.status, StatusCode::SEE_OTHER);
        b.cookies = old;
        let replay = b.get("/ui/keys").await;
        assert_eq!(replay.status, StatusCode::SEE_OTHER);
        assert!(replay.location().starts_with("/ui/sign-in"));
        assert_eq!(audit(&t, "console.sign_out").await.len(), 1);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn secure_cookies_behind_a_tls_proxy() {
    on_each_backend_with(
        || Options {
            config: ServerConfig {
                trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
                ..ServerConfig::default()
            },
            ..Options::default()
        },
        |t| async move {
            let mut b = Browser::new(&t);
            b.peer = "10.0.0.2";
            b.headers = vec![
                ("x-forwarded-proto", "https"),
                ("x-forwarded-for", "198.51.100.7"),
            ];
            let p = b.sign_in(&t.root).await;
            assert_eq!(p.status, StatusCode::SEE_OTHER);
            assert!(p.set_cookie("kw_session").unwrap().ends_with("; Secure"));
            let entry = audit(&t, "console.sign_in").await.remove(0);
            assert_eq!(
                entry.draft.client_ip.as_deref(),
                Some("198.51.100.7"),
                "the client, not the proxy"
            );

            // The same header from an untrusted peer proves nothing.
            let mut direct = Browser::new(&t);
            direct.headers = vec![("x-forwarded-proto", "https")];
            let p = direct.sign_in(&t.root).await;
            assert!(!p.set_cookie("kw_session").unwrap().contains("Secure"));
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_address() {
    on_each_backend_with(
        || Options {
            config: ServerConfig {
                failure_limit_per_minute: 3,
                ..ServerConfig::default()
            },
            ..Options::default()
        },
        |t| async move {
            let mut b = Browser::new(&t);
            for _ in 0..3 {
                let p = b.sign_in("kw_root_wrong").await;
                assert_eq!(p.status, StatusCode::UNAUTHORIZED);
            }
            let p = b.sign_in("kw_root_wrong").await;
            assert_eq!(
                p.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}: failures past the budget wait",
                t.backend
            );
            assert!(p.headers.contains_key(header::RETRY_AFTER));
            assert!(p.set_cookie("kw_session").is_none());
            // The first denial of the minute is audited at once; the next
            // two are folded into one entry written when the minute is
            // over; throttled attempts are not audited at all.
            assert_eq!(
                audit(&t, "auth.denied").await.len(),
                1,
                "denials are audited folded, throttled attempts not at all"
            );
            // A correct root key is never locked out by others' failures
            // from its address.
            let p = b.sign_in(&t.root).await;
            assert_eq!(
                p.status,
                StatusCode::SEE_OTHER,
                "{}: the right key signs in past the budget",
                t.backend
            );
            assert!(p.set_cookie("kw_session").is_some());
            // Another address is not affected.
            let mut other = Browser::new(&t);
            other.peer = "127.0.0.2";
            assert_eq!(
                other.sign_in("kw_root_wrong").await.status,
                StatusCode::UNAUTHORIZED
            );
            t.clock.advance_ms(61_000);
            assert_eq!(
                b.sign_in("kw_root_wrong").await.status,
                StatusCode::UNAUTHORIZED,
                "a new minute, a new budget"
            );
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn sessions_expire_when_idle_and_absolutely() {
    on_each_backend_with(
        || Options {
            config: ServerConfig {
                session_idle: keywarden_server::config::DurationSpec::from_ms(10 * 60_000),
                session_max: keywarden_server::config::DurationSpec::from_ms(30 * 60_000),
                ..ServerConfig::default()
            },
            ..Options::default()
        },
        |t| async move {
            let mut b = Browser::new(&t);
            b.sign_in(&t.root).await;
            t.clock.advance_ms(9 * 60_000);
            assert_eq!(
                b.get("/ui/generator").await.status,
                StatusCode::OK,
                "used within the idle time"
            );
            t.clock.advance_ms(10 * 60_000 + 1);
            let p = b.get("/ui/generator").await;
            assert_eq!(
                (p.status, p.location()),
                (
                    StatusCode::SEE_OTHER,
                    "/ui/sign-in?next=/ui/generator&reason=expired"
                )
            );
            let p = b.get("/ui/generator").await;
            assert_eq!(
                p.location(),
                "/ui/sign-in?next=/ui/generator",
                "an expired session is gone"
            );

            // Busy, but past session_max: signed out all the same.
            let mut c = Browser::new(&t);
            c.sign_in(&t.root).await;
            for _ in 0..3 {
                t.clock.advance_ms(9 * 60_000);
                assert_eq!(c.get("/ui/generator").await.status, StatusCode::OK);
            }
            t.clock.advance_ms(4 * 60_000);
            assert_eq!(
                c.get("/ui/generator").await.status,
                StatusCode::SEE_OTHER,
                "{}",
                t.backend
            );
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn every_post_needs_the_csrf_token() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "owner": "acme"}))
            .await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let page = format!("/ui/keys/{id}");
        let uri = format!("/ui/keys/{id}/revoke");
        let p = b.post(&uri, &[("reason", "forged")]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", t.backend);
        assert!(p.body.contains("security token"));
        let p = b
            .post(&uri, &[("csrf", &"x".repeat(43)), ("reason", "forged")])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        // The right token, from a cross-site page (Fetch metadata): refused too.
        let csrf = b.get(&page).await.csrf();
        b.headers = vec![("sec-fetch-site", "cross-site")];
        assert_eq!(
            b.post(&uri, &[("csrf", &csrf)]).await.status,
            StatusCode::FORBIDDEN
        );
        b.headers.clear();
        // Another session's token does not fit this one.
        let mut other = Browser::new(&t);
        other.sign_in(&t.root).await;
        let theirs = other.get(&page).await.csrf();
        assert_ne!(theirs, csrf);
        assert_eq!(
            b.post(&uri, &[("csrf", &theirs)]).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.verify(json!({"key": key})).await["code"],
            "VALID",
            "nothing changed"
        );
        let refusals = audit(&t, "console.csrf").await;
        assert_eq!(refusals.len(), 4);
        assert!(refusals.iter().all(|e| e.draft.outcome == "denied"));

        // Every other form is guarded the same way.
        let r = t
            .call("POST", "/v1/spaces", Some(json!({"id": "payments"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = t
            .call(
                "PUT",
                "/v1/spaces/payments/roles/editor",
                Some(json!({"permissions": ["docs.read"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        for uri in [
            "/ui/keys",
            "/ui/emergency",
            "/ui/sign-out",
            &format!("/ui/keys/{id}/roll"),
            &format!("/ui/keys/{id}/edit"),
            &format!("/ui/keys/{id}/approve"),
            &format!("/ui/keys/{id}/decline"),
            &format!("/ui/keys/{id}/disable"),
            "/ui/space",
            "/ui/spaces",
            "/ui/spaces/payments",
            "/ui/spaces/payments/delete",
            "/ui/spaces/payments/roles",
            "/ui/spaces/payments/roles/editor/delete",
        ] {
            let p = b
                .post(
                    uri,
                    &[
                        ("environment", "live"),
                        ("owner", "acme"),
                        ("confirm", "revoke"),
                        ("space", "payments"),
                        ("id", "forged"),
                        ("name", "editor"),
                        ("permissions", "everything.*"),
                    ],
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{uri}");
            assert!(p.set_cookie("kw_space").is_none(), "{uri}");
        }
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");
        let spaces = t.call("GET", "/v1/spaces", None).await;
        assert_eq!(
            spaces.json["spaces"].as_array().unwrap().len(),
            2,
            "no space made or deleted: {}",
            spaces.json
        );
        let role = t
            .call("GET", "/v1/spaces/payments/roles/editor", None)
            .await;
        assert_eq!(
            role.json["permissions"],
            json!(["docs.read"]),
            "the role is unchanged"
        );
        assert_eq!(b.get("/ui").await.status, StatusCode::OK, "still signed in");

        // With the token: revoked, and audited exactly like the API's revoke.
        let p = b.post(&uri, &[("csrf", &csrf), ("reason", "")]).await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, page.as_str())
        );
        assert_eq!(t.verify(json!({"key": key})).await["code"], "REVOKED");
        let shown = b.get(&page).await;
        assert!(
            shown.body.contains("Revoked "),
            "a notice says what happened"
        );
        assert!(
            !b.get(&page).await.body.contains("class=\"notice\""),
            "once"
        );
        let (id2, _) = t.create(json!({"environment": "live"})).await;
        let r = t
            .call("POST", &format!("/v1/keys/{id2}/revoke"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let revokes = audit(&t, "key.revoke").await;
        assert_eq!(revokes.len(), 2);
        let (api, ui) = (&revokes[0].draft, &revokes[1].draft);
        assert_eq!(ui.target.as_deref(), Some(id.as_str()));
        assert_eq!(
            (ui.actor.as_str(), ui.outcome.as_str()),
            (api.actor.as_str(), "allowed")
        );
        assert_eq!(
            ui.details, api.details,
            "the same shape: {} vs {}",
            ui.details, api.details
        );
        assert_eq!(ui.client_ip.as_deref(), Some("127.0.0.1"));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_read_only_root_key_sees_but_cannot_change() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "owner": "acme", "scopes": ["orders:read"]}))
            .await;
        let reader = t.root_key(&[Permission::KeysRead]).await;
        let mut b = Browser::new(&t);
        assert_eq!(b.sign_in(&reader).await.status, StatusCode::SEE_OTHER);
        let page = b.get(&format!("/ui/keys/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("orders:read"));
        assert!(!page.body.contains("/revoke\""), "no Revoke button");
        assert!(!page.body.contains("revoke-dialog"));
        assert!(!page.body.contains("/roll\""), "no Roll button");
        assert!(!page.body.contains("/edit\""), "no Edit button");
        assert!(page.body.contains("lacks audit:read"));
        let nav = b.get("/ui").await.body;
        assert!(
            !nav.contains("href=\"/ui/emergency\""),
            "no Emergency in the menu"
        );
        assert!(!nav.contains("href=\"/ui/keys/new\""));

        let csrf = page.csrf();
        let p = b
            .post(&format!("/ui/keys/{id}/revoke"), &[("csrf", &csrf)])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", t.backend);
        assert!(p.body.contains("keys:revoke"));
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");
        let denied = audit(&t, "key.revoke").await;
        assert_eq!(denied.len(), 1);
        assert_eq!(denied[0].draft.outcome, "denied");
        assert_eq!(denied[0].draft.details["missing_permission"], "keys:revoke");

        for (method, uri) in [
            ("GET", "/ui/keys/new".to_owned()),
            ("GET", format!("/ui/keys/{id}/revoke")),
            ("GET", format!("/ui/keys/{id}/roll")),
            ("GET", format!("/ui/keys/{id}/edit")),
            ("GET", "/ui/emergency".to_owned()),
            ("GET", "/ui/audit".to_owned()),
            ("POST", "/ui/keys".to_owned()),
            ("POST", format!("/ui/keys/{id}/roll")),
            ("POST", format!("/ui/keys/{id}/edit")),
            ("POST", "/ui/emergency".to_owned()),
        ] {
            let p = if method == "GET" {
                b.get(&uri).await
            } else {
                b.post(
                    &uri,
                    &[
                        ("csrf", &csrf),
                        ("environment", "live"),
                        ("owner", "acme"),
                        ("confirm", "revoke"),
                        ("name", "x"),
                    ],
                )
                .await
            };
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{method} {uri}");
        }
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");
        let listed = t.call("GET", "/v1/keys", None).await;
        assert_eq!(
            listed.json["keys"].as_array().unwrap().len(),
            1,
            "nothing was created"
        );
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn revoking_the_root_key_ends_its_sessions_at_once() {
    on_each_backend(|t| async move {
        let (rec, plain) = keywarden_server::setup::create_root_key(
            &t.store,
            &Default::default(),
            keywarden_server::setup::RootKeyGrant {
                permissions: vec![Permission::Admin],
                ..Default::default()
            },
            None,
            crate::NOW,
        )
        .await
        .unwrap();
        let mut b = Browser::new(&t);
        b.sign_in(plain.expose()).await;
        assert_eq!(b.get("/ui/keys").await.status, StatusCode::OK);
        let draft = keywarden_store::AuditDraft {
            actor: "admin-cli".to_owned(),
            action: "root_key.revoke".to_owned(),
            target: Some(rec.id.to_string()),
            outcome: "allowed".to_owned(),
            client_ip: None,
            details: json!({}),
            at: crate::NOW,
        };
        t.store
            .revoke_root_key(&rec.id, crate::NOW, &draft)
            .await
            .unwrap();
        let p = b.get("/ui/keys").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", t.backend);
        assert_eq!(p.location(), "/ui/sign-in?next=/ui/keys&reason=revoked");
        t.stop().await;
    })
    .await;
}

/// The key shown on a reveal page.
fn shown_key(body: &str) -> Option<String> {
    let at = body.find("id=\"new-key\"")?;
    let rest = &body[at..];
    let start = rest.find('>')? + 1;
    let end = rest.find("</output>")?;
    Some(rest[start..end].to_owned())
}

#[tokio::test]
async fn create_shows_the_key_once_and_keeps_every_setting() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let p = b
            .submit(
                "/ui/keys/new",
                "/ui/keys",
                &[
                    ("environment", "live"),
                    ("owner", "acme"),
                    ("name", "billing <b>backend</b>"),
                    ("scopes", "orders:read, orders:write\nusers:read"),
                    ("expires", "30d"),
                    ("metadata", "{\"plan\": \"pro\"}"),
                    ("ip_allowlist", "10.0.0.0/8\n192.0.2.7"),
                    ("rate_limit", "10"),
                    ("rate_window", "60"),
                    ("usage_limit", "5"),
                    ("recoverable", "on"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", t.backend, p.body);
        let to = p.location().to_owned();
        let id = to
            .strip_prefix("/ui/keys/")
            .unwrap()
            .strip_suffix("/created")
            .unwrap()
            .to_owned();
        assert!(!to.contains("kw_live_"), "the key never goes into a URL");

        let reveal = b.get(&to).await;
        assert_eq!(reveal.status, StatusCode::OK);
        assert_eq!(reveal.headers[header::CACHE_CONTROL], "no-store");
        let key = shown_key(&reveal.body).expect("the key is shown");
        assert!(reveal.body.contains("won't see it again"));
        assert!(reveal.body.contains(&format!("API_KEY={key}")));
        let v = t
            .verify(json!({"key": key, "client_ip": "10.1.2.3", "scopes": ["users:read"]}))
            .await;
        assert_eq!(v["code"], "VALID", "{v}");
        assert_eq!(v["key_id"], id.as_str());

        // A reload shows it no more; nor does any other page.
        let again = b.get(&to).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(again.body.contains("no longer shown"));
        assert!(shown_key(&again.body).is_none());
        assert!(!again.body.contains(&key[8..]));
        let detail = b.get(&format!("/ui/keys/{id}")).await;
        assert!(!detail.body.contains(&key[8..]));
        assert!(
            detail.body.contains("billing &lt;b&gt;backend&lt;/b&gt;"),
            "names are escaped"
        );

        let got = t.call("GET", &format!("/v1/keys/{id}"), None).await.json;
        assert_eq!(got["owner"], "acme");
        assert_eq!(got["name"], "billing <b>backend</b>");
        assert_eq!(
            got["scopes"],
            json!(["orders:read", "orders:write", "users:read"])
        );
        assert_eq!(got["metadata"], json!({"plan": "pro"}));
        assert_eq!(got["ip_allowlist"], json!(["10.0.0.0/8", "192.0.2.7/32"]));
        assert_eq!(
            got["rate_limit"],
            json!({"limit": 10, "window_seconds": 60})
        );
        assert_eq!(got["usage_limit"], 5);
        assert_eq!(got["recoverable"], true);
        assert_eq!(
            got["expires_at"],
            keywarden_server::timefmt::rfc3339(crate::NOW + 30 * 86_400_000)
        );
        // The same audit entry as the API's create.
        let entry = audit(&t, "key.create").await.remove(0);
        assert_eq!(entry.draft.target.as_deref(), Some(id.as_str()));
        assert_eq!(
            entry.draft.details["scopes"],
            json!(["orders:read", "orders:write", "users:read"])
        );
        assert_eq!(entry.draft.details["recoverable"], true);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn bad_form_input_gets_a_clear_message_never_a_crash() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let secret = "kw_live_Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy";
        for (fields, message, field) in [
            (
                vec![("environment", "")],
                "Environment: required",
                "environment",
            ),
            (
                vec![("environment", "root")],
                "reserved for root keys",
                "environment",
            ),
            (
                vec![("environment", "Live!")],
                "invalid environment",
                "environment",
            ),
            (
                vec![("environment", "live"), ("owner", "has space")],
                "invalid owner",
                "owner",
            ),
            (
                vec![("environment", "live"), ("scopes", "orders:")],
                "invalid scope",
                "scopes",
            ),
            (
                vec![("environment", "live"), ("expires", "soon")],
                "Expiry: give a lifetime",
                "expires",
            ),
            (
                vec![("environment", "live"), ("expires", "2001-01-01")],
                "in the past",
                "expires",
            ),
            (
                vec![("environment", "live"), ("ip_allowlist", "10.0.0.0/33")],
                "must be CIDRs",
                "ip_allowlist",
            ),
            (
                vec![("environment", "live"), ("rate_limit", "5")],
                "Rate limit",
                "rate_limit",
            ),
            (
                vec![
                    ("environment", "live"),
                    ("rate_limit", "0"),
                    ("rate_window", "60"),
                ],
                "rate_limit.limit",
                "rate_limit",
            ),
            (
                vec![("environment", "live"), ("usage_limit", secret)],
                "Usage limit",
                "usage_limit",
            ),
            (
                vec![("environment", "live"), ("usage_limit", "0")],
                "usage_limit must be at least 1",
                "usage_limit",
            ),
            (
                vec![("environment", "live"), ("metadata", "[1, 2]")],
                "JSON object",
                "metadata",
            ),
            (
                vec![("environment", "live"), ("name", "tab\there")],
                "control characters",
                "name",
            ),
            (
                vec![("environment", secret)],
                "invalid environment",
                "environment",
            ),
        ] {
            let p = b.submit("/ui/keys/new", "/ui/keys", &fields).await;
            assert_eq!(
                p.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{fields:?}: {}",
                p.body
            );
            assert!(
                p.body.contains(message),
                "{fields:?}: wants {message:?}: {}",
                p.body
            );
            assert!(
                p.body.contains(&format!("id=\"{field}\" name=\"{field}\""))
                    || field == "rate_limit"
            );
            assert!(p.body.contains("aria-invalid=\"true\""), "{fields:?}");
            assert!(p.body.contains("role=\"alert\""));
            // The form keeps what was typed (escaped), except that a refused
            // value is never echoed inside the error message itself.
            assert!(
                !p.body
                    .split("role=\"alert\"")
                    .nth(1)
                    .unwrap()
                    .split("</div>")
                    .next()
                    .unwrap()
                    .contains("Zm9vYmFy")
            );
        }
        let listed = t.call("GET", "/v1/keys", None).await;
        assert_eq!(
            listed.json["keys"].as_array().unwrap().len(),
            0,
            "nothing was stored"
        );

        // Too large a form: 413, not a crash.
        let csrf = b.get("/ui/keys/new").await.csrf();
        let big = "x".repeat(70_000);
        let p = b
            .post(
                "/ui/keys",
                &[("csrf", &csrf), ("environment", "live"), ("name", &big)],
            )
            .await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
        // Not a form at all.
        let p = b
            .send("POST", "/ui/keys", Some(format!("csrf={csrf}&%%%")))
            .await;
        assert!(p.status.is_client_error(), "{}", p.status);
        // Hostile filters and ids.
        assert_eq!(
            b.get("/ui/keys?owner=%3Cscript%3E&status=bogus")
                .await
                .status,
            StatusCode::OK
        );
        assert!(
            b.get("/ui/keys?owner=%3Cscript%3E")
                .await
                .body
                .contains("invalid owner")
        );
        assert_eq!(
            b.get("/ui/keys/%3Cscript%3E").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            b.get("/ui/keys?cursor=garbage").await.status,
            StatusCode::OK
        );
        assert_eq!(
            b.get("/ui/audit?before=nope&outcome=%00").await.status,
            StatusCode::OK
        );
        assert!(
            b.get("/ui/audit?actor=%00")
                .await
                .body
                .contains("without control characters")
        );
        assert!(
            b.get("/ui/keys?q=a%00b")
                .await
                .body
                .contains("without control characters")
        );
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn edit_saves_only_what_changed() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "owner": "acme", "usage_limit": 5, "scopes": ["orders:read"], "expires_in": "30d"}))
            .await;
        assert_eq!(t.verify(json!({"key": key})).await["remaining"], 4);
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let form = b.get(&format!("/ui/keys/{id}/edit")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"acme\""), "prefilled");
        let expires = keywarden_server::timefmt::rfc3339(crate::NOW + 30 * 86_400_000);
        let fields = [
            ("csrf", form.csrf()),
            ("owner", "acme".to_owned()),
            ("name", "renamed".to_owned()),
            ("scopes", "orders:read".to_owned()),
            ("expires", expires.clone()),
            ("usage_limit", "5".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = b.post(&format!("/ui/keys/{id}/edit"), &fields).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", t.backend, p.body);
        let got = t.call("GET", &format!("/v1/keys/{id}"), None).await.json;
        assert_eq!(got["name"], "renamed");
        assert_eq!(got["usage_remaining"], 4, "an unchanged usage limit is not reset");
        assert_eq!(got["expires_at"], expires.as_str());
        let entry = audit(&t, "key.update").await.remove(0);
        assert_eq!(entry.draft.details, json!({"changed": ["name"]}));

        // Clearing the expiry and an empty edit.
        let mut fields = fields.clone();
        fields.retain(|(k, _)| *k != "expires");
        let p = b.post(&format!("/ui/keys/{id}/edit"), &fields).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(t.call("GET", &format!("/v1/keys/{id}"), None).await.json["expires_at"], serde_json::Value::Null);
        let p = b.post(&format!("/ui/keys/{id}/edit"), &fields).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(b.get(p.location()).await.body.contains("Nothing changed."));
        assert_eq!(audit(&t, "key.update").await.len(), 2);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn roll_with_a_grace_period_and_emergency_revoke() {
    on_each_backend(|t| async move {
        let (id, old_key) = t.create(json!({"environment": "live", "owner": "acme", "scopes": ["orders:read"]})).await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let p = b.submit(&format!("/ui/keys/{id}"), &format!("/ui/keys/{id}/roll"), &[("grace_period", "1h")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", t.backend, p.body);
        let reveal = b.get(p.location()).await;
        let new_key = shown_key(&reveal.body).unwrap();
        assert!(reveal.body.contains("keeps working until"));
        assert_eq!(t.verify(json!({"key": old_key})).await["code"], "VALID");
        assert_eq!(t.verify(json!({"key": new_key})).await["code"], "VALID");
        let entry = audit(&t, "key.roll").await.remove(0);
        assert_eq!(entry.draft.details["grace_period_seconds"], 3600);
        t.clock.advance_ms(3_600_001);
        assert_eq!(t.verify(json!({"key": old_key})).await["code"], "EXPIRED");
        assert_eq!(t.verify(json!({"key": new_key})).await["code"], "VALID");
        b.sign_in(&t.root).await; // the session idled out meanwhile
        let p = b.submit(&format!("/ui/keys/{id}"), &format!("/ui/keys/{id}/roll"), &[("grace_period", "90d")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "grace period too long");

        // Emergency: counted first, then a typed confirmation.
        let mut globex = Vec::new();
        for env in ["live", "test"] {
            globex.push(t.create(json!({"environment": env, "owner": "globex"})).await.1);
        }
        let preview = b.get("/ui/emergency?owner=globex").await;
        assert!(preview.body.contains("id=\"count-before\">2<"), "{}", preview.body);
        let p = b.submit("/ui/emergency?owner=globex", "/ui/emergency", &[("owner", "globex"), ("environment", ""), ("confirm", "yes")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Nothing was revoked"));
        assert_eq!(t.verify(json!({"key": globex[0]})).await["code"], "VALID");
        let p = b.submit("/ui/emergency?owner=globex", "/ui/emergency", &[("owner", "globex"), ("environment", ""), ("confirm", "revoke")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let after = b.get(p.location()).await;
        assert!(after.body.contains("Revoked 2 keys of owner globex, in every environment. Not revoked before: 2; after: 0."), "{}", after.body);
        assert!(after.body.contains("Nothing to revoke."));
        for k in &globex {
            assert_eq!(t.verify(json!({"key": k})).await["code"], "REVOKED");
        }
        assert_eq!(t.verify(json!({"key": new_key})).await["code"], "VALID", "acme's key is untouched");
        let entry = audit(&t, "key.bulk_revoke").await.remove(0);
        assert_eq!(entry.draft.target.as_deref(), Some("owner=globex environment=*"));
        assert_eq!(entry.draft.details, json!({"reason": "emergency", "revoked": 2}));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn overview_and_audit_pages_show_the_state() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live", "owner": "acme", "expires_in": "3d", "name": "soon gone"})).await;
        t.create(json!({"environment": "test", "owner": "acme"})).await;
        t.verify(json!({"key": key})).await;
        t.verify(json!({"key": key, "environment": "test"})).await;
        t.wait_usage_written(2).await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let o = b.get("/ui").await;
        assert_eq!(o.status, StatusCode::OK);
        assert!(o.body.contains("2 verifications, 1 refused"), "{}: {}", t.backend, o.body);
        assert!(o.body.contains("ENV_MISMATCH"));
        assert!(o.body.contains("soon gone"), "expiring soon");
        assert!(o.body.contains(&format!("href=\"/ui/keys/{id}\"")));
        let d = b.get(&format!("/ui/keys/{id}?range=1h")).await;
        assert!(d.body.contains("class=\"bar code-valid\""));
        assert!(d.body.contains("class=\"bar code-env_mismatch\""));
        let a = b.get("/ui/audit").await;
        assert!(a.body.contains("Chain verified."), "{}", a.body);
        let filtered = b.get("/ui/audit?action=key.create").await;
        assert_eq!(filtered.body.matches("<td class=\"mono small\">key.create</td>").count(), 2);
        let list = b.get("/ui/keys?environment=test").await;
        assert!(list.body.contains("1 matching key"));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_store_failure_on_the_session_path_is_a_503_not_a_sign_out() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        assert_eq!(b.get("/ui/keys").await.status, StatusCode::OK);
        t.store.close().await;
        let p = b.get("/ui/keys").await;
        assert_eq!(p.status, StatusCode::SERVICE_UNAVAILABLE, "{}", t.backend);
        assert!(
            p.set_cookie("kw_session").is_none(),
            "the session cookie stays"
        );
        assert!(b.cookies.contains_key("kw_session"));
        t.stop().await;
    })
    .await;
}

/// The create and roll pages offer a one-time share link: the page that
/// shows the key once shows the link too, and the link opens that key.
#[tokio::test]
async fn create_and_roll_offer_a_share_link() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let p = b
            .submit(
                "/ui/keys/new",
                "/ui/keys",
                &[("environment", "live"), ("share", "on")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", t.backend, p.body);
        let to = p.location().to_owned();
        let reveal = b.get(&to).await;
        let body = reveal.body.clone();
        let key_start = body.find("kw_live_").unwrap();
        let key: String = body[key_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let link_start = body
            .find("/s/shr_")
            .unwrap_or_else(|| panic!("no share link: {body}"));
        let link: String = body[link_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/' | '#'))
            .collect();
        let (path, fragment) = link.split_once('#').unwrap();
        let id = path.trim_start_matches("/s/");
        let proof = keywarden_core::share::proof(fragment).unwrap();
        let opened = t
            .send(
                "POST",
                &format!("{path}/open"),
                None,
                Some(serde_json::json!({ "proof": proof.as_str() })),
                &[],
                None,
            )
            .await;
        use base64::Engine;
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(opened.json["sealed"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            keywarden_core::share::open(&sealed, id, fragment)
                .unwrap()
                .as_str(),
            key
        );

        // A roll without the box: no link.
        let key_id = to
            .strip_prefix("/ui/keys/")
            .unwrap()
            .strip_suffix("/created")
            .unwrap()
            .to_owned();
        let p = b
            .submit(
                &format!("/ui/keys/{key_id}/roll"),
                &format!("/ui/keys/{key_id}/roll"),
                &[("grace_period", "0s")],
            )
            .await;
        let rolled = b.get(p.location()).await;
        assert!(rolled.body.contains("kw_live_") && !rolled.body.contains("/s/shr_"));
        t.stop().await;
    })
    .await;
}

/// The owner page shows the owner's shared limits and its keys, and the
/// key pages link to it.
#[tokio::test]
async fn the_owner_page_shows_limits_and_keys() {
    on_each_backend(|t| async move {
        let (id, _) = t.create(json!({"environment": "live", "owner": "acme", "name": "billing"})).await;
        t.create(json!({"environment": "test", "owner": "acme"})).await;
        t.create(json!({"environment": "live", "owner": "globex", "name": "not-acme"})).await;
        let r = t
            .call("PUT", "/v1/owners/acme/limits", Some(json!({"rate_limit": {"limit": 50, "window_seconds": 60}, "credits": {"remaining": 1000, "refill": {"amount": 1000, "interval": "1d"}}})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let key_page = b.get(&format!("/ui/keys/{id}")).await;
        assert!(key_page.body.contains("href=\"/ui/owners/acme\""), "the key page links to its owner");
        let p = b.get("/ui/owners/acme").await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("50 per 60 s"), "{}", p.body);
        assert!(p.body.contains("1000 of 1000 left") && p.body.contains("refilled to 1000"));
        assert!(p.body.contains("billing") && !p.body.contains("not-acme"));
        let bad = b.get("/ui/owners/not%20an%20owner").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        t.stop().await;
    })
    .await;
}

/// Raises a `key.revoked_in_use` event; its id, once the events list has it.
async fn revoked_in_use_event(t: &TestApp, state: &str) -> String {
    let (id, key) = t.create(json!({"environment": "live"})).await;
    t.call("POST", &format!("/v1/keys/{id}/revoke"), Some(json!({})))
        .await;
    assert_eq!(t.verify(json!({"key": key})).await["code"], "REVOKED");
    for _ in 0..500 {
        let list = t
            .call("GET", "/v1/events?kind=key.revoked_in_use", None)
            .await;
        if let Some(e) = list.json.as_array().and_then(|l| l.first())
            && e["delivery"]["state"] == state
        {
            return e["id"].as_str().unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{}: no {state} event", t.backend);
}

/// The events page shows each event's delivery, filters by it, and sends a
/// failed event again (audited like the API's redelivery).
#[tokio::test]
async fn the_events_page_shows_delivery_and_sends_again() {
    use keywarden_server::events::{RetryPolicy, Webhook};
    // A receiver that is never there (connection refused), given up on
    // after 300 ms.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let options = move || Options {
        webhook: Some(
            Webhook::new(
                &format!("http://{addr}/hook"),
                keywarden_core::secret::SecretBytes::new(vec![7; 32]),
            )
            .unwrap()
            .with_retry(RetryPolicy {
                first_delay: std::time::Duration::from_millis(50),
                max_delay: std::time::Duration::from_millis(100),
                retry_for: std::time::Duration::from_millis(300),
            }),
        ),
        ..Options::default()
    };
    on_each_backend_with(options, |t| async move {
        let event = revoked_in_use_event(&t, "failed").await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let page = b.get("/ui/events").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&format!("<tr id=\"{event}\">")),
            "{}",
            page.body
        );
        assert!(page.body.contains("badge delivery-failed"));
        assert!(page.body.contains("connection failed"), "{}", page.body);
        let action = format!("/ui/events/{event}/redeliver");
        assert!(page.body.contains(&format!("action=\"{action}\"")));
        assert!(
            b.get("/ui/events?delivery=failed")
                .await
                .body
                .contains(&event)
        );
        let delivered = b.get("/ui/events?delivery=delivered").await;
        assert!(delivered.body.contains("No event matches."));
        let bad = b.get("/ui/events?delivery=lost").await;
        assert!(bad.body.contains("Pick a kind and a delivery state"));

        let csrf = page.csrf();
        let sent = b.post(&action, &[("csrf", &csrf)]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert_eq!(sent.location(), "/ui/events?delivery=pending");
        let after = b.get(sent.location()).await;
        assert!(
            after.body.contains("is queued for the webhook again"),
            "{}",
            after.body
        );
        let audit = t
            .store
            .list_audit(
                &AuditFilter {
                    action: Some("event.redeliver".into()),
                    ..AuditFilter::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].draft.details["event_id"], event.as_str());
        // Without the form's token nothing is sent.
        let forged = b.post(&action, &[]).await;
        assert_ne!(forged.status, StatusCode::SEE_OTHER);
        t.stop().await;
    })
    .await;
}

/// Without a webhook the page says events are only stored, and offers no
/// sending.
#[tokio::test]
async fn the_events_page_without_a_webhook_offers_no_sending() {
    on_each_backend(|t| async move {
        let event = revoked_in_use_event(&t, "none").await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let page = b.get("/ui/events").await;
        assert!(page.body.contains(&event));
        assert!(page.body.contains("No webhook is configured"));
        assert!(!page.body.contains("/redeliver"));
        assert!(
            page.body
                .contains("href=\"/ui/events\" aria-current=\"page\"")
        );
        t.stop().await;
    })
    .await;
}

/// Every console route that acts or shows keys, with a session whose root
/// key lacks each permission in turn: the routes of that permission answer
/// a 403 page (and change nothing), the others let the session through.
/// Routes that need no permission: `/ui` (it says what the key lacks),
/// `/ui/keys/{id}/created` (a session's own one-time reveal),
/// `/ui/generator`, `/ui/sign-out`.
#[tokio::test]
async fn every_console_route_refuses_a_session_without_its_permission() {
    on_each_backend(|t| async move {
        let event_id = {
            // An event to redeliver: a leak report raises one.
            let (_, leaked) = t.create(json!({"environment": "live"})).await;
            let r = t
                .send(
                    "POST",
                    "/v1/leaks",
                    None,
                    Some(json!([{"key": leaked, "source": "walk"}])),
                    &[],
                    Some("198.51.100.9"),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.text);
            let events = t.call("GET", "/v1/events", None).await;
            events.json[0]["id"].as_str().unwrap().to_owned()
        };
        let routes: [(&str, &str, Permission); 38] = [
            ("GET", "/ui/secrets", Permission::SecretsRead),
            ("POST", "/ui/secrets", Permission::SecretsWrite),
            ("GET", "/ui/secrets/live/WALKED", Permission::SecretsRead),
            (
                "POST",
                "/ui/secrets/live/WALKED/reveal",
                Permission::SecretsRead,
            ),
            (
                "POST",
                "/ui/secrets/live/WALKED/rollback",
                Permission::SecretsWrite,
            ),
            (
                "POST",
                "/ui/secrets/live/WALKED/delete",
                Permission::SecretsWrite,
            ),
            ("GET", "/ui/keys", Permission::KeysRead),
            ("GET", "/ui/pending", Permission::KeysRead),
            ("POST", "/ui/keys/{id}/approve", Permission::KeysWrite),
            ("POST", "/ui/keys/{id}/decline", Permission::KeysRevoke),
            ("GET", "/ui/keys/{id}", Permission::KeysRead),
            ("GET", "/ui/owners/acme", Permission::KeysRead),
            ("GET", "/ui/events", Permission::KeysRead),
            ("GET", "/ui/keys/new", Permission::KeysWrite),
            ("POST", "/ui/keys", Permission::KeysWrite),
            ("GET", "/ui/keys/{id}/edit", Permission::KeysWrite),
            ("POST", "/ui/keys/{id}/edit", Permission::KeysWrite),
            ("GET", "/ui/keys/{id}/roll", Permission::KeysWrite),
            ("POST", "/ui/keys/{id}/roll", Permission::KeysWrite),
            ("POST", "/ui/keys/{id}/enable", Permission::KeysWrite),
            (
                "POST",
                "/ui/events/{event}/redeliver",
                Permission::KeysWrite,
            ),
            ("GET", "/ui/keys/{id}/revoke", Permission::KeysRevoke),
            ("POST", "/ui/keys/{id}/revoke", Permission::KeysRevoke),
            ("POST", "/ui/keys/{id}/disable", Permission::KeysRevoke),
            ("GET", "/ui/emergency", Permission::KeysRevoke),
            ("POST", "/ui/emergency", Permission::KeysRevoke),
            ("GET", "/ui/audit", Permission::AuditRead),
            ("POST", "/ui/space", Permission::KeysRead),
            ("GET", "/ui/spaces", Permission::KeysRead),
            ("GET", "/ui/spaces/{space}/roles", Permission::KeysRead),
            ("POST", "/ui/spaces", Permission::SpacesWrite),
            ("GET", "/ui/spaces/{space}", Permission::SpacesWrite),
            ("POST", "/ui/spaces/{space}", Permission::SpacesWrite),
            ("GET", "/ui/spaces/{space}/delete", Permission::SpacesWrite),
            ("POST", "/ui/spaces/{space}/delete", Permission::SpacesWrite),
            ("POST", "/ui/spaces/{space}/roles", Permission::SpacesWrite),
            (
                "GET",
                "/ui/spaces/{space}/roles/{role}/delete",
                Permission::SpacesWrite,
            ),
            (
                "POST",
                "/ui/spaces/{space}/roles/{role}/delete",
                Permission::SpacesWrite,
            ),
        ];
        for missing in [
            Permission::KeysRead,
            Permission::KeysWrite,
            Permission::KeysRevoke,
            Permission::AuditRead,
            Permission::SpacesWrite,
            Permission::SecretsRead,
            Permission::SecretsWrite,
        ] {
            let held: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| *p != missing && *p != Permission::Admin)
                .collect();
            let token = t.root_key(&held).await;
            let mut b = Browser::new(&t);
            assert_eq!(b.sign_in(&token).await.status, StatusCode::SEE_OTHER);
            let csrf = b.get("/ui").await.csrf();
            for (method, path, needed) in routes {
                let (id, key) = t
                    .create(json!({"environment": "live", "owner": "acme"}))
                    .await;
                // The space `walk` with its role `walker`, as they were
                // before any walk changed or deleted them.
                t.call("POST", "/v1/spaces", Some(json!({"id": "walk"})))
                    .await;
                let r = t
                    .call("PATCH", "/v1/spaces/walk", Some(json!({"name": "walk"})))
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.json);
                let r = t
                    .call(
                        "PUT",
                        "/v1/spaces/walk/roles/walker",
                        Some(json!({"permissions": ["walk.read"]})),
                    )
                    .await;
                assert!(r.status.is_success(), "{}", r.json);
                t.call("DELETE", "/v1/spaces/walk/roles/walked", None).await;
                let uri = path
                    .replace("{id}", &id)
                    .replace("{event}", &event_id)
                    .replace("{space}", "walk")
                    .replace("{role}", "walker");
                let p = if method == "GET" {
                    b.get(&uri).await
                } else {
                    let fields = [
                        ("csrf", csrf.as_str()),
                        ("environment", "live"),
                        ("owner", "nobody"),
                        ("confirm", "revoke"),
                        ("name", "walked"),
                        ("space", "walk"),
                        ("permissions", "walk.write"),
                        ("value", "walked value"),
                        ("to", "1"),
                    ];
                    b.post(&uri, &fields).await
                };
                if needed == missing {
                    assert_eq!(
                        p.status,
                        StatusCode::FORBIDDEN,
                        "{}: {method} {path} without {missing}",
                        t.backend
                    );
                    assert!(p.body.contains(missing.as_str()), "{method} {path}");
                    let v = t.verify(json!({"key": key})).await;
                    assert_eq!(v["code"], "VALID", "{method} {path} changed nothing");
                    let space = t.call("GET", "/v1/spaces/walk", None).await;
                    assert_eq!(space.json["name"], "walk", "{method} {path}");
                    let roles = t.call("GET", "/v1/spaces/walk/roles", None).await;
                    assert_eq!(
                        roles.json["roles"],
                        json!([{
                            "space": "walk", "name": "walker", "permissions": ["walk.read"],
                            "created_at": roles.json["roles"][0]["created_at"],
                            "updated_at": roles.json["roles"][0]["updated_at"],
                        }]),
                        "{method} {path} changed no role"
                    );
                    assert!(p.set_cookie("kw_space").is_none(), "{method} {path}");
                } else {
                    assert!(
                        p.status != StatusCode::FORBIDDEN,
                        "{}: {method} {path} needs {needed}, the session lacks only {missing}: {}",
                        t.backend,
                        p.body
                    );
                }
            }
        }
        t.stop().await;
    })
    .await;
}

/// Makes the spaces `payments` (prefix `pay`) and `search` through the API.
async fn two_spaces(t: &TestApp) {
    for (id, prefix) in [("payments", "pay"), ("search", "srch")] {
        let r = t
            .call(
                "POST",
                "/v1/spaces",
                Some(json!({ "id": id, "key_prefix": prefix })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", t.backend, r.json);
    }
}

/// Switches the console's space with the top bar's form (`""`: every space).
async fn switch_space(b: &mut Browser<'_>, space: &str, next: &str) -> Page {
    b.submit("/ui", "/ui/space", &[("space", space), ("next", next)])
        .await
}

#[tokio::test]
async fn switching_space_filters_the_keys_list_and_the_pages() {
    on_each_backend(|t| async move {
        two_spaces(&t).await;
        let (pay, _) = t
            .create(json!({"environment": "live", "space": "payments", "name": "pay-key"}))
            .await;
        let (search, _) = t
            .create(json!({"environment": "live", "space": "search", "name": "search-key"}))
            .await;
        let (plain, _) = t.create(json!({"environment": "live"})).await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;

        // Every space at first: all keys, and the switcher lists every space.
        let keys = b.get("/ui/keys").await;
        for id in [&pay, &search, &plain] {
            assert!(keys.body.contains(id.as_str()), "{}: {id}", t.backend);
        }
        assert!(keys.body.contains("<form class=\"space-switch\""));
        assert!(keys.body.contains(
            "<label for=\"space-switch\" class=\"visually-hidden\">Current space</label>"
        ));
        assert!(
            keys.body
                .contains("<option value=\"\" selected>All spaces</option>")
        );
        for space in ["default", "payments", "search"] {
            assert!(
                keys.body.contains(&format!("<option value=\"{space}\">")),
                "{space}"
            );
        }
        assert!(keys.body.contains("name=\"next\" value=\"/ui/keys\""));

        // Switch: a strict cookie, back to the page (without its cursor).
        let p = switch_space(&mut b, "payments", "/ui/keys?status=active&cursor=1.key_x").await;
        assert_eq!(
            (p.status, p.location()),
            (
                StatusCode::SEE_OTHER,
                "/ui/keys?status=active&cursor=1.key_x"
            )
        );
        let cookie = p.set_cookie("kw_space").unwrap();
        assert!(
            cookie.starts_with("kw_space=payments; Path=/ui; Max-Age="),
            "{cookie}"
        );
        assert!(cookie.contains("HttpOnly; SameSite=Strict"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP without a TLS proxy");
        let keys = b.get("/ui/keys").await;
        assert!(keys.body.contains(&pay));
        assert!(!keys.body.contains(&search), "another space's key");
        assert!(!keys.body.contains(&plain), "the space default's key");
        assert!(keys.body.contains("1 matching key in the space"));
        assert!(keys.body.contains("<option value=\"payments\" selected>"));
        // The overview, the audit log and the events follow.
        let overview = b.get("/ui").await;
        assert!(
            overview
                .body
                .contains("The space <span class=\"mono\">payments</span>")
        );
        assert!(
            overview.body.contains(
                "<span class=\"stat-value\">1</span><span class=\"stat-label\">keys</span>"
            )
        );
        let audit_page = b.get("/ui/audit?action=key.create").await;
        assert!(audit_page.body.contains(&pay), "{}", t.backend);
        assert!(!audit_page.body.contains(&search));
        assert_eq!(b.get("/ui/events").await.status, StatusCode::OK);
        // A key page of another space still opens (it is seen), and the
        // create form offers the current space first.
        assert_eq!(
            b.get(&format!("/ui/keys/{search}")).await.status,
            StatusCode::OK
        );
        let form = b.get("/ui/keys/new").await;
        assert!(
            form.body.contains("<option value=\"payments\" selected>"),
            "{}",
            form.body
        );

        // Every space again: the cookie is cleared.
        let p = switch_space(&mut b, "", "/ui/keys").await;
        assert!(p.set_cookie("kw_space").unwrap().contains("Max-Age=0"));
        let keys = b.get("/ui/keys").await;
        assert!(keys.body.contains(&search) && keys.body.contains(&plain));

        // No open redirect, no unknown space, no cookie the key cannot hold.
        let p = switch_space(&mut b, "search", "https://evil.example/").await;
        assert_eq!(p.location(), "/ui");
        let p = switch_space(&mut b, "nowhere", "/ui/keys").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(p.set_cookie("kw_space").is_none());
        let p = switch_space(&mut b, "<script>", "/ui/keys").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        // A forged cookie that is no space id is no choice: every space.
        b.cookies.insert("kw_space".into(), "..%2F<b>".into());
        let keys = b.get("/ui/keys").await;
        assert_eq!(keys.status, StatusCode::OK);
        assert!(keys.body.contains(&pay) && keys.body.contains(&search));
        // A deleted space stays named in the switcher, with nothing in it.
        b.cookies.insert("kw_space".into(), "gone".into());
        let keys = b.get("/ui/keys").await;
        assert!(
            keys.body
                .contains("<option value=\"gone\" selected>gone (not found)</option>")
        );
        assert!(keys.body.contains("0 matching keys"));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_root_key_scoped_to_one_space_sees_only_it() {
    on_each_backend(|t| async move {
        two_spaces(&t).await;
        let (pay, _) = t
            .create(json!({"environment": "live", "space": "payments"}))
            .await;
        let (search, _) = t
            .create(json!({"environment": "live", "space": "search"}))
            .await;
        let r = t
            .call(
                "PUT",
                "/v1/spaces/payments/roles/editor",
                Some(json!({"permissions": ["docs.read"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let scoped = t
            .scoped_root_key(
                &[
                    Permission::KeysRead,
                    Permission::KeysWrite,
                    Permission::SpacesWrite,
                    Permission::AuditRead,
                ],
                &["search"],
            )
            .await;
        let mut b = Browser::new(&t);
        assert_eq!(b.sign_in(&scoped).await.status, StatusCode::SEE_OTHER);
        let keys = b.get("/ui/keys").await;
        assert!(
            keys.body.contains("<option value=\"search\">"),
            "{}",
            t.backend
        );
        for other in ["payments", "default"] {
            assert!(
                !keys.body.contains(&format!("<option value=\"{other}\"")),
                "{other} is not in the switcher"
            );
        }
        assert!(keys.body.contains(&search) && !keys.body.contains(&pay));
        let spaces = b.get("/ui/spaces").await;
        assert_eq!(spaces.status, StatusCode::OK);
        assert!(spaces.body.contains("id=\"space-search\""));
        assert!(!spaces.body.contains("space-payments"));
        assert!(!spaces.body.contains("/ui/spaces/payments"));

        // Another space's key page, roles page and forms: 404 pages.
        for uri in [
            format!("/ui/keys/{pay}"),
            format!("/ui/keys/{pay}/edit"),
            "/ui/spaces/payments/roles".to_owned(),
            "/ui/spaces/payments".to_owned(),
            "/ui/spaces/payments/delete".to_owned(),
            "/ui/spaces/payments/roles/editor/delete".to_owned(),
            "/ui/spaces/default/roles".to_owned(),
        ] {
            let p = b.get(&uri).await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{}: {uri}", t.backend);
            assert!(!p.body.contains("docs.read"), "{uri}");
        }
        assert_eq!(
            b.get(&format!("/ui/keys/{search}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            b.get("/ui/spaces/search/roles").await.status,
            StatusCode::OK
        );
        // Nor can it switch to, or act in, another space.
        let p = switch_space(&mut b, "payments", "/ui/keys").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(p.set_cookie("kw_space").is_none());
        let p = b
            .submit(
                "/ui/spaces/search/roles",
                "/ui/spaces/payments/roles",
                &[("name", "editor"), ("permissions", "everything.*")],
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        let p = b
            .submit("/ui/spaces", "/ui/spaces/payments/delete", &[])
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        let p = b
            .submit(
                "/ui/keys/new",
                "/ui/keys",
                &[("environment", "live"), ("space", "payments")],
            )
            .await;
        assert_eq!(
            p.status,
            StatusCode::FORBIDDEN,
            "creating outside its space"
        );
        let role = t
            .call("GET", "/v1/spaces/payments/roles/editor", None)
            .await;
        assert_eq!(role.json["permissions"], json!(["docs.read"]));
        assert_eq!(
            t.call("GET", "/v1/spaces/payments", None).await.status,
            StatusCode::OK
        );
        // A cookie naming another space is ignored.
        b.cookies.insert("kw_space".into(), "payments".into());
        let keys = b.get("/ui/keys").await;
        assert!(keys.body.contains(&search) && !keys.body.contains(&pay));
        assert!(
            keys.body
                .contains("<option value=\"\" selected>All spaces</option>")
        );
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_key_is_created_in_a_space_with_a_role_from_the_form() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        // The space and its role, made with the console's own forms.
        let p = b
            .submit(
                "/ui/spaces",
                "/ui/spaces",
                &[
                    ("id", "payments"),
                    ("name", "Payments"),
                    ("key_prefix", "pay"),
                    ("environments", "live, test"),
                ],
            )
            .await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, "/ui/spaces#space-payments"),
            "{}: {}",
            t.backend,
            p.body
        );
        let p = b
            .submit(
                "/ui/spaces/payments/roles",
                "/ui/spaces/payments/roles",
                &[("name", "editor"), ("permissions", "docs.read\ndocs.write")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        switch_space(&mut b, "payments", "/ui/keys/new").await;
        let form = b.get("/ui/keys/new").await;
        assert!(form.body.contains("<label for=\"space\">Space</label>"));
        assert!(form.body.contains("<label for=\"roles\">Roles</label>"));
        assert!(
            form.body.contains("Roles of payments: editor."),
            "{}",
            form.body
        );

        let p = b
            .submit(
                "/ui/keys/new",
                "/ui/keys",
                &[
                    ("environment", "live"),
                    ("space", "payments"),
                    ("roles", "editor"),
                    ("scopes", "orders:read"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let id = p
            .location()
            .strip_prefix("/ui/keys/")
            .unwrap()
            .strip_suffix("/created")
            .unwrap()
            .to_owned();
        let shown = shown_key(&b.get(p.location()).await.body).unwrap();
        assert!(shown.starts_with("pay_live_"), "{shown}");
        let view = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(view.json["space"], "payments");
        assert_eq!(view.json["roles"], json!(["editor"]));
        assert_eq!(
            view.json["effective_permissions"],
            json!(["orders:read", "docs.read", "docs.write"])
        );
        let v = t
            .verify(json!({"key": shown, "permissions": "docs.write AND orders:read"}))
            .await;
        assert_eq!(v["code"], "VALID", "{v}");

        // Refusals show next to their fields, the form kept.
        for (fields, message, field) in [
            (
                vec![
                    ("environment", "live"),
                    ("space", "payments"),
                    ("roles", "admin"),
                ],
                "has no role admin",
                "roles",
            ),
            (
                vec![
                    ("environment", "live"),
                    ("space", "payments"),
                    ("roles", "Bad Role!"),
                ],
                "Roles: invalid role",
                "roles",
            ),
            (
                vec![("environment", "staging"), ("space", "payments")],
                "allows keys only in",
                "environment",
            ),
            (
                vec![("environment", "live"), ("space", "nowhere")],
                "no such space",
                "space",
            ),
            (
                vec![("environment", "live"), ("space", "Not A Space")],
                "Space: invalid space",
                "space",
            ),
        ] {
            let p = b.submit("/ui/keys/new", "/ui/keys", &fields).await;
            assert_eq!(
                p.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {fields:?}: {}",
                t.backend,
                p.body
            );
            let alert = p.body.split("role=\"alert\"").nth(1).unwrap();
            assert!(
                alert.contains(message),
                "{fields:?}: wants {message:?}: {alert}"
            );
            assert!(!alert.split("</div>").next().unwrap().contains("Bad Role!"));
            let invalid = format!("id=\"{field}\" name=\"{field}\"");
            let at = p.body.find(&invalid).unwrap_or_else(|| panic!("{field}"));
            let tag = &p.body[at..at + p.body[at..].find('>').unwrap()];
            assert!(tag.contains("aria-invalid=\"true\""), "{fields:?}: {tag}");
        }
        let listed = t.call("GET", "/v1/keys?space=payments", None).await;
        assert_eq!(
            listed.json["keys"].as_array().unwrap().len(),
            1,
            "nothing else stored"
        );

        // The edit form changes the roles.
        let edit = b.get(&format!("/ui/keys/{id}/edit")).await;
        assert!(edit.body.contains("value=\"editor\""), "prefilled");
        let p = b
            .submit(
                &format!("/ui/keys/{id}/edit"),
                &format!("/ui/keys/{id}/edit"),
                &[("scopes", "orders:read"), ("roles", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let view = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(view.json["roles"], json!([]));
        assert_eq!(view.json["effective_permissions"], json!(["orders:read"]));
        let p = b
            .submit(
                &format!("/ui/keys/{id}/edit"),
                &format!("/ui/keys/{id}/edit"),
                &[("scopes", "orders:read"), ("roles", "ghost")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("has no role ghost"));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn setting_a_role_on_its_page_changes_the_key_page() {
    on_each_backend(|t| async move {
        two_spaces(&t).await;
        let r = t
            .call(
                "PUT",
                "/v1/spaces/payments/roles/editor",
                Some(json!({"permissions": ["docs.read", "docs.write", "orders:read"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let (id, key) = t
            .create(json!({"environment": "live", "space": "payments", "roles": ["editor"], "scopes": ["orders:read"]}))
            .await;
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let page = format!("/ui/keys/{id}");
        let p = b.get(&page).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("<a class=\"mono\" href=\"/ui/spaces/payments/roles\">payments</a>"));
        assert!(p.body.contains("href=\"/ui/spaces/payments/roles#role-editor\">editor</a>"));
        let effective = |body: &str| -> Vec<String> {
            let list = body.split("<ul class=\"perms\"").nth(1).unwrap().split("</ul>").next().unwrap();
            list.split("<li>").skip(1).map(|li| li.split("</li>").next().unwrap().to_owned()).collect()
        };
        let rows = effective(&p.body);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(rows[0].contains("orders:read") && rows[0].contains("direct") && rows[0].contains("role editor"), "{rows:?}");
        assert!(rows[1].contains("docs.read") && !rows[1].contains("direct") && rows[1].contains("role editor"));
        assert!(rows[2].contains("docs.write"));

        // The roles page lists it; its form changes it.
        let roles = b.get("/ui/spaces/payments/roles").await;
        assert!(roles.body.contains("id=\"role-editor\""));
        assert!(roles.body.contains("<label for=\"permissions\">Permissions</label>"));
        let edit = b.get("/ui/spaces/payments/roles?edit=editor").await;
        assert!(edit.body.contains("docs.read\ndocs.write\norders:read</textarea>"), "{}", edit.body);
        let p = b
            .submit(
                "/ui/spaces/payments/roles",
                "/ui/spaces/payments/roles",
                &[("name", "editor"), ("permissions", "docs.read, docs.admin")],
            )
            .await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, "/ui/spaces/payments/roles#role-editor")
        );
        assert!(b.get("/ui/spaces/payments/roles").await.body.contains("keys holding it have its permissions now"));
        let rows = effective(&b.get(&page).await.body);
        let text = rows.join("|");
        assert!(text.contains("docs.admin") && !text.contains("docs.write"), "{text}");
        assert!(rows[0].contains("orders:read") && !rows[0].contains("role editor"), "{rows:?}");
        let v = t.verify(json!({"key": key, "permissions": "docs.admin"})).await;
        assert_eq!(v["code"], "VALID", "the verifier agrees: {v}");
        let entries = audit(&t, "role.set").await;
        assert_eq!(entries.len(), 2, "one by the API, one by the console");
        assert!(
            entries
                .iter()
                .any(|e| e.draft.client_ip.as_deref() == Some("127.0.0.1")),
            "the console's, from the browser's address"
        );

        // Bad names: a message, no crash, nothing stored.
        for (name, permissions, message) in [
            ("editor", "docs.", "Permissions: invalid"),
            ("editor", "docs read!", "Permissions: invalid"),
            ("Editor!", "docs.read", "Role name: invalid"),
            ("", "docs.read", "Role name: required"),
        ] {
            let p = b
                .submit(
                    "/ui/spaces/payments/roles",
                    "/ui/spaces/payments/roles",
                    &[("name", name), ("permissions", permissions)],
                )
                .await;
            assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{name} {permissions}");
            assert!(p.body.contains(message), "{message}: {}", p.body);
            assert!(p.body.contains("aria-invalid=\"true\""));
        }
        let role = t.call("GET", "/v1/spaces/payments/roles/editor", None).await;
        assert_eq!(role.json["permissions"], json!(["docs.read", "docs.admin"]));

        // Deleting the role: with a confirmation page, and the key page says so.
        let confirm = b.get("/ui/spaces/payments/roles/editor/delete").await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("Delete role"));
        let p = b
            .submit(
                "/ui/spaces/payments/roles",
                "/ui/spaces/payments/roles/editor/delete",
                &[],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = b.get(&page).await;
        // The key no longer holds the role's name at all.
        assert!(!p.body.contains("(deleted: grants nothing)"));
        assert_eq!(effective(&p.body).len(), 1);
        let p = b
            .submit(
                "/ui/spaces/payments/roles",
                "/ui/spaces/payments/roles/editor/delete",
                &[],
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "already gone");
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn the_spaces_page_creates_changes_and_deletes_spaces() {
    on_each_backend(|t| async move {
        let mut b = Browser::new(&t);
        b.sign_in(&t.root).await;
        let list = b.get("/ui/spaces").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body
                .contains("href=\"/ui/spaces\" aria-current=\"page\">Spaces</a>")
        );
        assert!(list.body.contains("<th scope=\"col\">Key prefix</th>"));
        assert!(
            list.body.contains("(inherited)"),
            "default has the deployment's prefix"
        );
        for label in [
            "Id",
            "Name",
            "Key prefix",
            "Environments",
            "Credits",
            "Credit refill",
            "Longest lifetime",
            "Delete protection",
        ] {
            assert!(
                list.body.contains(&format!("\">{label}</label>")),
                "{label}"
            );
        }

        let p = b
            .submit(
                "/ui/spaces",
                "/ui/spaces",
                &[
                    ("id", "payments"),
                    ("key_prefix", "pay"),
                    ("environments", "live"),
                    ("rate_limit", "100"),
                    ("rate_window", "60"),
                    ("credits", "1000"),
                    ("refill", "1d"),
                    ("max_lifetime", "90d"),
                    ("delete_protection", "on"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", t.backend, p.body);
        let view = t.call("GET", "/v1/spaces/payments", None).await;
        assert_eq!(view.json["key_prefix"], "pay");
        assert_eq!(view.json["key_prefix_inherited"], false);
        assert_eq!(
            view.json["defaults"],
            json!({"environments": ["live"], "rate_limit": {"limit": 100, "window_seconds": 60},
                   "credits": {"amount": 1000, "refill_interval": "1d"}, "max_lifetime": "90d"})
        );
        assert_eq!(view.json["delete_protection"], true);
        let list = b.get("/ui/spaces").await;
        assert!(list.body.contains("Created the space payments."));
        assert!(list.body.contains("1000 credits, refilled every 1d"));
        assert!(list.body.contains("lives at most 90d"));

        // Refusals: next to their fields, or the form as a whole.
        for (fields, message, field, status) in [
            (
                vec![("id", "")],
                "Id: required",
                "id",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "Pay!")],
                "Id: invalid space",
                "id",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "x"), ("key_prefix", "P-1")],
                "Key prefix: invalid",
                "key_prefix",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "x"), ("environments", "root")],
                "reserved for root keys",
                "environments",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "x"), ("refill", "1s"), ("credits", "5")],
                "refill_interval must be",
                "refill",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "x"), ("max_lifetime", "forever")],
                "max_lifetime must be",
                "max_lifetime",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "x"), ("rate_limit", "0"), ("rate_window", "60")],
                "rate_limit.limit",
                "rate_limit",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "x"), ("name", "tab\there")],
                "control characters",
                "name",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                vec![("id", "payments")],
                "SPACE_EXISTS",
                "",
                StatusCode::CONFLICT,
            ),
        ] {
            let p = b.submit("/ui/spaces", "/ui/spaces", &fields).await;
            assert_eq!(p.status, status, "{}: {fields:?}: {}", t.backend, p.body);
            assert!(
                p.body.contains(message),
                "{fields:?}: wants {message:?}: {}",
                p.body
            );
            if !field.is_empty() {
                let at = p
                    .body
                    .find(&format!("id=\"{field}\" name=\"{field}\""))
                    .unwrap();
                let tag = &p.body[at..at + p.body[at..].find('>').unwrap()];
                assert!(tag.contains("aria-invalid=\"true\""), "{fields:?}: {tag}");
            }
        }
        assert_eq!(
            t.call("GET", "/v1/spaces", None).await.json["spaces"]
                .as_array()
                .unwrap()
                .len(),
            2
        );

        // Edit: only what changed; prefix back to the deployment's.
        let edit = b.get("/ui/spaces/payments").await;
        assert!(edit.body.contains("value=\"pay\""), "prefilled");
        assert!(edit.body.contains("value=\"90d\""));
        let fields = [
            ("name", "Payments"),
            ("key_prefix", ""),
            ("environments", "live"),
            ("rate_limit", "100"),
            ("rate_window", "60"),
            ("credits", "1000"),
            ("refill", "24h"),
            ("max_lifetime", "90d"),
            ("delete_protection", "on"),
        ];
        let p = b
            .submit("/ui/spaces/payments", "/ui/spaces/payments", &fields)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let entries = audit(&t, "space.update").await;
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].draft.details,
            json!({"changed": ["name", "key_prefix"]}),
            "24h is 1d"
        );
        let view = t.call("GET", "/v1/spaces/payments", None).await;
        assert_eq!(view.json["name"], "Payments");
        assert_eq!(view.json["key_prefix_inherited"], true);
        let p = b
            .submit("/ui/spaces/payments", "/ui/spaces/payments", &fields)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(b.get("/ui/spaces").await.body.contains("Nothing changed."));
        let p = b
            .submit(
                "/ui/spaces/payments",
                "/ui/spaces/payments",
                &[("credits", "none")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Credits: a whole number"));
        assert_eq!(
            b.get("/ui/spaces/nowhere").await.status,
            StatusCode::NOT_FOUND
        );

        // Delete: refused while protected, then while it holds a key; then done.
        let (id, _) = t
            .create(json!({"environment": "live", "space": "payments"}))
            .await;
        let confirm = b.get("/ui/spaces/payments/delete").await;
        assert!(confirm.body.contains("Delete space"));
        let p = b
            .submit("/ui/spaces", "/ui/spaces/payments/delete", &[])
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
        assert!(
            p.body
                .contains("The space has delete protection: turn it off")
        );
        assert!(p.body.contains("DELETE_PROTECTED"));
        let mut unprotected = fields.to_vec();
        unprotected.retain(|(k, _)| *k != "delete_protection");
        let p = b
            .submit("/ui/spaces/payments", "/ui/spaces/payments", &unprotected)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = b
            .submit("/ui/spaces", "/ui/spaces/payments/delete", &[])
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(
            p.body.contains("still holds 1 key that is not revoked"),
            "{}",
            p.body
        );
        assert!(p.body.contains("SPACE_HAS_KEYS"));
        let p = b
            .submit("/ui/spaces", "/ui/spaces/default/delete", &[])
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(p.body.contains("DELETE_PROTECTED"));
        let r = t.call("POST", &format!("/v1/keys/{id}/revoke"), None).await;
        assert_eq!(r.status, StatusCode::OK);
        switch_space(&mut b, "payments", "/ui/spaces").await;
        assert!(b.cookies.contains_key("kw_space"));
        let p = b
            .submit("/ui/spaces", "/ui/spaces/payments/delete", &[])
            .await;
        assert_eq!(
            (p.status, p.location()),
            (StatusCode::SEE_OTHER, "/ui/spaces")
        );
        assert!(
            p.set_cookie("kw_space").unwrap().contains("Max-Age=0"),
            "no longer the current space"
        );
        assert_eq!(
            t.call("GET", "/v1/spaces/payments", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            b.get("/ui/spaces")
                .await
                .body
                .contains("Deleted the space payments.")
        );

        // A key that may change spaces but not read keys gets its forms
        // back with their messages, without the lists.
        let writer = t.root_key(&[Permission::SpacesWrite]).await;
        let mut w = Browser::new(&t);
        assert_eq!(w.sign_in(&writer).await.status, StatusCode::SEE_OTHER);
        assert_eq!(w.get("/ui/spaces").await.status, StatusCode::FORBIDDEN);
        let csrf = w.get("/ui").await.csrf();
        let p = w
            .post("/ui/spaces", &[("csrf", &csrf), ("id", "Bad Id")])
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Id: invalid space"));
        assert!(p.body.contains("the spaces are not listed"));
        let p = w
            .post(
                "/ui/spaces/default/roles",
                &[("csrf", &csrf), ("name", "x"), ("permissions", "bad..name")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("Permissions: invalid"));
        assert!(p.body.contains("the roles are not listed"));
        t.stop().await;
    })
    .await;
}
