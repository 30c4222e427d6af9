//! In-process verification of a cached valid key, against the least work a
//! verification can do (parse + digest) measured in the same run.
//! `cargo bench -p keywarden-server --bench verify`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{hint::black_box, sync::Arc};

use axum::{body::Body, http::Request};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use keywarden_core::{
    clock::SystemClock,
    digest::{Pepper, PepperRing},
    key,
};
use keywarden_server::{AppState, ServerConfig, setup, verify::VerifyInput};
use keywarden_store::Store;
use tower::ServiceExt;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pepper = Pepper::new(1, &[1; 32]).unwrap();
    let (state, key, root_key) = rt.block_on(async {
        let store = Store::open_in_dir(dir.path(), PepperRing::new(pepper.clone()))
            .await
            .unwrap();
        let root = setup::bootstrap(&store, &Default::default(), 0)
            .await
            .unwrap()
            .unwrap();
        let (state, _bg) =
            AppState::start(store, ServerConfig::default(), Arc::new(SystemClock), None).await;
        let req = Request::post("/v1/keys")
            .header("authorization", format!("Bearer {}", root.expose()))
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"environment":"live","scopes":["orders:*","docs.read","billing.read","users:read"]}"#,
            ))
            .unwrap();
        let res = keywarden_server::app(state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
        (
            state,
            body["key"].as_str().unwrap().to_owned(),
            root.expose().to_owned(),
        )
    });
    let scopes = vec!["orders:read".parse().unwrap()];
    let input = VerifyInput {
        key: Some(&key),
        environment: Some("live"),
        scopes: &scopes,
        permissions: None,
        space: None,
        visible: None,
        client_ip: Some("192.0.2.1".parse().unwrap()),
        peer_ip: None,
        user_agent: Some("bench"),
        cost: 1,
    };
    // Warm the cache.
    assert!(rt.block_on(state.verifier().verify(input)).is_valid());

    c.bench_function("baseline: parse + digest", |b| {
        b.iter(|| key::parse(black_box(&key)).map(|k| pepper.digest(k.expose())))
    });
    c.bench_function("verify: cached valid key", |b| {
        b.to_async(&rt)
            .iter(|| async { assert!(state.verifier().verify(black_box(input)).await.is_valid()) })
    });
    // The same verification with a five-term permission query (parsed once,
    // as forward-auth and the tower layer keep it): its cost over the one
    // above is what a query adds.
    let query: keywarden_core::query::PermissionQuery =
        "orders:read AND (docs.read OR docs.write) AND billing.read AND users:read"
            .parse()
            .unwrap();
    let with_query = VerifyInput {
        permissions: Some(&query),
        ..input
    };
    assert!(rt.block_on(state.verifier().verify(with_query)).is_valid());
    c.bench_function(
        "verify: cached valid key, five-term permission query",
        |b| {
            b.to_async(&rt).iter(|| async {
                assert!(
                    state
                        .verifier()
                        .verify(black_box(with_query))
                        .await
                        .is_valid()
                )
            })
        },
    );
    let unknown = key::mint(&key::Prefix::default(), &"live".parse().unwrap());
    let unknown_input = VerifyInput {
        key: Some(unknown.expose()),
        ..input
    };
    rt.block_on(state.verifier().verify(unknown_input));
    c.bench_function("verify: unknown key (negative cache)", |b| {
        b.to_async(&rt)
            .iter(|| async { state.verifier().verify(black_box(unknown_input)).await })
    });
    let junk = "kw_live_0000000000000000000000000000000000000000000000000x";
    let junk_input = VerifyInput {
        key: Some(junk),
        client_ip: None,
        ..input
    };
    c.bench_function("verify: look-alike (bad checksum)", |b| {
        b.to_async(&rt)
            .iter(|| async { state.verifier().verify(black_box(junk_input)).await })
    });

    // Keys imported from another system (issue 27): a string of another
    // format, cached, against a keywarden key in the same store — which
    // should cost what it did before anything was imported.
    let legacy = "sk_old_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
    rt.block_on(async {
        let req = Request::post("/v1/keys/import")
            .header("authorization", format!("Bearer {}", root_key))
            .header("content-type", "application/json")
            .body(Body::from(format!(
                r#"{{"keys":[{{"plaintext":"{legacy}","environment":"live","scopes":["orders:read"]}}]}}"#
            )))
            .unwrap();
        let res = keywarden_server::app(state.clone())
            .oneshot(req)
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
    });
    let legacy_input = VerifyInput {
        key: Some(legacy),
        ..input
    };
    assert!(
        rt.block_on(state.verifier().verify(legacy_input))
            .is_valid()
    );
    assert!(rt.block_on(state.verifier().verify(input)).is_valid());
    c.bench_function(
        "verify: cached valid key, with imported keys in the store",
        |b| {
            b.to_async(&rt).iter(|| async {
                assert!(state.verifier().verify(black_box(input)).await.is_valid())
            })
        },
    );
    c.bench_function("verify: cached imported key (another format)", |b| {
        b.to_async(&rt).iter(|| async {
            assert!(
                state
                    .verifier()
                    .verify(black_box(legacy_input))
                    .await
                    .is_valid()
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
