//! Prometheus metrics. Labels are outcome codes and fixed names only: never
//! a key, a key id or a client address.

use std::sync::Arc;

use keywarden_core::outcome::Code;

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabel {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LaneLabel {
    lane: &'static str,
}

/// Why the node closed a connection or refused a request to keep serving
/// the others (`keywarden_load_shed_total{reason}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shed {
    /// Closed at once: its address had `max_connections_per_address` open.
    PerAddress,
    /// A newcomer found the overflow lane full: it took the place of the
    /// oldest connection still sending its request head (or was closed at
    /// once when none was).
    OverflowFull,
    /// Answered 503 `OVERLOADED` in the overflow lane (not a health check).
    OverflowLane,
    /// Answered 503 `OVERLOADED`: the request bodies in flight held
    /// `max_body_memory`.
    BodyBudget,
    /// Closed: the client did not take its response within
    /// `response_write_timeout`.
    WriteTimeout,
}

impl Shed {
    /// Every reason, in label order.
    pub const ALL: [Self; 5] = [
        Self::PerAddress,
        Self::OverflowFull,
        Self::OverflowLane,
        Self::BodyBudget,
        Self::WriteTimeout,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PerAddress => "per_address",
            Self::OverflowFull => "overflow_full",
            Self::OverflowLane => "overflow_lane",
            Self::BodyBudget => "body_budget",
            Self::WriteTimeout => "write_timeout",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabel {
    version: &'static str,
}

/// The server's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabel, Counter>,
    request_seconds: Family<RouteLabel, Histogram>,
    by_code: Arc<Vec<Counter>>,
    shed: Arc<Vec<Counter>>,
    /// Open connections served in full.
    pub connections_open: Gauge,
    /// Open connections in the overflow lane.
    pub overflow_connections_open: Gauge,
    /// Bytes the request bodies in flight hold (at most `max_body_memory`).
    pub body_bytes_held: Gauge,
    /// Verification latency, in seconds.
    pub verify_seconds: Histogram,
    /// Key cache hits.
    pub cache_hits: Counter,
    /// Key cache misses (store lookups).
    pub cache_misses: Counter,
    /// Usage events waiting to be written.
    pub usage_queue_depth: Gauge,
    /// Usage events dropped because the queue was full.
    pub usage_dropped: Counter,
    /// Usage events written.
    pub usage_written: Counter,
    /// Client addresses currently throttled for failed verifications.
    pub throttled_addresses: Gauge,
    /// Verifications refused because their address was throttled.
    pub throttled_verifications: Counter,
    /// Cache invalidations received from other nodes.
    pub invalidations_received: Counter,
    /// Leak reports that revoked a key.
    pub leaks_revoked: Counter,
    /// Events raised (leaks, anomalies).
    pub events_raised: Counter,
    /// Events delivered to the webhook.
    pub webhooks_delivered: Counter,
    /// Events the webhook never accepted, after retries.
    pub webhooks_failed: Counter,
    /// Webhook attempts that failed and will be retried.
    pub webhook_retries: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("keywarden");
        let verifications = Family::<CodeLabel, Counter>::default();
        registry.register(
            "verifications",
            "Verifications by outcome code",
            verifications.clone(),
        );
        let verify_seconds = Histogram::new(exponential_buckets(0.000_002, 2.0, 22));
        registry.register(
            "verify_duration_seconds",
            "Time to verify a key",
            verify_seconds.clone(),
        );
        let requests = Family::<RequestLabel, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route (the route's pattern, never the path) and status",
            requests.clone(),
        );
        let request_seconds = Family::<RouteLabel, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.000_05, 2.0, 20))) as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            request_seconds.clone(),
        );
        registry.register(
            "build",
            "The running build: its version in the label",
            prometheus_client::metrics::info::Info::new(BuildLabel {
                version: env!("CARGO_PKG_VERSION"),
            }),
        );
        let by_code = Arc::new(
            Code::ALL
                .iter()
                .map(|c| {
                    verifications
                        .get_or_create(&CodeLabel { code: c.as_str() })
                        .clone()
                })
                .collect(),
        );
        let shed_family = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "load_shed",
            "Connections closed and requests refused to keep the node serving, by reason: \
             per_address (closed at once: max_connections_per_address), overflow_full (the overflow \
             lane was full), overflow_lane (503 OVERLOADED past max_connections), body_budget (503 \
             OVERLOADED: max_body_memory), write_timeout (the client did not take its response)",
            shed_family.clone(),
        );
        let shed = Arc::new(
            Shed::ALL
                .iter()
                .map(|r| {
                    shed_family
                        .get_or_create(&ReasonLabel { reason: r.as_str() })
                        .clone()
                })
                .collect(),
        );
        let open = Family::<LaneLabel, Gauge>::default();
        registry.register(
            "connections_open",
            "Open client connections, by lane: main (served in full, at most max_connections) \
             and overflow (health checks only)",
            open.clone(),
        );
        let connections_open = open.get_or_create(&LaneLabel { lane: "main" }).clone();
        let overflow_connections_open = open.get_or_create(&LaneLabel { lane: "overflow" }).clone();
        let m = Self {
            requests,
            request_seconds,
            by_code,
            shed,
            connections_open,
            overflow_connections_open,
            body_bytes_held: Gauge::default(),
            verify_seconds,
            cache_hits: Counter::default(),
            cache_misses: Counter::default(),
            usage_queue_depth: Gauge::default(),
            usage_dropped: Counter::default(),
            usage_written: Counter::default(),
            throttled_addresses: Gauge::default(),
            throttled_verifications: Counter::default(),
            invalidations_received: Counter::default(),
            leaks_revoked: Counter::default(),
            events_raised: Counter::default(),
            webhooks_delivered: Counter::default(),
            webhooks_failed: Counter::default(),
            webhook_retries: Counter::default(),
            registry: Arc::new(Registry::default()),
        };
        let counters = [
            ("cache_hits", "Key cache hits", &m.cache_hits),
            ("cache_misses", "Key cache misses", &m.cache_misses),
            (
                "usage_events_dropped",
                "Usage events dropped: the queue was full",
                &m.usage_dropped,
            ),
            (
                "usage_events_written",
                "Usage events written to the store",
                &m.usage_written,
            ),
            (
                "throttled_verifications",
                "Verifications refused because their address was throttled",
                &m.throttled_verifications,
            ),
            (
                "cache_invalidations_received",
                "Key changes announced by other nodes",
                &m.invalidations_received,
            ),
            (
                "leaks_revoked",
                "Keys revoked by leak reports",
                &m.leaks_revoked,
            ),
            (
                "events_raised",
                "Notable events raised (leaks, anomalies)",
                &m.events_raised,
            ),
            (
                "webhooks_delivered",
                "Events delivered to the webhook",
                &m.webhooks_delivered,
            ),
            (
                "webhooks_failed",
                "Events the webhook never accepted",
                &m.webhooks_failed,
            ),
            (
                "webhook_retries",
                "Webhook attempts that failed and will be retried",
                &m.webhook_retries,
            ),
        ];
        for (name, help, counter) in counters {
            registry.register(name, help, counter.clone());
        }
        let gauges = [
            (
                "usage_queue_depth",
                "Usage events waiting to be written",
                &m.usage_queue_depth,
            ),
            (
                "throttled_addresses",
                "Client addresses throttled for failed verifications",
                &m.throttled_addresses,
            ),
            (
                "request_body_bytes",
                "Bytes the request bodies in flight hold (at most max_body_memory)",
                &m.body_bytes_held,
            ),
        ];
        for (name, help, gauge) in gauges {
            registry.register(name, help, gauge.clone());
        }
        Self {
            registry: Arc::new(registry),
            ..m
        }
    }

    /// Counts a verification outcome.
    pub fn verification(&self, code: Code) {
        // One counter per code, made at start-up: no label lookup per request.
        if let Some(i) = Code::ALL.iter().position(|c| *c == code)
            && let Some(counter) = self.by_code.get(i)
        {
            counter.inc();
        }
    }

    /// Counts a connection closed or a request refused for `reason`.
    pub fn shed(&self, reason: Shed) {
        if let Some(counter) = self.shed_counter_ref(reason) {
            counter.inc();
        }
    }

    /// The counter of `reason`, for a part that counts on its own.
    pub fn shed_counter(&self, reason: Shed) -> Counter {
        self.shed_counter_ref(reason).cloned().unwrap_or_default()
    }

    fn shed_counter_ref(&self, reason: Shed) -> Option<&Counter> {
        let i = Shed::ALL.iter().position(|r| *r == reason)?;
        self.shed.get(i)
    }

    /// Counts an answered HTTP request. `route` is the matched route's
    /// pattern (`/v1/keys/{id}`), so the labels stay few.
    pub fn request(&self, method: &http::Method, route: &str, status: u16, seconds: f64) {
        let method = match *method {
            http::Method::GET => "GET",
            http::Method::POST => "POST",
            http::Method::PATCH => "PATCH",
            http::Method::PUT => "PUT",
            http::Method::DELETE => "DELETE",
            http::Method::HEAD => "HEAD",
            http::Method::OPTIONS => "OPTIONS",
            _ => "OTHER",
        };
        self.requests
            .get_or_create(&RequestLabel {
                method,
                route: route.to_owned(),
                status,
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabel {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
