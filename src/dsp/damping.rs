//! The damping filter in the comb's delayed path: highs die faster than lows.
//!
//! A symmetric three-tap FIR, `b*h[c-1] + (1 - 2b)*h[c] + b*h[c+1]` around the delay `c`,
//! as in Jaffe and Smith's extension of Karplus-Strong synthesis. Chosen over a one-pole
//! low-pass (Freeverb's, Moorer's) for three reasons:
//! - **In tune at every harmonic.** Symmetric taps have linear phase: the filter delays
//!   every frequency by exactly one sample, and centring it on the delay (reading one sample
//!   newer, one older) takes that sample back off. A one-pole's delay changes with
//!   frequency, so it could be compensated at one peak only, and the others would go out of
//!   tune.
//! - **No state.** It reads three samples from the history the comb keeps anyway, so it
//!   vectorises like the comb itself and cannot ring or click when damping moves.
//! - **Safe at any setting.** Its gain `A(w) = 1 - 2b (1 - cos w)` falls from 1 at DC to
//!   `1 - 4b` at Nyquist without going negative for `b <= 1/4`, so a stable loop stays stable.
//!
//! `damp` runs from 0 (bypassed, bit for bit) to 1 (`b = 1/4`, the taps `1/4, 1/2, 1/4`:
//! gain `cos^2(w/2)`, a zero at Nyquist).

/// The shortest delay damping works at: its newest tap, one sample newer than the delay,
/// must still be a sample the comb has already computed.
pub const MIN_DAMPED_DELAY: f32 = 2.0;

/// The outer taps' weight `b` at damping `damp` (0 to 1).
#[inline(always)]
pub fn outer_tap(damp: f32) -> f32 {
    0.25 * damp
}

/// The filter's gain at angular frequency `omega` (radians per sample), its one sample of
/// delay taken off: a real number in `[0, 1]`.
pub fn gain(damp: f32, omega: f64) -> f64 {
    let b = f64::from(outer_tap(damp.clamp(0.0, 1.0)));
    1.0 - 2.0 * b * (1.0 - omega.cos())
}

/// The delay the comb's loop has at a tau of `delay_samples`: tau itself, or with damping on
/// at least [`MIN_DAMPED_DELAY`].
pub fn loop_delay(delay_samples: f32, damp: f32) -> f32 {
    if damp != 0.0 {
        delay_samples.max(MIN_DAMPED_DELAY)
    } else {
        delay_samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: undamped the gain is 1 everywhere; at full damping `cos^2(w/2)`: 1 at DC,
    /// 1/2 at a quarter of the sample rate, 0 at Nyquist.
    #[test]
    fn gain_by_hand() {
        use std::f64::consts::{FRAC_PI_2, PI};
        assert_eq!(gain(0.0, PI), 1.0);
        assert_eq!(gain(1.0, 0.0), 1.0);
        assert!((gain(1.0, FRAC_PI_2) - 0.5).abs() < 1e-12);
        assert!(gain(1.0, PI).abs() < 1e-12);
        assert_eq!(loop_delay(1.0, 0.5), 2.0);
        assert_eq!(loop_delay(1.0, 0.0), 1.0);
    }
}
