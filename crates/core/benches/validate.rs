//! Validate one record (the spec's example): target ≤ 50 µs.

use criterion::{criterion_group, criterion_main, Criterion};
use loket_core::{validate, IntakeRecord};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/example.json");
    let record: IntakeRecord = serde_json::from_str(text).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap();
    c.bench_function("validate the example record", |b| {
        b.iter(|| validate(black_box(&record), today))
    });
    c.bench_function("parse and validate the example JSON", |b| {
        b.iter(|| {
            let r: IntakeRecord = serde_json::from_str(black_box(text)).unwrap();
            validate(&r, today)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
