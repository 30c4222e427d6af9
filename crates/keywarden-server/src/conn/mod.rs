//! The connection loop: accepting, limiting and serving HTTP/1.1
//! connections (plain or TLS).
//!
//! What bounds a node's connections, in the order a connection meets them:
//!
//! 1. **Every connection is accepted at once**, none is left in the listen
//!    backlog, so a health check never queues behind slow clients.
//! 2. **Per address** (`max_connections_per_address`): a TCP peer address
//!    (IPv4-mapped IPv6 read as IPv4) with that many connections open has
//!    its next one closed at once. Peers in `trusted_proxies` are exempt:
//!    they carry many clients.
//! 3. **The cap** (`max_connections`): that many connections are served in
//!    full. Past it a connection enters the **overflow lane**, a few more
//!    places ([`ConnectionLimits::overflow_lane`]) with a short header
//!    timeout and no keep-alive, which answers `/healthz` and `/readyz` and
//!    everything else 503 `OVERLOADED` (with `Retry-After` and
//!    `Connection: close`). When the lane is full, the newcomer takes the
//!    place of the lane's oldest connection that can make room: one that
//!    is not being answered and has no complete request head waiting
//!    unread in its socket (looked at through a second descriptor, without
//!    reading). If none can, the newcomer is closed at once. Closing the
//!    newcomer always instead would let clients that reconnect the moment
//!    they are dropped hold the lane for good: each place freed goes to
//!    whoever is accepted next, and they always are. A health check sends
//!    its whole request as it connects; from then on the request waits
//!    unread or is being answered, so it is not pushed out. Over TLS the
//!    socket holds records, not requests: a complete record waiting
//!    protects a connection, but one whose handshake is between two
//!    flights can be pushed out by a flood.
//! 4. **Per connection**: the header read timeout (also the idle timeout of
//!    a kept-alive connection), the response write timeout (a client must
//!    take what is sent: see [`write_timeout`]), at most
//!    `max_requests_per_connection` requests (the last answer carries
//!    `Connection: close`), and a read buffer of [`READ_BUFFER_BYTES`]
//!    (request heads beyond it are refused).
//! 5. **Per request**: the bytes of all request bodies in flight are
//!    bounded together (`max_body_memory`, [`crate::budget`]).

mod per_address;
mod write_timeout;

use std::{
    collections::VecDeque,
    convert::Infallible,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    extract::ConnectInfo,
    http::{HeaderValue, Request, Response, header},
};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use ipnet::IpNet;
use prometheus_client::metrics::gauge::Gauge;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::{
    ServerConfig,
    budget::BodyBudget,
    metrics::{Metrics, Shed},
    state::AppState,
};

/// Largest read buffer of a connection: a request's head must fit in it,
/// and pipelined requests past it wait in the kernel, not in memory.
pub const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Read buffer of an overflow-lane connection: a health check's request.
const OVERFLOW_READ_BUFFER_BYTES: usize = 16 * 1024;

/// Longest header read timeout in the overflow lane.
const OVERFLOW_HEADER_TIMEOUT: Duration = Duration::from_secs(2);

/// `Strict-Transport-Security` of every answer over TLS: one year.
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// How the server treats connections.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Time to send a request's headers, and the idle time of a kept-alive
    /// connection.
    pub header_read_timeout: Duration,
    /// Time a client has to take a response once writing to it blocks
    /// ([`write_timeout`]).
    pub response_write_timeout: Duration,
    /// Most connections served in full; past it, the overflow lane.
    pub max_connections: usize,
    /// Most open connections from one peer address.
    pub max_connections_per_address: usize,
    /// Peers the per-address limit does not count (the trusted proxies).
    pub exempt_addresses: Vec<IpNet>,
    /// Requests answered on one connection.
    pub max_requests_per_connection: u32,
    /// Bytes all request bodies in flight may hold together.
    pub max_body_memory: usize,
    /// Longest wait for open requests at shutdown.
    pub shutdown_timeout: Duration,
}

impl ConnectionLimits {
    /// The limits a configuration sets.
    pub fn from_config(config: &ServerConfig) -> Self {
        Self {
            header_read_timeout: config.header_read_timeout.std(),
            response_write_timeout: config.response_write_timeout.std(),
            max_connections: config.effective_max_connections(),
            max_connections_per_address: config.max_connections_per_address.max(1),
            exempt_addresses: config.trusted_proxies.clone(),
            max_requests_per_connection: config.max_requests_per_connection.max(1),
            max_body_memory: config.max_body_memory,
            shutdown_timeout: config.shutdown_timeout.std(),
        }
    }

    /// Places in the overflow lane: a sixteenth of `max_connections`,
    /// at least 16 and at most 64 ([`crate::config::overflow_lane`]).
    pub fn overflow_lane(&self) -> usize {
        crate::config::overflow_lane(self.max_connections)
    }

    /// The header read timeout in the overflow lane: the node's, at most
    /// 2 s.
    pub fn overflow_header_timeout(&self) -> Duration {
        self.header_read_timeout.min(OVERFLOW_HEADER_TIMEOUT)
    }
}

/// What every connection's task shares.
struct Shared {
    app: Router,
    overflow: Router,
    metrics: Metrics,
    budget: Arc<BodyBudget>,
    tls: bool,
    write_timeout: Duration,
    max_requests: u32,
}

/// A connection of the overflow lane, as the accept loop sees it.
#[derive(Debug)]
struct LaneSlot {
    /// Its request head arrived: it is being answered.
    answering: AtomicBool,
    /// Its task ended.
    done: AtomicBool,
    /// Whether its socket carries TLS (what waits there is records).
    tls: bool,
    /// A second descriptor of its socket, to look at what waits there
    /// unread without reading it (`None` when it could not be made, and
    /// once the task ended: the socket must close with the connection).
    peek: Mutex<Option<std::net::TcpStream>>,
}

/// Bytes looked at in a lane connection's socket: a health check's request
/// fits many times over.
const PEEK_BYTES: usize = 2048;

impl LaneSlot {
    fn new(peek: Option<std::net::TcpStream>, tls: bool) -> Self {
        Self {
            answering: AtomicBool::new(false),
            done: AtomicBool::new(false),
            tls,
            peek: Mutex::new(peek),
        }
    }

    /// Whether the connection may make room for a newcomer: it is not
    /// being answered, and no complete request waits unread in its socket
    /// ([`complete_request_waiting`]). A health check sends its request as
    /// it connects: from then on the request waits there or is being
    /// answered, and the connection is not pushed out.
    fn can_make_room(&self) -> bool {
        if self.answering.load(Ordering::Acquire) || self.done.load(Ordering::Acquire) {
            return false;
        }
        let peek = self.peek.lock().unwrap_or_else(|e| e.into_inner());
        let Some(socket) = peek.as_ref() else {
            return true;
        };
        let mut waiting = [0u8; PEEK_BYTES];
        // The socket is non-blocking (tokio's): `WouldBlock` is "nothing
        // waits"; `Ok(0)` is a client that left.
        match socket.peek(&mut waiting) {
            Ok(n) => !complete_request_waiting(&waiting[..n.min(PEEK_BYTES)], self.tls),
            Err(_) => true,
        }
    }
}

/// Whether the bytes waiting unread in a socket hold a complete request:
/// in plain HTTP a head that ends (an empty line); over TLS, where the
/// request cannot be read, a complete record (a whole ClientHello, or the
/// client's last handshake flight with its request). A buffer full of
/// bytes counts as complete.
fn complete_request_waiting(waiting: &[u8], tls: bool) -> bool {
    if waiting.len() >= PEEK_BYTES {
        return true;
    }
    if tls {
        return match waiting {
            [_, _, _, hi, lo, record @ ..] => {
                record.len() >= usize::from(u16::from_be_bytes([*hi, *lo]))
            }
            _ => false,
        };
    }
    waiting.windows(4).any(|w| w == b"\r\n\r\n") || waiting.windows(2).any(|w| w == b"\n\n")
}

/// Marks a lane connection done when its task ends, however it ends, and
/// closes the second descriptor.
struct DoneOnDrop(Arc<LaneSlot>);

impl Drop for DoneOnDrop {
    fn drop(&mut self) {
        self.0.done.store(true, Ordering::Release);
        let mut peek = self.0.peek.lock().unwrap_or_else(|e| e.into_inner());
        *peek = None;
    }
}

/// The overflow lane's connections, oldest first.
struct LaneEntry {
    slot: Arc<LaneSlot>,
    task: tokio::task::AbortHandle,
}

/// Which lane a connection is served in.
enum Lane {
    /// Served in full, holding one of the cap's places.
    Main(tokio::sync::OwnedSemaphorePermit),
    /// The overflow lane.
    Overflow(Arc<LaneSlot>),
}

/// Counts an open connection in its lane's gauge while it lives.
struct Open(Gauge);

impl Open {
    fn new(gauge: &Gauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Serves the node on `listener` (over TLS when `tls` is given: plain HTTP
/// is then not served at all) until `shutdown` resolves, then lets open
/// requests finish for at most `limits.shutdown_timeout` and closes what is
/// left. See the module docs for what bounds the connections.
pub async fn run(
    listener: tokio::net::TcpListener,
    tls: Option<crate::tls::Tls>,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let metrics = state.metrics().clone();
    let shared = Arc::new(Shared {
        app: crate::app(state.clone()),
        overflow: crate::overflow_app(state),
        budget: BodyBudget::new(
            limits.max_body_memory,
            metrics.body_bytes_held.clone(),
            metrics.shed_counter(Shed::BodyBudget),
        ),
        metrics,
        tls: tls.is_some(),
        write_timeout: limits.response_write_timeout,
        max_requests: limits.max_requests_per_connection,
    });
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let per_address = per_address::PerAddress::new(
        limits.max_connections_per_address,
        limits.exempt_addresses.clone(),
    );
    let lane_size = limits.overflow_lane();
    let mut lane: VecDeque<LaneEntry> = VecDeque::with_capacity(lane_size);
    let mut connections = tokio::task::JoinSet::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(READ_BUFFER_BYTES)
        .keep_alive(true);
    let mut overflow_http = http.clone();
    overflow_http
        .header_read_timeout(limits.overflow_header_timeout())
        .max_buf_size(OVERFLOW_READ_BUFFER_BYTES)
        .keep_alive(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(err) => {
                    // Out of descriptors or a connection reset while queued:
                    // nothing to do for it, and no reason to stop serving.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let Some(address) = per_address.enter(peer.ip()) else {
            shared.metrics.shed(Shed::PerAddress);
            tracing::debug!(peer = %peer.ip(), "closed at once: this address has max_connections_per_address open");
            continue;
        };
        let kind = match Arc::clone(&slots).try_acquire_owned() {
            Ok(permit) => Lane::Main(permit),
            Err(_) => {
                lane.retain(|entry| !entry.slot.done.load(Ordering::Acquire));
                if lane.len() >= lane_size {
                    shared.metrics.shed(Shed::OverflowFull);
                    let oldest = lane.iter().position(|entry| entry.slot.can_make_room());
                    match oldest.and_then(|i| lane.remove(i)) {
                        Some(pushed_out) => pushed_out.task.abort(),
                        None => {
                            // Every place holds a request being read or
                            // answered (a matter of milliseconds).
                            tracing::debug!(peer = %peer.ip(), "closed at once: the overflow lane is full");
                            continue;
                        }
                    }
                }
                let peek = socket2::SockRef::from(&stream)
                    .try_clone()
                    .ok()
                    .map(std::net::TcpStream::from);
                Lane::Overflow(Arc::new(LaneSlot::new(peek, tls.is_some())))
            }
        };
        let _ = stream.set_nodelay(true);
        let slot = match &kind {
            Lane::Overflow(slot) => Some(Arc::clone(slot)),
            Lane::Main(_) => None,
        };
        let http = match &kind {
            Lane::Main(_) => http.clone(),
            Lane::Overflow(_) => overflow_http.clone(),
        };
        let handshake_timeout = match &kind {
            Lane::Main(_) => limits.header_read_timeout,
            Lane::Overflow(_) => limits.overflow_header_timeout(),
        };
        let task = connection(
            Arc::clone(&shared),
            stream,
            peer,
            tls.clone(),
            handshake_timeout,
            kind,
            address,
            http,
            graceful.watcher(),
        );
        let handle = connections.spawn(task);
        if let Some(slot) = slot {
            lane.push_back(LaneEntry { slot, task: handle });
        }
    }
    drop(listener);
    let open = graceful.count();
    if open > 0 {
        tracing::info!(connections = open, "waiting for open requests to finish");
    }
    if tokio::time::timeout(limits.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            connections = connections.len(),
            "open connections did not finish in time: closing them"
        );
    }
    connections.shutdown().await;
}

/// One connection's task: the TLS handshake (bounded like a request's
/// head, so a silent client holds a place for at most that long), then
/// HTTP/1.1 in its lane.
#[allow(clippy::too_many_arguments)]
async fn connection(
    shared: Arc<Shared>,
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    tls: Option<crate::tls::Tls>,
    handshake_timeout: Duration,
    lane: Lane,
    address: per_address::AddressSlot,
    http: hyper::server::conn::http1::Builder,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let _address = address;
    let _done = match &lane {
        Lane::Overflow(slot) => Some(DoneOnDrop(Arc::clone(slot))),
        Lane::Main(_) => None,
    };
    let _open = Open::new(match &lane {
        Lane::Main(_) => &shared.metrics.connections_open,
        Lane::Overflow(_) => &shared.metrics.overflow_connections_open,
    });
    match tls {
        None => serve(&shared, stream, peer, lane, http, watcher).await,
        Some(tls) => {
            match tokio::time::timeout(handshake_timeout, tls.acceptor().accept(stream)).await {
                Ok(Ok(stream)) => serve(&shared, stream, peer, lane, http, watcher).await,
                Ok(Err(err)) => tracing::debug!(error = %err, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        }
    }
}

/// HTTP/1.1 on one connection's byte stream, until it closes.
async fn serve<I>(
    shared: &Arc<Shared>,
    io: I,
    peer: SocketAddr,
    lane: Lane,
    http: hyper::server::conn::http1::Builder,
    watcher: hyper_util::server::graceful::Watcher,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = TokioIo::new(write_timeout::WriteTimeout::new(io, shared.write_timeout));
    let ended = match lane {
        Lane::Main(_permit) => {
            let served = AtomicU32::new(0);
            let shared = Arc::clone(shared);
            let service = hyper::service::service_fn(move |req| {
                let n = served.fetch_add(1, Ordering::Relaxed).saturating_add(1);
                respond(
                    Arc::clone(&shared),
                    false,
                    req,
                    peer,
                    n >= shared.max_requests,
                )
            });
            watcher.watch(http.serve_connection(io, service)).await
        }
        Lane::Overflow(slot) => {
            let shared = Arc::clone(shared);
            let service = hyper::service::service_fn(move |req| {
                slot.answering.store(true, Ordering::Release);
                respond(Arc::clone(&shared), true, req, peer, true)
            });
            watcher.watch(http.serve_connection(io, service)).await
        }
    };
    if let Err(err) = ended {
        if write_timeout::is_write_timeout(&err) {
            shared.metrics.shed(Shed::WriteTimeout);
            tracing::debug!(peer = %peer.ip(), "closed: the client did not take its response within response_write_timeout");
        } else {
            tracing::debug!(error = %err, "connection ended with an error");
        }
    }
}

/// One request: the peer's address and the body budget go in, the node's
/// (or the overflow lane's) router answers; `last` closes the connection
/// after the answer.
async fn respond(
    shared: Arc<Shared>,
    overflow: bool,
    req: Request<Incoming>,
    peer: SocketAddr,
    last: bool,
) -> Result<Response<axum::body::Body>, Infallible> {
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(ConnectInfo(peer));
    let (body, account) = shared.budget.wrap(body);
    let router = if overflow {
        shared.overflow.clone()
    } else {
        shared.app.clone()
    };
    let Ok(mut response) =
        tower::ServiceExt::oneshot(router, Request::from_parts(parts, body)).await;
    // The handler is done with the body's bytes.
    drop(account);
    let headers = response.headers_mut();
    if last {
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if shared.tls {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_request_head_is_told_from_a_partial_one() {
        assert!(complete_request_waiting(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            false
        ));
        assert!(complete_request_waiting(
            b"GET /healthz HTTP/1.1\n\n",
            false
        ));
        assert!(!complete_request_waiting(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
            false
        ));
        assert!(!complete_request_waiting(b"", false));
        assert!(complete_request_waiting(&[b'x'; PEEK_BYTES], false));
    }

    #[test]
    fn a_complete_tls_record_is_told_from_a_partial_one() {
        let mut record = vec![0x16, 0x03, 0x01, 0x00, 0x04];
        assert!(!complete_request_waiting(&record, true));
        record.extend_from_slice(&[1, 2, 3]);
        assert!(!complete_request_waiting(&record, true));
        record.push(4);
        assert!(complete_request_waiting(&record, true));
        assert!(!complete_request_waiting(&[0x16, 0x03], true));
        // Plain text is not read as a request over TLS.
        assert!(!complete_request_waiting(b"GET / HTTP/1.1\r\n\r", true));
    }
}
