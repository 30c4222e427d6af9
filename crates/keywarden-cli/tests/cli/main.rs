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

use assert_cmd::Command;

/// The `keywarden` binary built by cargo for this test run.
pub(crate) fn keywarden() -> Command {
    Command::cargo_bin("keywarden").unwrap()
}
