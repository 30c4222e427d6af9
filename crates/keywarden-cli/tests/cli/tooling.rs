//! Shell completions and the man page, checked by the shells and `man`.

use std::process::{Command, Stdio};

use crate::keywarden;

#[test]
fn completions_for_every_shell_and_bash_accepts_them() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = keywarden().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for word in ["serve", "scan", "admin", "completions"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
        if shell == "bash" {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("keywarden.bash");
            std::fs::write(&file, &text).unwrap();
            let check = Command::new("bash").arg("-n").arg(&file).status().unwrap();
            assert!(check.success(), "bash -n refused the completions");
        }
    }
    let out = keywarden().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_man_page_renders_every_command() {
    let out = keywarden().arg("man").output().unwrap();
    assert!(out.status.success());
    let roff = String::from_utf8(out.stdout).unwrap();
    assert!(roff.starts_with(".ie") || roff.contains(".TH"), "not roff");
    for section in [
        "KEYWARDEN SERVE",
        "KEYWARDEN ADMIN AUDIT VERIFY",
        "KEYWARDEN SCAN",
    ] {
        assert!(roff.contains(section), "no section {section}");
    }
    if Command::new("man").arg("--version").output().is_err() {
        eprintln!("SKIPPED: man is not installed; the roff was checked as text only");
        return;
    }
    let mut man = Command::new("man")
        .args(["-l", "-"])
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        man.stdin
            .take()
            .unwrap()
            .write_all(roff.as_bytes())
            .unwrap();
    }
    let rendered = man.wait_with_output().unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(
        text.contains("NAME") && text.contains("keywarden"),
        "{text}"
    );
}

#[test]
fn the_systemd_unit_verifies() {
    let analyze = std::path::Path::new("/usr/bin/systemd-analyze");
    if !analyze.exists() {
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    }
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/keywarden.service"
    ))
    .unwrap();
    for needed in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=keywarden",
        "NoNewPrivileges=yes",
    ] {
        assert!(unit.contains(needed), "the unit lacks {needed}");
    }
    // The unit names the installed binary; check it against the one built.
    let binary = assert_cmd::cargo::cargo_bin("keywarden");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keywarden.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/keywarden", binary.to_str().unwrap()),
    )
    .unwrap();
    let out = Command::new(analyze)
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("Unknown key"), "{stderr}");
}

/// `serve --help` names every secret variable and every setting that has
/// no flag (the list the server reads from the environment).
#[test]
fn serve_help_names_every_secret_and_setting() {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("keywarden"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for secret in [
        "KEYWARDEN_PEPPER ",
        "KEYWARDEN_PEPPER_PREVIOUS",
        "KEYWARDEN_MASTER_KEY",
        "KEYWARDEN_WEBHOOK_SECRET",
        "NAME_FILE",
        "KEYWARDEN_DATABASE_URL_FILE",
        "KEYWARDEN_MAX_CONNECTIONS_PER_ADDRESS",
        "KEYWARDEN_RESPONSE_WRITE_TIMEOUT",
        "KEYWARDEN_TLS_CERT",
        "KEYWARDEN_TLS_KEY",
    ] {
        assert!(help.contains(secret), "{secret} missing from serve --help");
    }
    for setting in keywarden_server::config::ENV_SETTINGS {
        assert!(
            help.contains(setting),
            "{setting} missing from serve --help"
        );
    }
}

/// `keywarden --version` is the workspace version and the commit built:
/// `keywarden 0.1.0 (1c3ce33)`, or `(unknown)` when built outside git.
#[test]
fn version_names_the_workspace_version_and_the_commit() {
    let out = keywarden().arg("--version").output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let pattern = format!(
        r"^keywarden {} \(([0-9a-f]{{7,40}}|unknown)\)\n$",
        regex::escape(env!("CARGO_PKG_VERSION"))
    );
    let caps = regex::Regex::new(&pattern)
        .unwrap()
        .captures(&line)
        .unwrap_or_else(|| panic!("{line:?} does not match {pattern}"));
    // Built from this checkout: the commit is HEAD's (build.rs reruns when
    // HEAD moves).
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Ok(head) = head
        && head.status.success()
        && std::env::var_os("KEYWARDEN_BUILD_COMMIT").is_none()
    {
        let head = String::from_utf8(head.stdout).unwrap();
        assert_eq!(&caps[1], head.trim(), "{line}");
    }
    // Subcommands say the same.
    let sub = keywarden().args(["scan", "--version"]).output().unwrap();
    assert_eq!(
        String::from_utf8(sub.stdout).unwrap(),
        line.replacen("keywarden", "keywarden-scan", 1)
    );
}

/// The version has one source, the workspace Cargo.toml; the CHANGELOG's
/// newest heading is "Unreleased" or that version, and its newest released
/// heading is that version (renamed from "Unreleased" when releasing).
#[test]
fn the_changelog_agrees_with_the_workspace_version() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    let headings: Vec<&str> = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.split_whitespace().next().unwrap_or(""))
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        matches!(headings.first(), Some(&"Unreleased")) || headings.first() == Some(&version),
        "CHANGELOG.md's first heading is {:?}, not Unreleased or {version}",
        headings.first()
    );
    let released = headings.iter().find(|h| **h != "Unreleased");
    assert_eq!(
        released,
        Some(&version),
        "CHANGELOG.md's newest release heading differs from the workspace version"
    );
    assert_eq!(
        headings.iter().filter(|h| **h == "Unreleased").count(),
        usize::from(headings.first() == Some(&"Unreleased")),
        "one Unreleased section, at the top"
    );
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("\n[workspace.package]\nversion = \"{version}\"")),
        "the workspace Cargo.toml holds the version"
    );
}
