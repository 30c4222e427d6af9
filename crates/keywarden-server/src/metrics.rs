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
        let m = Self {
            requests,
            request_seconds,
            by_code,
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

    /// Counts an answered HTTP request. `route` is the matched route's
    /// pattern (`/v1/keys/{id}`), so the labels stay few.
    pub fn request(&self, method: &axum::http::Method, route: &str, status: u16, seconds: f64) {
        let method = match *method {
            axum::http::Method::GET => "GET",
            axum::http::Method::POST => "POST",
            axum::http::Method::PATCH => "PATCH",
            axum::http::Method::PUT => "PUT",
            axum::http::Method::DELETE => "DELETE",
            axum::http::Method::HEAD => "HEAD",
            axum::http::Method::OPTIONS => "OPTIONS",
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
