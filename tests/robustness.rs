//! What hosts, automation and bad input throw at a plugin: non-finite and extreme audio,
//! automation storms, and every legal setting's bound. Through nice-plug's `Plugin` API, with
//! allocation in `process()` forbidden.

mod common;

use common::harness::Harness;
use common::*;
use primecomb::dsp::safety::LIMIT_CEILING;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const SR: f32 = 48_000.0;

/// A harness with the given parameters jumped to and the filter reset.
fn plugin_with(channels: u32, max_block: usize, setup: &[(&str, f32)]) -> Harness {
    let mut harness = Harness::new(SR, channels, max_block);
    for &(id, value) in setup {
        harness.set_now(id, value);
    }
    harness.plugin_reset();
    harness
}

/// The policy for non-finite and subnormal input: a NaN, infinite or subnormal sample is
/// silence. So noise with bursts of NaN, +Inf, -Inf and subnormals gives bit for bit the
/// output of the same noise with zeros there, in the most resonant setting (feed-back, alpha
/// 0.999), and every output is finite. Nothing of the bad samples lives on in the feed-back
/// memory.
#[test]
fn non_finite_and_subnormal_input_is_silence() {
    let clean = noise(48_000, 3)
        .iter()
        .map(|v| v * 0.25)
        .collect::<Vec<f32>>();
    let mut bad = clean.clone();
    let mut zeroed = clean.clone();
    for (start, value) in [
        (1000, f32::NAN),
        (5000, f32::INFINITY),
        (7000, f32::MIN_POSITIVE / 2.0),
        (9000, f32::NEG_INFINITY),
        (11_000, -f32::from_bits(1)),
    ] {
        for n in start..start + 100 {
            bad[n] = value;
            zeroed[n] = 0.0;
        }
    }
    let setup = [("mode", 1.0), ("tau", 1.0), ("alpha", 0.999)];
    let from_bad = plugin_with(1, 512, &setup).run(&[bad], &[512]);
    let from_zeroed = plugin_with(1, 512, &setup).run(&[zeroed], &[512]);
    assert!(from_bad[0].iter().all(|y| y.is_finite()));
    assert_eq!(from_bad, from_zeroed);
}

/// The same policy on every path the comb has: both modes, a fractional delay (per-sample
/// path), alpha and mix gliding (per-sample controls, the dry path), and a tau change whose
/// crossfade runs through the burst of bad samples. Bit for bit the output of zeros there.
#[test]
fn non_finite_and_subnormal_input_is_silence_on_every_path() {
    let setups: [&[(&str, f32)]; 4] = [
        &[("mode", 1.0), ("tau", 1.0)],
        &[("mode", 0.0), ("tau", 1.0)],
        &[("mode", 1.0), ("tau", 0.0104)],
        &[("mode", 0.0), ("tau", 5.0), ("mix", 0.7)],
    ];
    for setup in setups {
        let run = |input: &[f32]| {
            let mut harness = plugin_with(1, 512, setup);
            let mut output = input.to_vec();
            for (index, block) in output.chunks_mut(512).enumerate() {
                if index == 8 {
                    // Starts a 20 ms crossfade (8 * 512 = 4096 to 5056), and two glides.
                    harness.set("tau", 2.0);
                    harness.set("alpha", -0.8);
                    harness.set("mix", 0.5);
                }
                harness.process(&mut [block]);
            }
            output
        };
        let clean: Vec<f32> = noise(12_000, 5).iter().map(|v| v * 0.25).collect();
        let mut bad = clean.clone();
        let mut zeroed = clean.clone();
        for (start, value) in [
            (1000, f32::NAN),
            (4200, f32::INFINITY),
            (4300, -f32::NAN),
            (4400, f32::MIN_POSITIVE * 0.999),
            (9000, f32::NEG_INFINITY),
            (10_000, -f32::from_bits(1)),
        ] {
            for n in start..start + 50 {
                bad[n] = value;
                zeroed[n] = 0.0;
            }
        }
        let from_bad = run(&bad);
        assert!(from_bad.iter().all(|y| y.is_finite()), "{setup:?}");
        assert_eq!(from_bad, run(&zeroed), "{setup:?}");
    }
}

/// Denormal (subnormal) input is silence, so the output is exactly 0, and a full-scale
/// square wave at the comb's own resonance, fed back at alpha 0.999 (a gain of up to 1000),
/// stays under the limiter's +3 dBFS ceiling.
#[test]
fn denormals_and_resonant_square_waves_stay_bounded() {
    let denormal = vec![f32::MIN_POSITIVE / 4.0; 4800];
    let output = plugin_with(1, 512, &[("alpha", 0.999)]).run(&[denormal], &[512]);
    assert!(output[0].iter().all(|&y| y == 0.0));

    // tau 1 ms at 48 kHz with prime snap off is 48 samples: a square wave with that period.
    let square: Vec<f32> = (0..96_000)
        .map(|n| if n % 48 < 24 { 1.0 } else { -1.0 })
        .collect();
    let setup = [
        ("mode", 1.0),
        ("tau", 1.0),
        ("alpha", 0.999),
        ("prime", 0.0),
    ];
    let output = plugin_with(1, 512, &setup).run(&[square], &[512]);
    let peak = output[0].iter().fold(0.0f32, |m, y| m.max(y.abs()));
    assert!(peak > 1.0, "the setting does resonate: {peak}");
    assert!(peak <= LIMIT_CEILING, "{peak}");
}

/// Feed-back output is bounded for any legal setting: |y| <= max|x| / (1 - |alpha|), with
/// alpha limited to 0.999 (geometric series of the echoes). Random settings, changed every
/// block (so crossfades between voicings are included: a convex mix of two stable loops obeys
/// the same bound), on input quiet enough that the safety limiter never acts.
#[test]
fn feed_back_bound_holds_for_random_settings() {
    let mut rng = SmallRng::seed_from_u64(11);
    let amplitude = 0.0009; // 0.0009 / (1 - 0.999) = 0.9: under the limiter's threshold
    for _ in 0..20 {
        let alpha: f32 = rng.random_range(-1.0..=1.0);
        let bound = amplitude / (1.0 - alpha.abs().min(0.999));
        let mut harness = plugin_with(2, 256, &[("alpha", alpha)]);
        for block in 0..200 {
            harness.set("tau", rng.random_range(0.02..20.0));
            harness.set("prime", f32::from(rng.random_bool(0.5)));
            harness.set("spread", rng.random_range(0.0..=1.0));
            let mut channels: Vec<Vec<f32>> = (0..2)
                .map(|c| {
                    noise(256, block * 2 + c)
                        .iter()
                        .map(|v| v * amplitude)
                        .collect()
                })
                .collect();
            let mut blocks: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
            harness.process(&mut blocks);
            let peak = channels
                .iter()
                .flatten()
                .fold(0.0f32, |m, y| m.max(y.abs()));
            assert!(peak <= bound * 1.0001, "alpha {alpha}: {peak} > {bound}");
        }
    }
}

/// An automation storm: three minutes of stereo noise at 48 kHz in blocks of random size
/// (1 to 512 samples), every parameter set to a random value before every block (over
/// 100 000 parameter changes). No panic, no allocation (the harness forbids it), no NaN,
/// nothing above the limiter's ceiling.
#[test]
fn automation_storm() {
    let mut rng = SmallRng::seed_from_u64(5);
    let mut harness = Harness::new(SR, 2, 512);
    let source = [noise(48_000, 1), noise(48_000, 2)];
    let (mut samples, mut changes) = (0usize, 0usize);
    let mut left = vec![0.0; 512];
    let mut right = vec![0.0; 512];
    while samples < 3 * 60 * 48_000 {
        let len = rng.random_range(1..=512);
        for (id, low, high) in [
            ("mode", 0.0, 1.0),
            ("tau", 0.02, 1000.0),
            ("alpha", -1.0, 1.0),
            ("mix", 0.0, 1.0),
            ("output", -24.0, 24.0),
            ("prime", 0.0, 1.0),
            ("spread", 0.0, 1.0),
        ] {
            harness.set(id, rng.random_range(low..=high));
            changes += 1;
        }
        let offset = samples % (48_000 - 512);
        left[..len].copy_from_slice(&source[0][offset..offset + len]);
        right[..len].copy_from_slice(&source[1][offset..offset + len]);
        harness.process(&mut [&mut left[..len], &mut right[..len]]);
        let ok = |y: &f32| y.is_finite() && y.abs() <= LIMIT_CEILING;
        assert!(left[..len].iter().chain(&right[..len]).all(ok));
        samples += len;
    }
    println!("automation storm: {samples} samples per channel, {changes} parameter changes");
}

/// tau thrown around every 10 ms (random, 0.5 to 20 ms, prime snap on and off) on a 440 Hz
/// sine, feed-forward, alpha 0.5: the output never steps more than 1.5 times the largest step
/// of the steady state at tau = one period of the sine (where the comb's gain, 1.5, is
/// largest: every crossfade between two taps stays under it).
#[test]
fn tau_storm_does_not_click() {
    let amplitude = 0.5;
    let omega = 2.0 * std::f32::consts::PI * 440.0 / SR;
    let sine: Vec<f32> = (0..240_000)
        .map(|n| amplitude * (omega * n as f32).sin())
        .collect();
    let period_ms = 1000.0 / 440.0;
    let setup = [
        ("mode", 0.0),
        ("alpha", 0.5),
        ("tau", period_ms),
        ("prime", 0.0),
    ];
    let steady = plugin_with(1, 480, &setup).run(&[sine[..48_000].to_vec()], &[480]);
    let steady_step = largest_step(&steady[0][480..]);

    let mut rng = SmallRng::seed_from_u64(8);
    let mut harness = plugin_with(1, 480, &setup);
    let mut output = Vec::new();
    for block in sine.chunks(480) {
        harness.set("tau", rng.random_range(0.5..20.0));
        harness.set("prime", f32::from(rng.random_bool(0.5)));
        output.extend(&harness.run(&[block.to_vec()], &[480])[0]);
    }
    let storm_step = largest_step(&output);
    assert!(
        storm_step < 1.5 * steady_step,
        "{storm_step} vs {steady_step}"
    );
}
