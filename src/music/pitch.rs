//! Pitch: equal-tempered notes (A4 = 440 Hz), their names, and the comb delay that puts the
//! first peak on a frequency.

use std::fmt;

/// The tuning reference: MIDI key 69, A4, is 440 Hz.
pub const A4_KEY: f64 = 69.0;
pub const A4_HZ: f64 = 440.0;

/// The frequency of a MIDI key number, fractional keys between (`60.5` is C4 plus 50 cents).
pub fn key_to_hz(key: f64) -> f64 {
    A4_HZ * ((key - A4_KEY) / 12.0).exp2()
}

/// The (fractional) MIDI key number of a frequency.
pub fn hz_to_key(hz: f64) -> f64 {
    A4_KEY + 12.0 * (hz / A4_HZ).log2()
}

/// The delay, in seconds, that puts a comb's first peak at `hz`. With a positive alpha the
/// peaks sit at multiples of `1 / delay`, so the delay is one period; with a negative alpha
/// (either structure) they sit at odd multiples of `1 / (2 delay)`: half a period.
pub fn delay_for_first_peak(hz: f64, negative_alpha: bool) -> f64 {
    let period = 1.0 / hz;
    if negative_alpha { period / 2.0 } else { period }
}

/// Semitone offsets of the natural notes from C.
const NATURALS: [(char, i32); 7] = [
    ('C', 0),
    ('D', 2),
    ('E', 4),
    ('F', 5),
    ('G', 7),
    ('A', 9),
    ('B', 11),
];

/// Sharp names, as the editor shows notes.
const NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// Reads a note name as a fractional MIDI key: a letter `A`-`G` (either case), any number of
/// sharps (`#`, `♯`) or flats (`b`, `♭`), an octave (C4 is middle C, key 60; `C-1` is key 0),
/// then optionally cents, signed: `A3`, `C#4`, `Eb2`, `A3 +12`, `A3 -7.5 ct`, `A3+12c`.
/// Enharmonics are the same key: `B#3` is `C4`, `Cb4` is `B3`. None if it is no note.
pub fn parse_note(text: &str) -> Option<f64> {
    let text = text.trim();
    let mut chars = text.char_indices().peekable();
    let (_, letter) = chars.next()?;
    let (_, natural) = NATURALS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&letter))?;
    let mut semitone = *natural;
    while let Some(&(_, c)) = chars.peek() {
        match c {
            '#' | '♯' => semitone += 1,
            'b' | '♭' => semitone -= 1,
            _ => break,
        }
        chars.next();
    }
    let rest = &text[chars.peek().map_or(text.len(), |&(at, _)| at)..];
    // The octave: an optional minus, then digits. A sign after the digits starts the cents.
    let digits_from = usize::from(rest.starts_with('-'));
    let octave_end = rest[digits_from..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest.len(), |end| end + digits_from);
    if octave_end == digits_from {
        return None;
    }
    let octave: i32 = rest[..octave_end].parse().ok()?;
    let cents = parse_cents(&rest[octave_end..])?;
    let key = f64::from((octave + 1) * 12 + semitone) + cents / 100.0;
    key.is_finite().then_some(key)
}

/// The cents after a note name: nothing, or a signed number with an optional `ct`, `c` or
/// `cents`.
fn parse_cents(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return Some(0.0);
    }
    if !text.starts_with(['+', '-']) {
        return None;
    }
    let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
    let text = text[1..].trim_start();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let cents: f64 = text[..end].parse().ok()?;
    let unit = text[end..].trim();
    matches!(
        unit.to_ascii_lowercase().as_str(),
        "" | "c" | "ct" | "cent" | "cents"
    )
    .then_some(sign * cents)
}

/// Reads a frequency: `220 Hz`, `220hz`, `1.5 kHz`. None if it is no positive frequency.
pub fn parse_frequency(number: f64, unit: &str) -> Option<f64> {
    let hz = match unit.to_ascii_lowercase().as_str() {
        "hz" => number,
        "khz" => number * 1000.0,
        _ => return None,
    };
    (hz > 0.0 && hz.is_finite()).then_some(hz)
}

/// The equal-tempered note nearest a frequency, and how far off it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note {
    /// MIDI note number: 69 is A4, 60 is C4.
    pub midi: i32,
    /// How far the frequency is above (+) or below (-) the note, -50 to 50 cents.
    pub cents: i32,
}

impl Note {
    pub fn nearest(hz: f32) -> Self {
        let key = hz_to_key(f64::from(hz));
        let nearest = key.round();
        Self {
            midi: nearest as i32,
            cents: ((key - nearest) * 100.0).round() as i32,
        }
    }
}

impl fmt::Display for Note {
    /// `A4`, `C#2 +12 ct`, `G3 -5 ct`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = NAMES[self.midi.rem_euclid(12) as usize];
        let octave = self.midi.div_euclid(12) - 1;
        write!(f, "{name}{octave}")?;
        if self.cents != 0 {
            write!(f, " {:+} ct", self.cents)?;
        }
        Ok(())
    }
}

/// How far `hz` is from `reference_hz`, in cents (positive: sharp).
pub fn cents_between(reference_hz: f64, hz: f64) -> f64 {
    1200.0 * (hz / reference_hz).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_names_by_hand() {
        assert_eq!(parse_note("A4"), Some(69.0));
        assert_eq!(parse_note("A3"), Some(57.0));
        assert_eq!(parse_note("C4"), Some(60.0));
        assert_eq!(parse_note("c#4"), Some(61.0));
        assert_eq!(parse_note("Db4"), Some(61.0));
        assert_eq!(parse_note("Eb2"), Some(39.0));
        assert_eq!(parse_note("D#2"), Some(39.0));
        // Enharmonics across the octave line: B#3 is C4, Cb4 is B3.
        assert_eq!(parse_note("B#3"), Some(60.0));
        assert_eq!(parse_note("Cb4"), Some(59.0));
        assert_eq!(parse_note("F##3"), Some(55.0));
        assert_eq!(parse_note("C-1"), Some(0.0));
        assert_eq!(parse_note("G9"), Some(127.0));
        assert_eq!(parse_note("A3 +12"), Some(57.12));
        assert_eq!(parse_note("A3+12c"), Some(57.12));
        assert_eq!(parse_note("A3 -7.5 ct"), Some(56.925));
        assert_eq!(parse_note("C-1 +50"), Some(0.5));
        assert_eq!(parse_note("  A♭3  "), Some(56.0));
        for bad in [
            "", "H4", "A", "A#", "Ab", "A4x", "A4 12", "A4 +", "4A", "A-", "A4 +1 Hz",
        ] {
            assert_eq!(parse_note(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn frequencies_and_delays_by_hand() {
        assert!((key_to_hz(57.0) - 220.0).abs() < 1e-12);
        // C4: 440 * 2^(-9/12) = 261.6256 Hz.
        assert!((key_to_hz(60.0) - 261.625_565).abs() < 1e-6);
        assert!((hz_to_key(880.0) - 81.0).abs() < 1e-12);
        assert_eq!(parse_frequency(220.0, "Hz"), Some(220.0));
        assert_eq!(parse_frequency(1.5, "kHz"), Some(1500.0));
        assert_eq!(parse_frequency(0.0, "Hz"), None);
        assert_eq!(parse_frequency(220.0, "ms"), None);
        // A3 at 220 Hz: 1/220 s; with negative alpha half of it, 1/440 s.
        assert_eq!(delay_for_first_peak(220.0, false), 1.0 / 220.0);
        assert_eq!(delay_for_first_peak(220.0, true), 1.0 / 440.0);
        assert!((cents_between(440.0, 880.0) - 1200.0).abs() < 1e-9);
    }

    #[test]
    fn nearest_notes_by_hand() {
        assert_eq!(Note::nearest(440.0).to_string(), "A4");
        assert_eq!(Note::nearest(261.6256).to_string(), "C4");
        assert_eq!(Note::nearest(27.5).to_string(), "A0");
        assert_eq!(Note::nearest(16.3516).to_string(), "C0");
        assert_eq!(Note::nearest(8.1758).to_string(), "C-1");
        // 445 Hz: 1200 * log2(445/440) = 19.6 cents sharp of A4.
        assert_eq!(Note::nearest(445.0).to_string(), "A4 +20 ct");
        // 48000 / 239 = 200.837 Hz: G3 is 195.998 Hz, 1200 * log2(200.837/195.998) = 42.2.
        assert_eq!(Note::nearest(48_000.0 / 239.0).to_string(), "G3 +42 ct");
        // 48000 / 109 = 440.367 Hz, just sharp of A4; halve it and it is A3, as sharp.
        assert_eq!(Note::nearest(48_000.0 / 109.0).to_string(), "A4 +1 ct");
        assert_eq!(Note::nearest(24_000.0 / 109.0).to_string(), "A3 +1 ct");
    }
}
