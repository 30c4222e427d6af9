//! Console sessions live in the store: a session made on one node works on
//! another, survives a restart, ends everywhere on sign-out and on root-key
//! revocation, and the database never holds its cookie.

use reqwest::{
    blocking::{Client, Response},
    redirect::Policy,
};
use serde_json::Value;

use crate::server::{Db, Server, admin, files_under, postgres_dump};

/// A client that shows redirects instead of following them.
fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// The value `name` is set to by a response's `Set-Cookie` headers.
fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// The value of the hidden `csrf` field of a page.
fn csrf_field(body: &str) -> String {
    let at = body.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    body[at..].split('"').next().unwrap().to_owned()
}

/// Signs in on `node` as a browser does (the form's double-submit cookie and
/// field, then the root key): the session cookie's value.
fn sign_in(http: &Client, node: &Server, root: &str) -> String {
    let page = http.get(format!("{}/ui/sign-in", node.url)).send().unwrap();
    let signin = set_cookie(&page, "kw_signin").expect("the sign-in cookie");
    let field = csrf_field(&page.text().unwrap());
    let res = http
        .post(format!("{}/ui/sign-in", node.url))
        .header("cookie", format!("kw_signin={signin}"))
        .form(&[("csrf", field.as_str()), ("key", root), ("next", "/ui")])
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    set_cookie(&res, "kw_session").expect("a session cookie")
}

/// `GET path` on `node` with session `cookie`: (status, Location, body).
fn get(http: &Client, node: &Server, cookie: &str, path: &str) -> (u16, String, String) {
    let res = http
        .get(format!("{}{path}", node.url))
        .header("cookie", format!("kw_session={cookie}"))
        .send()
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, res.text().unwrap())
}

/// Signs out on `node` with the CSRF token of one of its pages.
fn sign_out(http: &Client, node: &Server, cookie: &str) {
    let (status, _, body) = get(http, node, cookie, "/ui/generator");
    assert_eq!(status, 200);
    let res = http
        .post(format!("{}/ui/sign-out", node.url))
        .header("cookie", format!("kw_session={cookie}"))
        .form(&[("csrf", csrf_field(&body))])
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers().get("location").unwrap(),
        "/ui/sign-in?signed_out=1"
    );
}

/// A root key made with the admin CLI: (id, key).
fn admin_root_key(db: &Db) -> (String, String) {
    let out = admin(
        db,
        &["root-key", "create", "--permission", "admin", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        made["id"].as_str().unwrap().to_owned(),
        made["key"].as_str().unwrap().to_owned(),
    )
}

fn assert_absent(blobs: &[(String, Vec<u8>)], secret: &str, what: &str) {
    for (name, bytes) in blobs {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{what} is in {name}"
        );
    }
}

#[test]
fn a_session_made_on_one_node_works_and_ends_on_every_node() {
    let Some(db) = Db::postgres() else {
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
    let root = a.root_key().unwrap();
    let b = Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]);
    let http = client();
    a.cli_json(&root, &["key", "create", "--env", "live"]);

    // Made on A, served by B (a page, not a redirect to sign-in).
    let first = sign_in(&http, &a, &root);
    let (status, _, body) = get(&http, &b, &first, "/ui");
    assert_eq!(status, 200, "node B does not know node A's session");
    assert!(body.contains("Sign out"), "a signed-in page");
    let csrf = csrf_field(&body);
    assert_eq!(get(&http, &a, &first, "/ui/keys").0, 200);

    // The database holds neither the cookie nor the CSRF token.
    let dump = vec![(
        "postgres tables".to_owned(),
        postgres_dump(db.postgres_url.as_deref().unwrap()),
    )];
    assert_absent(&dump, &first, "the session cookie");
    assert_absent(&dump, &csrf, "the CSRF token");

    // Signed out on B: A no longer knows the session either.
    sign_out(&http, &b, &first);
    let (status, location, _) = get(&http, &a, &first, "/ui/keys");
    assert_eq!(
        (status, location.as_str()),
        (303, "/ui/sign-in?next=/ui/keys&reason=expired")
    );

    // A root key revoked with the admin CLI ends its sessions on both nodes.
    let (id, key) = admin_root_key(&db);
    let second = sign_in(&http, &b, &key);
    assert_eq!(get(&http, &a, &second, "/ui").0, 200);
    let out = admin(&db, &["root-key", "revoke", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for node in [&a, &b] {
        let (status, location, _) = get(&http, node, &second, "/ui/keys");
        assert_eq!(status, 303);
        assert!(
            location.starts_with("/ui/sign-in?next=/ui/keys&reason="),
            "{location}"
        );
    }
    // The bootstrap key's fresh session is untouched by that revocation.
    let third = sign_in(&http, &a, &root);
    assert_eq!(get(&http, &b, &third, "/ui").0, 200);
}

#[test]
fn a_sqlite_restart_keeps_sessions_and_revocation_ends_them() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().unwrap();
    let http = client();
    let cookie = sign_in(&http, &server, &root);
    let (status, _, body) = get(&http, &server, &cookie, "/ui");
    assert_eq!(status, 200);
    let csrf = csrf_field(&body);
    let (exit, log) = server.terminate(std::time::Duration::from_secs(10));
    assert!(exit.is_some_and(|s| s.success()), "{log}");

    // No session token (nor its CSRF token) in any file of the data dir.
    let blobs: Vec<(String, Vec<u8>)> = files_under(&db.data_dir())
        .into_iter()
        .map(|f| (f.display().to_string(), std::fs::read(&f).unwrap()))
        .collect();
    assert!(blobs.iter().any(|(n, _)| n.ends_with("keywarden.db")));
    assert_absent(&blobs, &cookie, "the session cookie");
    assert_absent(&blobs, &csrf, "the CSRF token");

    // Restarted: still signed in, with the same CSRF token.
    let server = Server::start(&db, &[]);
    let (status, _, body) = get(&http, &server, &cookie, "/ui/keys");
    assert_eq!(status, 200, "a restart signed the session out");
    assert_eq!(csrf_field(&body), csrf);

    // A second root key's session ends when the admin CLI revokes it.
    let (id, key) = admin_root_key(&db);
    let other = sign_in(&http, &server, &key);
    assert_eq!(get(&http, &server, &other, "/ui").0, 200);
    let out = admin(&db, &["root-key", "revoke", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, location, _) = get(&http, &server, &other, "/ui/keys");
    assert_eq!(
        (status, location.as_str()),
        (303, "/ui/sign-in?next=/ui/keys&reason=revoked")
    );
    assert_eq!(
        get(&http, &server, &cookie, "/ui").0,
        200,
        "the other session lives"
    );
}
