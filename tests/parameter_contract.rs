//! The parameter ids are a public contract: saved sessions and automation refer to them.
//! This test fails if one is renamed, removed or reordered, or a default or range moves.
//! Add new parameters at the end; never change an id, default or range here. (Version 0.2
//! dropped the notes in brackets from the value text; the values are those of 0.1. Version
//! 0.3 added damp and drive, both defaulting to 0, the sound of 0.1; 0.4 key follow and sync,
//! both off by default, with transpose, fine tune and glide at 0.)

mod common;

use common::harness::Harness;

/// The ids, in order, and each parameter's default and range as value text (independent of
/// how the ranges are coded: a changed skew or limit changes the text).
#[test]
fn ids_defaults_and_ranges_are_frozen() {
    let harness = Harness::new(48_000.0, 2, 64);
    assert_eq!(
        harness.ids(),
        [
            "mode",
            "tau",
            "alpha",
            "mix",
            "output",
            "prime",
            "spread",
            "damp",
            "drive",
            "follow",
            "transpose",
            "fine",
            "glide",
            "sync"
        ]
    );
    let cases = [
        ("mode", 0.0, "Feed-forward"),
        ("mode", 1.0, "Feed-back"),
        ("tau", 0.02, "0.020 ms"),
        ("tau", 5.0, "5.00 ms"),
        ("tau", 1000.0, "1000.00 ms"),
        ("alpha", -1.0, "-1.000"),
        ("alpha", 0.25, "0.250"),
        ("alpha", 1.0, "1.000"),
        ("mix", 0.0, "0 %"),
        ("mix", 1.0, "100 %"),
        ("output", -24.0, "-24.0 dB"),
        ("output", 24.0, "24.0 dB"),
        ("prime", 0.0, "Off"),
        ("prime", 1.0, "On"),
        ("spread", 0.0, "0 %"),
        ("spread", 1.0, "100 %"),
        ("damp", 0.0, "0 %"),
        ("damp", 1.0, "100 %"),
        ("drive", 0.0, "0 %"),
        ("drive", 1.0, "100 %"),
        ("follow", 0.0, "Off"),
        ("follow", 1.0, "On"),
        ("transpose", -48.0, "-48 st"),
        ("transpose", 0.0, "0 st"),
        ("transpose", 48.0, "+48 st"),
        ("fine", -100.0, "-100.0 ct"),
        ("fine", 100.0, "100.0 ct"),
        ("glide", 0.0, "0.0 ms"),
        ("glide", 2000.0, "2000.0 ms"),
        ("sync", 0.0, "Off"),
        ("sync", 1.0, "1/64T"),
        ("sync", 2.0, "1/64"),
        ("sync", 3.0, "1/64."),
        ("sync", 11.0, "1/8"),
        ("sync", 21.0, "1/1."),
    ];
    for (id, plain, text) in cases {
        assert_eq!(harness.text(id, plain), text, "{id} at {plain}");
    }
    // Values beyond a range are clamped to it, not wrapped or rejected.
    assert_eq!(harness.text("tau", 5000.0), "1000.00 ms");
    assert_eq!(harness.parse("mix", "40%"), Some(0.4));
    assert_eq!(harness.parse("mode", "Feed-back"), Some(1.0));
}

/// The fractions (mix, spread and the new damping and drive) show as a number with `%`,
/// and that text parses back to the same value, also where it needs decimals (1/3, 0.07).
#[test]
fn fraction_texts_parse_back_to_their_values() {
    let harness = Harness::new(48_000.0, 2, 64);
    for id in ["mix", "spread", "damp", "drive"] {
        for value in [0.0, 0.07, 0.25, 1.0 / 3.0, 0.5, 1.0] {
            let text = harness.text(id, value);
            assert!(text.ends_with(" %"), "{id}: {text}");
            assert_eq!(harness.parse(id, &text), Some(value), "{id}: {text}");
        }
    }
}

/// Every factory preset's text parses through the plugin's own text entry, as the editor
/// and the command line apply it.
#[test]
fn every_preset_text_parses() {
    let harness = Harness::new(48_000.0, 2, 64);
    for preset in primecomb::presets::factory_presets() {
        for (id, text) in preset.settings {
            assert!(
                harness.parse(id, text).is_some(),
                "{}: {id} = {text}",
                preset.name
            );
        }
    }
    let eighth_dotted = harness.parse("sync", "1/8.").unwrap();
    assert_eq!(harness.text("sync", eighth_dotted), "1/8.");
}
