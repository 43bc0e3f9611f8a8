//! Tuning a comb by its first peak: the delay that puts the first resonance exactly on a
//! frequency, with the damping filter's slope taken into account.
//!
//! A comb's peaks sit at `w * delay = 2 pi k` (positive alpha) or `pi (2k + 1)` (negative).
//! That is exact for a plain comb; with damping, the delayed path's gain `L(w)` falls with
//! frequency and leans each peak towards lower frequencies: by up to 15 cents at C7 and
//! 44.1 kHz in feed-forward (alpha -0.9, full damping), where the peaks are broad. For the
//! keyboard to play in tune the delay is chosen so that the response's maximum, not the
//! nominal peak, lands on the note.

use super::comb::CombMode;
use super::damping;

/// The delay, in samples, that puts the first peak (above DC) of a comb with this `mode`,
/// effective `alpha` and `damp` at angular frequency `omega` (radians per sample, below pi).
///
/// The squared response is `G(w) = 1 + a^2 L^2 + 2 s a L cos(w D)` for feed-forward
/// (`s = 1`; the peak is its maximum) and the reciprocal of the same with `s = -1` for
/// feed-back (the peak is its minimum): either way `dG/dw = 0` at the peak, that is
/// `a L L' + s (L' cos(w D) - L D sin(w D)) = 0`, solved for `D` by Newton's method from the
/// nominal delay (a few steps: the correction is a small fraction of a sample).
pub fn delay_for_first_peak(mode: CombMode, alpha: f64, damp: f32, omega: f64) -> f64 {
    let nominal_phase = if alpha < 0.0 {
        std::f64::consts::PI
    } else {
        std::f64::consts::TAU
    };
    let nominal = nominal_phase / omega;
    let b = f64::from(damping::outer_tap(damp.clamp(0.0, 1.0)));
    if b == 0.0 || alpha == 0.0 {
        return nominal;
    }
    let gain = damping::gain(damp, omega);
    let slope = -2.0 * b * omega.sin();
    let s = match mode {
        CombMode::FeedForward => 1.0,
        CombMode::FeedBack => -1.0,
    };
    let stationary = |delay: f64| {
        let phase = omega * delay;
        alpha * gain * slope + s * (slope * phase.cos() - gain * delay * phase.sin())
    };
    let mut delay = nominal;
    for _ in 0..8 {
        let phase = omega * delay;
        let derivative = s
            * (-slope * omega * phase.sin()
                - gain * phase.sin()
                - gain * delay * omega * phase.cos());
        if derivative == 0.0 {
            break;
        }
        let step = stationary(delay) / derivative;
        delay -= step;
        if step.abs() < 1e-12 * delay {
            break;
        }
    }
    // The peak stays near its nominal place; anything else would be a failed solve.
    if (delay - nominal).abs() < 0.25 * nominal {
        delay
    } else {
        nominal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::comb::CombCoefficients;

    /// The analytic response's maximum, found by golden-section search within half a
    /// semitone of `omega`.
    fn measured_peak(coefficients: CombCoefficients, omega: f64) -> f64 {
        let (mut lo, mut hi) = (
            omega * 2f64.powf(-0.5 / 12.0),
            omega * 2f64.powf(0.5 / 12.0),
        );
        let golden = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..200 {
            let (a, b) = (hi - golden * (hi - lo), lo + golden * (hi - lo));
            if coefficients.magnitude(a) > coefficients.magnitude(b) {
                hi = b;
            } else {
                lo = a;
            }
        }
        (lo + hi) / 2.0
    }

    /// Undamped the delay is the nominal one, a period or half of one; damped, the
    /// response's own peak (found by search, independently of the solve) lands on the
    /// note within a hundredth of a cent, where the nominal delay would be cents flat.
    #[test]
    fn the_first_peak_lands_on_the_note() {
        let omega = std::f64::consts::TAU * 2093.0 / 44_100.0; // C7 at 44.1 kHz
        assert_eq!(
            delay_for_first_peak(CombMode::FeedBack, 0.9, 0.0, omega),
            std::f64::consts::TAU / omega
        );
        assert_eq!(
            delay_for_first_peak(CombMode::FeedForward, -0.9, 0.0, omega),
            std::f64::consts::PI / omega
        );
        for mode in [CombMode::FeedForward, CombMode::FeedBack] {
            for alpha in [0.9, -0.9, 0.5, -0.3] {
                for damp in [0.5, 1.0] {
                    let delay = delay_for_first_peak(mode, alpha, damp, omega);
                    let comb = CombCoefficients {
                        damp,
                        ..CombCoefficients::plain(mode, delay as f32, alpha as f32)
                    };
                    let peak = measured_peak(comb, omega);
                    let cents = 1200.0 * (peak / omega).log2();
                    assert!(cents.abs() < 0.01, "{mode:?} {alpha} {damp}: {cents} ct");
                }
            }
        }
    }
}
