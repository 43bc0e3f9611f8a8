//! `process()` through the CLAP ABI, as a DAW calls it: PrimeComb's release build and a gain
//! pass-through (`examples/gain_passthrough`) loaded with clack-host, stereo at 48 kHz, the
//! host's input and output buffers apart (the plugin's wrapper copies one into the other).
//! `cargo bench --bench clap_process`; it builds both plugins first, in release, into
//! `target/bench-plugins` (the first run takes minutes).
//!
//! Criterion reports time per second of audio (48 000 frames); the real-time factor is one
//! second divided by that time.

// Each benchmark uses part of what the others share.
#[allow(dead_code)]
mod common;
#[path = "../tests/common/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::Command;

use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;
use common::{BLOCK_SIZES, SR, audio, audio_at, automation_lanes};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use harness::Harness;

const PRIMECOMB_ID: &str = "org.primecomb.primecomb";
const GAIN_ID: &str = "org.primecomb.gain-passthrough";

/// Builds both plugins in one release build, so that they share one build of the framework,
/// and returns their libraries (a CLAP bundle on Linux and Windows is that library renamed).
fn build_plugins() -> [PathBuf; 2] {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target_dir = root.join("target").join("bench-plugins");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--lib",
            "--example",
            "gain_passthrough",
        ])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the plugins failed");
    let library = |dir: &Path, name: &str| dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"));
    let release = target_dir.join("release");
    [
        library(&release, "primecomb"),
        library(&release.join("examples"), "gain_passthrough"),
    ]
}

struct BenchHost;
struct BenchShared;

impl SharedHandler<'_> for BenchShared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

impl HostHandlers for BenchHost {
    type Shared<'a> = BenchShared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();
}

/// One plugin, loaded, activated for stereo blocks of `block` samples and processing.
struct Running {
    processor: Option<StartedPluginAudioProcessor<BenchHost>>,
    instance: PluginInstance<BenchHost>,
    _entry: PluginEntry,
    block: usize,
    input_ports: AudioPorts,
    output_ports: AudioPorts,
    output: [Vec<f32>; 2],
    /// What the host sends with a block without automation, and where the plugin's events
    /// go (allocated once, as a host does).
    no_events: EventBuffer,
    output_events: EventBuffer,
    steady_time: u64,
}

impl Running {
    fn new(library: &Path, id: &str, block: usize) -> Self {
        // SAFETY: one of this crate's own plugins, just built by `build_plugins`.
        let entry = unsafe { PluginEntry::load(library) }.expect("the plugin loads");
        // Never unloaded, as a DAW does not: the plugin's threads hold thread-local state that
        // would dangle (clack-host unloads a library with its last entry).
        std::mem::forget(entry.clone());
        let host_info = HostInfo::new("PrimeComb benchmarks", "PrimeComb", "", "1.0").unwrap();
        let id = CString::new(id).unwrap();
        let mut instance =
            PluginInstance::<BenchHost>::new(|_| BenchShared, |_| (), &entry, &id, &host_info)
                .expect("the plugin instantiates");
        let config = PluginAudioConfiguration {
            sample_rate: f64::from(SR),
            min_frames_count: 1,
            max_frames_count: block as u32,
        };
        let processor = instance
            .activate(|_, _| (), config)
            .expect("the plugin activates")
            .start_processing()
            .expect("processing starts");
        Self {
            processor: Some(processor),
            instance,
            _entry: entry,
            block,
            input_ports: AudioPorts::with_capacity(2, 1),
            output_ports: AudioPorts::with_capacity(2, 1),
            output: [vec![0.0; block], vec![0.0; block]],
            no_events: EventBuffer::new(),
            output_events: EventBuffer::with_capacity(64),
            steady_time: 0,
        }
    }

    /// The CLAP id of the parameter a host shows as `name`, as a host finds it: from the
    /// list of parameters the plugin gives.
    fn param_id(&mut self, name: &str) -> ClapId {
        let params: PluginParams = self.instance.plugin_handle().get_extension().unwrap();
        let handle = self.instance.plugin_handle();
        (0..params.count(&handle))
            .find_map(|index| {
                let mut buffer = ParamInfoBuffer::new();
                let info = params.get_info(&handle, index, &mut buffer)?;
                (info.name == name.as_bytes()).then_some(info.id)
            })
            .unwrap_or_else(|| panic!("the plugin lists {name}"))
    }

    /// Sets parameters as a host does, with events at the start of one block (processed
    /// and thrown away), to normalized values.
    fn set(&mut self, settings: &[(&str, f64)]) {
        let mut events = EventBuffer::new();
        for &(name, value) in settings {
            let id = self.param_id(name);
            events.push(&ParamValueEvent::new(0, id, Pckn::match_all(), value));
        }
        let mut silence = [vec![0.0; self.block], vec![0.0; self.block]];
        self.run_second(&mut silence, &[events]);
    }

    /// Processes one second of `audio`, block by block, with `events[i % len]` sent with block
    /// `i` (none if `events` is empty).
    fn run_second(&mut self, audio: &mut [Vec<f32>; 2], events: &[EventBuffer]) {
        let processor = self.processor.as_mut().unwrap();
        let [left, right] = audio;
        let [out_left, out_right] = &mut self.output;
        let blocks = left
            .chunks_mut(self.block)
            .zip(right.chunks_mut(self.block));
        for (index, (left, right)) in blocks.enumerate() {
            let len = left.len();
            let input = self.input_ports.with_input_buffers([AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_input_only(
                    [left, right].into_iter().map(InputChannel::variable),
                ),
            }]);
            let mut output = self.output_ports.with_output_buffers([AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_output_only(
                    [&mut out_left[..len], &mut out_right[..len]].into_iter(),
                ),
            }]);
            let events = match events.len() {
                0 => &self.no_events,
                lanes => &events[index % lanes],
            };
            self.output_events.clear();
            processor
                .process(
                    &input,
                    &mut output,
                    &events.as_input(),
                    &mut self.output_events.as_output(),
                    Some(self.steady_time),
                    None,
                )
                .expect("the plugin processes");
            self.steady_time += len as u64;
        }
    }
}

/// Checks that a plugin really processes through this host before it is timed: the
/// pass-through returns the last block as it went in, the comb changes it.
fn check_output(running: &mut Running, audio: &mut [Vec<f32>; 2], passes_through: bool) {
    running.run_second(audio, &[]);
    let len = audio[0].len();
    let last = len - (len - 1) % running.block - 1;
    for (input, output) in audio.iter().zip(&running.output) {
        let (input, output) = (&input[last..], &output[..len - last]);
        assert_eq!(input == output, passes_through, "output of the last block");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(processor) = self.processor.take() {
            self.instance.deactivate(processor.stop_processing());
        }
    }
}

/// The automated rows' automation as CLAP parameter events: a value for each parameter at
/// the start of each block.
fn automation_events(plugin: &mut Running) -> Vec<EventBuffer> {
    let lanes = automation_lanes(&Harness::new(SR, 2, 512));
    let ids = lanes.each_ref().map(|lane| plugin.param_id(lane.name));
    (0..lanes[0].values.len())
        .map(|block| {
            let mut events = EventBuffer::new();
            for (lane, &id) in lanes.iter().zip(&ids) {
                let value = f64::from(lane.values[block]);
                events.push(&ParamValueEvent::new(0, id, Pckn::match_all(), value));
            }
            events
        })
        .collect()
}

fn process(c: &mut Criterion) {
    let [primecomb, gain] = build_plugins();
    let mut group = c.benchmark_group("through CLAP, one second of stereo at 48 kHz");
    group.throughput(Throughput::Elements(SR as u64));
    // Thirty rows: shorter than criterion's default 5 + 3 s each, still steady on this size.
    group.measurement_time(std::time::Duration::from_secs(3));
    group.warm_up_time(std::time::Duration::from_secs(1));
    let mut audio = audio();
    for block in BLOCK_SIZES {
        let mut pass_through = Running::new(&gain, GAIN_ID, block);
        check_output(&mut pass_through, &mut audio, true);
        group.bench_function(format!("block {block:>4}, gain pass-through"), |b| {
            b.iter(|| pass_through.run_second(&mut audio, &[]))
        });
        let mut comb = Running::new(&primecomb, PRIMECOMB_ID, block);
        check_output(&mut comb, &mut audio, false);
        group.bench_function(format!("block {block:>4}, PrimeComb static"), |b| {
            b.iter(|| comb.run_second(&mut audio, &[]))
        });
        let mut automated = Running::new(&primecomb, PRIMECOMB_ID, block);
        let automation = automation_events(&mut automated);
        group.bench_function(format!("block {block:>4}, PrimeComb automated"), |b| {
            b.iter(|| automated.run_second(&mut audio, &automation))
        });
    }
    settings_rows(&mut group, &primecomb, &gain);
    other_build_rows(&mut group);
    group.finish();
    interleaved_comparison(&primecomb, &gain);
    interleaved_settings(&primecomb, &gain);
}

/// With `PRIMECOMB_BENCH_INTERLEAVED` set, a comparison that a machine whose speed drifts
/// (a shared VM) cannot skew: the pass-through, this build and the `PRIMECOMB_BENCH_AGAINST`
/// builds each render one second in turn, round after round, and each one's median is
/// printed with its ratio to the pass-through's. Drift then moves all of them alike, where
/// criterion's rows, measured one after another, each see a different machine.
fn interleaved_comparison(primecomb: &Path, gain: &Path) {
    if std::env::var_os("PRIMECOMB_BENCH_INTERLEAVED").is_none() {
        return;
    }
    let mut libraries = vec![
        (gain.to_path_buf(), GAIN_ID),
        (primecomb.to_path_buf(), PRIMECOMB_ID),
    ];
    if let Some(others) = std::env::var_os("PRIMECOMB_BENCH_AGAINST") {
        libraries.extend(std::env::split_paths(&others).map(|other| (other, PRIMECOMB_ID)));
    }
    let mut inputs = [audio()];
    for block in BLOCK_SIZES {
        let mut rows: Vec<(Running, usize)> = libraries
            .iter()
            .map(|(library, id)| (Running::new(library, id, block), 0))
            .collect();
        let medians = interleaved_medians(&mut rows, &mut inputs);
        for ((library, _), median) in libraries.iter().zip(&medians) {
            let name = library.file_name().unwrap_or_default().to_string_lossy();
            let ratio = median / medians[0];
            println!(
                "interleaved, block {block:>4}, {name}: {median:.1} us, {ratio:.2}x pass-through"
            );
        }
    }
}

/// With `PRIMECOMB_BENCH_AGAINST` naming other builds of PrimeComb's CLAP library (an older
/// version, say; several joined as in `PATH`), their static and automated rows at 64 and 512
/// samples, in the same run as the rows above, so that a change of the engine is measured
/// against what it replaces.
fn other_build_rows(group: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>) {
    let Some(others) = std::env::var_os("PRIMECOMB_BENCH_AGAINST") else {
        return;
    };
    let mut audio = audio();
    for other in std::env::split_paths(&others) {
        let name = other.file_name().unwrap_or_default().to_string_lossy();
        for block in [64, 512] {
            let mut comb = Running::new(&other, PRIMECOMB_ID, block);
            check_output(&mut comb, &mut audio, false);
            group.bench_function(format!("block {block:>4}, {name} static"), |b| {
                b.iter(|| comb.run_second(&mut audio, &[]))
            });
            let mut automated = Running::new(&other, PRIMECOMB_ID, block);
            let automation = automation_events(&mut automated);
            group.bench_function(format!("block {block:>4}, {name} automated"), |b| {
                b.iter(|| automated.run_second(&mut audio, &automation))
            });
        }
    }
}

/// The settings the issue measured at: feed-back, tau 5 ms, alpha 0.7, noise at 0.1 peak
/// (quiet) and 0.5 peak (loud: the output is above 0 dBFS most of the time, so the limiter
/// works), damped, damped and driven, denormal input. Each with its input's peak and its
/// damping and drive (normalized).
fn settings() -> [(&'static str, f32, f64, f64); 5] {
    [
        ("quiet", 0.1, 0.0, 0.0),
        ("loud", 0.5, 0.0, 0.0),
        ("quiet, damped 50 %", 0.1, 0.5, 0.0),
        ("quiet, damped 50 %, drive 50 %", 0.1, 0.5, 0.5),
        ("denormal input", 1e-39, 0.0, 0.0),
    ]
}

/// The vector units to measure: the best one (`None`), then each one this CPU has, by the
/// name `PRIMECOMB_SIMD` takes.
fn units() -> Vec<Option<&'static str>> {
    let has = |level: &str| {
        primecomb::dsp::simd::SimdLevel::ALL
            .into_iter()
            .find(|l| l.name().replace('-', "").eq_ignore_ascii_case(level))
            .and_then(primecomb::dsp::simd::VectorUnit::forced)
            .is_some()
    };
    let forced = ["sse2", "avx2", "avx512"].into_iter().filter(|l| has(l));
    std::iter::once(None).chain(forced.map(Some)).collect()
}

/// A PrimeComb instance at one of [`settings`], on `unit` (forced through `PRIMECOMB_SIMD`,
/// which the plugin reads when it is made).
fn comb_at(primecomb: &Path, unit: Option<&str>, block: usize, damp: f64, drive: f64) -> Running {
    const ALPHA_0_7: f64 = 0.85; // normalized: alpha's range is -1 to 1
    // SAFETY: set and removed on the bench's one thread, around the instance's creation; no
    // other thread of this process reads the environment.
    match unit {
        Some(unit) => unsafe { std::env::set_var("PRIMECOMB_SIMD", unit) },
        None => unsafe { std::env::remove_var("PRIMECOMB_SIMD") },
    }
    let mut comb = Running::new(primecomb, PRIMECOMB_ID, block);
    // SAFETY: as above.
    unsafe { std::env::remove_var("PRIMECOMB_SIMD") };
    comb.set(&[("Alpha", ALPHA_0_7), ("Damping", damp), ("Drive", drive)]);
    comb
}

/// [`settings`] at 512-sample blocks, on each vector unit this CPU has (denormal input on the
/// best one only).
fn settings_rows(
    group: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    primecomb: &Path,
    gain: &Path,
) {
    let block = 512;
    let settings = settings();
    let mut pass_through = Running::new(gain, GAIN_ID, block);
    let mut input = audio_at(settings[0].1);
    group.bench_function("block  512, gain pass-through, quiet", |b| {
        b.iter(|| pass_through.run_second(&mut input, &[]))
    });
    for unit in units() {
        for &(name, peak, damp, drive) in &settings {
            if unit.is_some() && name.contains("denormal") {
                continue;
            }
            let mut comb = comb_at(primecomb, unit, block, damp, drive);
            let mut input = audio_at(peak);
            let unit = unit.unwrap_or("best unit");
            group.bench_function(format!("block  512, PrimeComb {name}, {unit}"), |b| {
                b.iter(|| comb.run_second(&mut input, &[]))
            });
        }
    }
}

/// Each of `rows` (a plugin and the index of its input in `inputs`) renders one second in
/// turn, round after round; the median time of each, in µs. Rows share their inputs: with a
/// copy each, a dozen rows' seconds of audio no longer fit the cache, and every row, the
/// pass-through too, would be timed reading its input from memory. Each row's input is read
/// once, untimed, before its turn: on a CPU whose cache holds two inputs but not three (1 MiB
/// of L2 against 384 kB each), a row whose input no other row reads would otherwise be timed
/// fetching it from the next level, where the others and a row measured alone are not.
fn interleaved_medians(rows: &mut [(Running, usize)], inputs: &mut [[Vec<f32>; 2]]) -> Vec<f64> {
    const ROUNDS: usize = 101;
    let mut times = vec![Vec::with_capacity(ROUNDS); rows.len()];
    for _ in 0..ROUNDS {
        for ((plugin, input), times) in rows.iter_mut().zip(&mut times) {
            let peak = inputs[*input]
                .iter()
                .flatten()
                .fold(0.0f32, |p, x| p.max(x.abs()));
            std::hint::black_box(peak);
            let start = std::time::Instant::now();
            plugin.run_second(&mut inputs[*input], &[]);
            times.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    times
        .iter_mut()
        .map(|times| {
            times.sort_by(f64::total_cmp);
            times[ROUNDS / 2]
        })
        .collect()
}

/// With `PRIMECOMB_BENCH_INTERLEAVED` set, [`settings_rows`] measured interleaved (as in
/// [`interleaved_comparison`]): the pass-through and every setting on every unit render one
/// second each in turn, round after round; each median is printed with its ratio to the quiet
/// setting on the same unit and to the pass-through.
fn interleaved_settings(primecomb: &Path, gain: &Path) {
    if std::env::var_os("PRIMECOMB_BENCH_INTERLEAVED").is_none() {
        return;
    }
    let block = 512;
    let settings = settings();
    // One input for each peak (the quiet one first, for the pass-through).
    let mut peaks: Vec<f32> = Vec::new();
    for &(_, peak, _, _) in &settings {
        if !peaks.contains(&peak) {
            peaks.push(peak);
        }
    }
    let input_of = |peak: f32| peaks.iter().position(|&p| p == peak).unwrap();
    let mut labels = vec![String::new()];
    let mut rows = vec![(Running::new(gain, GAIN_ID, block), 0)];
    for unit in units() {
        for &(name, peak, damp, drive) in &settings {
            if unit.is_some() && name.contains("denormal") {
                continue;
            }
            labels.push(format!("{}, {name}", unit.unwrap_or("best unit")));
            rows.push((comb_at(primecomb, unit, block, damp, drive), input_of(peak)));
        }
    }
    let mut inputs: Vec<[Vec<f32>; 2]> = peaks.iter().map(|&peak| audio_at(peak)).collect();
    let medians = interleaved_medians(&mut rows, &mut inputs);
    println!(
        "interleaved, block 512, gain pass-through: {:.1} us",
        medians[0]
    );
    let mut quiet = medians[0];
    for (label, median) in labels.iter().zip(&medians).skip(1) {
        if label.ends_with(", quiet") {
            quiet = *median;
        }
        let (to_quiet, to_pass) = (median / quiet, median / medians[0]);
        println!(
            "interleaved, block 512, {label}: {median:.1} us, {to_quiet:.2}x quiet, \
             {to_pass:.2}x pass-through"
        );
    }
}

criterion_group!(benches, process);
criterion_main!(benches);
