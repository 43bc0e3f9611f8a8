//! The plugin's `process()` driven as a host drives it (stereo, 48 kHz), beside the same
//! framework passing audio through with a gain multiply. `cargo bench --bench process`
//!
//! Criterion reports time per second of audio (48 000 frames); the real-time factor is one
//! second divided by that time.

// Each benchmark uses part of what the others share.
#[allow(dead_code)]
mod common;
#[path = "../examples/gain_passthrough/plugin.rs"]
mod gain_plugin;
#[path = "../tests/common/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::hint::black_box;

use common::{BLOCK_SIZES, SR, audio, automation_lanes};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gain_plugin::GainPlugin;
use harness::{Harness, PluginHarness};
use nice_plug::prelude::*;

/// Tau for the short-delay rows, in ms (the default is 5 ms).
const SHORT_TAU_MS: f32 = 0.5;

/// One second of stereo noise-like audio, processed in `block`-sized calls the way a host
/// drives a plugin: each block is copied into the host's own buffer, which the plugin then
/// processes in place (what nice-plug's wrappers do when the host gives separate input and
/// output buffers). `automate` runs before every block.
fn run_second<P: Plugin>(
    harness: &mut PluginHarness<P>,
    audio: &[Vec<f32>; 2],
    host_buffer: &mut [Vec<f32>; 2],
    block: usize,
    mut automate: impl FnMut(&mut PluginHarness<P>, usize),
) {
    let [left, right] = audio;
    let [host_left, host_right] = host_buffer;
    for (index, (l, r)) in left.chunks(block).zip(right.chunks(block)).enumerate() {
        automate(harness, index);
        let host_left = &mut host_left[..l.len()];
        let host_right = &mut host_right[..r.len()];
        host_left.copy_from_slice(l);
        host_right.copy_from_slice(r);
        harness.process(&mut [host_left, host_right]);
    }
    black_box(host_buffer);
}

fn process(c: &mut Criterion) {
    let mut group = c.benchmark_group("one second of stereo at 48 kHz");
    group.throughput(Throughput::Elements(SR as u64));
    let audio = audio();
    for block in BLOCK_SIZES {
        let mut host_buffer = [vec![0.0; block], vec![0.0; block]];
        let mut gain = PluginHarness::<GainPlugin>::new(SR, 2, block);
        group.bench_function(format!("block {block:>4}, gain pass-through"), |b| {
            b.iter(|| run_second(&mut gain, &audio, &mut host_buffer, block, |_, _| ()))
        });
        let mut comb = Harness::new(SR, 2, block);
        group.bench_function(format!("block {block:>4}, PrimeComb static"), |b| {
            b.iter(|| run_second(&mut comb, &audio, &mut host_buffer, block, |_, _| ()))
        });
        // A short delay (23 samples, a prime) reads outputs stored a moment ago.
        let mut short = Harness::new(SR, 2, block);
        short.set_now("tau", SHORT_TAU_MS);
        group.bench_function(format!("block {block:>4}, PrimeComb static 0.5 ms"), |b| {
            b.iter(|| run_second(&mut short, &audio, &mut host_buffer, block, |_, _| ()))
        });
        let mut automated = Harness::new(SR, 2, block);
        let lanes = automation_lanes(&automated);
        group.bench_function(format!("block {block:>4}, PrimeComb automated"), |b| {
            b.iter(|| {
                run_second(
                    &mut automated,
                    &audio,
                    &mut host_buffer,
                    block,
                    |h, index| {
                        for lane in &lanes {
                            h.set_normalized(lane.param, lane.values[index % lane.values.len()]);
                        }
                    },
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, process);
criterion_main!(benches);
