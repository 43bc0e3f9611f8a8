//! Parameter value text: what hosts show in their generic editors and automation lanes, what
//! they parse when a user types a value, and what scripting hosts read to learn what kind of
//! value a parameter takes.
//!
//! Every text is a number with its unit, or a label: `5.00 ms`, `0.500`, `100 %`, `-6.0 dB`.
//! Anything more (a channel's delay in samples, whether it is prime, the feed-back limit)
//! belongs in the editor's read-outs, since a host that cannot parse a text treats the
//! parameter as a list of strings. Each text carries as many decimals as it takes to lead
//! back to exactly the value shown, so a host that saves or re-enters text loses nothing.

use nice_plug::prelude::FloatRange;

use crate::music::pitch::{delay_for_first_peak, key_to_hz, parse_frequency, parse_note};

/// The most decimals a text is given before falling back to the exact decimal expansion.
/// Nine significant digits tell any two `f32` apart, so this is only reached by values far
/// below a parameter's resolution (a tau of microseconds past a whole number, say).
const MAX_DECIMALS: usize = 9;

/// How many f32 steps either side of a value [`exact_text`] looks for one that a host turns
/// into the value.
const NEIGHBOURS: usize = 4;

/// What a parameter holds after a host sets it to `value`: hosts exchange values on the
/// normalized 0..1 scale, and the plugin turns them back into plain values, all in `f32`.
/// So 12.5 ms typed into a host becomes 12.500002 ms, and that value's text is `12.50 ms`.
/// A parameter with a step size also snaps the value to its step, as nice-plug does.
pub fn through_host(range: &FloatRange, step: Option<f32>, value: f32) -> f32 {
    let value = range.unnormalize(range.normalize(value));
    step.map_or(value, |step| range.snap_to_step(value, step))
}

/// `value * scale` with at least `min_decimals` decimals, and as many more as it takes to lead
/// back to exactly `value` (read as it is, or set through a host: see [`through_host`]),
/// then `unit` (with its leading space).
pub fn exact_text(
    value: f32,
    range: &FloatRange,
    step: Option<f32>,
    scale: f64,
    min_decimals: usize,
    unit: &str,
) -> String {
    let shown = f64::from(value) * scale;
    let rounded = (min_decimals..=MAX_DECIMALS.max(min_decimals)).map(|d| format!("{shown:.d$}"));
    // The f32 values next to `value`, exactly: where the normalized scale is coarser than
    // f32 (near the bottom of a skewed range), one of them may be what a host needs to be
    // given to land on `value`.
    let neighbours = (1..=NEIGHBOURS).flat_map(|steps| {
        let (mut up, mut down) = (value, value);
        for _ in 0..steps {
            (up, down) = (up.next_up(), down.next_down());
        }
        // The shortest text of the neighbour in the display's unit, as f32 prints it.
        [up, down].map(|near| format!("{}", (f64::from(near) * scale) as f32))
    });
    let read = |number: &str| number.parse().ok().and_then(|n| from_display(n, scale));
    // A host re-entering the text is the common case; a value no host can set exactly (a
    // default, say) is at least shown as it is.
    let candidates = rounded.clone().chain(neighbours);
    for number in candidates {
        if read(&number).is_some_and(|read| through_host(range, step, read) == value) {
            return format!("{number}{unit}");
        }
    }
    for number in rounded {
        if read(&number) == Some(value) {
            return format!("{number}{unit}");
        }
    }
    // `shown` is exact in f64 (an f32 times a small integer) and `{}` prints the shortest
    // text that reads back as it, so this always reads back as `value`.
    format!("{shown}{unit}")
}

/// A number in the display's unit, divided by `scale` and rounded once to `f32`: how every
/// parser here turns what it read into the parameter's value.
fn from_display(number: f64, scale: f64) -> Option<f32> {
    let value = (number / scale) as f32;
    value.is_finite().then_some(value)
}

/// Splits text into its leading finite number and the rest (the unit, trimmed): `"5 ms"`
/// gives `(5.0, "ms")`. None if it does not start with a number.
pub fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(text.len());
    let value: f64 = text[..end].trim().parse().ok()?;
    value.is_finite().then_some((value, text[end..].trim()))
}

/// The text before a bracketed note: version 0.1's value texts appended one (`5.00 ms
/// (239 smp, prime)`, `1.000 (feed-back: 0.999)`), and hosts may still hand them back.
fn without_note(text: &str) -> &str {
    text.split('(').next().unwrap_or(text)
}

/// A number in `unit` (or with no unit at all), divided by `scale`: `"-6 dB"`, `"-6"`.
fn parse_in_unit(text: &str, unit: &str, scale: f64) -> Option<f32> {
    let (value, rest) = split_number(without_note(text))?;
    let unit_matches = rest.is_empty() || rest.eq_ignore_ascii_case(unit);
    unit_matches.then(|| from_display(value, scale)).flatten()
}

/// Tau's text, in milliseconds: `5.00 ms`, `0.500 ms`, `22.675737 ms`.
pub fn format_tau_ms(tau_ms: f32, range: &FloatRange) -> String {
    let min_decimals = if tau_ms < 1.0 { 3 } else { 2 };
    exact_text(tau_ms, range, None, 1.0, min_decimals, " ms")
}

/// Reads tau in milliseconds: `5`, `5 ms`, `5ms`, `0.005 s`, `240 smp`, `240 samples` (at
/// `sample_rate`), or version 0.1's text `5.00 ms (240 smp)`; or the pitch of the comb's
/// first peak, as a frequency (`220 Hz`, `1.2 kHz`) or a note (`A3`, `C#4`, `Eb2 +12`): the
/// delay that puts the first peak there, half a period when alpha is negative (see
/// [`delay_for_first_peak`]). None if it is neither.
pub fn parse_tau_ms(text: &str, sample_rate: f32, negative_alpha: bool) -> Option<f32> {
    let pitch_ms = |hz: f64| 1000.0 * delay_for_first_peak(hz, negative_alpha);
    let Some((value, unit)) = split_number(without_note(text)) else {
        let hz = key_to_hz(parse_note(text)?);
        return from_display(pitch_ms(hz), 1.0);
    };
    let ms = match unit.to_ascii_lowercase().as_str() {
        "" | "ms" => value,
        "s" => value * 1000.0,
        "smp" | "samples" | "sample" | "spl" => value * 1000.0 / f64::from(sample_rate),
        _ => pitch_ms(parse_frequency(value, unit)?),
    };
    from_display(ms, 1.0)
}

/// A time in milliseconds with one decimal or more: glide's text, `0.0 ms`, `150.0 ms`.
pub fn format_ms(ms: f32, range: &FloatRange) -> String {
    exact_text(ms, range, None, 1.0, 1, " ms")
}

/// Reads milliseconds: `150`, `150 ms`, `0.15 s`.
pub fn parse_ms(text: &str) -> Option<f32> {
    let (value, unit) = split_number(text)?;
    let ms = match unit.to_ascii_lowercase().as_str() {
        "" | "ms" => value,
        "s" => value * 1000.0,
        _ => return None,
    };
    from_display(ms, 1.0)
}

/// Cents with one decimal or more: `0.0 ct`, `-12.5 ct`.
pub fn format_cents(cents: f32, range: &FloatRange) -> String {
    exact_text(cents, range, None, 1.0, 1, " ct")
}

/// Reads cents: `-12.5`, `-12.5 ct`, `+7 cents`.
pub fn parse_cents(text: &str) -> Option<f32> {
    let (value, unit) = split_number(text)?;
    let unit_matches = matches!(
        unit.to_ascii_lowercase().as_str(),
        "" | "ct" | "c" | "cents"
    );
    unit_matches.then(|| from_display(value, 1.0)).flatten()
}

/// Whole semitones: `0 st`, `+7 st`, `-12 st`.
pub fn format_semitones(semitones: i32) -> String {
    match semitones {
        0 => "0 st".to_string(),
        _ => format!("{semitones:+} st"),
    }
}

/// Reads whole semitones: `7`, `+7 st`, `-12 st`, `-12 semitones`.
pub fn parse_semitones(text: &str) -> Option<i32> {
    let (value, unit) = split_number(text)?;
    let unit_matches = matches!(unit.to_ascii_lowercase().as_str(), "" | "st" | "semitones");
    (unit_matches && value.fract() == 0.0 && value.abs() <= f64::from(i32::MAX))
        .then_some(value as i32)
}

/// A plain number with three decimals or more: alpha's text, `0.500`.
pub fn format_plain(value: f32, range: &FloatRange) -> String {
    exact_text(value, range, None, 1.0, 3, "")
}

/// Reads a plain number: `0.5`, or version 0.1's alpha text `1.000 (feed-back: 0.999)`.
pub fn parse_plain(text: &str) -> Option<f32> {
    parse_in_unit(text, "", 1.0)
}

/// A fraction from 0 to 1 shown in percent: `100 %`, `37.5 %`.
pub fn format_percent(fraction: f32, range: &FloatRange) -> String {
    exact_text(fraction, range, None, 100.0, 0, " %")
}

/// Reads percent, with or without the sign: `40 %`, `40%`, `40` all give 0.4.
pub fn parse_percent(text: &str) -> Option<f32> {
    parse_in_unit(text, "%", 100.0)
}

/// A level in decibels with one decimal or more: `-6.0 dB`, for a parameter with `step`.
pub fn format_db(db: f32, range: &FloatRange, step: Option<f32>) -> String {
    exact_text(db, range, step, 1.0, 1, " dB")
}

/// Reads decibels: `-6 dB`, `-6dB`, `-6`.
pub fn parse_db(text: &str) -> Option<f32> {
    parse_in_unit(text, "dB", 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::params::{
        ALPHA_RANGE as ALPHA, FRACTION_RANGE as FRACTION, OUTPUT_RANGE as DB, OUTPUT_STEP_DB,
        tau_range,
    };

    const GLIDE: FloatRange = crate::params::glide_range();
    const FINE: FloatRange = crate::params::FINE_RANGE;

    /// Round values get the display's usual decimals (hand-written), others as many as it
    /// takes to lead back to them.
    #[test]
    fn texts_by_hand() {
        let tau = tau_range();
        assert_eq!(format_tau_ms(5.0, &tau), "5.00 ms");
        assert_eq!(format_tau_ms(0.5, &tau), "0.500 ms");
        assert_eq!(format_tau_ms(0.02, &tau), "0.020 ms");
        assert_eq!(format_tau_ms(1000.0, &tau), "1000.00 ms");
        assert_eq!(format_tau_ms(12.345, &tau), "12.345 ms");
        // 12.5 ms set through a host: 12.500002 ms, which a host reaches from `12.50 ms`.
        let set_by_host = through_host(&tau, None, 12.5);
        assert_ne!(set_by_host, 12.5);
        assert_eq!(format_tau_ms(set_by_host, &tau), "12.50 ms");
        assert_eq!(format_plain(0.5, &ALPHA), "0.500");
        assert_eq!(format_plain(-1.0, &ALPHA), "-1.000");
        assert_eq!(format_plain(0.7, &ALPHA), "0.700");
        assert_eq!(format_percent(1.0, &FRACTION), "100 %");
        assert_eq!(format_percent(0.0, &FRACTION), "0 %");
        assert_eq!(format_percent(0.375, &FRACTION), "37.5 %");
        assert_eq!(format_percent(0.001, &FRACTION), "0.1 %");
        assert_eq!(format_db(-6.0, &DB, Some(OUTPUT_STEP_DB)), "-6.0 dB");
        assert_eq!(format_db(0.0, &DB, Some(OUTPUT_STEP_DB)), "0.0 dB");
        assert_eq!(format_db(-24.0, &DB, Some(OUTPUT_STEP_DB)), "-24.0 dB");
        // -5.7 dB set through a host lands on 57 steps of 0.1 in f32, -5.7000003: `-5.7 dB`.
        let snapped = through_host(&DB, Some(OUTPUT_STEP_DB), -5.7);
        assert_ne!(snapped, -5.7);
        assert_eq!(format_db(snapped, &DB, Some(OUTPUT_STEP_DB)), "-5.7 dB");
        // 1000 samples at 44.1 kHz: 22.675736... ms, to the digits it takes.
        let ms = (1000.0 / 44.1_f64) as f32;
        assert_eq!(format_tau_ms(ms, &tau), "22.675737 ms");
    }

    /// Every text leads back to exactly the value it shows, read as it is or set through a
    /// host: values a host's lane sets (normalized steps through the range) and values set
    /// as plain numbers (steps of the plain range, and f32 neighbours of round ones).
    #[test]
    fn every_text_leads_back_exactly() {
        let tau = tau_range();
        type Format = fn(f32, &FloatRange) -> String;
        type Parse = fn(&str) -> Option<f32>;
        let db_text: Format = |db, range| format_db(db, range, Some(OUTPUT_STEP_DB));
        let cases: [(&FloatRange, Option<f32>, Format, Parse); 6] = [
            (&tau, None, format_tau_ms, |text| {
                parse_tau_ms(text, 48_000.0, false)
            }),
            (&GLIDE, None, format_ms, parse_ms),
            (&FINE, None, format_cents, parse_cents),
            (&ALPHA, None, format_plain, parse_plain),
            (&FRACTION, None, format_percent, parse_percent),
            (&DB, Some(OUTPUT_STEP_DB), db_text, parse_db),
        ];
        for (range, step, format, parse) in cases {
            let steps = (0..=20_000).map(|k| k as f32 / 20_000.0);
            let from_host = steps
                .clone()
                .map(|n| through_host(range, step, range.unnormalize(n)));
            let plain =
                steps.map(|t| range.unnormalize(0.0) * (1.0 - t) + range.unnormalize(1.0) * t);
            let round = [0.5_f32, 5.0, 1.0, 0.3, -6.0, 12.5];
            let neighbours = round.iter().flat_map(|&v| [v.next_up(), v.next_down()]);
            for value in from_host.chain(plain).chain(neighbours) {
                let value = value.clamp(range.unnormalize(0.0), range.unnormalize(1.0));
                let text = format(value, range);
                let read = parse(&text).unwrap_or_else(|| panic!("{text} does not parse"));
                assert!(
                    read == value || through_host(range, step, read) == value,
                    "{value} shows as {text}, which reads {read}"
                );
            }
        }
    }

    /// What users type, with and without units, and version 0.1's texts (hand-worked: 240
    /// samples at 48 kHz is 5 ms).
    #[test]
    fn typed_forms_parse() {
        let sr = 48_000.0;
        for text in [
            "5",
            "5 ms",
            "5ms",
            " 5.00 MS ",
            "0.005 s",
            "240 smp",
            "240 samples",
            "5.00 ms (240 smp)",
            "5.00 ms (L 211, R 271 smp, prime)",
        ] {
            assert_eq!(parse_tau_ms(text, sr, false), Some(5.0), "{text}");
        }
        assert_eq!(parse_tau_ms("fast", sr, false), None);
        assert_eq!(parse_tau_ms("5 parsecs", sr, false), None);
        for text in ["150", "150 ms", "0.15 s"] {
            assert_eq!(parse_ms(text), Some(150.0), "{text}");
        }
        for text in ["-12.5", "-12.5 ct", "-12.5 cents"] {
            assert_eq!(parse_cents(text), Some(-12.5), "{text}");
        }
        assert_eq!(format_semitones(7), "+7 st");
        assert_eq!(format_semitones(0), "0 st");
        assert_eq!(format_semitones(-12), "-12 st");
        for (text, want) in [("7", Some(7)), ("+7 st", Some(7)), ("-12 st", Some(-12))] {
            assert_eq!(parse_semitones(text), want, "{text}");
        }
        assert_eq!(parse_semitones("1.5 st"), None);
        assert_eq!(parse_plain("-1.000 (feed-back: -0.999)"), Some(-1.0));
        assert_eq!(parse_plain("0.25"), Some(0.25));
        assert_eq!(parse_plain("0.25 dB"), None);
        assert_eq!(parse_plain("much"), None);
        for text in ["40 %", "40%", "40", "40.0 %"] {
            assert_eq!(parse_percent(text), Some(0.4), "{text}");
        }
        for text in ["-6 dB", "-6dB", "-6", "-6.0 db"] {
            assert_eq!(parse_db(text), Some(-6.0), "{text}");
        }
        assert_eq!(parse_db("-6 Hz"), None);
        assert_eq!(parse_db("inf"), None);
    }

    /// Pitches typed into tau, by hand: the first peak of a comb with a delay of one period
    /// (positive alpha) or half a period (negative alpha) sits at the frequency named.
    #[test]
    fn pitches_parse_to_the_delay_that_puts_the_first_peak_there() {
        let tau = |text, negative| parse_tau_ms(text, 48_000.0, negative);
        // A3 = 220 Hz: 4.545454 ms; half of it, 2.272727 ms, with negative alpha.
        assert_eq!(tau("A3", false), Some((1000.0 / 220.0_f64) as f32));
        assert_eq!(tau("220 Hz", false), tau("A3", false));
        assert_eq!(tau("220hz", false), tau("A3", false));
        assert_eq!(tau("A3", true), Some((1000.0 / 440.0_f64) as f32));
        // 1 kHz is 1 ms; 1.5 kHz 0.6667 ms.
        assert_eq!(tau("1 kHz", false), Some(1.0));
        assert_eq!(tau("1.5 kHz", false), Some((1000.0 / 1500.0_f64) as f32));
        // C4 = 261.6256 Hz: 3.822256 ms. Enharmonics name one key: C#4 and Db4 are
        // 277.1826 Hz, 3.607729 ms; B#3 is C4.
        let ms = |text| f64::from(tau(text, false).unwrap());
        assert!((ms("C4") - 3.822_256).abs() < 2e-6);
        assert!((ms("C#4") - 3.607_729).abs() < 2e-6);
        assert_eq!(tau("Db4", false), tau("C#4", false));
        assert_eq!(tau("B#3", false), tau("C4", false));
        // Eb2 = 77.7817 Hz: 12.856487 ms. A3 +12 cents: 220 * 2^(12/1200) = 221.5302 Hz,
        // 4.514057 ms.
        assert!((ms("Eb2") - 12.856_487).abs() < 2e-6);
        assert!((ms("A3 +12") - 4.514_057).abs() < 2e-6);
        assert!((ms("A3 +12 ct") - 4.514_057).abs() < 2e-6);
        assert_eq!(tau("-220 Hz", false), None);
        assert_eq!(tau("H2", false), None);
    }
}
