//! `serve --tls-cert --tls-key`: HTTPS only, certificates reloaded on
//! SIGHUP without dropping open connections, console cookies `Secure`.
//! Certificates come from the `openssl` command and requests from `curl`
//! and `openssl s_client`, as an operator would check them.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::free_port;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// A self-signed certificate for 127.0.0.1 with `name` as its subject.
fn certificate(dir: &Path, name: &str) {
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", &format!("/CN={name}")])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(dir.join(format!("{name}.key")))
        .arg("-out")
        .arg(dir.join(format!("{name}.pem")))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// A server process, killed when dropped.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `curl --cacert CA URL`: the body, or None when the request failed.
fn curl(ca: &Path, url: &str, extra: &[&str]) -> Option<String> {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "5", "--cacert"])
        .arg(ca)
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn https_only_with_reload_on_sighup_and_secure_cookies() {
    if !have("openssl") || !have("curl") {
        eprintln!("skipped: needs the openssl and curl commands");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    certificate(d, "first");
    certificate(d, "second");
    std::fs::copy(d.join("first.pem"), d.join("cert.pem")).unwrap();
    std::fs::copy(d.join("first.key"), d.join("key.pem")).unwrap();

    let port = free_port();
    let child = Command::new(assert_cmd::cargo::cargo_bin("keywarden"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(d.join("data"))
        .arg("--tls-cert")
        .arg(d.join("cert.pem"))
        .env("KEYWARDEN_TLS_KEY", d.join("key.pem"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(d.join("serve.err")).unwrap())
        .spawn()
        .unwrap();
    // Stopped however the test ends (a failed assertion included).
    let child = Stopped(child);
    let https = format!("https://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while curl(&d.join("first.pem"), &format!("{https}/healthz"), &[]).is_none() {
        assert!(
            Instant::now() < deadline,
            "no HTTPS answer: {}",
            std::fs::read_to_string(d.join("serve.err")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // `curl --cacert` reaches /healthz; plain HTTP gets no answer at all.
    let body = curl(&d.join("first.pem"), &format!("{https}/healthz"), &[]).unwrap();
    assert!(body.contains("\"ok\""), "{body}");
    assert!(
        curl(
            &d.join("first.pem"),
            &format!("http://127.0.0.1:{port}/healthz"),
            &[]
        )
        .is_none(),
        "plain HTTP must not be served when TLS is on"
    );

    // Console cookies are Secure over TLS, with no proxy header needed.
    let head = curl(
        &d.join("first.pem"),
        &format!("{https}/ui/sign-in"),
        &["-i"],
    )
    .unwrap();
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie: {head}"));
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Every answer over TLS tells browsers to stay on HTTPS: pages, API
    // answers, errors.
    for path in ["/ui/sign-in", "/healthz", "/v1/keys", "/no-such-route"] {
        let head = curl(&d.join("first.pem"), &format!("{https}{path}"), &["-i"]).unwrap();
        assert!(
            head.to_ascii_lowercase()
                .contains("\nstrict-transport-security: max-age=31536000\r\n"),
            "{path}: {head}"
        );
    }

    // A connection opened before the reload keeps working after it.
    let mut client = Command::new("openssl")
        .args([
            "s_client",
            "-quiet",
            "-connect",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("-CAfile")
        .arg(d.join("first.pem"))
        .args(["-verify_return_error", "-servername", "localhost"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = client.stdin.take().unwrap();
    input
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    input.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));

    std::fs::copy(d.join("second.pem"), d.join("cert.pem")).unwrap();
    std::fs::copy(d.join("second.key"), d.join("key.pem")).unwrap();
    let hup = Command::new("kill")
        .args(["-HUP", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());

    // New handshakes present the new certificate, and only it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while curl(&d.join("second.pem"), &format!("{https}/healthz"), &[]).is_none() {
        assert!(
            Instant::now() < deadline,
            "the new certificate is not served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        curl(&d.join("first.pem"), &format!("{https}/healthz"), &[]).is_none(),
        "the old certificate is still presented to new clients"
    );

    // The connection from before the reload answers a second request.
    input
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    input.flush().unwrap();
    let mut out = String::new();
    client
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let _ = client.wait();
    assert_eq!(
        out.matches("HTTP/1.1 200 OK").count(),
        2,
        "both requests of the kept-alive connection are answered: {out}"
    );

    // A broken reload keeps the current certificate.
    std::fs::write(d.join("key.pem"), "not a key").unwrap();
    let _ = Command::new("kill")
        .args(["-HUP", &child.0.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(300));
    assert!(curl(&d.join("second.pem"), &format!("{https}/healthz"), &[]).is_some());

    drop(child);
    let log = std::fs::read_to_string(d.join("serve.err")).unwrap_or_default();
    assert!(log.contains("TLS reload failed"), "{log}");
}

/// The TLS private key is a secret file: like the `*_FILE` secrets, one
/// every user of the machine can read is refused at start.
#[cfg(unix)]
#[test]
fn a_tls_key_every_user_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    if !have("openssl") {
        eprintln!("skipped: needs the openssl command");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    certificate(d, "node");
    let key = d.join("node.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = crate::keywarden()
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--data-dir")
        .arg(d.join("data"))
        .arg("--tls-cert")
        .arg(d.join("node.pem"))
        .arg("--tls-key")
        .arg(&key)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tls_key"), "{stderr}");
    assert!(stderr.contains("readable by every user"), "{stderr}");
    // Readable by its owner only: the same files serve.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = crate::keywarden()
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--data-dir")
        .arg(d.join("data"))
        .arg("--tls-cert")
        .arg(d.join("node.pem"))
        .arg("--tls-key")
        .arg(&key)
        .timeout(Duration::from_secs(3))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("keywarden is listening"), "{stderr}");
}
