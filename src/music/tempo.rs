//! Note values of a tempo: the delay of an echo on the eighth note, the dotted quarter, ...

use std::fmt;

/// The tempo assumed where the host gives none.
pub const FALLBACK_BPM: f64 = 120.0;

/// How a note value is played: as written, dotted (half as long again) or as a triplet (three
/// in the time of two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feel {
    Straight,
    Dotted,
    Triplet,
}

/// A note value: `1 / denominator` of a whole note (four beats), with a feel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteValue {
    /// 1 (a whole note) to 64.
    pub denominator: u32,
    pub feel: Feel,
}

impl NoteValue {
    /// Its length in beats (quarter notes).
    pub fn beats(self) -> f64 {
        let straight = 4.0 / f64::from(self.denominator);
        match self.feel {
            Feel::Straight => straight,
            Feel::Dotted => straight * 1.5,
            Feel::Triplet => straight * 2.0 / 3.0,
        }
    }

    /// Its length in seconds at `bpm` beats per minute.
    pub fn seconds(self, bpm: f64) -> f64 {
        self.beats() * 60.0 / bpm
    }

    /// Reads `1/8`, `1/8.` (dotted), `1/8T` or `1/8t` (triplet), for denominators 1 to 64,
    /// powers of two. None otherwise.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (feel, fraction) = if let Some(fraction) = text.strip_suffix('.') {
            (Feel::Dotted, fraction)
        } else if let Some(fraction) = text.strip_suffix(['T', 't']) {
            (Feel::Triplet, fraction)
        } else {
            (Feel::Straight, text)
        };
        let (one, denominator) = fraction.split_once('/')?;
        let denominator: u32 = denominator.trim().parse().ok()?;
        let valid = one.trim() == "1" && denominator.is_power_of_two() && denominator <= 64;
        valid.then_some(Self { denominator, feel })
    }
}

impl fmt::Display for NoteValue {
    /// `1/8`, `1/8.`, `1/8T`: what [`NoteValue::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = match self.feel {
            Feel::Straight => "",
            Feel::Dotted => ".",
            Feel::Triplet => "T",
        };
        write!(f, "1/{}{suffix}", self.denominator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: at 120 BPM a beat is 0.5 s; an eighth is 0.25 s, dotted 0.375 s, triplet
    /// 1/6 s; a whole note is 2 s. At 90 BPM a quarter is 2/3 s; at 174 BPM a sixteenth is
    /// 60 / 174 / 4 = 0.086207 s.
    #[test]
    fn lengths_by_hand() {
        let value = |text| NoteValue::parse(text).unwrap();
        assert_eq!(value("1/8").seconds(120.0), 0.25);
        assert_eq!(value("1/8.").seconds(120.0), 0.375);
        assert!((value("1/8T").seconds(120.0) - 1.0 / 6.0).abs() < 1e-15);
        assert_eq!(value("1/1").seconds(120.0), 2.0);
        assert!((value("1/4").seconds(90.0) - 2.0 / 3.0).abs() < 1e-15);
        assert!((value("1/16").seconds(174.0) - 0.086_206_9).abs() < 1e-7);
        assert_eq!(value("1/64t").beats(), 1.0 / 24.0);
        for text in ["1/1", "1/4.", "1/64T", "1/16"] {
            assert_eq!(value(text).to_string(), text);
        }
        for bad in ["", "1/3", "1/128", "2/8", "1/8..", "1/8x", "8", "1/0"] {
            assert_eq!(NoteValue::parse(bad), None, "{bad:?}");
        }
    }
}
