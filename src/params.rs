//! The plugin's parameters: the single source of ids, ranges, defaults and value text.
//!
//! Parameter ids are a public contract: saved sessions and automation refer to them. Never
//! rename or renumber one; `tests/parameter_contract.rs` fails if one changes.

use std::sync::{Arc, Weak};

use nice_plug::prelude::*;

use crate::dsp::comb::{CombMode, MAX_FEEDBACK_ALPHA};
use crate::primes::snap::{MAX_SPREAD_RATIO, channel_delays, mono_delay, stereo_delays};
use crate::primes::table::{PrimeLookup, PrimeSearch};
use crate::shared::SharedState;

/// Shortest and longest tau the knob offers, in milliseconds.
pub const TAU_MIN_MS: f32 = 0.02;
pub const TAU_MAX_MS: f32 = 1000.0;
/// How long alpha, mix and output glide to a new value, in milliseconds: long enough to
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

#[derive(Params)]
pub struct PrimeCombParams {
    /// Feed-forward or feed-back comb.
    #[id = "mode"]
    pub mode: EnumParam<Mode>,
    /// The delay tau, in milliseconds; the DSP never goes below one sample.
    #[id = "tau"]
    pub tau_ms: FloatParam,
    /// Gain of the delayed path; feed-back limits its magnitude to 0.999 (the value text says
    /// so beyond that).
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
    /// How far apart the left and right delays are: 0 to 1 (see [`stereo_delays`]).
    #[id = "spread"]
    pub spread: FloatParam,
}

impl PrimeCombParams {
    /// The parameters. Tau's value text reads the sample rate from `shared`, and prime snap
    /// and spread from the parameters themselves (through a weak reference to the whole).
    pub fn new(shared: Arc<SharedState>) -> Arc<Self> {
        Arc::new_cyclic(|this: &Weak<Self>| {
            let this = this.clone();
            let shared_for_text = shared.clone();
            Self {
                mode: EnumParam::new("Mode", Mode::FeedBack),
                tau_ms: FloatParam::new("Tau", 5.0, tau_range())
                    .with_value_to_string(Arc::new(move |ms| {
                        let sample_rate = shared_for_text.sample_rate();
                        match this.upgrade() {
                            Some(params) => params.format_tau(ms, sample_rate),
                            None => format!("{ms:.2} ms"),
                        }
                    }))
                    .with_string_to_value(Arc::new(move |text| {
                        parse_tau_ms(text, shared.sample_rate())
                    })),
                alpha: FloatParam::new(
                    "Alpha",
                    0.5,
                    FloatRange::Linear {
                        min: -1.0,
                        max: 1.0,
                    },
                )
                .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
                .with_value_to_string(Arc::new(format_alpha))
                .with_string_to_value(Arc::new(parse_leading_number)),
                mix: FloatParam::new("Mix", 1.0, FloatRange::Linear { min: 0.0, max: 1.0 })
                    .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
                    .with_unit("%")
                    .with_value_to_string(formatters::v2s_f32_percentage(0))
                    .with_string_to_value(formatters::s2v_f32_percentage()),
                output_db: FloatParam::new(
                    "Output",
                    0.0,
                    FloatRange::Linear {
                        min: -24.0,
                        max: 24.0,
                    },
                )
                .with_smoother(SmoothingStyle::Linear(SMOOTHING_MS))
                .with_step_size(0.1)
                .with_unit(" dB"),
                prime_snap: BoolParam::new("Prime Snap", true),
                spread: FloatParam::new(
                    "Stereo Spread",
                    0.0,
                    FloatRange::Linear { min: 0.0, max: 1.0 },
                )
                .with_unit("%")
                .with_value_to_string(formatters::v2s_f32_percentage(0))
                .with_string_to_value(formatters::s2v_f32_percentage()),
            }
        })
    }

    /// The delay of each channel, in samples, as the audio thread computes it for these
    /// settings (for `channels` channels, once the prime table has arrived).
    pub fn channel_delays(&self, sample_rate: f32, channels: usize) -> [f32; 2] {
        let delay = tau_samples(self.tau_ms.value(), sample_rate);
        let primes = self
            .prime_snap
            .value()
            .then_some(&PrimeSearch as &dyn PrimeLookup);
        channel_delays(delay, self.spread.value(), channels, primes)
    }

    /// Tau's value text at the current prime snap and spread settings, e.g.
    /// `5.00 ms (239 smp, prime)` or `5.00 ms (L 211, R 271 smp, prime)`.
    fn format_tau(&self, tau_ms: f32, sample_rate: f32) -> String {
        let delay = tau_samples(tau_ms, sample_rate);
        let primes = self
            .prime_snap
            .value()
            .then_some(&PrimeSearch as &dyn PrimeLookup);
        let spread = self.spread.value();
        let delays = if spread > 0.0 {
            stereo_delays(delay, spread, primes).to_vec()
        } else {
            vec![mono_delay(delay, primes)]
        };
        format_tau(tau_ms, &delays, primes.is_some())
    }
}

/// The longest delay any channel can have, in milliseconds: tau's maximum, spread out.
pub fn max_channel_delay_ms() -> f32 {
    TAU_MAX_MS * (1.0 + MAX_SPREAD_RATIO)
}

/// Tau's knob range: skewed so that the musically busy few milliseconds get most of the travel
/// (the knob's centre is about 20 ms).
pub fn tau_range() -> FloatRange {
    FloatRange::Skewed {
        min: TAU_MIN_MS,
        max: TAU_MAX_MS,
        factor: FloatRange::skew_factor(-2.5),
    }
}

/// How close to a whole number of samples a delay must be to count as whole. A knob's value
/// passes through the host's normalized 0..1 scale and back, which leaves f32 rounding noise;
/// without this, "1 ms at 48 kHz" could come out as 47.99999 samples and be interpolated.
const WHOLE_SAMPLE_TOLERANCE: f64 = 1e-3;

/// Tau in samples at `sample_rate`, never below one sample, snapped to a whole number of
/// samples when within a thousandth of a sample of one.
pub fn tau_samples(tau_ms: f32, sample_rate: f32) -> f32 {
    let samples = f64::from(tau_ms) * f64::from(sample_rate) / 1000.0;
    let whole = samples.round();
    let samples = if (samples - whole).abs() < WHOLE_SAMPLE_TOLERANCE {
        whole
    } else {
        samples
    };
    samples.max(1.0) as f32
}

/// Tau's value text: milliseconds, then the delay of each channel in samples (one number when
/// they are equal, `L .., R ..` when spread apart) and whether they are snapped to primes,
/// e.g. `5.00 ms (240 smp)`, `1.00 ms (47 smp, prime)`.
pub fn format_tau(tau_ms: f32, channel_delays: &[f32], prime: bool) -> String {
    let samples = |delay: f32| {
        let digits = if delay.fract() == 0.0 { 0 } else { 1 };
        format!("{delay:.digits$}")
    };
    let delays = match channel_delays {
        [left, right] if left != right => format!("L {}, R {}", samples(*left), samples(*right)),
        [delay, ..] => samples(*delay),
        [] => String::new(),
    };
    let ms_digits = if tau_ms < 1.0 { 3 } else { 2 };
    let prime = if prime { ", prime" } else { "" };
    format!("{tau_ms:.ms_digits$} ms ({delays} smp{prime})")
}

/// Alpha's value text, with the feed-back limit spelled out where it applies:
/// `0.500`, or `1.000 (feed-back: 0.999)`.
pub fn format_alpha(alpha: f32) -> String {
    if alpha.abs() > MAX_FEEDBACK_ALPHA {
        let limited = alpha.clamp(-MAX_FEEDBACK_ALPHA, MAX_FEEDBACK_ALPHA);
        format!("{alpha:.3} (feed-back: {limited:.3})")
    } else {
        format!("{alpha:.3}")
    }
}

/// The number a text starts with (what the user typed, or a value text read back).
fn parse_leading_number(text: &str) -> Option<f32> {
    split_number(text).map(|(value, _)| value)
}

/// Splits typed text into its leading finite number and the rest (the unit, trimmed):
/// `"5 ms"` gives `(5.0, "ms")`. None if it does not start with a number.
pub fn split_number(text: &str) -> Option<(f32, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(text.len());
    let value: f32 = text[..end].trim().parse().ok()?;
    value.is_finite().then_some((value, text[end..].trim()))
}

/// Reads tau typed by a user, in milliseconds: `5`, `5 ms`, `5ms`, `0.5 s`, `240 smp`,
/// `240 samples`, or the full value text `5.00 ms (240 smp)`. None if it is no number.
pub fn parse_tau_ms(text: &str, sample_rate: f32) -> Option<f32> {
    // The value text appends the sample count in brackets; the leading value decides.
    let text = text.split('(').next()?.to_ascii_lowercase();
    let (value, unit) = split_number(&text)?;
    let ms = match unit {
        "" | "ms" => value,
        "s" => value * 1000.0,
        "smp" | "samples" | "sample" | "spl" => value * 1000.0 / sample_rate,
        _ => return None,
    };
    ms.is_finite().then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every form the value text shows, and the usual shorthands, parse back to the same
    /// milliseconds (hand-worked: 240 samples at 48 kHz is 5 ms).
    #[test]
    fn tau_text_round_trips() {
        let sr = 48_000.0;
        for text in [
            "5",
            "5 ms",
            "5ms",
            " 5.00 MS ",
            "0.005 s",
            "240 smp",
            "240 samples",
        ] {
            let ms = parse_tau_ms(text, sr).unwrap_or_else(|| panic!("{text}"));
            assert!((ms - 5.0).abs() < 1e-5, "{text} -> {ms}");
        }
        let shown = format_tau(5.0, &[240.0], false);
        assert_eq!(shown, "5.00 ms (240 smp)");
        assert_eq!(parse_tau_ms(&shown, sr), Some(5.0));
        let spread = format_tau(1.0, &[41.0, 53.0], true);
        assert_eq!(spread, "1.00 ms (L 41, R 53 smp, prime)");
        assert_eq!(parse_tau_ms(&spread, sr), Some(1.0));
        assert_eq!(format_tau(0.02, &[1.0], false), "0.020 ms (1 smp)");
        assert_eq!(parse_tau_ms("fast", sr), None);
        assert_eq!(parse_tau_ms("5 parsecs", sr), None);
    }

    /// Alpha's text names the feed-back limit beyond 0.999, and reads back.
    #[test]
    fn alpha_text_names_the_limit() {
        assert_eq!(format_alpha(0.5), "0.500");
        assert_eq!(format_alpha(-1.0), "-1.000 (feed-back: -0.999)");
        assert_eq!(
            parse_leading_number("-1.000 (feed-back: -0.999)"),
            Some(-1.0)
        );
        assert_eq!(parse_leading_number("0.25"), Some(0.25));
        assert_eq!(parse_leading_number("much"), None);
    }

    /// Tau never drops below one sample, however short the knob or slow the rate.
    #[test]
    fn tau_is_at_least_one_sample() {
        assert_eq!(tau_samples(TAU_MIN_MS, 8_000.0), 1.0);
        assert_eq!(tau_samples(1.0, 48_000.0), 48.0);
        // Rounding noise from the normalized round trip is snapped away; real fractions stay.
        assert_eq!(tau_samples(0.999_999_9, 48_000.0), 48.0);
        assert_eq!(tau_samples(0.05, 44_100.0), 2.205);
    }
}
