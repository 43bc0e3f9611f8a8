//! The tutorial's prime benchmarks redone, and delay-table builds on one thread and on the
//! plugin's pool. `cargo bench --bench primes`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use primecomb::primes::pool::pool;
use primecomb::primes::table::{PrimeLookup, PrimeTable};
use primecomb::primes::{prime_sums_below, sum_primes_below};
use rayon::ThreadPoolBuilder;

fn tutorial(c: &mut Criterion) {
    let mut group = c.benchmark_group("tutorial");
    group.bench_function("sum_primes_below(10000)", |b| {
        b.iter(|| sum_primes_below(black_box(10_000)))
    });
    group.bench_function("prime_sums_below(10000) (every n)", |b| {
        b.iter(|| prime_sums_below(black_box(10_000)))
    });
    group.finish();
}

fn tables(c: &mut Criterion) {
    let single = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut group = c.benchmark_group("delay table, 1 s");
    for sample_rate in [48_000u32, 384_000] {
        group.bench_function(format!("{} kHz, one thread", sample_rate / 1000), |b| {
            b.iter(|| {
                single.install(|| PrimeTable::build(sample_rate as f32, black_box(sample_rate)))
            })
        });
        group.bench_function(format!("{} kHz, pool", sample_rate / 1000), |b| {
            b.iter(|| {
                pool().install(|| PrimeTable::build(sample_rate as f32, black_box(sample_rate)))
            })
        });
    }
    group.finish();
}

/// What the audio thread does when tau moves: the nearest prime to a delay, here for 4096
/// delays spread over a 1 s table at 48 kHz (reported per lookup).
fn lookups(c: &mut Criterion) {
    let table = PrimeTable::build(48_000.0, 48_000);
    let delays: Vec<f32> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) % 47_000) as f32 + 0.37)
        .collect();
    let mut group = c.benchmark_group("delay table lookup");
    group.throughput(Throughput::Elements(delays.len() as u64));
    group.bench_function("nearest prime", |b| {
        b.iter(|| {
            for &delay in &delays {
                black_box(table.nearest_prime(black_box(delay)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, tutorial, tables, lookups);
criterion_main!(benches);
