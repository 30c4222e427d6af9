//! A real nginx doing `auth_request` against keywarden's forward-auth, in
//! front of a small upstream (a second nginx server block that echoes the
//! identity headers it receives).

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::server::{Db, Server, free_port};

const NGINX: &str = "/usr/sbin/nginx";

struct Nginx(Child);

impl Drop for Nginx {
    /// SIGTERM first: nginx's master then stops its workers (a SIGKILL of
    /// the master leaves them running, orphaned); SIGKILL only if it does
    /// not stop within 5 s.
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn nginx_available() -> bool {
    if std::path::Path::new(NGINX).exists() {
        return true;
    }
    assert!(
        std::env::var("KEYWARDEN_REQUIRE_NGINX").as_deref() != Ok("1"),
        "KEYWARDEN_REQUIRE_NGINX=1 but {NGINX} is missing (apt-get install nginx-light)"
    );
    eprintln!("SKIPPED: nginx is not installed (apt-get install nginx-light)");
    false
}

/// The nginx block of docs/verification.md, with its two addresses pointed
/// at this test's keywarden and upstream. Any other change to that block
/// shows up here.
fn readme_snippet(keywarden: &str, upstream: u16) -> String {
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/verification.md"
    ))
    .unwrap();
    let start = readme
        .find("```nginx\n")
        .expect("docs/verification.md has an nginx block")
        + "```nginx\n".len();
    let block = &readme[start..];
    let block = &block[..block.find("```").unwrap()];
    assert!(block.contains("http://127.0.0.1:8080/") && block.contains("http://my-api;"));
    block
        .replace("http://127.0.0.1:8080", keywarden)
        .replace("http://my-api;", &format!("http://127.0.0.1:{upstream};"))
}

fn start_nginx(dir: &std::path::Path, front: u16, upstream: u16, keywarden: &str) -> Nginx {
    start_nginx_with(dir, front, upstream, &readme_snippet(keywarden, upstream))
}

fn start_nginx_with(dir: &std::path::Path, front: u16, upstream: u16, snippet: &str) -> Nginx {
    for sub in ["tmp", "logs"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let conf = format!(
        r#"
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/logs/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/logs/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;

    # The protected API: docs/verification.md's snippet, as written there.
    server {{
        listen 127.0.0.1:{front};
{snippet}
    }}

    # The upstream: shows what it was told about the caller.
    server {{
        listen 127.0.0.1:{upstream};
        location / {{
            default_type text/plain;
            return 200 "key=$http_x_keywarden_key_id owner=$http_x_keywarden_owner scopes=$http_x_keywarden_scopes env=$http_x_keywarden_environment\n";
        }}
    }}
}}
"#,
        dir = dir.display(),
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&path)
        .arg("-g")
        .arg("daemon off;")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", front)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("logs/error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

#[test]
fn nginx_auth_request_in_front_of_an_upstream() {
    if !nginx_available() {
        return;
    }
    let db = Db::sqlite();
    // docs/verification.md's setting: believe the proxy on loopback (and nothing else).
    let server = Server::start(&db, &[("KEYWARDEN_TRUSTED_PROXIES", "127.0.0.1/32")]);
    let root = server.root_key().unwrap();
    let good = server.cli_json(
        &root,
        &[
            "key", "create", "--env", "live", "--owner", "acme", "--scope", "orders:*",
        ],
    );
    let narrow = server.cli_json(
        &root,
        &["key", "create", "--env", "live", "--scope", "users:read"],
    );
    let (front, upstream) = (free_port(), free_port());
    let _nginx = start_nginx(db.dir.path(), front, upstream, &server.url);

    // The client connects from another loopback address than the proxy's.
    let client = reqwest::blocking::Client::builder()
        .local_address(Some("127.0.0.2".parse().unwrap()))
        .build()
        .unwrap();
    let get = |headers: &[(&str, &str)]| {
        let mut req = client.get(format!("http://127.0.0.1:{front}/orders"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().unwrap();
        (res.status().as_u16(), res.text().unwrap())
    };
    assert_eq!(get(&[]).0, 401, "missing key");
    assert_eq!(
        get(&[("x-api-key", "kw_live_malformed")]).0,
        401,
        "malformed key"
    );
    let unknown = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
    assert_eq!(
        get(&[("authorization", &format!("Bearer {}", unknown.expose()))]).0,
        403,
        "wrong key"
    );
    assert_eq!(
        get(&[("x-api-key", narrow["key"].as_str().unwrap())]).0,
        403,
        "missing scope"
    );

    let (status, body) = get(&[(
        "authorization",
        &format!("Bearer {}", good["key"].as_str().unwrap()),
    )]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body.trim(),
        format!(
            "key={} owner=acme scopes=orders:* env=live",
            good["id"].as_str().unwrap()
        )
    );
    // The client's address is the one nginx saw, whatever the client claims.
    let pinned = |cidr: &str| {
        server.cli_json(
            &root,
            &[
                "key",
                "create",
                "--env",
                "live",
                "--scope",
                "orders:read",
                "--ip",
                cidr,
            ],
        )["key"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let from_client = pinned("127.0.0.2/32");
    let from_victim = pinned("203.0.113.99/32");
    assert_eq!(get(&[("x-api-key", &from_client)]).0, 200);
    assert_eq!(
        get(&[
            ("x-api-key", &from_client),
            ("x-forwarded-for", "203.0.113.99")
        ])
        .0,
        200
    );
    assert_eq!(
        get(&[
            ("x-api-key", &from_victim),
            ("x-forwarded-for", "203.0.113.99")
        ])
        .0,
        403,
        "a forged X-Forwarded-For must not pass an IP allowlist"
    );
    assert_eq!(
        get(&[("x-api-key", &from_victim), ("x-real-ip", "203.0.113.99")]).0,
        403,
        "nor a forged X-Real-IP"
    );

    // Revoked through the API: nginx refuses at once.
    server.cli(&root, &["key", "revoke", good["id"].as_str().unwrap()]);
    assert_eq!(
        get(&[(
            "authorization",
            &format!("Bearer {}", good["key"].as_str().unwrap())
        )])
        .0,
        403
    );
}

/// An nginx set up as the README once said — `X-Real-IP` only, so the
/// client's own `X-Forwarded-For` passes through untouched — in front of a
/// keywarden reading `X-Forwarded-For` (the default): a forged header must
/// not pass an IP allowlist. The client is unknown when the two headers
/// disagree (and the log says which setting to fix); with
/// `client_ip_header = x-real-ip` the same nginx gives the right address.
#[test]
fn a_proxy_setting_only_x_real_ip_cannot_be_fooled_by_a_forged_forwarded_for() {
    if !nginx_available() {
        return;
    }
    for header in [None, Some("x-real-ip")] {
        let db = Db::sqlite();
        let mut env = vec![("KEYWARDEN_TRUSTED_PROXIES", "127.0.0.1/32")];
        env.extend(header.map(|h| ("KEYWARDEN_CLIENT_IP_HEADER", h)));
        let server = Server::start(&db, &env);
        let root = server.root_key().unwrap();
        let pinned = |cidr: &str| {
            server.cli_json(&root, &["key", "create", "--env", "live", "--ip", cidr])["key"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let from_client = pinned("127.0.0.2/32");
        let from_victim = pinned("203.0.113.99/32");
        let (front, upstream) = (free_port(), free_port());
        let old_snippet = format!(
            r#"
location / {{
    auth_request /_keywarden;
    proxy_pass http://127.0.0.1:{upstream};
}}
location = /_keywarden {{
    internal;
    proxy_pass {}/v1/forward-auth;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Real-IP $remote_addr;
}}
"#,
            server.url
        );
        let _nginx = start_nginx_with(db.dir.path(), front, upstream, &old_snippet);
        let client = reqwest::blocking::Client::builder()
            .local_address(Some("127.0.0.2".parse().unwrap()))
            .build()
            .unwrap();
        let get = |headers: &[(&str, &str)]| {
            let mut req = client.get(format!("http://127.0.0.1:{front}/orders"));
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.send().unwrap().status().as_u16()
        };
        assert_eq!(
            get(&[
                ("x-api-key", &from_victim),
                ("x-forwarded-for", "203.0.113.99")
            ]),
            403,
            "{header:?}: a forged X-Forwarded-For must not pass an IP allowlist"
        );
        if header.is_none() {
            // The two headers disagree: the client is unknown, and the log
            // names the setting.
            assert_eq!(get(&[("x-api-key", &from_client)]), 403);
            let log = server.log();
            assert!(log.contains("client_ip_header"), "{log}");
        } else {
            assert_eq!(get(&[("x-api-key", &from_client)]), 200, "X-Real-IP read");
            assert_eq!(
                get(&[
                    ("x-api-key", &from_client),
                    ("x-forwarded-for", "203.0.113.99")
                ]),
                200
            );
        }
    }
}
