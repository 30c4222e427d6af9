//! Leak response: GitHub's signed secret-scanning reports
//! (`POST /v1/leaks/github`) and TruffleHog's verification webhook
//! (`POST /v1/verify/trufflehog`).

use std::path::{Path, PathBuf};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use base64::Engine;
use p256::ecdsa::Signature;
use serde_json::{Value, json};

use crate::{Options, Resp, TestApp, on_each_backend, on_each_backend_with};

/// Request headers, owned.
type Headers = Vec<(&'static str, String)>;

/// A P-256 key pair made, and reports signed, by OpenSSL's command line
/// (`openssl ecparam`, `openssl dgst -sha256 -sign`), as GitHub's signer
/// is no code of ours: the verifier is held to an implementation it does
/// not share a crate with. The private key lives in a temporary directory.
#[derive(Clone)]
struct SigningKey {
    dir: std::sync::Arc<tempfile::TempDir>,
}

/// Runs `openssl` with `args`; its standard output. Fails, naming the
/// reason, when OpenSSL is missing: the GitHub tests need it (CI installs
/// it).
fn openssl(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("the GitHub signature tests sign with the openssl command (apt-get install openssl): {e}")
        });
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A P-256 key pair made for the test.
fn signing_key() -> SigningKey {
    let key = SigningKey {
        dir: std::sync::Arc::new(tempfile::tempdir().unwrap()),
    };
    openssl(&[
        "ecparam".as_ref(),
        "-name".as_ref(),
        "prime256v1".as_ref(),
        "-genkey".as_ref(),
        "-noout".as_ref(),
        "-out".as_ref(),
        key.pem().as_os_str(),
    ]);
    key
}

impl SigningKey {
    fn pem(&self) -> PathBuf {
        self.dir.path().join("key.pem")
    }

    /// The public key, PEM (SubjectPublicKeyInfo), as GitHub publishes it.
    fn public_pem(&self) -> String {
        let pem = openssl(&[
            "ec".as_ref(),
            "-in".as_ref(),
            self.pem().as_os_str(),
            "-pubout".as_ref(),
        ]);
        String::from_utf8(pem).unwrap()
    }
}

/// Writes GitHub's meta document holding `keys` (identifier, key).
fn write_meta(path: &Path, keys: &[(&str, &SigningKey)]) {
    let public_keys: Vec<Value> = keys
        .iter()
        .map(|(id, key)| {
            json!({
                "key_identifier": id,
                "key": key.public_pem(),
                "is_current": true,
            })
        })
        .collect();
    std::fs::write(path, json!({ "public_keys": public_keys }).to_string()).unwrap();
}

/// GitHub's signature header of `body`: base64 of the DER ECDSA-SHA256
/// signature, made by `openssl dgst -sha256 -sign`.
fn sign(key: &SigningKey, body: &[u8]) -> String {
    let file = tempfile::NamedTempFile::new_in(key.dir.path()).unwrap();
    std::fs::write(file.path(), body).unwrap();
    let der = openssl(&[
        "dgst".as_ref(),
        "-sha256".as_ref(),
        "-sign".as_ref(),
        key.pem().as_os_str(),
        file.path().as_os_str(),
    ]);
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// A POST with a raw body, from a peer address.
async fn post(t: &TestApp, uri: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Resp {
    let mut req = Request::builder().method("POST").uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    let addr: std::net::SocketAddr = "198.51.100.7:40000".parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    t.raw(req).await
}

/// A signed GitHub report.
async fn report(t: &TestApp, key_id: &str, key: &SigningKey, body: &[u8]) -> Resp {
    let signature = sign(key, body);
    post(
        t,
        "/v1/leaks/github",
        body.to_vec(),
        &[
            ("content-type", "application/json"),
            ("github-public-key-identifier", key_id),
            ("github-public-key-signature", &signature),
        ],
    )
    .await
}

/// A server whose GitHub key file (in `dir`) holds `key` as `github-1`.
fn with_partner_keys(dir: &Path, key: &SigningKey) -> impl Fn() -> Options + use<> {
    let path: PathBuf = dir.join("github-keys.json");
    write_meta(&path, &[("github-1", key)]);
    move || {
        let mut options = Options::default();
        options.config.github_partner_keys = Some(path.clone());
        options.config.failure_limit_per_minute = 6;
        options
    }
}

/// What a key's leak reports wrote: its audit entries (reads aside) and
/// all events.
async fn written(t: &TestApp, id: &str) -> (usize, usize) {
    let audit = t.call("GET", "/v1/audit?limit=500", None).await;
    let events = t.call("GET", "/v1/events?limit=500", None).await;
    let entries = audit.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == id && e["action"] != "key.read")
        .count();
    (entries, events.json.as_array().unwrap().len())
}

async fn verify_code(t: &TestApp, key: &str) -> String {
    t.verify(json!({ "key": key })).await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_signed_github_report_revokes_the_key_and_answers_labels() {
    let dir = tempfile::tempdir().unwrap();
    let github = signing_key();
    on_each_backend_with(with_partner_keys(dir.path(), &github), |t| {
        let github = github.clone();
        async move {
            let (id, key) = t.create(json!({"environment": "live"})).await;
            let foreign = keywarden_core::key::mint(
                &"acme".parse().unwrap(),
                &"live".parse().unwrap(),
            );
            let url = "https://github.com/acme/app/blob/abc123/.env";
            let body = json!([
                {"token": key, "type": "keywarden_key", "url": url, "source": "content"},
                {"token": "kw_live_notakey", "type": "keywarden_key", "url": url, "source": "content"},
                {"token": foreign.expose(), "type": "keywarden_key", "url": url, "source": "commit"},
            ])
            .to_string();
            let r = report(&t, "github-1", &github, body.as_bytes()).await;
            assert_eq!(r.status, StatusCode::OK, "{}: {}", t.backend, r.text);
            assert_eq!(
                r.json,
                json!([
                    {"token_raw": key, "token_type": "keywarden_key", "label": "true_positive"},
                    {"token_raw": "kw_live_notakey", "token_type": "keywarden_key", "label": "false_positive"},
                    {"token_raw": foreign.expose(), "token_type": "keywarden_key", "label": "false_positive"},
                ])
            );
            // Revoked before the answer.
            assert_eq!(verify_code(&t, &key).await, "REVOKED");
            let k = t.call("GET", &format!("/v1/keys/{id}"), None).await;
            assert_eq!(k.json["revoke_reason"], "leaked");
            let audit = t
                .call(
                    "GET",
                    &format!("/v1/audit?target={id}&action=key.leak_revoke"),
                    None,
                )
                .await;
            let entries = audit.json["entries"].as_array().unwrap();
            assert_eq!(entries.len(), 1, "{}", audit.json);
            assert_eq!(entries[0]["actor"], "github-secret-scanning");
            assert_eq!(entries[0]["details"]["url"], url);
            assert_eq!(entries[0]["details"]["source"], "content");
            let events = t.call("GET", "/v1/events?kind=key.leaked", None).await;
            assert_eq!(events.json[0]["key_id"], id.as_str(), "{}", events.json);
            assert_eq!(events.json[0]["details"]["url"], url);
            assert_eq!(events.json[0]["details"]["source"], "content");

            // GitHub delivers again when an answer is lost, and an attacker
            // may replay a signed report: same labels, nothing written.
            let before = written(&t, &id).await;
            for _ in 0..60 {
                let again = report(&t, "github-1", &github, body.as_bytes()).await;
                assert_eq!(again.status, StatusCode::OK);
                assert_eq!(again.json, r.json);
            }
            assert_eq!(written(&t, &id).await, before, "{}: a replay writes nothing", t.backend);

            // OpenSSL, like Go's crypto/ecdsa, does not normalise S: half
            // its signatures are high-S. Either twin of a signature (s and
            // n - s) is as good as the other.
            let (_, key2) = t.create(json!({"environment": "live"})).await;
            let body2 = json!([{"token": key2, "type": "keywarden_key"}]).to_string();
            let signed = sign(&github, body2.as_bytes());
            let der = base64::engine::general_purpose::STANDARD
                .decode(&signed)
                .unwrap();
            let signed_sig = Signature::from_der(&der).unwrap();
            let (r_, s_) = signed_sig.split_scalars();
            let twin = Signature::from_scalars(r_, -s_).unwrap();
            assert_ne!(
                signed_sig.normalize_s().is_some(),
                twin.normalize_s().is_some(),
                "one twin is high-S"
            );
            let twin = base64::engine::general_purpose::STANDARD.encode(twin.to_der().as_bytes());
            for signature in [twin, signed] {
                let r = post(
                    &t,
                    "/v1/leaks/github",
                    body2.clone().into_bytes(),
                    &[
                        ("github-public-key-identifier", "github-1"),
                        ("github-public-key-signature", &signature),
                    ],
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                assert_eq!(r.json[0]["label"], "true_positive");
            }
            assert_eq!(verify_code(&t, &key2).await, "REVOKED");
            t.stop().await;
        }
    })
    .await;
}

#[tokio::test]
async fn an_unsigned_or_badly_signed_github_report_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let github = signing_key();
    let stranger = signing_key();
    on_each_backend_with(with_partner_keys(dir.path(), &github), |t| {
        let (github, stranger) = (github.clone(), stranger.clone());
        async move {
            let (_, key) = t.create(json!({"environment": "live"})).await;
            let body =
                json!([{"token": key, "type": "keywarden_key", "url": "u", "source": "content"}])
                    .to_string();
            let signed = sign(&github, body.as_bytes());
            let tampered = body.replace("content", "commit");
            let cases: Vec<(Vec<u8>, Headers)> = vec![
                // Signed by a key GitHub does not publish.
                (
                    body.clone().into_bytes(),
                    vec![
                        ("github-public-key-identifier", "github-1".into()),
                        (
                            "github-public-key-signature",
                            sign(&stranger, body.as_bytes()),
                        ),
                    ],
                ),
                // A good signature of another body.
                (
                    tampered.into_bytes(),
                    vec![
                        ("github-public-key-identifier", "github-1".into()),
                        ("github-public-key-signature", signed.clone()),
                    ],
                ),
                // An unknown key id.
                (
                    body.clone().into_bytes(),
                    vec![
                        ("github-public-key-identifier", "github-2".into()),
                        ("github-public-key-signature", signed.clone()),
                    ],
                ),
                // No signature; no key id.
                (
                    body.clone().into_bytes(),
                    vec![("github-public-key-identifier", "github-1".into())],
                ),
                (
                    body.clone().into_bytes(),
                    vec![("github-public-key-signature", signed.clone())],
                ),
                // Not base64 of a DER signature.
                (
                    body.clone().into_bytes(),
                    vec![
                        ("github-public-key-identifier", "github-1".into()),
                        (
                            "github-public-key-signature",
                            "bm90IGEgc2lnbmF0dXJl!".into(),
                        ),
                    ],
                ),
            ];
            for (i, (body, headers)) in cases.into_iter().enumerate() {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = post(&t, "/v1/leaks/github", body, &headers).await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "case {i}: {}", r.text);
                assert_eq!(r.code(), "UNAUTHORIZED");
                assert_eq!(verify_code(&t, &key).await, "VALID", "case {i}");
            }
            // Past the failure budget (6 a minute here), even a good
            // report waits: the address is throttled.
            let r = post(&t, "/v1/leaks/github", b"[]".to_vec(), &[]).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
            assert!(r.headers.contains_key("retry-after"));
            t.clock.advance_ms(60_000);
            let r = report(&t, "github-1", &github, body.as_bytes()).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(verify_code(&t, &key).await, "REVOKED");
            t.stop().await;
        }
    })
    .await;
}

#[tokio::test]
async fn github_reports_are_capped_at_one_mebibyte() {
    let dir = tempfile::tempdir().unwrap();
    let github = signing_key();
    on_each_backend_with(with_partner_keys(dir.path(), &github), |t| {
        let github = github.clone();
        async move {
            // Larger than `max_body_bytes` (64 KiB), within the route's 1 MiB.
            let filler = "x".repeat(200 * 1024);
            let body = json!([{"token": filler, "type": "keywarden_key"}]).to_string();
            let r = report(&t, "github-1", &github, body.as_bytes()).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text.len());
            assert_eq!(r.json[0]["label"], "false_positive");
            let filler = "x".repeat(1024 * 1024);
            let body = json!([{"token": filler, "type": "keywarden_key"}]).to_string();
            let r = report(&t, "github-1", &github, body.as_bytes()).await;
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
            assert_eq!(r.code(), "PAYLOAD_TOO_LARGE");
            t.stop().await;
        }
    })
    .await;
}

/// A body that never ends and remembers whether anyone read it: a client
/// that stalls after its headers.
struct Stalled(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl hyper::body::Body for Stalled {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Pending
    }
}

/// What can be refused without the body is refused without reading it:
/// the route not configured (404), a signature header missing (401).
#[tokio::test]
async fn github_refusals_that_need_no_body_do_not_read_it() {
    let stalled_report = |t: &TestApp, headers: &[(&'static str, &'static str)]| {
        let read = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut req = Request::builder()
            .method("POST")
            .uri("/v1/leaks/github")
            .header("content-type", "application/json")
            .header("content-length", "1048576");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::new(Stalled(read.clone()))).unwrap();
        let addr: std::net::SocketAddr = "198.51.100.7:40000".parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        let app = t.app.clone();
        async move {
            let r = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                let res = tower::ServiceExt::oneshot(app, req).await.unwrap();
                res.status()
            })
            .await
            .expect("the route waited for the body");
            (r, read.load(std::sync::atomic::Ordering::SeqCst))
        }
    };
    on_each_backend(|t| async move {
        let (status, read) = stalled_report(&t, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!read, "the body was read by a route that is not configured");
        t.stop().await;
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let github = signing_key();
    on_each_backend_with(with_partner_keys(dir.path(), &github), |t| async move {
        for headers in [
            &[][..],
            &[("github-public-key-identifier", "github-1")][..],
            &[("github-public-key-signature", "MEUCIQ==")][..],
        ] {
            let (status, read) = stalled_report(&t, headers).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
            assert!(!read, "the body was read without the signature headers");
        }
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn the_github_key_file_is_read_again_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (signing_key(), signing_key());
    let path = dir.path().join("github-keys.json");
    on_each_backend_with(with_partner_keys(dir.path(), &old), |t| {
        let (old, new, path) = (old.clone(), new.clone(), path.clone());
        async move {
            let body = b"[]";
            assert_eq!(
                report(&t, "github-1", &old, body).await.status,
                StatusCode::OK
            );
            // GitHub rotates: the refreshed file holds only the new key.
            write_meta(&path, &[("github-2", &new)]);
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
                .unwrap();
            assert_eq!(
                report(&t, "github-2", &new, body).await.status,
                StatusCode::OK
            );
            assert_eq!(
                report(&t, "github-1", &old, body).await.status,
                StatusCode::UNAUTHORIZED
            );
            // A broken file keeps the keys last read.
            std::fs::write(&path, "not json").unwrap();
            assert_eq!(
                report(&t, "github-2", &new, body).await.status,
                StatusCode::OK
            );
            write_meta(&path, &[("github-1", &old)]);
            t.stop().await;
        }
    })
    .await;
}

#[tokio::test]
async fn without_a_key_file_github_reports_are_not_taken() {
    on_each_backend(|t| async move {
        let r = post(&t, "/v1/leaks/github", b"[]".to_vec(), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.code(), "NOT_CONFIGURED");
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_key_file_never_read_answers_503_until_it_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("github-keys.json");
    let github = signing_key();
    let options = {
        let path = path.clone();
        move || {
            let mut options = Options::default();
            options.config.github_partner_keys = Some(path.clone());
            options
        }
    };
    on_each_backend_with(options, |t| {
        let (github, path) = (github.clone(), path.clone());
        async move {
            let r = report(&t, "github-1", &github, b"[]").await;
            assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
            assert_eq!(r.code(), "PARTNER_KEYS_UNAVAILABLE");
            assert!(r.headers.contains_key("retry-after"));
            write_meta(&path, &[("github-1", &github)]);
            let r = report(&t, "github-1", &github, b"[]").await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            std::fs::remove_file(&path).unwrap();
            t.stop().await;
        }
    })
    .await;
}

/// TruffleHog's webhook body for one match.
fn matches(groups: &[&str]) -> Vec<u8> {
    json!({ "KeywardenKeyKw": { "key": groups } })
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn trufflehog_hears_200_for_an_active_key_and_403_otherwise() {
    on_each_backend(|t| async move {
        let verifier = t.root_key(&[keywarden_store::Permission::KeysVerify]).await;
        let auth = format!("Bearer {verifier}");
        let hook = |body: Vec<u8>, json: bool| {
            let auth = auth.clone();
            let t = &t;
            async move {
                let mut headers = vec![("authorization", auth.as_str())];
                if json {
                    headers.push(("content-type", "application/json"));
                }
                post(t, "/v1/verify/trufflehog", body, &headers).await
            }
        };
        let (id, key) = t.create(json!({"environment": "live"})).await;
        // The whole match and the capture group; recent TruffleHog.
        let r = hook(matches(&[&format!("={key}"), &key]), true).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            r.json,
            json!({"verified": true, "key_id": id, "kind": "api_key"})
        );
        assert!(!r.text.contains(&key), "the key is never echoed");
        // No capture group, one leading character, no Content-Type (older
        // TruffleHog).
        let r = hook(matches(&[&format!("\"{key}")]), false).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // A key refused only by its own rules is still active.
        let (_, fenced) = t
            .create(
                json!({"environment": "live", "ip_allowlist": ["10.0.0.0/8"], "scopes": ["a:b"]}),
            )
            .await;
        assert_eq!(hook(matches(&[&fenced]), true).await.status, StatusCode::OK);

        let dead = |r: Resp, verdict: &str| {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
            assert_eq!(r.code(), "KEY_NOT_ACTIVE");
            assert!(r.text.contains(verdict), "{}", r.text);
        };
        let (expiring_id, expiring) = t
            .create(json!({"environment": "live", "expires_in": "1h"}))
            .await;
        t.clock.advance_ms(2 * 3_600_000);
        dead(hook(matches(&[&expiring]), true).await, "expired");
        let _ = expiring_id;
        let r = t
            .call("POST", &format!("/v1/keys/{id}/revoke"), Some(json!({})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        dead(hook(matches(&[&key]), true).await, "revoked");
        let unknown = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
        dead(hook(matches(&[unknown.expose()]), true).await, "unknown");
        dead(
            hook(matches(&["kw_live_lookslikeakey"]), true).await,
            "not a keywarden key",
        );

        // The body is read as JSON whatever TruffleHog sends; other types
        // and other shapes are refused.
        assert_eq!(
            hook(b"{".to_vec(), true).await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            hook(br#"{"D": ["x"]}"#.to_vec(), true).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let r = post(
            &t,
            "/v1/verify/trufflehog",
            matches(&[&fenced]),
            &[("authorization", &auth), ("content-type", "text/plain")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        // A root key: needed, and with keys:verify.
        let r = post(&t, "/v1/verify/trufflehog", matches(&[&fenced]), &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let reader = t.root_key(&[keywarden_store::Permission::KeysRead]).await;
        let r = post(
            &t,
            "/v1/verify/trufflehog",
            matches(&[&fenced]),
            &[("authorization", &format!("Bearer {reader}"))],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.code(), "FORBIDDEN");
        t.stop().await;
    })
    .await;
}

/// `POST /v1/leaks/check` says what a key found in the open is — an API
/// key or a root key, whether it works and what it may do — and a check is
/// not a use: checks through it and through TruffleHog's webhook spend no
/// rate limit and no credit (four checks of a key limited to 3 an hour
/// leave its client its 3).
#[tokio::test]
async fn checks_see_root_keys_and_spend_nothing() {
    on_each_backend(|t| async move {
        let verifier = t.root_key(&[keywarden_store::Permission::KeysVerify]).await;
        let check = |key: String| {
            let t = &t;
            let verifier = verifier.clone();
            async move {
                t.send(
                    "POST",
                    "/v1/leaks/check",
                    Some(&verifier),
                    Some(json!({ "key": key })),
                    &[],
                    None,
                )
                .await
            }
        };
        let (id, key) = t
            .create(
                json!({"environment": "live", "owner": "acme", "scopes": ["orders:read"],
                "rate_limit": {"limit": 3, "window_seconds": 3600}, "credits": {"remaining": 5}}),
            )
            .await;
        for _ in 0..4 {
            let r = check(key.clone()).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(r.json["status"], "active");
            assert_eq!(r.json["kind"], "api_key");
            assert_eq!(r.json["key_id"], id.as_str());
            assert_eq!(r.json["may"], json!(["orders:read"]));
            assert_eq!(r.json["credits_remaining"], 5);
            assert_eq!(r.json["rate_limit"]["limit"], 3);
            assert!(!r.text.contains(&key));
            let hook = post(
                &t,
                "/v1/verify/trufflehog",
                matches(&[&key]),
                &[("authorization", &format!("Bearer {verifier}"))],
            )
            .await;
            assert_eq!(hook.status, StatusCode::OK);
        }
        // Eight checks later, the client still has its 3 and its credits.
        for left in [4, 3, 2] {
            let v = t.verify(json!({"key": key})).await;
            assert_eq!(v["code"], "VALID", "{}: {v}", t.backend);
            assert_eq!(v["remaining"], left);
        }
        assert_eq!(t.verify(json!({"key": key})).await["code"], "RATE_LIMITED");

        // A root key is seen for what it is, and what it may do.
        let r = check(t.root.clone()).await;
        assert_eq!(r.json["status"], "active", "{}", r.text);
        assert_eq!(r.json["kind"], "root_key");
        assert_eq!(r.json["may"], json!(["admin"]));
        assert!(!r.text.contains(&t.root));
        let hook = post(
            &t,
            "/v1/verify/trufflehog",
            matches(&[&t.root]),
            &[("authorization", &format!("Bearer {verifier}"))],
        )
        .await;
        assert_eq!(
            (hook.status, &hook.json["kind"]),
            (StatusCode::OK, &json!("root_key"))
        );
        // An unknown key, and what is no key at all.
        let unknown = keywarden_core::key::mint(&Default::default(), &"root".parse().unwrap());
        assert_eq!(
            check(unknown.expose().to_owned()).await.json,
            json!({"status": "unknown", "may": []})
        );
        assert_eq!(check("kw_live_nope".into()).await.json["status"], "unknown");
        // keys:verify is needed.
        let r = t
            .send(
                "POST",
                "/v1/leaks/check",
                Some(&t.root_key(&[keywarden_store::Permission::KeysRead]).await),
                Some(json!({"key": key})),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        t.stop().await;
    })
    .await;
}

/// A leaked root key is revoked like any other (reported to `POST
/// /v1/leaks` or by GitHub), stops working at once — `POST /v1/verify`'s
/// cache of root keys included — and is reported by the check as revoked.
#[tokio::test]
async fn a_leaked_root_key_is_revoked_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let github = signing_key();
    on_each_backend_with(with_partner_keys(dir.path(), &github), |t| {
        let github = github.clone();
        async move {
            let leaked = t.root_key(&[keywarden_store::Permission::KeysVerify]).await;
            let (_, key) = t.create(json!({"environment": "live"})).await;
            // Authenticated once, and remembered by /v1/verify's cache.
            let r = t
                .send(
                    "POST",
                    "/v1/verify",
                    Some(&leaked),
                    Some(json!({"key": key})),
                    &[],
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK);
            let r = t
                .send(
                    "POST",
                    "/v1/leaks",
                    None,
                    Some(json!([{"key": leaked, "source": "chat"}])),
                    &[],
                    Some("198.51.100.9"),
                )
                .await;
            assert_eq!(r.status, StatusCode::ACCEPTED);
            let r = t
                .send(
                    "POST",
                    "/v1/verify",
                    Some(&leaked),
                    Some(json!({"key": key})),
                    &[],
                    None,
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "{}: revoked at once",
                t.backend
            );
            let events = t.call("GET", "/v1/events?kind=key.leaked", None).await;
            assert_eq!(
                events.json[0]["details"]["root_key"], true,
                "{}",
                events.json
            );
            let audit = t
                .call("GET", "/v1/audit?action=root_key.leak_revoke", None)
                .await;
            assert_eq!(audit.json["entries"].as_array().unwrap().len(), 1);
            let check = t
                .send(
                    "POST",
                    "/v1/leaks/check",
                    Some(&t.root_key(&[keywarden_store::Permission::KeysVerify]).await),
                    Some(json!({"key": leaked})),
                    &[],
                    None,
                )
                .await;
            assert_eq!(
                (check.json["status"].as_str(), check.json["kind"].as_str()),
                (Some("revoked"), Some("root_key"))
            );
            // GitHub's report of another root key: a true positive, revoked.
            let other = t.root_key(&[keywarden_store::Permission::KeysRead]).await;
            let body =
                json!([{"token": other, "type": "keywarden_key", "url": "u", "source": "content"}])
                    .to_string();
            let r = report(&t, "github-1", &github, body.as_bytes()).await;
            assert_eq!(r.json[0]["label"], "true_positive", "{}", r.text);
            assert_eq!(
                t.send("GET", "/v1/keys", Some(&other), None, &[], None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
            t.stop().await;
        }
    })
    .await;
}
