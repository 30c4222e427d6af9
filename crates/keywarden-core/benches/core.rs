//! Criterion benchmarks of the key engine: mint, parse and digest.
//! `cargo bench -p keywarden-core`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use keywarden_core::{digest::Pepper, key};

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
