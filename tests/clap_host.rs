//! The built `primecomb.clap`, loaded and driven through the CLAP ABI by a `clack-host` host,
//! as a DAW does: its parameters by id, impulses and noise against the comb formulas at
//! several sample rates, and a state that survives a save and a reload.

mod common;

use common::clap_host::{LoadedPlugin, clap_id};
use common::*;

/// The five parameters of the public contract are there, by their ids, with their names,
/// ranges and defaults (CLAP exchanges normalized values, and the step index for the mode).
#[test]
fn parameters_are_listed_by_id() {
    let mut plugin = LoadedPlugin::new();
    let params = plugin.describe_params();
    let expected = [
        ("mode", "Mode"),
        ("tau", "Tau"),
        ("alpha", "Alpha"),
        ("mix", "Mix"),
        ("output", "Output"),
        ("prime", "Prime Snap"),
        ("spread", "Stereo Spread"),
        ("damp", "Damping"),
        ("drive", "Drive"),
        ("follow", "Key Follow"),
        ("transpose", "Transpose"),
        ("fine", "Fine Tune"),
        ("glide", "Glide"),
        ("sync", "Sync"),
    ];
    assert_eq!(params.len(), expected.len());
    for (param, (id, name)) in params.iter().zip(expected) {
        assert_eq!(param.id, clap_id(id), "{id}");
        assert_eq!(param.name, name);
    }
    // Mode is stepped: 0 feed-forward, 1 feed-back (the default).
    assert_eq!(
        (params[0].min, params[0].max, params[0].default),
        (0.0, 1.0, 1.0)
    );
    // The defaults, read back as text: each a number with its unit, or a label (5 ms, 0.5,
    // 100 %, 0 dB, prime snap on, no spread).
    let tau_default = params[1].default;
    assert_eq!(plugin.value_text("tau", tau_default), "5.00 ms");
    assert_eq!(plugin.value_text("alpha", params[2].default), "0.500");
    assert_eq!(plugin.value_text("mix", params[3].default), "100 %");
    assert_eq!(plugin.value_text("output", params[4].default), "0.0 dB");
    assert_eq!(plugin.value_text("mode", 0.0), "Feed-forward");
    assert_eq!(plugin.value_text("damp", params[7].default), "0 %");
    assert_eq!(plugin.value_text("drive", params[8].default), "0 %");
    assert_eq!(
        (params[5].min, params[5].max, params[5].default),
        (0.0, 1.0, 1.0)
    );
    assert_eq!(plugin.value_text("spread", params[6].default), "0 %");
    // Key follow and sync are off by default; transpose, fine tune and glide at zero.
    assert_eq!(plugin.value_text("follow", params[9].default), "Off");
    assert_eq!(plugin.value_text("transpose", params[10].default), "0 st");
    assert_eq!(plugin.value_text("fine", params[11].default), "0.0 ct");
    assert_eq!(plugin.value_text("glide", params[12].default), "0.0 ms");
    assert_eq!(plugin.value_text("sync", params[13].default), "Off");
    // The sync values by name, as hosts show and parse them.
    let eighth_dotted = plugin.parse("sync", "1/8.").unwrap();
    assert_eq!(plugin.value_text("sync", eighth_dotted), "1/8.");
    let triplet = plugin.parse("sync", "1/16T").unwrap();
    assert_eq!(plugin.value_text("sync", triplet), "1/16T");
    let up_a_fifth = plugin.parse("transpose", "+7 st").unwrap();
    assert_eq!(plugin.value_text("transpose", up_a_fifth), "+7 st");
    // A note typed into tau is the delay of its period (alpha is positive by default).
    let a3 = plugin.parse("tau", "A3").unwrap();
    assert_eq!(plugin.parse("tau", "220 Hz"), Some(a3));
    let a3_text = plugin.value_text("tau", a3);
    assert!(
        a3_text.starts_with("4.545") && a3_text.ends_with(" ms"),
        "{a3_text}"
    );
    assert_eq!(plugin.parse("tau", &a3_text), Some(a3));
    // Typed text comes back as the same value the display shows; version 0.1's texts too.
    let five_ms = plugin.parse("tau", "5 ms").unwrap();
    assert!((five_ms - tau_default).abs() < 1e-6);
    assert_eq!(plugin.parse("tau", "5"), Some(five_ms));
    assert_eq!(plugin.parse("tau", "5.00 ms"), Some(five_ms));
    assert_eq!(
        plugin.parse("tau", "5.00 ms (239 smp, prime)"),
        Some(five_ms)
    );
    assert_eq!(plugin.parse("tau", "soon"), None);
}

/// What a host that sets values by number reaches: it hands the plugin the number as text
/// (`text_to_value`, as pedalboard and generic host UIs do), then sends the CLAP value it got
/// back. Every whole number of samples from 1 to 1000 at 44.1, 48 and 96 kHz, and every whole
/// millisecond from 1 to 1000, lands exactly where it was asked: a whole delay, with no
/// interpolation (a whole ms that is no whole number of samples, within a millionth). (At 96 kHz one sample, 0.0104 ms, is below tau's range, which starts at
/// 0.02 ms: there the count starts at 2.) The value text of each setting, typed back in,
/// gives the same delay. The delay is computed from the CLAP value as the wrapper does
/// (normalized in f32, then tau's range), and three of them are checked by ear below.
#[test]
fn tau_reaches_every_whole_sample_and_millisecond_by_number() {
    let mut plugin = LoadedPlugin::new();
    let delay_at = |value: f64, sample_rate: f64| {
        let ms = primecomb::params::tau_range().unnormalize(value as f32);
        primecomb::params::tau_samples(ms, sample_rate as f32)
    };
    let mut checked = 0;
    for sample_rate in [44_100.0, 48_000.0, 96_000.0] {
        let whole_samples = (1..=1000).map(|n| (f64::from(n), f64::from(n) * 1000.0 / sample_rate));
        let whole_ms = (1..=1000).map(|ms| (f64::from(ms) * sample_rate / 1000.0, f64::from(ms)));
        for (samples, ms) in whole_samples.chain(whole_ms) {
            if ms < f64::from(primecomb::params::TAU_MIN_MS) {
                continue;
            }
            // What a script prints for the number: the shortest text that reads back as it.
            let value = plugin.parse("tau", &format!("{ms}")).unwrap();
            let delay = f64::from(delay_at(value, sample_rate));
            if samples.fract() == 0.0 {
                assert_eq!(delay, samples, "{ms} ms at {sample_rate} Hz");
            } else {
                // A whole ms that is no whole number of samples (1 ms at 44.1 kHz is 44.1):
                // as near as the normalized scale's f32 resolution through tau's skew allows.
                let error = (delay - samples).abs() / samples;
                assert!(error < 1e-6, "{ms} ms at {sample_rate} Hz: {delay}");
            }
            let shown = plugin.value_text("tau", value);
            let plain = |value: f64| primecomb::params::tau_range().unnormalize(value as f32);
            let typed_back = plugin.parse("tau", &shown).unwrap();
            assert_eq!(plain(typed_back), plain(value), "{shown}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6000 - 1);
    // By ear: 1000 samples at 44.1 kHz (22.675736961451247 ms), 1 sample at 44.1 kHz, and
    // 1000 ms at 48 kHz, each a single clean echo where it was asked.
    for (sample_rate, ms, echo_at) in [
        (44_100.0, 1000.0 / 44.1, 1000),
        (44_100.0, 1.0 / 44.1, 1),
        (48_000.0, 1000.0, 48_000),
    ] {
        let mut plugin = LoadedPlugin::new();
        let tau = format!("{ms}");
        plugin.set_params(&[
            ("mode", "Feed-forward"),
            ("tau", &tau),
            ("alpha", "0.5"),
            ("prime", "Off"),
        ]);
        let input = impulse(echo_at + 100);
        let output = plugin.process(sample_rate, 512, &[input.clone(), input]);
        let heard: Vec<(usize, f32)> = output[0]
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, y)| y != 0.0)
            .collect();
        assert_eq!(
            heard,
            [(0, 1.0), (echo_at, 0.5)],
            "{tau} ms at {sample_rate} Hz"
        );
    }
}

/// The acceptance case: 48 kHz, tau 1 ms, alpha 0.5, prime snap off. Feed-forward gives 1 at sample 0 and 0.5
/// at sample 48; feed-back gives 0.5^k at 48k; everything else is 0. To 1e-6.
#[test]
fn impulse_at_48k_follows_the_formula() {
    for (mode, feedback) in [("Feed-forward", false), ("Feed-back", true)] {
        let mut plugin = LoadedPlugin::new();
        let changes = [
            ("mode", mode),
            ("tau", "1 ms"),
            ("alpha", "0.5"),
            ("prime", "Off"),
        ];
        plugin.set_params(&changes);
        let output = plugin.process(48_000.0, 512, &[impulse(4800), impulse(4800)]);
        for channel in &output {
            for (n, &y) in channel.iter().enumerate() {
                let want = match (n % 48, n / 48, feedback) {
                    (0, 0, _) => 1.0,
                    (0, 1, false) => 0.5,
                    (0, k, true) => 0.5f64.powi(k as i32),
                    _ => 0.0,
                };
                assert!(
                    (f64::from(y) - want).abs() < 1e-6,
                    "{mode} n={n}: {y} vs {want}"
                );
            }
        }
    }
}

/// Noise through the plugin at 44.1, 48 and 96 kHz in both modes equals the formula at the
/// delay in samples that tau in ms gives at that rate (2 ms: 88.2 -> fractional at 44.1 kHz is
/// avoided by using 10 ms = 441, 480 and 960 samples), within the f32 rounding bound.
#[test]
fn noise_at_three_sample_rates() {
    for (sample_rate, tau) in [(44_100.0, 441), (48_000.0, 480), (96_000.0, 960)] {
        for (mode, feedback) in [("Feed-forward", false), ("Feed-back", true)] {
            let mut plugin = LoadedPlugin::new();
            let changes = [
                ("mode", mode),
                ("tau", "10 ms"),
                ("alpha", "-0.7"),
                ("prime", "Off"),
            ];
            // Quiet: the feed-back peak (at most 0.25 / 0.3) stays under the limiter.
            let input = vec![quiet_noise(5000, 1), quiet_noise(5000, 2)];
            plugin.set_params(&changes);
            let output = plugin.process(sample_rate, 256, &input);
            for (x, y) in input.iter().zip(&output) {
                let want = if feedback {
                    reference_feed_back(x, tau, -0.7)
                } else {
                    reference_feed_forward(x, tau, -0.7)
                };
                let tolerance = f32_tolerance(peak(&want), 0.7, feedback);
                let error = max_error(y, &want);
                assert!(error <= tolerance, "{sample_rate} Hz {mode}: {error}");
            }
        }
    }
}

/// A saved state loads into a fresh instance: the same values, and saving again gives the
/// same bytes.
#[test]
fn state_survives_save_and_reload() {
    let mut plugin = LoadedPlugin::new();
    let changes = [
        ("mode", "Feed-forward"),
        ("tau", "12.5 ms"),
        ("alpha", "-0.25"),
        ("mix", "40%"),
        ("output", "-6 dB"),
        ("prime", "Off"),
        ("spread", "30%"),
    ];
    plugin.set_params(&changes);
    plugin.process(48_000.0, 64, &[vec![0.0; 64], vec![0.0; 64]]);
    let saved = plugin.save();
    let ids = ["mode", "tau", "alpha", "mix", "output", "prime", "spread"];
    let values: Vec<f64> = ids.iter().map(|id| plugin.value(id)).collect();
    assert_eq!(plugin.value_text("tau", values[1]), "12.50 ms");

    let mut fresh = LoadedPlugin::new();
    assert_ne!(fresh.value("tau"), values[1]);
    assert!(fresh.load(&saved));
    let reloaded: Vec<f64> = ids.iter().map(|id| fresh.value(id)).collect();
    assert_eq!(reloaded, values);
    assert_eq!(fresh.save(), saved);
}

/// Automation through the CLAP wrapper: every parameter moved every block, at offsets inside
/// the block (sample-accurate, so the wrapper splits blocks there), for a minute of stereo
/// at 48 kHz (over 60 000 parameter changes). The bundle is a debug build with allocation
/// checks, so an allocation would abort this test; the output must stay finite and under the
/// safety limiter's +3 dBFS ceiling.
#[test]
fn sample_accurate_automation_through_the_wrapper() {
    let mut plugin = LoadedPlugin::new();
    let input = vec![noise(48_000 * 60, 7), noise(48_000 * 60, 8)];
    let output = plugin.process_automated(48_000.0, 256, &input, |block| {
        let t = (block % 97) as f64 / 97.0;
        vec![
            (0, "tau", t),
            (17, "alpha", 1.0 - t),
            (64, "mode", (block % 2) as f64),
            (128, "mix", t),
            (200, "output", 1.0 - t),
            (255, "tau", 1.0 - t),
        ]
    });
    let bound = 10f32.powf(24.0 / 20.0) / (1.0 - 0.999);
    assert!(
        output
            .iter()
            .flatten()
            .all(|y| y.is_finite() && y.abs() <= bound)
    );
}

/// The first echo of an impulse at 48 kHz, tau 1 ms (48 samples), alpha 0.5, feed-forward, in
/// each channel: (left, right) sample index.
fn echo_positions(changes: &[(&str, &str)]) -> (usize, usize) {
    let mut plugin = LoadedPlugin::new();
    let mut all = vec![("mode", "Feed-forward"), ("tau", "1 ms"), ("alpha", "0.5")];
    all.extend_from_slice(changes);
    plugin.set_params(&all);
    let output = plugin.process(48_000.0, 256, &[impulse(512), impulse(512)]);
    let echo = |channel: &Vec<f32>| {
        let found: Vec<usize> = (1..channel.len()).filter(|&n| channel[n] != 0.0).collect();
        assert_eq!(found.len(), 1, "one echo: {found:?}");
        assert!((channel[found[0]] - 0.5).abs() < 1e-6);
        found[0]
    };
    (echo(&output[0]), echo(&output[1]))
}

/// Prime snap on (the default): 48 samples snap to the nearest prime, 47, in both channels.
/// Full spread: left 48 * 7/8 = 42 snaps to 41 (41 and 43 tie; the shorter wins), right
/// 48 * 9/8 = 54 snaps to 53, as the README documents. Without snap the spread delays are
/// exactly 42 and 54.
#[test]
fn prime_snap_and_spread_in_the_host() {
    assert_eq!(echo_positions(&[]), (47, 47));
    assert_eq!(echo_positions(&[("spread", "100%")]), (41, 53));
    assert_eq!(
        echo_positions(&[("spread", "100%"), ("prime", "Off")]),
        (42, 54)
    );
    assert_eq!(echo_positions(&[("prime", "Off")]), (48, 48));
}

/// The editor's size is saved with the session (nice-plug's persisted fields, beside the
/// parameters): a new instance saves the default, 1100 x 660, and one that loads a state
/// holding another size reports that size to the host for its next window.
#[test]
fn editor_size_is_saved_with_the_state() {
    let mut plugin = LoadedPlugin::new();
    let saved = plugin.save();
    let json = String::from_utf8_lossy(&saved[8..]).into_owned();
    let default = r#"{\"width\":1100.0,\"height\":660.0}"#;
    assert!(json.contains(default), "{json}");
    assert_eq!(plugin.editor_size(), Some((1100, 660)));

    let resized = json.replace(default, r#"{\"width\":1300.0,\"height\":800.0}"#);
    let mut bytes = (resized.len() as u64).to_le_bytes().to_vec();
    bytes.extend(resized.as_bytes());
    let mut fresh = LoadedPlugin::new();
    assert!(fresh.load(&bytes));
    assert_eq!(fresh.editor_size(), Some((1300, 800)));
    assert_eq!(fresh.save(), bytes);
}

/// A control surface's first page holds the main controls, by their parameter ids, the
/// second the delays and switches (prime snap among them).
#[test]
fn remote_controls_put_the_main_controls_on_the_first_page() {
    let mut plugin = LoadedPlugin::new();
    let pages = plugin.remote_control_pages();
    let slots = |ids: &[&str]| {
        let mut slots: Vec<_> = ids.iter().map(|id| Some(clap_id(id))).collect();
        slots.resize(8, None);
        slots
    };
    let want = [
        (
            "Comb",
            slots(&[
                "tau", "alpha", "damp", "drive", "mix", "output", "spread", "mode",
            ]),
        ),
        ("Delays", slots(&["tau", "spread", "prime", "mode"])),
        (
            "Pitch",
            slots(&[
                "follow",
                "transpose",
                "fine",
                "glide",
                "sync",
                "tau",
                "alpha",
                "damp",
            ]),
        ),
    ];
    assert_eq!(pages.len(), want.len());
    for ((section, name, params), (want_name, want_slots)) in pages.iter().zip(want) {
        assert_eq!((section.as_str(), name.as_str()), ("PrimeComb", want_name));
        assert_eq!(params.to_vec(), want_slots);
    }
}

/// A state saved at any moment holds every change made before it: right after the host set
/// parameters on an inactive plugin (no audio has run yet), and right after a block that
/// carried automation, before any further block.
#[test]
fn a_state_saved_right_after_a_change_holds_it() {
    let mut plugin = LoadedPlugin::new();
    plugin.set_params(&[
        ("alpha", "-0.6"),
        ("mode", "Feed-forward"),
        ("spread", "70%"),
    ]);
    let saved = plugin.save();
    let mut fresh = LoadedPlugin::new();
    assert!(fresh.load(&saved));
    for (id, text) in [
        ("alpha", "-0.600"),
        ("mode", "Feed-forward"),
        ("spread", "70 %"),
    ] {
        let value = fresh.value(id);
        assert_eq!(fresh.value_text(id, value), text, "{id}");
    }

    let input = vec![vec![0.0; 256], vec![0.0; 256]];
    let mix = plugin.parse("mix", "25 %").unwrap();
    plugin.process_automated(48_000.0, 256, &input, |_| vec![(100, "mix", mix)]);
    let mut fresh = LoadedPlugin::new();
    assert!(fresh.load(&plugin.save()));
    let value = fresh.value("mix");
    assert_eq!(fresh.value_text("mix", value), "25 %");
}
