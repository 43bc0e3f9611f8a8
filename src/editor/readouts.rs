//! The numbers the editor shows beside the plot, worked out from a channel's filter: where the
//! first resonance sits and which note that is, and how long a feed-back echo takes to die.

use crate::dsp::comb::{CombCoefficients, CombMode};
use crate::music::pitch::Note;
use crate::primes::is_prime;

/// What the editor shows for one channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelReadout {
    pub delay_samples: f32,
    pub delay_ms: f32,
    /// Whether the delay is a whole, prime number of samples.
    pub prime: bool,
    /// The comb's first peak (its fundamental), in Hz.
    pub first_peak_hz: f32,
    pub note: Note,
    /// How long the ringing takes to fall by 60 dB; `None` for feed-forward, whose single
    /// echo simply ends after one delay.
    pub decay: Option<Decay>,
}

/// A feed-back comb's decay to -60 dB, in seconds, at its first peak and high up, where
/// damping shortens it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decay {
    pub at_peak: f32,
    pub high: f32,
    /// The frequency of `high`, in Hz: [`HIGH_DECAY_HZ`], or lower at low sample rates.
    pub high_hz: f32,
}

/// Where the editor reads the high-frequency decay: where damping is clearly heard.
pub const HIGH_DECAY_HZ: f32 = 5000.0;

impl ChannelReadout {
    pub fn new(coefficients: CombCoefficients, sample_rate: f32) -> Self {
        let delay = coefficients.delay_samples;
        let first_peak_hz = first_peak_hz(coefficients, sample_rate);
        Self {
            delay_samples: delay,
            delay_ms: delay / sample_rate * 1000.0,
            prime: delay.fract() == 0.0 && is_prime(delay as u64),
            first_peak_hz,
            note: Note::nearest(first_peak_hz),
            decay: decay(coefficients, sample_rate),
        }
    }
}

/// The frequency of the comb's first peak. With a positive (effective) alpha the peaks sit at
/// multiples of `sample_rate / delay`, the comb's fundamental; a negative alpha moves them
/// half-way between, to odd multiples of `sample_rate / (2 delay)`.
pub fn first_peak_hz(coefficients: CombCoefficients, sample_rate: f32) -> f32 {
    let fundamental = sample_rate / coefficients.delay_samples;
    if coefficients.mode.effective_alpha(coefficients.alpha) < 0.0 {
        fundamental / 2.0
    } else {
        fundamental
    }
}

/// How long the feed-back comb rings until it is 60 dB down, at the first peak and at
/// [`HIGH_DECAY_HZ`] (at most 40 % of the sample rate): each trip round the loop scales a tone
/// by `|alpha| L(w)`, so it takes `3 / -log10(|alpha| L(w))` trips of one delay each.
pub fn decay(coefficients: CombCoefficients, sample_rate: f32) -> Option<Decay> {
    let seconds = |hz: f32| {
        let omega = std::f64::consts::TAU * f64::from(hz / sample_rate);
        (coefficients.decay_samples(omega, 60.0) / f64::from(sample_rate)) as f32
    };
    let high_hz = HIGH_DECAY_HZ.min(0.4 * sample_rate);
    (coefficients.mode == CombMode::FeedBack).then(|| Decay {
        at_peak: seconds(first_peak_hz(coefficients, sample_rate)),
        high: seconds(high_hz),
        high_hz,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comb(mode: CombMode, delay_samples: f32, alpha: f32) -> CombCoefficients {
        CombCoefficients::plain(mode, delay_samples, alpha)
    }

    /// At 48 kHz, 109 samples: peaks at 440.37 Hz; a negative alpha puts the first at half
    /// that. Feed-back at 0.5 falls 6.02 dB a trip: 60 dB in 9.97 trips of 2.27 ms.
    #[test]
    fn readout_by_hand() {
        let readout = ChannelReadout::new(comb(CombMode::FeedBack, 109.0, 0.5), 48_000.0);
        assert!(readout.prime);
        assert!((readout.delay_ms - 2.270_833).abs() < 1e-5);
        assert!((readout.first_peak_hz - 440.367).abs() < 1e-3);
        let trips = 3.0 / 0.5f64.log10().abs();
        let want = trips * 109.0 / 48_000.0;
        let decay = readout.decay.unwrap();
        assert!((f64::from(decay.at_peak) - want).abs() < 1e-6);
        assert_eq!(decay.high, decay.at_peak);
        assert!((want - 0.022_63).abs() < 1e-4);

        let negative = ChannelReadout::new(comb(CombMode::FeedForward, 110.0, -0.5), 48_000.0);
        assert!(!negative.prime);
        assert!((negative.first_peak_hz - 218.182).abs() < 1e-3);
        assert_eq!(negative.decay, None);
        assert!(!ChannelReadout::new(comb(CombMode::FeedForward, 109.5, 0.5), 48_000.0).prime);
    }

    /// Feed-back at alpha 1 is held to 0.999: a decay of 6905 delays, not forever.
    #[test]
    fn decay_uses_the_feedback_limit() {
        let decay = decay(comb(CombMode::FeedBack, 48.0, 1.0), 48_000.0).unwrap();
        let want = 3.0 / -(0.999f64.log10()) * 0.001;
        let got = f64::from(decay.at_peak);
        assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        let silent = super::decay(comb(CombMode::FeedBack, 48.0, 0.0), 48_000.0).unwrap();
        assert_eq!(silent.at_peak, 0.001);
    }

    /// By hand, damped: 48 kHz, 240 samples, alpha 0.9, damping 100 %: at the first peak
    /// (200 Hz, w = 0.02618) the filter passes cos^2(w/2) = 0.99983, so a trip scales by
    /// 0.89985 and 60 dB take 3 / 0.04583 = 65.46 trips, 327.3 ms; at 5 kHz (w = 0.65450)
    /// it passes cos^2(0.32725) = 0.89679, a trip 0.80711, 60 dB in 32.27 trips, 161.4 ms.
    #[test]
    fn damped_decay_by_hand() {
        let damped = CombCoefficients {
            damp: 1.0,
            ..comb(CombMode::FeedBack, 240.0, 0.9)
        };
        let decay = decay(damped, 48_000.0).unwrap();
        assert!((decay.at_peak - 0.3273).abs() < 5e-4, "{decay:?}");
        assert!((decay.high - 0.1614).abs() < 5e-4, "{decay:?}");
        assert_eq!(decay.high_hz, 5000.0);
        assert_eq!(super::decay(damped, 8000.0).unwrap().high_hz, 3200.0);
    }
}
