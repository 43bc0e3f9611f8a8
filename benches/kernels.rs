//! The comb engine on 100 000 samples, on each vector unit this CPU has (forced), beside a
//! memcpy of the same buffer and the naive per-sample loop, in one run.
//! `cargo bench --bench kernels`
//!
//! Criterion reports time per 100 000 samples: divide by 10^5 for ns/sample.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use primecomb::dsp::comb::{CombChannel, CombCoefficients, CombControls, CombMode};
use primecomb::dsp::control::Control;
use primecomb::dsp::simd::VectorUnit;

#[path = "../tests/common/reference.rs"]
#[allow(dead_code)]
mod reference;

const LEN: usize = 100_000;
/// Short and long delays, whole vectors and primes (what prime snap makes); 239 is the
/// default tau (5 ms at 48 kHz) snapped.
const TAUS: [usize; 6] = [1, 17, 64, 239, 441, 4800];

fn signal() -> Vec<f32> {
    (0..LEN)
        .map(|n| ((n * 7919) % 1000) as f32 / 500.0 - 1.0)
        .collect()
}

/// The engine over a whole buffer, on `unit`.
fn run(unit: VectorUnit, comb: &mut CombChannel, buffer: &mut [f32], damp: f32, drive: f32) {
    let controls = CombControls {
        alpha: Control::Constant(0.9),
        damp: Control::Constant(damp),
        drive: Control::Constant(drive),
    };
    for block in buffer.chunks_mut(512) {
        comb.process_on(unit, block, controls);
    }
}

fn kernels(c: &mut Criterion) {
    let input = signal();
    let mut copy = vec![0.0; LEN];
    let mut group = c.benchmark_group("memcpy");
    group.throughput(Throughput::Elements(LEN as u64));
    group.bench_function("100k f32", |b| {
        b.iter(|| copy.copy_from_slice(black_box(&input)))
    });
    group.finish();

    for (name, mode) in [
        ("feed-back", CombMode::FeedBack),
        ("feed-forward", CombMode::FeedForward),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(LEN as u64));
        let feedback = mode == CombMode::FeedBack;
        for tau in TAUS {
            group.bench_function(format!("tau {tau:>4}, naive loop"), |b| {
                b.iter_batched_ref(
                    || input.clone(),
                    |buffer| reference::naive_comb_f32(buffer, feedback, black_box(tau), 0.9),
                    BatchSize::LargeInput,
                )
            });
            let settings: &[(&str, f32, f32)] = match tau {
                239 => &[
                    ("", 0.0, 0.0),
                    (", damped", 0.5, 0.0),
                    (", damped+driven", 0.5, 0.5),
                ],
                _ => &[("", 0.0, 0.0)],
            };
            for level in VectorUnit::available() {
                let unit = VectorUnit::forced(level).unwrap();
                for &(setting, damp, drive) in settings {
                    let coefficients = CombCoefficients::plain(mode, tau as f32, 0.9);
                    let mut comb = CombChannel::new(tau, coefficients);
                    group.bench_function(format!("tau {tau:>4}, {level}{setting}"), |b| {
                        b.iter_batched_ref(
                            || input.clone(),
                            |buffer| run(unit, &mut comb, buffer, damp, drive),
                            BatchSize::LargeInput,
                        )
                    });
                }
            }
        }
        group.finish();
    }
}

criterion_group!(benches, kernels);
criterion_main!(benches);
