//! What a host can do to the built plugin through the CLAP ABI: reactivate it over and over
//! at any rate and block size, reset it mid-stream, and feed it state bytes of every kind.

mod common;

use common::clap_host::LoadedPlugin;
use common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// A state saved by the first released version (0.1.0): feed-forward, tau 12.5 ms, alpha
/// -0.25, mix 40 %, output -6 dB, prime snap off, spread 30 %. Every later version must load it.
const FIRST_RELEASE_STATE: &[u8] = include_bytes!("fixtures/state-0.1.0.bin");

const IDS: [&str; 7] = ["mode", "tau", "alpha", "mix", "output", "prime", "spread"];

/// The value text of every parameter: what a user sees.
fn settings(plugin: &mut LoadedPlugin) -> Vec<String> {
    IDS.iter()
        .map(|id| {
            let value = plugin.value(id);
            plugin.value_text(id, value)
        })
        .collect()
}

/// Activation after activation: every rate from 8 kHz to 384 kHz, largest blocks of 1 and
/// 8192 samples, blocks of every size up to that, and resets in the middle of the stream.
/// The output is always finite, and at the end the plugin still filters as the formula says.
#[test]
fn reactivation_at_every_rate_and_block_size() {
    let mut plugin = LoadedPlugin::new();
    plugin.set_params(&[("alpha", "0.9")]);
    let mut activations = 0;
    for sample_rate in [
        8_000.0, 11_025.0, 22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0, 384_000.0,
    ] {
        for max_block in [1, 8192] {
            let input = vec![noise(20_000, 1), noise(20_000, 2)];
            let output =
                plugin.process_with_resets(sample_rate, max_block, &input, &[7_000, 13_001]);
            assert!(
                output.iter().flatten().all(|y| y.is_finite()),
                "{sample_rate} Hz"
            );
            activations += 1;
        }
    }
    assert_eq!(activations, 16);
    // Still the comb of the formula afterwards: 48 kHz, 1 ms, feed-forward, prime snap off.
    plugin.set_params(&[
        ("mode", "Feed-forward"),
        ("tau", "1 ms"),
        ("alpha", "0.5"),
        ("prime", "Off"),
    ]);
    let output = plugin.process(48_000.0, 64, &[impulse(100), impulse(100)]);
    assert_eq!(
        (output[0][0], output[0][48], output[1][48]),
        (1.0, 0.5, 0.5)
    );
}

/// The first released version's state loads, with every value as it was saved.
#[test]
fn first_release_state_loads() {
    let mut plugin = LoadedPlugin::new();
    assert!(plugin.load(FIRST_RELEASE_STATE));
    assert_eq!(
        settings(&mut plugin),
        [
            "Feed-forward",
            "12.50 ms",
            "-0.250",
            "40 %",
            "-6.0 dB",
            "Off",
            "30 %"
        ]
    );
    // Damping and drive, which 0.1.0 did not have, load at their bypass values.
    for id in ["damp", "drive"] {
        let value = plugin.value(id);
        assert_eq!(plugin.value_text(id, value), "0 %");
    }
}

/// Sessions of 0.1.0 sound as they did, to the bit: 0.1.0 itself, through this same CLAP
/// host, rendered its saved state, and the same state turned into a feed-back comb with prime
/// snap (alpha automated into a glide, tau into a crossfade to another prime) and into a
/// ringing one at alpha -0.999, and the renders were kept in `tests/fixtures/` (stereo noise
/// at -12 dBFS peak, and scaled down where the comb resonates, so that the limiter, whose
/// curve changed in 0.2.0, never works). This version must give the same samples.
#[test]
fn first_release_sessions_render_bit_identical() {
    let input = |scale: f32| {
        [1, 2].map(|seed| {
            quiet_noise(24_000, seed)
                .iter()
                .map(|v| v * scale)
                .collect()
        })
    };
    let check = |name: &str, output: Vec<Vec<f32>>| {
        let path = format!(
            "{}/tests/fixtures/{name}-0.1.0.f32",
            env!("CARGO_MANIFEST_DIR")
        );
        let want: Vec<f32> = std::fs::read(&path)
            .unwrap()
            .chunks_exact(4)
            .map(|bytes| f32::from_le_bytes(bytes.try_into().unwrap()))
            .collect();
        let got: Vec<f32> = output.into_iter().flatten().collect();
        assert!(
            want.iter().all(|v| v.abs() <= 1.0),
            "{name}: the limiter would work"
        );
        let first_difference = got
            .iter()
            .zip(&want)
            .position(|(g, w)| g.to_bits() != w.to_bits());
        assert_eq!(got.len(), want.len(), "{name}");
        assert_eq!(first_difference, None, "{name}: differs from 0.1.0");
    };

    let mut plugin = LoadedPlugin::new();
    assert!(plugin.load(FIRST_RELEASE_STATE));
    check("saved", plugin.process(48_000.0, 512, &input(1.0)));

    let mut plugin = LoadedPlugin::new();
    assert!(plugin.load(FIRST_RELEASE_STATE));
    plugin.set_params(&[("mode", "Feed-back"), ("alpha", "0.9"), ("prime", "On")]);
    let automated = plugin.process_automated(48_000.0, 512, &input(0.4), |block| match block {
        16 => vec![(100, "alpha", 0.75)],
        30 => vec![(7, "tau", 0.3)],
        _ => Vec::new(),
    });
    check("feedback-automated", automated);

    let mut plugin = LoadedPlugin::new();
    assert!(plugin.load(FIRST_RELEASE_STATE));
    plugin.set_params(&[
        ("mode", "Feed-back"),
        ("tau", "1 ms"),
        ("spread", "0"),
        ("alpha", "-0.999"),
        ("prime", "On"),
        ("mix", "100"),
        ("output", "0"),
    ]);
    let impulses = [impulse(24_000), impulse(24_000)];
    check("feedback-impulse", plugin.process(48_000.0, 512, &impulses));
}

/// Bad state bytes are refused, and refusing them leaves the current settings exactly as they
/// were: empty, random bytes, the fixture cut short, a length header claiming 2^64 bytes, a
/// valid header before text that is not JSON, and JSON of the wrong shape.
#[test]
fn bad_states_are_refused_without_touching_the_settings() {
    let mut plugin = LoadedPlugin::new();
    plugin.set_params(&[("tau", "33 ms"), ("alpha", "-0.6"), ("spread", "70%")]);
    let before = settings(&mut plugin);
    let with_header = |body: &[u8]| {
        let mut bytes = (body.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(body);
        bytes
    };
    let mut huge_header = FIRST_RELEASE_STATE.to_vec();
    huge_header[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    let mut rng = SmallRng::seed_from_u64(1);
    let random: Vec<u8> = (0..300).map(|_| rng.random()).collect();
    let cases: [(&str, Vec<u8>); 6] = [
        ("empty", Vec::new()),
        ("random bytes", random),
        ("truncated", FIRST_RELEASE_STATE[..100].to_vec()),
        ("2^64-byte header", huge_header),
        ("not JSON", with_header(b"PrimeComb preset, but not really")),
        (
            "wrong shape",
            with_header(br#"{"version": 3, "params": [1, 2, 3]}"#),
        ),
    ];
    for (name, bytes) in cases {
        assert!(!plugin.load(&bytes), "{name} was accepted");
        assert_eq!(settings(&mut plugin), before, "{name} changed the settings");
    }
}

/// Values out of range in an otherwise valid state are clamped into range, and an unknown
/// mode falls back to the default, feed-back.
#[test]
fn out_of_range_values_are_clamped() {
    let json = String::from_utf8_lossy(&FIRST_RELEASE_STATE[8..])
        .replace("-0.25", "5.0")
        .replace("\"mix\":{\"f32\":0.4}", "\"mix\":{\"f32\":-7.0}")
        .replace("feed-forward", "sideways");
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend(json.as_bytes());
    let mut plugin = LoadedPlugin::new();
    assert!(plugin.load(&bytes));
    let now = settings(&mut plugin);
    assert_eq!(
        (now[0].as_str(), now[2].as_str(), now[3].as_str()),
        ("Feed-back", "1.000", "0 %")
    );
}

/// A fixed-seed fuzz of state loading: 3000 mutations of the fixture (bytes flipped,
/// overwritten, cut, inserted). None may crash the host; a refused one leaves the settings
/// untouched; an accepted one leaves every parameter inside its range.
#[test]
fn fuzzed_states_never_crash() {
    let mut rng = SmallRng::seed_from_u64(2026);
    let mut plugin = LoadedPlugin::new();
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..3000 {
        let mut bytes = FIRST_RELEASE_STATE.to_vec();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..bytes.len());
            match rng.random_range(0..4) {
                0 => bytes[at] ^= 1 << rng.random_range(0..8),
                1 => bytes[at] = rng.random(),
                2 => bytes.truncate(at),
                _ => bytes.insert(at, rng.random()),
            }
            if bytes.is_empty() {
                break;
            }
        }
        let before = settings(&mut plugin);
        if plugin.load(&bytes) {
            accepted += 1;
            for id in IDS {
                let value = plugin.value(id);
                assert!(
                    value.is_finite() && (0.0..=1.0).contains(&value),
                    "{id}: {value}"
                );
            }
        } else {
            refused += 1;
            assert_eq!(settings(&mut plugin), before);
        }
    }
    println!("state fuzz: {accepted} accepted, {refused} refused");
}
