//! The plugin's parameters: the single source of ids, ranges and defaults; their value text
//! is [`crate::value_text`].
//!
//! Parameter ids are a public contract: saved sessions and automation refer to them. Never
//! rename or renumber one; `tests/parameter_contract.rs` fails if one changes.

use std::sync::Arc;

use nice_plug::prelude::*;

use crate::dsp::comb::CombMode;
use crate::editor::window_size::EditorWindow;
use crate::music::tempo::{Feel, NoteValue};
use crate::primes::snap::{MAX_SPREAD_RATIO, channel_delays};
use crate::primes::table::{PrimeLookup, PrimeSearch};
use crate::shared::{DelaySource, SharedState};
use crate::value_text::{
    format_cents, format_db, format_ms, format_percent, format_plain, format_semitones,
    format_tau_ms, parse_cents, parse_db, parse_ms, parse_percent, parse_plain, parse_semitones,
    parse_tau_ms,
};

/// Shortest and longest tau the knob offers, in milliseconds.
pub const TAU_MIN_MS: f32 = 0.02;
pub const TAU_MAX_MS: f32 = 1000.0;
/// How long alpha, mix, output, damping and drive glide to a new value, in milliseconds: long enough to
/// remove zipper noise, short enough to follow automation closely.
pub const SMOOTHING_MS: f32 = 10.0;

/// The comb structure, as the host sees it. Variant ids are stored in saved state.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    #[id = "feed-forward"]
    #[name = "Feed-forward"]
    FeedForward,
    #[id = "feed-back"]
    #[name = "Feed-back"]
    FeedBack,
}

impl From<Mode> for CombMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::FeedForward => CombMode::FeedForward,
            Mode::FeedBack => CombMode::FeedBack,
        }
    }
}

/// Tau in note values of the host's tempo, or off (tau in milliseconds). Variant ids are
/// stored in saved state; names are what hosts show and parse.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TempoSync {
    #[id = "off"]
    #[name = "Off"]
    Off,
    #[id = "1/64t"]
    #[name = "1/64T"]
    SixtyFourthTriplet,
    #[id = "1/64"]
    #[name = "1/64"]
    SixtyFourth,
    #[id = "1/64."]
    #[name = "1/64."]
    SixtyFourthDotted,
    #[id = "1/32t"]
    #[name = "1/32T"]
    ThirtySecondTriplet,
    #[id = "1/32"]
    #[name = "1/32"]
    ThirtySecond,
    #[id = "1/32."]
    #[name = "1/32."]
    ThirtySecondDotted,
    #[id = "1/16t"]
    #[name = "1/16T"]
    SixteenthTriplet,
    #[id = "1/16"]
    #[name = "1/16"]
    Sixteenth,
    #[id = "1/16."]
    #[name = "1/16."]
    SixteenthDotted,
    #[id = "1/8t"]
    #[name = "1/8T"]
    EighthTriplet,
    #[id = "1/8"]
    #[name = "1/8"]
    Eighth,
    #[id = "1/8."]
    #[name = "1/8."]
    EighthDotted,
    #[id = "1/4t"]
    #[name = "1/4T"]
    QuarterTriplet,
    #[id = "1/4"]
    #[name = "1/4"]
    Quarter,
    #[id = "1/4."]
    #[name = "1/4."]
    QuarterDotted,
    #[id = "1/2t"]
    #[name = "1/2T"]
    HalfTriplet,
    #[id = "1/2"]
    #[name = "1/2"]
    Half,
    #[id = "1/2."]
    #[name = "1/2."]
    HalfDotted,
    #[id = "1/1t"]
    #[name = "1/1T"]
    WholeTriplet,
    #[id = "1/1"]
    #[name = "1/1"]
    Whole,
    #[id = "1/1."]
    #[name = "1/1."]
    WholeDotted,
}

impl TempoSync {
    /// The note value, or None when sync is off. The variants go from the 1/64 triplet up,
    /// three feels to each length, so the index says which.
    pub fn note_value(self) -> Option<NoteValue> {
        let index = self.to_index().checked_sub(1)?;
        let feel = [Feel::Triplet, Feel::Straight, Feel::Dotted][index % 3];
        Some(NoteValue {
            denominator: 64 >> (index / 3),
            feel,
        })
    }
}

#[derive(Params)]
pub struct PrimeCombParams {
    /// Feed-forward or feed-back comb.
    #[id = "mode"]
    pub mode: EnumParam<Mode>,
    /// The delay tau, in milliseconds; the DSP never goes below one sample.
    #[id = "tau"]
    pub tau_ms: FloatParam,
    /// Gain of the delayed path; feed-back limits its magnitude to 0.999 (the editor says so
    /// beyond that).
    #[id = "alpha"]
    pub alpha: FloatParam,
    /// Dry/wet: 0 is the input, 1 the comb output.
    #[id = "mix"]
    pub mix: FloatParam,
    /// Output gain, in decibels.
    #[id = "output"]
    pub output_db: FloatParam,
    /// Snap each channel's delay to the nearest prime number of samples.
    #[id = "prime"]
    pub prime_snap: BoolParam,
    /// How far apart the left and right delays are: 0 to 1 (see
    /// [`crate::primes::snap::stereo_delays`]).
    #[id = "spread"]
    pub spread: FloatParam,
    /// Damping in the delayed path, 0 to 1: highs die faster than lows (see
    /// [`crate::dsp::damping`]). 0, the default, is the undamped comb of 0.1, bit for bit.
    #[id = "damp"]
    pub damp: FloatParam,
    /// Soft saturation of the delayed path, 0 to 1 (see [`crate::dsp::saturation`]). 0, the
    /// default, is the linear comb of 0.1, bit for bit.
    #[id = "drive"]
    pub drive: FloatParam,
    /// The editor window's size, saved with the session (not a parameter: hosts do not see
    /// it). Written by the editor's windows as they are resized, read when one opens.
    /// Follow the keyboard: the last note held sets the comb's pitch (its first peak), as do
    /// transpose, fine tune and pitch bend; tau is not used meanwhile.
    #[id = "follow"]
    pub follow: BoolParam,
    /// Semitones added to the played note while following.
    #[id = "transpose"]
    pub transpose: IntParam,
    /// Cents added to the played note while following.
    #[id = "fine"]
    pub fine: FloatParam,
    /// How long the pitch takes to move to the next note while following, in milliseconds.
    #[id = "glide"]
    pub glide_ms: FloatParam,
    /// Tau in note values of the host's tempo (while not following the keyboard).
    #[id = "sync"]
    pub sync: EnumParam<TempoSync>,
    /// The editor window's size, saved with the session (not a parameter: hosts do not see
    /// it). Written by the editor's windows as they are resized, read when one opens.
    #[persist = "editor-size"]
    pub editor_window: EditorWindow,
}

impl PrimeCombParams {
    /// The parameters. Tau's text entry reads the sample rate from `shared`, for delays typed
    /// in samples.
    pub fn new(shared: Arc<SharedState>) -> Arc<Self> {
        Arc::new(Self {
            mode: EnumParam::new("Mode", Mode::FeedBack),
            tau_ms: FloatParam::new("Tau", 5.0, tau_range())
                .with_value_to_string(Arc::new(|ms| format_tau_ms(ms, &tau_range())))
                .with_string_to_value(Arc::new({
                    let shared = shared.clone();
                    move |text| parse_tau_ms(text, shared.sample_rate(), shared.negative_alpha())
                })),
            alpha: FloatParam::new("Alpha", 0.5, ALPHA_RANGE)
                .with_callback(Arc::new(move |alpha| shared.set_alpha(alpha)))
                .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
                .with_value_to_string(Arc::new(|alpha| format_plain(alpha, &ALPHA_RANGE)))
                .with_string_to_value(Arc::new(parse_plain)),
            mix: FloatParam::new("Mix", 1.0, FRACTION_RANGE)
                .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
                .with_value_to_string(Arc::new(|mix| format_percent(mix, &FRACTION_RANGE)))
                .with_string_to_value(Arc::new(parse_percent)),
            output_db: FloatParam::new("Output", 0.0, OUTPUT_RANGE)
                .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
                .with_step_size(OUTPUT_STEP_DB)
                .with_value_to_string(Arc::new(|db| {
                    format_db(db, &OUTPUT_RANGE, Some(OUTPUT_STEP_DB))
                }))
                .with_string_to_value(Arc::new(parse_db)),
            prime_snap: BoolParam::new("Prime Snap", true),
            spread: FloatParam::new("Stereo Spread", 0.0, FRACTION_RANGE)
                .with_value_to_string(Arc::new(|spread| format_percent(spread, &FRACTION_RANGE)))
                .with_string_to_value(Arc::new(parse_percent)),
            damp: fraction_param("Damping"),
            drive: fraction_param("Drive"),
            follow: BoolParam::new("Key Follow", false),
            transpose: IntParam::new("Transpose", 0, TRANSPOSE_RANGE)
                .with_value_to_string(Arc::new(format_semitones))
                .with_string_to_value(Arc::new(parse_semitones)),
            fine: FloatParam::new("Fine Tune", 0.0, FINE_RANGE)
                .with_value_to_string(Arc::new(|cents| format_cents(cents, &FINE_RANGE)))
                .with_string_to_value(Arc::new(parse_cents)),
            glide_ms: FloatParam::new("Glide", 0.0, glide_range())
                .with_value_to_string(Arc::new(|ms| format_ms(ms, &glide_range())))
                .with_string_to_value(Arc::new(parse_ms)),
            sync: EnumParam::new("Sync", TempoSync::Off),
            editor_window: EditorWindow::default(),
        })
    }

    /// The delay of each channel, in samples, as the audio thread computes it for a delay
    /// of `delay_samples` asked for by `source` (for `channels` channels, once the prime
    /// table has arrived).
    pub fn channel_delays(
        &self,
        delay_samples: f32,
        source: DelaySource,
        channels: usize,
    ) -> [f32; 2] {
        let primes =
            (self.prime_snap.value() && source.snaps()).then_some(&PrimeSearch as &dyn PrimeLookup);
        channel_delays(delay_samples, self.spread.value(), channels, primes)
    }
}

/// A control from 0 to 1 that starts at 0, glides like alpha, and shows in percent.
fn fraction_param(name: &str) -> FloatParam {
    FloatParam::new(name, 0.0, FRACTION_RANGE)
        .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
        .with_value_to_string(Arc::new(|value| format_percent(value, &FRACTION_RANGE)))
        .with_string_to_value(Arc::new(parse_percent))
}

/// The longest delay the keyboard or the tempo can ask for, in milliseconds: a whole note at
/// 60 BPM, a dotted one at 90 (longer ones are held there).
pub const LONGEST_DELAY_MS: f32 = 4000.0;

/// The longest delay any channel can have, in milliseconds: the longest asked for, spread
/// out.
pub fn max_channel_delay_ms() -> f32 {
    TAU_MAX_MS.max(LONGEST_DELAY_MS) * (1.0 + MAX_SPREAD_RATIO)
}

/// Transpose, in semitones: four octaves either way.
pub const TRANSPOSE_RANGE: IntRange = IntRange::Linear { min: -48, max: 48 };
/// Fine tune, in cents.
pub const FINE_RANGE: FloatRange = FloatRange::Linear {
    min: -100.0,
    max: 100.0,
};
/// The longest glide, in milliseconds.
pub const GLIDE_MAX_MS: f32 = 2000.0;

/// Glide's range: skewed so that the short glides of legato playing get most of the travel.
pub const fn glide_range() -> FloatRange {
    FloatRange::Skewed {
        min: 0.0,
        max: GLIDE_MAX_MS,
        // skew_factor(-2.0), written out: `skew_factor` is not a const fn.
        factor: 0.25,
    }
}

/// Alpha's range: the delayed path's gain, either sign.
pub const ALPHA_RANGE: FloatRange = FloatRange::Linear {
    min: -1.0,
    max: 1.0,
};
/// Mix and spread: fractions, shown in percent.
pub const FRACTION_RANGE: FloatRange = FloatRange::Linear { min: 0.0, max: 1.0 };
/// The output gain, in dB.
pub const OUTPUT_RANGE: FloatRange = FloatRange::Linear {
    min: -24.0,
    max: 24.0,
};
/// The output gain moves in tenths of a dB, as it did in 0.1 (host automation of it is
/// snapped to them, so old sessions play the same gains).
pub const OUTPUT_STEP_DB: f32 = 0.1;

/// Tau's knob range: skewed so that the musically busy few milliseconds get most of the travel
/// (the knob's centre is about 20 ms).
pub fn tau_range() -> FloatRange {
    FloatRange::Skewed {
        min: TAU_MIN_MS,
        max: TAU_MAX_MS,
        factor: FloatRange::skew_factor(-2.5),
    }
}

/// How close to a whole number of samples a delay must be to count as whole, relative to the
/// delay. A value a host sets passes through the normalized 0..1 scale and back in `f32`,
/// through tau's skew (a power of about 5.7), which moves it by up to about a millionth of
/// itself; without this, "1 ms at 48 kHz" could come out as 47.99999 samples, or 1000 ms as
/// 48000.03, and be interpolated. Two millionths stay below a tenth of a sample up to a
/// second at 44.1 kHz, so whole milliseconds there (tenths of samples) keep their fraction.
const WHOLE_SAMPLE_RELATIVE_TOLERANCE: f64 = 2e-6;
/// The same, at least: a thousandth of a sample.
const WHOLE_SAMPLE_TOLERANCE: f64 = 1e-3;

/// Tau in samples at `sample_rate`, never below one sample, snapped to a whole number of
/// samples when within rounding noise of one: two millionths of the delay, at least a
/// thousandth of a sample (the f32 round trip through a host's normalized scale).
pub fn tau_samples(tau_ms: f32, sample_rate: f32) -> f32 {
    let samples = f64::from(tau_ms) * f64::from(sample_rate) / 1000.0;
    let whole = samples.round();
    let tolerance = (samples * WHOLE_SAMPLE_RELATIVE_TOLERANCE).max(WHOLE_SAMPLE_TOLERANCE);
    let samples = if (samples - whole).abs() < tolerance {
        whole
    } else {
        samples
    };
    samples.max(1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each sync value's note value prints as the value's own name (`1/8.`, `1/16T`), so
    /// the index arithmetic of [`TempoSync::note_value`] names the right note.
    #[test]
    fn sync_values_are_the_note_values_they_name() {
        let names = TempoSync::variants();
        assert_eq!(names[0], "Off");
        assert_eq!(TempoSync::from_index(0).note_value(), None);
        for (index, name) in names.iter().enumerate().skip(1) {
            let value = TempoSync::from_index(index).note_value().unwrap();
            assert_eq!(value.to_string(), *name);
        }
        assert_eq!(names.len(), 22);
    }

    /// Tau never drops below one sample, however short the knob or slow the rate.
    #[test]
    fn tau_is_at_least_one_sample() {
        assert_eq!(tau_samples(TAU_MIN_MS, 8_000.0), 1.0);
        assert_eq!(tau_samples(1.0, 48_000.0), 48.0);
        // Rounding noise from the normalized round trip is snapped away; real fractions stay.
        assert_eq!(tau_samples(0.999_999_9, 48_000.0), 48.0);
        assert_eq!(tau_samples(1000.0_f32.next_down(), 48_000.0), 48_000.0);
        assert_eq!(tau_samples(0.05, 44_100.0), 2.205);
        assert_eq!(tau_samples(1000.01, 48_000.0), 48_000.48);
    }
}
