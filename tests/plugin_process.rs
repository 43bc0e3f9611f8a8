//! The plugin through nice-plug's `Plugin` API: the same samples whatever the block size,
//! the comb formulas at the plugin's parameters, no clicks when tau jumps, and no allocation
//! in `process()` (every call here runs with allocation forbidden).

mod common;

use common::harness::Harness;
use common::*;
use nice_plug::prelude::ProcessStatus;

const SR: f32 = 48_000.0;

/// Runs `input` through a fresh plugin set up by `setup`, with the given block sizes, changing
/// tau and alpha at sample `change_at` (a boundary of every split used below).
fn render(setup: &[(&str, f32)], input: &[Vec<f32>], blocks: &[usize]) -> Vec<Vec<f32>> {
    let mut harness = Harness::new(SR, 2, 4096);
    for &(id, value) in setup {
        harness.set_now(id, value);
    }
    harness.plugin_reset();
    let change_at = 8192;
    let head: Vec<Vec<f32>> = input.iter().map(|c| c[..change_at].to_vec()).collect();
    let tail: Vec<Vec<f32>> = input.iter().map(|c| c[change_at..].to_vec()).collect();
    let mut out = harness.run(&head, blocks);
    harness.set("tau", 3.3);
    harness.set("alpha", -0.6);
    let out_tail = harness.run(&tail, blocks);
    for (channel, rest) in out.iter_mut().zip(out_tail) {
        channel.extend(rest);
    }
    out
}

/// The output does not depend on how the host splits the stream: 1-sample blocks, 4096-sample
/// blocks and an irregular mix give bit-identical output, through fractional and whole taus,
/// smoothed mix and gain, and a tau/alpha change that crossfades. Both modes.
#[test]
fn block_size_does_not_change_the_output() {
    let input = vec![noise(20_000, 1), noise(20_000, 2)];
    // Prime snap off: fractional delays, sample by sample. On: prime (whole) delays, on the
    // vector kernels a block at a time, spread apart.
    for (mode, prime) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)] {
        let setup = [
            ("mode", mode),
            ("tau", 2.71),
            ("alpha", 0.8),
            ("mix", 0.7),
            ("output", -3.0),
            ("prime", prime),
            ("spread", 0.5),
        ];
        let whole = render(&setup, &input, &[4096]);
        assert_eq!(
            render(&setup, &input, &[1]),
            whole,
            "mode {mode}, 1-sample blocks"
        );
        assert_eq!(
            render(&setup, &input, &[37, 1, 512, 7, 1000]),
            whole,
            "mode {mode}"
        );
    }
}

/// At whole-sample taus the plugin is exactly the comb of the formula: 48 kHz, tau 1 ms =
/// 48 samples, alpha 0.5, full mix, 0 dB, on noise in both channels.
#[test]
fn plugin_matches_the_formula() {
    for (mode, feedback) in [(0.0, false), (1.0, true)] {
        let mut harness = Harness::new(SR, 2, 512);
        harness.set_now("mode", mode);
        harness.set_now("tau", 1.0);
        harness.set_now("alpha", 0.5);
        harness.set_now("prime", 0.0);
        harness.plugin_reset();
        // Quiet enough that the feed-back peak (at most 0.25 / (1 - 0.5)) stays under the
        // safety limiter's threshold.
        let input = vec![quiet_noise(5000, 3), quiet_noise(5000, 4)];
        let output = harness.run(&input, &[512]);
        for (x, y) in input.iter().zip(&output) {
            let want = if feedback {
                reference_feed_back(x, 48, 0.5)
            } else {
                reference_feed_forward(x, 48, 0.5)
            };
            let tolerance = f32_tolerance(peak(&want), 0.5, feedback);
            assert!(max_error(y, &want) <= tolerance, "mode {mode}");
        }
    }
}

/// Mix and output follow their definitions: out = gain * (x + mix * (y - x)). With mix 0 the
/// output is the input scaled by the output gain (+6 dB = 1.9953), exactly the dry signal.
#[test]
fn mix_and_output_gain() {
    let mut harness = Harness::new(SR, 1, 256);
    harness.set_now("mix", 0.0);
    harness.set_now("output", 6.0);
    harness.plugin_reset();
    let input = vec![quiet_noise(1000, 5)];
    let output = harness.run(&input, &[256]);
    let gain = 10f32.powf(6.0 / 20.0);
    for (x, y) in input[0].iter().zip(&output[0]) {
        assert!((y - gain * x).abs() < 1e-6);
    }
}

/// A fractional tau is interpolated: the steady-state gain for a sine equals the analytic comb
/// response |1 + a e^{-jwT}| at the fractional T. 2.5 samples puts the notch of a 0.5-alpha comb
/// at fs/5; the test frequency of 1 kHz is far below the band where a cubic interpolator's
/// own error grows, so 0.05 dB is ample and still far tighter than the 1.5 dB by which
/// rounding T to 2 or 3 samples would miss.
#[test]
fn fractional_tau_follows_the_analytic_response() {
    let tau_samples = 2.5_f32;
    let frequency = 1_000.0_f64;
    let mut harness = Harness::new(SR, 1, 1024);
    harness.set_now("mode", 0.0);
    harness.set_now("tau", tau_samples * 1000.0 / SR);
    harness.set_now("alpha", 0.5);
    harness.set_now("prime", 0.0);
    harness.plugin_reset();
    let omega = 2.0 * std::f64::consts::PI * frequency / f64::from(SR);
    // Half scale, so the comb's gain of up to 1.5 stays under the safety limiter.
    let sine: Vec<f32> = (0..9600)
        .map(|n| 0.5 * (omega * n as f64).sin() as f32)
        .collect();
    let output = harness.run(&[sine], &[1024]);
    let peak = output[0][4800..]
        .iter()
        .fold(0.0_f32, |m, v| m.max(v.abs()));
    let measured = 2.0 * peak;
    let coefficients =
        primecomb::CombCoefficients::plain(primecomb::CombMode::FeedForward, tau_samples, 0.5);
    let expected = coefficients.magnitude(omega);
    let error_db = 20.0 * (f64::from(measured) / expected).log10();
    assert!(
        error_db.abs() < 0.05,
        "measured {measured}, expected {expected}"
    );
}

/// The click test's signal: a 440 Hz sine at -6 dBFS, one second at 48 kHz.
fn click_test_sine() -> Vec<f32> {
    let amplitude = 10f32.powf(-6.0 / 20.0);
    let omega = 2.0 * std::f32::consts::PI * 440.0 / SR;
    (0..48_000)
        .map(|n| amplitude * (omega * n as f32).sin())
        .collect()
}

/// Largest steps (steady state before the change, around and after it) of an output whose
/// tau changed at sample 24 000. The first 2 ms are skipped: the first echo has not arrived.
fn steps(output: &[f32]) -> (f32, f32) {
    (
        largest_step(&output[96..24_000]),
        largest_step(&output[23_900..]),
    )
}

/// No click when tau jumps: feed-forward, alpha 0.5, tau stepped from 2 ms to 7 ms halfway
/// through the sine; the largest sample-to-sample step stays below 1.5 times the steady-state
/// one. The same comb switched without a crossfade must fail that bar, which shows the test
/// can hear a click.
#[test]
fn tau_jump_does_not_click() {
    let sine = click_test_sine();
    let mut harness = Harness::new(SR, 1, 512);
    harness.set_now("mode", 0.0);
    harness.set_now("alpha", 0.5);
    harness.set_now("tau", 2.0);
    harness.set_now("prime", 0.0);
    harness.plugin_reset();
    let mut output = harness.run(&[sine[..24_000].to_vec()], &[512]).remove(0);
    harness.set("tau", 7.0);
    output.extend(&harness.run(&[sine[24_000..].to_vec()], &[512])[0]);
    let (steady, change) = steps(&output);
    assert!(change < 1.5 * steady, "step {change} vs steady {steady}");

    let coefficients = |delay_samples| {
        primecomb::CombCoefficients::plain(primecomb::CombMode::FeedForward, delay_samples, 0.5)
    };
    let mut hard_switch = primecomb::dsp::comb::CombChannel::new(480, coefficients(96.0));
    let mut output = sine.clone();
    let (before, after) = output.split_at_mut(24_000);
    hard_switch.process(before, primecomb::dsp::comb::CombControls::alpha(0.5));
    hard_switch.set_target(primecomb::CombMode::FeedForward, 336.0);
    hard_switch.process(after, primecomb::dsp::comb::CombControls::alpha(0.5));
    let (steady, change) = steps(&output);
    assert!(
        change > 1.5 * steady,
        "a hard switch should click: {change} vs {steady}"
    );
}

/// Every parameter moved every block, in both layouts, at the extremes of the sample-rate
/// range: all under the allocation guard, with finite output.
#[test]
fn parameter_changes_in_process_do_not_allocate() {
    for (sample_rate, channels) in [(8_000.0, 1), (44_100.0, 2), (384_000.0, 2)] {
        let mut harness = Harness::new(sample_rate, channels, 64);
        let input: Vec<Vec<f32>> = (0..channels).map(|c| noise(64, c as u64)).collect();
        for block in 0..200 {
            let t = block as f32 / 200.0;
            harness.set("mode", (block % 2) as f32);
            harness.set("tau", 0.02 + 999.0 * t * t);
            harness.set("alpha", 2.0 * t - 1.0);
            harness.set("mix", t);
            harness.set("output", 48.0 * t - 24.0);
            let mut channels: Vec<Vec<f32>> = input.clone();
            let mut blocks: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
            let status = harness.process(&mut blocks);
            assert!(matches!(status, ProcessStatus::Tail(_)));
            assert!(channels.iter().flatten().all(|s| s.is_finite()));
        }
    }
}

/// The guard really is armed in test builds: a child process that allocates inside it must
/// die. (Without this, the other tests would pass even if the guard were compiled out.)
#[test]
fn allocation_guard_is_armed() {
    if std::env::var_os("PRIMECOMB_ALLOCATION_PROBE").is_some() {
        let boxed = nice_assert_no_alloc::assert_no_alloc(|| Box::new(42));
        println!("allocated {boxed} unnoticed");
        return;
    }
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "allocation_guard_is_armed", "--nocapture"])
        .env("PRIMECOMB_ALLOCATION_PROBE", "1")
        .output()
        .unwrap();
    assert!(
        !child.status.success(),
        "an allocation in the guard went unnoticed"
    );
}

/// The tail the plugin reports to the host: one tau plus the crossfade for feed-forward, and
/// for feed-back the time |alpha|^k takes to reach -90 dB (alpha 0.5, tau 48 samples:
/// k = 90 / 6.02 = 14.95 round trips = 717.6 samples) plus the 20 ms crossfade (960 samples).
#[test]
fn reported_tail() {
    let mut harness = Harness::new(SR, 2, 64);
    harness.set_now("tau", 1.0);
    harness.set_now("alpha", 0.5);
    harness.set_now("prime", 0.0);
    let mut channels = [vec![0.0; 64], vec![0.0; 64]];
    let mut blocks: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
    assert_eq!(harness.process(&mut blocks), ProcessStatus::Tail(1677));
    harness.set_now("mode", 0.0);
    let mut blocks: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
    assert_eq!(harness.process(&mut blocks), ProcessStatus::Tail(48 + 960));
}

/// A host that calls `process()` before ever activating the plugin gets its audio back
/// untouched, instead of a hang or a crash.
#[test]
fn process_before_activation_passes_audio_through() {
    use nice_plug::prelude::*;
    let mut plugin = primecomb::PrimeComb::default();
    let mut audio = [0.25f32, -0.5, 1.0];
    let mut buffer = Buffer::default();
    // SAFETY: `audio` outlives `buffer`, which holds the one slice only within this test.
    unsafe {
        buffer.set_slices(audio.len(), |slices| {
            slices.push(std::slice::from_raw_parts_mut(
                audio.as_mut_ptr(),
                audio.len(),
            ))
        })
    };
    let mut aux = AuxiliaryBuffers {
        inputs: &mut [],
        outputs: &mut [],
    };
    let mut context = primecomb::offline_host::NullContext::new(48_000.0);
    assert_eq!(
        plugin.process(&mut buffer, &mut aux, &mut context),
        ProcessStatus::Normal
    );
    drop(buffer);
    assert_eq!(audio, [0.25, -0.5, 1.0]);
}
