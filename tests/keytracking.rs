//! Tau from the music, through the CLAP ABI: note events set the comb's pitch (its first
//! peak, measured from the impulse response's spectrum) in equal temperament, glide moves it
//! in the set time, note-off keeps it, pitch bend bends it, notes change without clicks, and
//! tempo sync puts the echo on the note value of the host's tempo.

mod common;

use std::f64::consts::TAU;
use std::ops::Range;

use clack_host::events::Match;
use clack_host::events::event_types::{MidiEvent, NoteOffEvent, NoteOnEvent};
use clack_host::prelude::*;
use common::clap_host::LoadedPlugin;
use common::{echo_centre, largest_step};

/// A4 = 440 Hz, MIDI key 69.
fn note_hz(key: f64) -> f64 {
    440.0 * ((key - 69.0) / 12.0).exp2()
}

fn cents(reference_hz: f64, hz: f64) -> f64 {
    1200.0 * (hz / reference_hz).log2()
}

/// `|sum h[n] e^{-j w n}|` at `hz`: the response's magnitude, straight from its definition.
fn magnitude_at(response: &[f32], hz: f64, sample_rate: f64) -> f64 {
    let omega = TAU * hz / sample_rate;
    let (step_re, step_im) = (omega.cos(), -omega.sin());
    let (mut re, mut im) = (0.0, 0.0);
    let (mut turn_re, mut turn_im) = (1.0, 0.0);
    for &h in response {
        re += f64::from(h) * turn_re;
        im += f64::from(h) * turn_im;
        (turn_re, turn_im) = (
            turn_re * step_re - turn_im * step_im,
            turn_re * step_im + turn_im * step_re,
        );
    }
    re.hypot(im)
}

/// The frequency of the response's largest peak within half a semitone of `near_hz`, by
/// golden-section search (to a fiftieth of a cent).
fn peak_near(response: &[f32], near_hz: f64, sample_rate: f64) -> f64 {
    let (mut lo, mut hi) = (-50.0, 50.0);
    let at = |c: f64| magnitude_at(response, near_hz * (c / 1200.0).exp2(), sample_rate);
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - golden * (hi - lo), lo + golden * (hi - lo));
    let (mut fa, mut fb) = (at(a), at(b));
    while hi - lo > 0.02 {
        if fa > fb {
            (hi, b, fb) = (b, a, fa);
            a = hi - golden * (hi - lo);
            fa = at(a);
        } else {
            (lo, a, fa) = (a, b, fb);
            b = lo + golden * (hi - lo);
            fb = at(b);
        }
    }
    near_hz * (((lo + hi) / 2.0) / 1200.0).exp2()
}

fn note_on(time: u32, key: u16) -> NoteOnEvent {
    NoteOnEvent::new(time, Pckn::new(0u16, 0u16, key, Match::All), 0.8)
}

fn note_off(time: u32, key: u16) -> NoteOffEvent {
    NoteOffEvent::new(time, Pckn::new(0u16, 0u16, key, Match::All), 0.0)
}

/// A MIDI pitch bend on channel 1, `value` from 0 (down) to 16383 (up), 8192 the centre.
fn pitch_bend(time: u32, value: u16) -> MidiEvent {
    MidiEvent::new(time, 0, [0xE0, (value & 0x7F) as u8, (value >> 7) as u8])
}

/// Events at absolute sample times, handed to the blocks they fall in.
#[derive(Clone, Copy)]
enum Played {
    On(usize, u16),
    Off(usize, u16),
    Bend(usize, u16),
}

fn play(played: &[Played]) -> impl Fn(Range<usize>, &mut EventBuffer) + '_ {
    move |block, events| {
        for &event in played {
            let at = match event {
                Played::On(at, _) | Played::Off(at, _) | Played::Bend(at, _) => at,
            };
            if !block.contains(&at) {
                continue;
            }
            let time = (at - block.start) as u32;
            match event {
                Played::On(_, key) => events.push(&note_on(time, key)),
                Played::Off(_, key) => events.push(&note_off(time, key)),
                Played::Bend(_, value) => events.push(&pitch_bend(time, value)),
            }
        }
    }
}

const BLOCK: usize = 512;

/// Mono audio with impulses of 0.25 at `at`, `len` samples long.
fn impulses(len: usize, at: &[usize]) -> Vec<Vec<f32>> {
    let mut signal = vec![0.0; len];
    for &n in at {
        signal[n] = 0.25;
    }
    vec![signal.clone(), signal]
}

/// When the impulse comes: after the 20 ms crossfade from the default tau to the note.
fn impulse_time(sample_rate: f64) -> usize {
    (0.03 * sample_rate) as usize
}

/// The left channel's impulse response to `key` played from the start, the plugin set up as
/// `plugin` is: long enough for a feed-back comb to ring down by 100 dB (alpha 0.9).
fn response_to_note(
    plugin: &mut LoadedPlugin,
    sample_rate: f64,
    key: u16,
    feedback: bool,
) -> Vec<f32> {
    let delay = sample_rate / note_hz(f64::from(key));
    let length = if feedback {
        110.0 * delay
    } else {
        delay + 16.0
    };
    let start = impulse_time(sample_rate);
    let len = start + length as usize;
    let played = [Played::On(0, key)];
    let output = plugin.process_playing(
        sample_rate,
        BLOCK,
        &impulses(len, &[start]),
        play(&played),
        |_| None,
    );
    output[0][start..].to_vec()
}

/// Every note from C2 to C7 at 44.1, 48 and 96 kHz (feed-back, alpha 0.9), and every C among
/// them with feed-forward and feed-back, alpha 0.9 and -0.9, damping off and at 50 %: the
/// first peak is within 1 cent of the note. With negative alpha the delay is half a period
/// (the peaks sit at odd multiples of `fs / (2 delay)`); with damping the delay is shortened
/// by the filter's lean (up to 7 cents at C7 in feed-forward), so both are checked.
#[test]
fn notes_tune_the_first_peak_within_a_cent() {
    let mut worst: f64 = 0.0;
    for sample_rate in [44_100.0, 48_000.0, 96_000.0] {
        for (mode, alpha, damp) in [
            ("Feed-back", "0.9", "0"),
            ("Feed-back", "-0.9", "0"),
            ("Feed-back", "0.9", "50"),
            ("Feed-back", "-0.9", "50"),
            ("Feed-forward", "0.9", "0"),
            ("Feed-forward", "-0.9", "0"),
            ("Feed-forward", "0.9", "50"),
            ("Feed-forward", "-0.9", "50"),
        ] {
            let mut plugin = LoadedPlugin::new();
            plugin.set_params(&[
                ("follow", "On"),
                ("mode", mode),
                ("alpha", alpha),
                ("damp", damp),
            ]);
            let every_note = mode == "Feed-back" && alpha == "0.9" && damp == "0";
            let keys: Vec<u16> = match every_note {
                true => (36..=96).collect(),
                false => (36..=96).step_by(12).collect(),
            };
            for key in keys {
                let response = response_to_note(&mut plugin, sample_rate, key, mode == "Feed-back");
                let want = note_hz(f64::from(key));
                let off = cents(want, peak_near(&response, want, sample_rate));
                assert!(
                    off.abs() < 1.0,
                    "{mode}, alpha {alpha}, damping {damp} %, key {key} at {sample_rate} Hz: \
                     first peak {off:+.3} cents off"
                );
                worst = worst.max(off.abs());
            }
        }
    }
    eprintln!("worst tuning error: {worst:.3} cents");
}

/// Feed-forward at alpha 0.9: the response is the impulse and one echo, whose centre (its
/// first moment: exact for the comb's linear and cubic interpolation) is the delay. Each
/// impulse in `at` gives the delay there, in samples.
fn echo_delays(output: &[f32], at: &[usize], sample_rate: f64) -> Vec<f64> {
    // Shorter than the impulses' spacing, longer than the longest delay (A3, 4.5 ms).
    let window = (0.009 * sample_rate) as usize;
    at.iter()
        .map(|&start| echo_centre(&output[start..start + window]))
        .collect()
}

fn feed_forward_follower(glide: &str) -> LoadedPlugin {
    let mut plugin = LoadedPlugin::new();
    plugin.set_params(&[
        ("follow", "On"),
        ("mode", "Feed-forward"),
        ("alpha", "0.9"),
        ("glide", glide),
    ]);
    plugin
}

/// The pitch of a feed-forward comb's delay, in MIDI keys.
fn key_of_delay(delay: f64, sample_rate: f64) -> f64 {
    69.0 + 12.0 * (sample_rate / delay / 440.0).log2()
}

/// Glide 200 ms from A3 (held) to A4 pressed at 0.1 s: the pitch is A3 before, rises
/// steadily, is half-way (in semitones, within one) at 0.2 s, and is A4 (within 1 cent)
/// from 0.3 s, the set time, on; with glide 0 it is A4 within the 20 ms crossfade.
#[test]
fn glide_reaches_the_new_pitch_in_the_set_time() {
    let sample_rate = 48_000.0;
    let ms = |t: f64| (t * sample_rate / 1000.0) as usize;
    let at: Vec<usize> = (3..50).map(|k| ms(10.0 * k as f64)).collect();
    let len = ms(520.0);
    for (glide, arrival_ms) in [("200 ms", 300.0), ("0 ms", 120.0)] {
        let mut plugin = feed_forward_follower(glide);
        let played = [Played::On(0, 57), Played::On(ms(100.0), 69)];
        let output = plugin.process_playing(
            sample_rate,
            BLOCK,
            &impulses(len, &at),
            play(&played),
            |_| None,
        );
        let keys: Vec<f64> = echo_delays(&output[0], &at, sample_rate)
            .iter()
            .map(|&d| key_of_delay(d, sample_rate))
            .collect();
        for (&start, &key) in at.iter().zip(&keys) {
            let t = start as f64 * 1000.0 / sample_rate;
            if t < 100.0 {
                assert!(
                    (key - 57.0).abs() < 0.01,
                    "glide {glide}, {t} ms: key {key}"
                );
            } else if t >= arrival_ms {
                assert!(
                    (key - 69.0).abs() < 0.01,
                    "glide {glide}, {t} ms: key {key}"
                );
            }
        }
        for pair in keys.windows(2) {
            assert!(
                pair[1] >= pair[0] - 0.01,
                "glide {glide}: the pitch fell: {keys:?}"
            );
        }
        if glide == "200 ms" {
            let half_way = keys[at.iter().position(|&n| n == ms(200.0)).unwrap()];
            assert!(
                (half_way - 63.0).abs() < 1.0,
                "half-way at 200 ms: key {half_way}"
            );
        }
    }
}

/// Note-off keeps the pitch: A3 pressed and released, then silence: later impulses still
/// see A3. A second note held over a first one sounds; releasing it goes back to the first.
/// A full bend up is two semitones, a quarter down one semitone down.
#[test]
fn note_off_keeps_the_pitch_and_bend_bends_it() {
    let sample_rate = 48_000.0;
    let ms = |t: f64| (t * sample_rate / 1000.0) as usize;
    let mut plugin = feed_forward_follower("0 ms");
    let played = [
        Played::On(0, 57),
        Played::Off(ms(40.0), 57),
        // 100 ms: still A3. 160 ms: C4 over E4 (its crossfade waits for E4's, to 150 ms).
        Played::On(ms(110.0), 64),
        Played::On(ms(115.0), 60),
        // 200 ms: C4 released, E4 (still held) sounds.
        Played::Off(ms(170.0), 60),
        // 260 ms: bent fully up, D4 + 2 = F#4 (66); 320 ms: a quarter down, 63.
        Played::Bend(ms(220.0), 16383),
        Played::Bend(ms(280.0), 4096),
    ];
    let at = [ms(100.0), ms(160.0), ms(200.0), ms(260.0), ms(320.0)];
    let want = [57.0, 60.0, 64.0, 66.0, 63.0];
    let output = plugin.process_playing(
        sample_rate,
        BLOCK,
        &impulses(ms(340.0), &at),
        play(&played),
        |_| None,
    );
    let delays = echo_delays(&output[0], &at, sample_rate);
    for ((&delay, &want), &start) in delays.iter().zip(&want).zip(&at) {
        let key = key_of_delay(delay, sample_rate);
        // A full bend is 16383 of 8191 steps up: 2 semitones less 1/8192 of one.
        assert!(
            (key - want).abs() < 0.01,
            "at {start}: key {key}, want {want}"
        );
    }
}

/// Notes changing under a sine, feed-back at alpha 0.9, glide 0 and 50 ms: the largest step
/// between samples stays under 1.5 times the steady one (the click bar of the tau test).
#[test]
fn notes_change_without_clicks() {
    let sample_rate = 48_000.0;
    let amplitude = 10f32.powf(-6.0 / 20.0);
    let omega = TAU as f32 * 440.0 / sample_rate as f32;
    let sine: Vec<f32> = (0..48_000)
        .map(|n| amplitude * (omega * n as f32).sin() * 0.3)
        .collect();
    for glide in ["0 ms", "50 ms"] {
        let mut plugin = LoadedPlugin::new();
        plugin.set_params(&[
            ("follow", "On"),
            ("mode", "Feed-forward"),
            ("alpha", "0.5"),
            ("glide", glide),
        ]);
        let played = [
            Played::On(0, 45),
            Played::On(24_000, 52),
            Played::On(30_000, 40),
            Played::Off(36_000, 40),
        ];
        let input = vec![sine.clone(), sine.clone()];
        let output = plugin.process_playing(sample_rate, BLOCK, &input, play(&played), |_| None);
        let steady = largest_step(&output[0][4_000..24_000]);
        let change = largest_step(&output[0][23_900..]);
        assert!(
            change < 1.5 * steady,
            "glide {glide}: step {change} vs steady {steady}"
        );
    }
}

/// Sync 1/8 at 90, 120 and 174 BPM, 1/4. at 120 and 1/16T at 174: an impulse's first echo
/// (feed-forward, alpha 0.5, prime snap off) is centred exactly the note value later; the
/// tempo changing from 120 to 90 BPM moves it. Without a tempo from the host: 120 BPM.
#[test]
fn tempo_sync_puts_the_echo_on_the_note_value() {
    let sample_rate = 48_000.0;
    let echo_after = |sync: &str, tempo: &dyn Fn(usize) -> Option<f64>, at: usize| {
        let mut plugin = LoadedPlugin::new();
        plugin.set_params(&[
            ("sync", sync),
            ("mode", "Feed-forward"),
            ("alpha", "0.5"),
            ("prime", "Off"),
        ]);
        let len = at + 130_000;
        let output =
            plugin.process_playing(sample_rate, BLOCK, &impulses(len, &[at]), |_, _| {}, tempo);
        echo_centre(&output[0][at..])
    };
    for (sync, bpm, beats) in [
        ("1/8", 90.0, 0.5),
        ("1/8", 120.0, 0.5),
        ("1/8", 174.0, 0.5),
        ("1/4.", 120.0, 1.5),
        ("1/16T", 174.0, 1.0 / 6.0),
        ("1/1", 90.0, 4.0),
    ] {
        let want = beats * 60.0 / bpm * sample_rate;
        let got = echo_after(sync, &|_| Some(bpm), 2_000);
        assert!(
            (got - want).abs() < 1e-3,
            "{sync} at {bpm} BPM: {got} samples, want {want}"
        );
    }
    // 120 BPM, then 90 from 0.5 s on: an impulse at 1 s echoes a 90-BPM eighth later.
    let changing = |n: usize| Some(if n < 24_000 { 120.0 } else { 90.0 });
    assert!((echo_after("1/8", &changing, 48_000) - 16_000.0).abs() < 1e-3);
    assert!((echo_after("1/8", &|_| None, 2_000) - 12_000.0).abs() < 1e-3);
}
