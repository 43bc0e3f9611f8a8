//! The comb kernels on 100 000 samples beside a memcpy of the same buffer and the plain
//! per-sample loop, in one run. `cargo bench --bench kernels`
//!
//! Criterion reports time per 100 000 samples: divide by 10^5 for ns/sample.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use primecomb::dsp::kernels::simd_name;
use primecomb::{feed_backward, feed_backward_reference, feed_forward, feed_forward_reference};

const LEN: usize = 100_000;
/// The taus the issue asked for, and primes among them (what prime snap makes): a delay
/// that is not a whole number of vectors reads across the stores of a moment ago.
const TAUS: [usize; 12] = [1, 4, 8, 16, 17, 31, 61, 64, 127, 239, 441, 4800];

fn signal() -> Vec<f32> {
    (0..LEN)
        .map(|n| ((n * 7919) % 1000) as f32 / 500.0 - 1.0)
        .collect()
}

type Kernel = fn(&mut [f32], usize, f32) -> Result<(), primecomb::CombError>;

fn kernels(c: &mut Criterion) {
    eprintln!("kernels use {}", simd_name());
    let input = signal();
    let mut copy = vec![0.0; LEN];
    let mut group = c.benchmark_group("memcpy");
    group.throughput(Throughput::Elements(LEN as u64));
    group.bench_function("100k f32", |b| {
        b.iter(|| copy.copy_from_slice(black_box(&input)))
    });
    group.finish();

    let cases: [(&str, Kernel, Kernel); 2] = [
        ("feed-back", feed_backward, feed_backward_reference),
        ("feed-forward", feed_forward, feed_forward_reference),
    ];
    for (name, fast, plain) in cases {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(LEN as u64));
        for tau in TAUS {
            for (variant, kernel) in [("fast", fast), ("plain loop", plain)] {
                group.bench_function(format!("tau {tau:>4}, {variant}"), |b| {
                    b.iter_batched_ref(
                        || input.clone(),
                        |buffer| kernel(buffer, black_box(tau), 0.9).unwrap(),
                        BatchSize::LargeInput,
                    )
                });
            }
        }
        group.finish();
    }
}

/// A feed-back tail decaying into the denormal range (alpha 0.5 per 16 samples: below
/// 1e-38 after about 2 000 samples) costs the same per sample as loud audio.
fn denormals(c: &mut Criterion) {
    let mut group = c.benchmark_group("feed-back tail");
    group.throughput(Throughput::Elements(LEN as u64));
    let mut impulse = vec![0.0; LEN];
    impulse[0] = 1.0;
    let loud = signal();
    for (name, input) in [("decaying into denormals", &impulse), ("loud", &loud)] {
        group.bench_function(name, |b| {
            b.iter_batched_ref(
                || input.clone(),
                |buffer| feed_backward(buffer, 16, 0.5).unwrap(),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, kernels, denormals);
criterion_main!(benches);
