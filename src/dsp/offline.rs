//! The library API: comb-filter a whole signal in place, with no host and no plugin, on the
//! same vector kernels as the plugin. With the whole signal at hand there is no need for a
//! ring buffer: the delayed samples are the signal itself.

use std::fmt;

use super::comb::CombMode;
use super::delay_line::MAX_BLOCK;
use super::denormals::FlushDenormals;
use super::kernels::{MAX_LANES, add_scaled};

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
    let alpha = mode.effective_alpha(alpha);
    for channel in channels {
        let signal = channel.as_mut();
        match mode {
            CombMode::FeedForward => feed_forward_in_place(signal, tau, alpha),
            CombMode::FeedBack => feed_back_in_place(signal, tau, alpha),
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

/// `x[n] += alpha * x[n - tau]` with the right side read before any write: the signal is
/// walked backwards, so the samples still to be read are the original inputs. Each block's
/// delayed part is copied first, since for `tau` shorter than a block it overlaps the block.
fn feed_forward_in_place(signal: &mut [f32], tau: usize, alpha: f32) {
    let mut delayed = [0.0; MAX_BLOCK];
    let mut end = signal.len();
    while end > tau {
        let start = end.saturating_sub(MAX_BLOCK).max(tau);
        let len = end - start;
        delayed[..len].copy_from_slice(&signal[start - tau..end - tau]);
        add_scaled(&mut signal[start..end], &delayed[..len], alpha);
        end = start;
    }
}

/// `y[n] = x[n] + alpha * y[n - tau]` in place, walking forwards.
///
/// A block of `tau` samples depends only on samples before it, so each block is one vector
/// operation, once `tau` is at least a vector long. Shorter delays would make every sample
/// wait for one computed a few samples before (a latency chain, as slow as scalar code), so
/// the recurrence is unrolled first: with `z[n] = sum over j < K of alpha^j x[n - j tau]`,
/// `y[n] = z[n] + alpha^K y[n - K tau]` exactly. `z` is built in log2(K) feed-forward passes
/// (each doubling the number of terms: span `tau`, `2 tau`, ..., gains `alpha`, `alpha^2`,
/// `alpha^4`, ...), and `K tau` is chosen as a vector length or more.
fn feed_back_in_place(signal: &mut [f32], tau: usize, alpha: f32) {
    let (mut span, mut gain) = (tau, alpha);
    while span < MAX_LANES {
        feed_forward_in_place(signal, span, gain);
        span *= 2;
        gain *= gain;
    }
    let mut start = span;
    while start < signal.len() {
        let end = (start + span).min(signal.len());
        let (past, block) = signal.split_at_mut(start);
        add_scaled(
            &mut block[..end - start],
            &past[start - span..end - span],
            gain,
        );
        start = end;
    }
}

/// The feed-back comb as the plain per-sample loop, for tests and benchmarks to compare the
/// fast [`feed_backward`] with: every sample waits for the one computed `tau` samples before.
///
/// # Errors
/// As [`feed_forward`].
pub fn feed_backward_reference(
    signal: &mut [f32],
    tau: usize,
    alpha: f32,
) -> Result<(), CombError> {
    check(tau, alpha)?;
    let alpha = CombMode::FeedBack.effective_alpha(alpha);
    for n in tau..signal.len() {
        signal[n] += alpha * signal[n - tau];
    }
    Ok(())
}

/// The feed-forward comb as the plain per-sample loop (walking backwards so that every read
/// sees an input), for tests and benchmarks.
///
/// # Errors
/// As [`feed_forward`].
pub fn feed_forward_reference(signal: &mut [f32], tau: usize, alpha: f32) -> Result<(), CombError> {
    check(tau, alpha)?;
    for n in (tau..signal.len()).rev() {
        signal[n] += alpha * signal[n - tau];
    }
    Ok(())
}
