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
