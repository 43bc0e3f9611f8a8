//! The library API: comb-filter a whole signal in place, with no host and no plugin, on the
//! plugin's own engine, so the library and the plugin compute the same samples.

use std::fmt;

use super::comb::{CombChannel, CombControls, CombMode};
use super::denormals::FlushDenormals;
use super::simd::VectorUnit;

/// Why a comb could not be applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CombError {
    /// tau was 0: `y[n]` would depend on itself.
    ZeroDelay,
    /// alpha was NaN or infinite.
    NonFiniteAlpha(f32),
}

impl fmt::Display for CombError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CombError::ZeroDelay => write!(f, "tau must be at least one sample, got 0"),
            CombError::NonFiniteAlpha(alpha) => write!(f, "alpha must be finite, got {alpha}"),
        }
    }
}

impl std::error::Error for CombError {}

/// Feed-forward comb in place: `y[n] = x[n] + alpha * x[n - tau]`, with `x` zero before the
/// signal starts.
///
/// # Errors
/// [`CombError::ZeroDelay`] for `tau == 0`, [`CombError::NonFiniteAlpha`] for NaN or Inf.
pub fn feed_forward(signal: &mut [f32], tau: usize, alpha: f32) -> Result<(), CombError> {
    apply(CombMode::FeedForward, &mut [signal], tau, alpha)
}

/// Feed-back comb in place: `y[n] = x[n] + alpha * y[n - tau]`, with `y` zero before the signal
/// starts. `|alpha|` is limited to [`MAX_FEEDBACK_ALPHA`](super::comb::MAX_FEEDBACK_ALPHA).
///
/// # Errors
/// As [`feed_forward`].
pub fn feed_backward(signal: &mut [f32], tau: usize, alpha: f32) -> Result<(), CombError> {
    apply(CombMode::FeedBack, &mut [signal], tau, alpha)
}

/// [`feed_forward`] on every channel of a multi-channel buffer (`Vec<Vec<f32>>`,
/// `[[f32; N]; 2]`, `&mut [&mut [f32]]`, ...); channels are independent and may differ in length.
///
/// # Errors
/// As [`feed_forward`]; nothing is changed on error.
pub fn feed_forward_channels<C: AsMut<[f32]>>(
    channels: &mut [C],
    tau: usize,
    alpha: f32,
) -> Result<(), CombError> {
    apply(CombMode::FeedForward, channels, tau, alpha)
}

/// [`feed_backward`] on every channel of a multi-channel buffer.
///
/// # Errors
/// As [`feed_forward`]; nothing is changed on error.
pub fn feed_backward_channels<C: AsMut<[f32]>>(
    channels: &mut [C],
    tau: usize,
    alpha: f32,
) -> Result<(), CombError> {
    apply(CombMode::FeedBack, channels, tau, alpha)
}

fn apply<C: AsMut<[f32]>>(
    mode: CombMode,
    channels: &mut [C],
    tau: usize,
    alpha: f32,
) -> Result<(), CombError> {
    check(tau, alpha)?;
    let _flush = FlushDenormals::new();
    let unit = VectorUnit::best();
    for channel in channels {
        let signal = channel.as_mut();
        // A delay as long as the signal leaves it as it is; a shorter one gets a comb sized
        // for it, streamed over the signal as the plugin streams blocks.
        if tau < signal.len() {
            let mut comb = CombChannel::with_whole_delay(tau, mode);
            comb.process_on(unit, signal, CombControls::alpha(alpha));
        }
    }
    Ok(())
}

fn check(tau: usize, alpha: f32) -> Result<(), CombError> {
    if tau == 0 {
        return Err(CombError::ZeroDelay);
    }
    if !alpha.is_finite() {
        return Err(CombError::NonFiniteAlpha(alpha));
    }
    Ok(())
}
