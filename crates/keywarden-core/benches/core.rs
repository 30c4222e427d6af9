//! Criterion benchmarks of the key engine: mint, parse and digest; and of
//! permission queries, checked on every verification.
//! `cargo bench -p keywarden-core`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use keywarden_core::{digest::Pepper, key, names::Scope, query::PermissionQuery};

fn bench(c: &mut Criterion) {
    let prefix = key::Prefix::default();
    let env: key::Environment = "live".parse().unwrap();
    let minted = key::mint(&prefix, &env);
    let text = minted.expose().to_owned();
    let pepper = Pepper::new(1, &[7; 32]).unwrap();

    // Baselines measured in the same run: what the work costs at the least.
    c.bench_function("baseline: getrandom 32 bytes", |b| {
        b.iter(keywarden_core::random::bytes::<32>)
    });
    c.bench_function("baseline: sha256 of the key (unkeyed)", |b| {
        b.iter(|| <sha2::Sha256 as sha2::Digest>::digest(black_box(text.as_bytes())))
    });
    c.bench_function("mint", |b| {
        b.iter(|| key::mint(black_box(&prefix), black_box(&env)))
    });
    c.bench_function("parse valid", |b| {
        b.iter(|| key::parse(black_box(&text)).is_ok())
    });
    let wrong = format!("{}x", &text[..text.len() - 1]);
    c.bench_function("parse bad checksum", |b| {
        b.iter(|| key::parse(black_box(&wrong)).is_err())
    });
    let junk = "x".repeat(4096);
    c.bench_function("parse 4 KiB junk", |b| {
        b.iter(|| key::parse(black_box(&junk)).is_err())
    });
    c.bench_function("digest", |b| b.iter(|| pepper.digest(black_box(&text))));
    c.bench_function("parse + digest", |b| {
        b.iter(|| key::parse(black_box(&text)).map(|k| pepper.digest(k.expose())))
    });

    // Five terms over ten held names, two of them wildcards; without the
    // last name (`admin`) the query fails. The check allocates nothing.
    let query: PermissionQuery =
        "docs.read AND (billing.read OR admin) AND (orders:write OR users.*)"
            .parse()
            .unwrap();
    let held: Vec<Scope> = [
        "docs.write",
        "docs.*",
        "reports:read",
        "billing.write",
        "search",
        "users:read",
        "orders:*",
        "files.read.own",
        "audit:read",
        "admin",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    assert!(query.is_satisfied_by(&held));
    c.bench_function("permission query: 5 terms, 10 held (satisfied)", |b| {
        b.iter(|| black_box(&query).is_satisfied_by(black_box(&held)))
    });
    let refused = &held[..9];
    assert!(!query.is_satisfied_by(refused));
    c.bench_function("permission query: 5 terms, 9 held (refused)", |b| {
        b.iter(|| black_box(&query).is_satisfied_by(black_box(refused)))
    });
    c.bench_function("permission query: parse 5 terms", |b| {
        b.iter(|| {
            black_box("docs.read AND (billing.read OR admin) AND (orders:write OR users.*)")
                .parse::<PermissionQuery>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
