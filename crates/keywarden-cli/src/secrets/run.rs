//! `keywarden run --env E -- cmd args…`: runs a command with an
//! environment's secrets in its environment.
//!
//! - The child gets its parent's environment minus `KEYWARDEN_TOKEN`, plus
//!   the secrets (a secret wins over a variable of the same name).
//! - Its exit code is ours; killed by a signal, we exit 128 + the signal.
//!   SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 are forwarded to it, and
//!   SIGINT too unless standard input is a terminal (the terminal sent it
//!   to the child already).
//! - `--mask` pipes its output and replaces every secret value of at least
//!   [`MASK_MIN_LEN`] bytes (each line of a multi-line one) with
//!   `[masked:NAME]`.
//! - `--watch` asks the server for the environment's versions every
//!   second; on a change it sends the child SIGTERM (SIGKILL after 10 s)
//!   and starts it again with the new values.
//! - Every fetch is kept in an encrypted offline cache (AES-256-GCM under a
//!   key derived from the token, the server and the environment; mode 0600;
//!   never plaintext). When the server cannot be reached (no answer, or a
//!   5xx), `run` starts from the cache if it is at most `--max-age` old,
//!   and otherwise exits [`EXIT_NO_SECRETS`] saying why. A refusal (401,
//!   403, 404) is an answer, not an outage: no cache is used.

use std::{
    collections::BTreeMap,
    ffi::OsString,
    io::Write,
    path::{Path, PathBuf},
    time::Duration,
};

use aho_corasick::AhoCorasick;
use anyhow::{Context, anyhow, bail};
use clap::Args;
use hmac::{Hmac, Mac};
use keywarden_core::envelope::{self, MasterKey, Sealed};
use keywarden_proto::secrets::SecretList;
use reqwest::Method;
use sha2::Sha256;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::Child,
    sync::mpsc,
};
use zeroize::Zeroizing;

use super::Place;
use crate::{
    Outcome,
    client::{Client, Remote, root_cause},
};

/// `run`'s exit code when it has no secrets to start with: the server
/// cannot be reached and there is no offline cache, or the cache is older
/// than `--max-age` (EX_UNAVAILABLE of sysexits.h).
pub(crate) const EXIT_NO_SECRETS: u8 = 69;

/// Values shorter than this are not masked (`1`, `true`, a port number
/// would mask half the output).
pub(crate) const MASK_MIN_LEN: usize = 6;

/// How often `--watch` asks for the versions.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// How long a child has to stop after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    place: Place,
    /// Replace secret values in the command's output with [masked:NAME].
    #[arg(long)]
    mask: bool,
    /// Restart the command (SIGTERM, then the new values) within 2 s of a
    /// change to the environment's secrets.
    #[arg(long)]
    watch: bool,
    /// The oldest offline cache to start from when the server cannot be
    /// reached (0s: never).
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    max_age: String,
    /// Where the encrypted offline cache is kept [default:
    /// $XDG_CACHE_HOME/keywarden, or ~/.cache/keywarden].
    #[arg(long, env = "KEYWARDEN_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Neither read nor write the offline cache.
    #[arg(long)]
    no_cache: bool,
    /// The command, then its arguments (after `--`).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true,
        value_name = "COMMAND"
    )]
    command: Vec<OsString>,
}

/// A duration as `--max-age` takes it: `parse_duration`'s, or zero.
fn max_age_ms(text: &str) -> anyhow::Result<i64> {
    if let Some(ms) = keywarden_core::clock::parse_duration(text) {
        return Ok(ms);
    }
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    if !digits.is_empty()
        && digits.bytes().all(|b| b == b'0')
        && keywarden_core::clock::parse_duration(&format!("1{unit}")).is_some()
    {
        return Ok(0);
    }
    bail!("--max-age {text:?}: a duration such as 0s, 30m, 24h or 7d")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The versions of an environment's secrets, by name.
type Versions = BTreeMap<String, i64>;

/// What a fetch found.
enum Fetched {
    /// The secrets, by name, and their versions.
    Secrets(Vec<(String, String)>, Versions),
    /// The server could not be reached, or failed (5xx): why.
    Outage(String),
}

fn fetch(client: &Client, place: &Place) -> anyhow::Result<Fetched> {
    let res = match client
        .request(Method::GET, &place.path(None, "", true))
        .send()
    {
        Ok(res) => res,
        Err(e) => {
            return Ok(Fetched::Outage(format!(
                "cannot reach keywarden at {}: {}",
                client.base(),
                root_cause(&e)
            )));
        }
    };
    if res.status().is_server_error() {
        return Ok(Fetched::Outage(format!(
            "keywarden at {} answered {}",
            client.base(),
            res.status()
        )));
    }
    let json = Client::answer(res)?;
    let list: SecretList = serde_json::from_value(json)
        .context("keywarden answered with a body this keywarden does not read")?;
    let versions: Versions = list
        .secrets
        .iter()
        .map(|s| (s.name.clone(), s.version))
        .collect();
    let entries = super::values_of(list)?;
    Ok(Fetched::Secrets(entries, versions))
}

/// The environment's versions, for `--watch` (no values; not audited).
fn versions(client: &Client, place: &Place) -> Option<BTreeMap<String, i64>> {
    let res = client
        .request(Method::GET, &place.path(None, "", false))
        .send()
        .ok()?;
    let list: SecretList = serde_json::from_value(Client::answer(res).ok()?).ok()?;
    Some(
        list.secrets
            .into_iter()
            .map(|s| (s.name, s.version))
            .collect(),
    )
}

/// The offline cache of one token, server, space and environment.
struct Cache {
    path: PathBuf,
    key: MasterKey,
    aad: String,
}

impl Cache {
    fn new(dir: &Path, client: &Client, place: &Place) -> anyhow::Result<Self> {
        let what = format!(
            "{}\0{}\0{}",
            client.base(),
            place.space.as_deref().unwrap_or("default"),
            place.env
        );
        let derive = |label: &str| -> anyhow::Result<[u8; 32]> {
            let mut mac = Hmac::<Sha256>::new_from_slice(client.token().as_bytes())
                .map_err(|_| anyhow!("deriving the cache key"))?;
            mac.update(label.as_bytes());
            mac.update(b"\0");
            mac.update(what.as_bytes());
            Ok(mac.finalize().into_bytes().into())
        };
        let name = hex::encode(&derive("keywarden run cache name v1")?[..16]);
        let key = Zeroizing::new(hex::encode(derive("keywarden run cache key v1")?));
        Ok(Self {
            path: dir.join(format!("run-{name}.cache")),
            key: MasterKey::from_config(&key).map_err(|e| anyhow!("cache key: {e}"))?,
            aad: format!("keywarden run cache v1\0{what}"),
        })
    }

    /// Seals the secrets with the time they were fetched; written to a
    /// temporary file (0600) and renamed over the old one.
    fn save(&self, entries: &[(String, String)], fetched_at: i64) -> anyhow::Result<()> {
        let plain = Zeroizing::new(serde_json::to_vec(&serde_json::json!({
            "fetched_at": fetched_at,
            "secrets": entries,
        }))?);
        let sealed = envelope::seal(&self.key, &plain, &self.aad)
            .map_err(|e| anyhow!("sealing the cache: {e}"))?;
        let body = serde_json::to_vec(&serde_json::json!({
            "keywarden_run_cache": 1,
            "ciphertext": hex::encode(&sealed.ciphertext),
            "wrapped_key": hex::encode(&sealed.wrapped_key),
        }))?;
        let dir = self.path.parent().context("cache path")?;
        std::fs::create_dir_all(dir)?;
        set_mode(dir, 0o700)?;
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        {
            let mut file = open_private(&tmp)?;
            file.write_all(&body)?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }

    /// The cached secrets and when they were fetched; why not.
    fn load(&self) -> Result<(i64, Vec<(String, String)>), String> {
        let body = std::fs::read(&self.path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "there is no offline cache yet".to_owned(),
            _ => format!("the offline cache cannot be read: {e}"),
        })?;
        let outer: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| "the offline cache is damaged".to_owned())?;
        let hex_field = |k: &str| {
            outer[k]
                .as_str()
                .and_then(|h| hex::decode(h).ok())
                .ok_or_else(|| "the offline cache is damaged".to_owned())
        };
        let sealed = Sealed {
            ciphertext: hex_field("ciphertext")?,
            wrapped_key: hex_field("wrapped_key")?,
        };
        let plain = envelope::open(&self.key, &sealed, &self.aad).map_err(|_| {
            "the offline cache does not open with this token (it was made with another)".to_owned()
        })?;
        let inner: serde_json::Value = serde_json::from_slice(&plain)
            .map_err(|_| "the offline cache is damaged".to_owned())?;
        let fetched_at = inner["fetched_at"]
            .as_i64()
            .ok_or_else(|| "the offline cache is damaged".to_owned())?;
        let entries: Vec<(String, String)> = serde_json::from_value(inner["secrets"].clone())
            .map_err(|_| "the offline cache is damaged".to_owned())?;
        Ok((fetched_at, entries))
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    set_mode(path, 0o600)?;
    Ok(file)
}

fn default_cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("keywarden"))
}

fn age_text(ms: i64) -> String {
    keywarden_core::clock::format_duration((ms / 1000).max(1) * 1000)
}

pub(crate) fn run(remote: &Remote, args: RunArgs) -> anyhow::Result<Outcome> {
    let max_age = max_age_ms(&args.max_age)?;
    let client = Client::new(remote)?;
    let cache = match (&args.cache_dir, args.no_cache) {
        (_, true) => None,
        (Some(dir), false) => Some(Cache::new(dir, &client, &args.place)?),
        (None, false) => default_cache_dir()
            .map(|dir| Cache::new(&dir, &client, &args.place))
            .transpose()?,
    };
    let (entries, started_at) = match fetch(&client, &args.place)? {
        Fetched::Secrets(entries, versions) => (entries, Some(versions)),
        Fetched::Outage(why) => {
            let Some(cache) = &cache else {
                eprintln!("keywarden run: {why}, and the offline cache is off (--no-cache)");
                return Ok(Outcome::Exit(EXIT_NO_SECRETS));
            };
            match cache.load() {
                Err(reason) => {
                    eprintln!("keywarden run: {why}, and {reason}");
                    return Ok(Outcome::Exit(EXIT_NO_SECRETS));
                }
                Ok((fetched_at, entries)) => {
                    let age = now_ms().saturating_sub(fetched_at);
                    if max_age == 0 || age > max_age {
                        eprintln!(
                            "keywarden run: {why}, and the offline cache of {} is {} old, older \
                             than --max-age {}: not started",
                            args.place.env,
                            age_text(age),
                            args.max_age
                        );
                        return Ok(Outcome::Exit(EXIT_NO_SECRETS));
                    }
                    eprintln!(
                        "keywarden run: {why}; starting from the offline cache of {} ({} old)",
                        args.place.env,
                        age_text(age)
                    );
                    (entries, None)
                }
            }
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let fresh = started_at.is_some();
    let watch = args.watch.then(|| {
        spawn_watcher(
            remote.clone(),
            args.place.clone(),
            started_at,
            entries.clone(),
        )
    });
    let cache_write = (fresh && cache.is_some()).then(|| entries.clone());
    let code = runtime.block_on(supervise(
        &args,
        entries,
        watch,
        cache.as_ref().zip(cache_write),
    ))?;
    Ok(Outcome::Exit(code))
}

/// Watches the environment's versions from a thread of its own (the HTTP
/// client blocks): sends the new secrets when they change. `last`: the
/// versions the command started with (`None` when it started from the
/// offline cache: then the first answer is compared by value with
/// `started_with`), so a change made while the watcher starts is seen.
fn spawn_watcher(
    remote: Remote,
    place: Place,
    mut last: Option<Versions>,
    started_with: Vec<(String, String)>,
) -> mpsc::UnboundedReceiver<Vec<(String, String)>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let Ok(client) = Client::new(&remote) else {
            return;
        };
        let mut started_with = Some(started_with);
        loop {
            std::thread::sleep(WATCH_EVERY);
            if tx.is_closed() {
                return;
            }
            let Some(now) = versions(&client, &place) else {
                continue;
            };
            if last.as_ref() == Some(&now) {
                continue;
            }
            if let Ok(Fetched::Secrets(entries, versions)) = fetch(&client, &place) {
                let unchanged = last.is_none() && started_with.as_ref() == Some(&entries);
                last = Some(versions);
                started_with = None;
                if !unchanged && tx.send(entries).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// The child's environment: ours, minus the token, plus the secrets.
fn child_env(entries: &[(String, String)]) -> Vec<(OsString, OsString)> {
    let mut env: BTreeMap<OsString, OsString> = std::env::vars_os()
        .filter(|(k, _)| k != "KEYWARDEN_TOKEN")
        .collect();
    for (k, v) in entries {
        env.insert(k.into(), v.into());
    }
    env.into_iter().collect()
}

/// A started child, and the tasks copying its masked output.
struct Running {
    child: Child,
    pipes: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Waits for the masked output to be written out.
    async fn drain(&mut self) {
        for pipe in self.pipes.drain(..) {
            let _ = pipe.await;
        }
    }
}

/// Starts the child; the exit code to give when it cannot start.
fn start(args: &RunArgs, entries: &[(String, String)]) -> Result<Running, u8> {
    let mut command = tokio::process::Command::new(&args.command[0]);
    command
        .args(&args.command[1..])
        .env_clear()
        .envs(child_env(entries));
    if args.mask {
        command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
    }
    match command.spawn() {
        Ok(mut child) => {
            let mut pipes = Vec::new();
            if args.mask {
                let masker = Masker::new(entries);
                if let Some(out) = child.stdout.take() {
                    pipes.push(tokio::spawn(masker.clone().copy(out, tokio::io::stdout())));
                }
                if let Some(err) = child.stderr.take() {
                    pipes.push(tokio::spawn(masker.copy(err, tokio::io::stderr())));
                }
            }
            Ok(Running { child, pipes })
        }
        Err(e) => {
            let name = args.command[0].to_string_lossy();
            eprintln!("keywarden run: cannot start {name}: {e}");
            Err(match e.kind() {
                std::io::ErrorKind::NotFound => 127,
                _ => 126,
            })
        }
    }
}

/// The signals forwarded to the child, as they arrive.
fn forwarded_signals() -> anyhow::Result<mpsc::UnboundedReceiver<i32>> {
    use std::io::IsTerminal;
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, rx) = mpsc::unbounded_channel();
    let mut kinds = vec![
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::quit(),
        SignalKind::user_defined1(),
        SignalKind::user_defined2(),
        // Listening also keeps SIGINT from killing us before the child.
        SignalKind::interrupt(),
    ];
    let forward_interrupt = !std::io::stdin().is_terminal();
    for kind in kinds.drain(..) {
        let mut stream = signal(kind)?;
        let tx = tx.clone();
        let number = kind.as_raw_value();
        let forward = number != SignalKind::interrupt().as_raw_value() || forward_interrupt;
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if forward && tx.send(number).is_err() {
                    return;
                }
            }
        });
    }
    Ok(rx)
}

fn send_signal(child: &Child, number: i32) {
    let Some(pid) = child.id().and_then(|id| i32::try_from(id).ok()) else {
        return;
    };
    if let (Some(pid), Some(signal)) = (
        rustix::process::Pid::from_raw(pid),
        rustix::process::Signal::from_named_raw(number),
    ) {
        let _ = rustix::process::kill_process(pid, signal);
    }
}

/// The exit code of a finished child: its own, or 128 + its signal.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(1),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(255),
        (None, None) => 1,
    }
}

async fn stop(child: &mut Child) {
    send_signal(child, rustix::process::Signal::TERM.as_raw());
    if tokio::time::timeout(STOP_GRACE, child.wait())
        .await
        .is_err()
    {
        let _ = child.start_kill();
        let _ = child.wait().await;
    }
}

async fn supervise(
    args: &RunArgs,
    entries: Vec<(String, String)>,
    mut watch: Option<mpsc::UnboundedReceiver<Vec<(String, String)>>>,
    cache_write: Option<(&Cache, Vec<(String, String)>)>,
) -> anyhow::Result<u8> {
    let mut signals = forwarded_signals()?;
    let mut running = match start(args, &entries) {
        Ok(running) => running,
        Err(code) => return Ok(code),
    };
    // The child runs: now the cache is written (not on its start's path).
    if let Some((cache, entries)) = cache_write
        && let Err(e) = cache.save(&entries, now_ms())
    {
        eprintln!("keywarden run: the offline cache was not written: {e:#}");
    }
    loop {
        tokio::select! {
            status = running.child.wait() => {
                running.drain().await;
                return Ok(exit_code(status?));
            }
            Some(number) = signals.recv() => send_signal(&running.child, number),
            Some(new) = async {
                match watch.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                eprintln!("keywarden run: the secrets of {} changed: restarting", args.place.env);
                stop(&mut running.child).await;
                running.drain().await;
                running = match start(args, &new) {
                    Ok(running) => running,
                    Err(code) => return Ok(code),
                };
            }
        }
    }
}

/// Replaces secret values in a stream, line by line.
#[derive(Clone)]
struct Masker {
    finder: Option<std::sync::Arc<AhoCorasick>>,
    names: std::sync::Arc<Vec<String>>,
}

impl Masker {
    fn new(entries: &[(String, String)]) -> Self {
        let mut patterns = Vec::new();
        let mut names = Vec::new();
        for (name, value) in entries {
            for line in value.split('\n') {
                let line = line.trim_end_matches('\r');
                if line.len() >= MASK_MIN_LEN {
                    patterns.push(line.to_owned());
                    names.push(format!("[masked:{name}]"));
                }
            }
        }
        let finder = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty())
            .map(std::sync::Arc::new);
        Self {
            finder,
            names: std::sync::Arc::new(names),
        }
    }

    async fn copy(
        self,
        from: impl tokio::io::AsyncRead + Unpin,
        mut to: impl tokio::io::AsyncWrite + Unpin,
    ) {
        let mut reader = BufReader::new(from);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let masked = match &self.finder {
                Some(finder) => {
                    let names: Vec<&[u8]> = self.names.iter().map(|n| n.as_bytes()).collect();
                    finder.replace_all_bytes(&line, &names)
                }
                None => line.clone(),
            };
            if to.write_all(&masked).await.is_err() || to.flush().await.is_err() {
                break;
            }
        }
    }
}
