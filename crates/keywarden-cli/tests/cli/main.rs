//! Integration tests of the real `keywarden` binary, one module per command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod connections;
mod console;
mod generate;
mod import;
mod nginx;
mod scan;
mod server;
mod sessions;
mod spaces;
mod tls;
mod tooling;
mod vault;

use assert_cmd::Command;

/// One at a time: the browser tests (Chromium takes both cores for
/// seconds) and the tests that count what nodes admit under load, so that
/// neither starves the other on a small machine. Held for the test's run.
pub(crate) fn machine_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The `keywarden` binary built by cargo for this test run.
pub(crate) fn keywarden() -> Command {
    Command::cargo_bin("keywarden").unwrap()
}
