//! The plugin's `process()` driven as a host drives it (stereo, 48 kHz), beside the same
//! framework passing audio through with a gain multiply. `cargo bench --bench process`
//!
//! Criterion reports time per second of audio (48 000 frames); the real-time factor is one
//! second divided by that time.

#[path = "../tests/common/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::Arc;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use harness::{Harness, PluginHarness};
use nice_plug::prelude::*;
use primecomb::offline_host::ParamIndex;

const SR: f32 = 48_000.0;
const BLOCK_SIZES: [usize; 4] = [32, 64, 512, 4096];
/// Tau for the short-delay rows, in ms (the default is 5 ms).
const SHORT_TAU_MS: f32 = 0.5;

/// The baseline: the least a plugin in this framework can do, a smoothed gain, written the
/// efficient way (a constant gain multiplies whole channels).
#[derive(Params)]
struct GainParams {
    #[id = "gain"]
    gain: FloatParam,
}

struct GainPlugin {
    params: Arc<GainParams>,
}

impl Default for GainPlugin {
    fn default() -> Self {
        let gain = FloatParam::new("Gain", 1.0, FloatRange::Linear { min: 0.0, max: 2.0 })
            .with_smoother(SmoothingStyle::Linear(10.0));
        Self {
            params: Arc::new(GainParams { gain }),
        }
    }
}

impl Plugin for GainPlugin {
    const NAME: &'static str = "Gain";
    const VENDOR: &'static str = "";
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = "0";
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    type Editor = ();
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        _context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let smoother = &self.params.gain.smoothed;
        if smoother.is_smoothing() {
            for mut frame in buffer.iter_samples() {
                let gain = smoother.next();
                for sample in frame.iter_mut() {
                    *sample *= gain;
                }
            }
        } else {
            let gain = smoother.next();
            for channel in buffer.as_slice() {
                for sample in channel.iter_mut() {
                    *sample *= gain;
                }
            }
        }
        ProcessStatus::Normal
    }
}

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

/// Automation as a host plays it: a lane per parameter, with a normalized value for every
/// block. Alpha falls from 0.9 to 0.4 and tau rises from 5 to 8 ms over 100 blocks, again
/// and again.
fn automation_lanes(host: &Harness) -> [(ParamIndex, Vec<f32>); 2] {
    let lane = |id: &str, plain: fn(f32) -> f32| {
        let param = host.param(id);
        let values = (0..100)
            .map(|block| host.normalized(param, plain(block as f32 / 100.0)))
            .collect();
        (param, values)
    };
    [
        lane("alpha", |t| 0.9 - 0.5 * t),
        lane("tau", |t| 5.0 + 3.0 * t),
    ]
}

fn audio() -> [Vec<f32>; 2] {
    let channel = |seed: usize| {
        (0..SR as usize)
            .map(|n| (((n + seed) * 7919) % 1000) as f32 / 2000.0 - 0.25)
            .collect()
    };
    [channel(0), channel(1)]
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
                        for (param, values) in &lanes {
                            h.set_normalized(*param, values[index % values.len()]);
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
