//! The `keywarden` binary: argument parsing, output and exit codes. The work
//! lives in the library crates.
//!
//! # Layout
//!
//! - `main.rs`: the command tree (clap derive) and exit codes.
//! - `generate.rs`: `keywarden gen …` (offline generators and the checker).
//! - `serve.rs`: `keywarden serve` and `keywarden admin …` (store-direct).
//! - `client.rs`: `keywarden key …`, `owner …`, `events …` and `audit …` (HTTP client).
//! - `spaces.rs`: `keywarden space …` and `role …` (key spaces and roles, over HTTP).
//! - `output.rs`: tables and JSON.
//! - `scan.rs`: `keywarden scan …` and `keywarden hook install` (over
//!   `keywarden-scan`), and the `--revoke` leak report to the server.
//!
//! Exit codes: 0 success; 1 a negative answer (a weak secret, scan findings);
//! 2 an error (bad arguments, unreachable server, unreadable input).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's malloc: under load, glibc's arena locks
/// showed up as futex waits on the verify path (the usage log frees on its
/// own thread what request threads allocated). `benches/http.sh` measures
/// the difference. mimalloc 2 (the `v2` feature), which gives freed pages
/// back after 10 ms where mimalloc 3 holds them for a second: a tree scan
/// peaks 65 MiB rather than 70–74 at the same speed (benches/RESULTS.md,
/// "Scanner memory").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod client;
mod generate;
mod output;
mod scan;
mod secrets;
mod serve;
mod spaces;

/// `keywarden --version`: the workspace version (Cargo.toml, the one source
/// of the version) and the commit built (build.rs), e.g. `0.1.0 (1c3ce33)`.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("KEYWARDEN_COMMIT"),
    ")"
);

/// keywarden: API keys done right. Generate strong keys and secrets, serve a
/// key platform, manage keys and keep them out of git.
#[derive(Debug, Parser)]
#[command(name = "keywarden", version = VERSION, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate keys and secrets offline, or check a secret's strength.
    #[command(subcommand)]
    Gen(generate::GenCommand),
    /// Run the server (SQLite in ./keywarden-data unless --database-url says otherwise).
    Serve(serve::ServeArgs),
    /// Manage keys through the API (KEYWARDEN_URL, KEYWARDEN_TOKEN).
    Key {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: client::KeyCommand,
    },
    /// Owners' shared limits and keys, through the API.
    Owner {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: client::OwnerCommand,
    },
    /// Key spaces: their prefixes, defaults and protection, through the API.
    Space {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: spaces::SpaceCommand,
    },
    /// Roles of a key space: named sets of permissions keys can hold.
    Role {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: spaces::RoleCommand,
    },
    /// Notable events and their webhook delivery, through the API.
    Events {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: client::EventsCommand,
    },
    /// The vault: secrets your code holds (third parties' keys, database
    /// passwords), per environment, sealed under the master key.
    Secrets {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: secrets::SecretsCommand,
    },
    /// Run a command with an environment's secrets in its environment
    /// (exit code: the command's; 69: no secrets to start with).
    Run {
        #[command(flatten)]
        remote: client::Remote,
        #[command(flatten)]
        args: secrets::run::RunArgs,
    },
    /// Read the audit log through the API.
    Audit {
        #[command(flatten)]
        remote: client::Remote,
        #[command(subcommand)]
        command: client::AuditListCommand,
    },
    /// Work on the store directly: root keys, audit chain verification.
    #[command(subcommand)]
    Admin(serve::AdminCommand),
    /// Scan files, staged changes, git history or stdin for secrets. Exits 1 on findings.
    Scan(scan::ScanArgs),
    /// Install the git pre-commit hook that runs `keywarden scan --staged`.
    #[command(subcommand)]
    Hook(scan::HookCommand),
    /// Print shell completions: `keywarden completions bash > /etc/bash_completion.d/keywarden`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `keywarden man | man -l -`.
    Man,
    /// Print the HTTP API's OpenAPI 3.1 document (the one `serve` answers at
    /// /openapi.json), for client generators: `keywarden openapi > openapi.json`.
    Openapi,
    /// Ask a running server whether it is ready (GET /readyz): exit 0 when
    /// it is, 1 when it answers not ready or does not answer (a container's
    /// health check).
    Healthcheck {
        #[command(flatten)]
        remote: client::Remote,
    },
}

/// What a command asks the process to exit with, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the command ran and the answer is "no" (weak, findings).
    Negative,
    /// An exit code of its own (`run`: the command's).
    Exit(u8),
}

fn completions(shell: clap_complete::Shell) -> anyhow::Result<Outcome> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "keywarden", &mut out);
    write_stdout(&out)
}

fn openapi() -> anyhow::Result<Outcome> {
    write_stdout(keywarden_server::api::contract::document_text().as_bytes())
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<Outcome> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(Outcome::Success),
    }
}

/// The man page of the whole command tree: the top-level page, then one
/// section per subcommand (recursively), in one roff document.
fn man_page() -> anyhow::Result<Outcome> {
    use std::io::Write as _;
    let command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    fn sections(cmd: &clap::Command, path: &str, out: &mut Vec<u8>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands() {
            let name = format!("{path} {}", sub.get_name());
            writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
            let man = clap_mangen::Man::new(sub.clone());
            man.render_synopsis_section(out)?;
            man.render_description_section(out)?;
            man.render_options_section(out)?;
            sections(sub, &name, out)?;
        }
        Ok(())
    }
    sections(&command, "keywarden", &mut out)?;
    write_stdout(&out)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(cmd) => generate::run(cmd),
        Command::Serve(args) => serve::serve(args),
        Command::Key { remote, command } => client::keys(&remote, command),
        Command::Audit { remote, command } => client::audit(&remote, command),
        Command::Owner { remote, command } => client::owners(&remote, command),
        Command::Events { remote, command } => client::events(&remote, command),
        Command::Space { remote, command } => spaces::spaces(&remote, command),
        Command::Secrets { remote, command } => secrets::secrets(&remote, command),
        Command::Run { remote, args } => secrets::run::run(&remote, args),
        Command::Role { remote, command } => spaces::roles(&remote, command),
        Command::Admin(cmd) => serve::admin(cmd),
        Command::Scan(args) => scan::run(args),
        Command::Hook(cmd) => scan::run_hook(cmd),
        Command::Completions { shell } => completions(shell),
        Command::Man => man_page(),
        Command::Openapi => openapi(),
        Command::Healthcheck { remote } => client::healthcheck(&remote),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Ok(Outcome::Exit(code)) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
