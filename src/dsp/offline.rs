//! The library API: comb-filter a whole signal in place, with no host and no plugin, on the
//! same vector kernels as the plugin. With the whole signal at hand there is no need for a
//! ring buffer: the delayed samples are the signal itself.

use std::fmt;

use super::comb::CombMode;
use super::delay_line::MAX_BLOCK;
use super::denormals::FlushDenormals;
use super::kernels::{MAX_LANES, add_scaled_inline, multiversion};

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

multiversion! {
    /// `x[n] += alpha * x[n - tau]` with the right side read before any write: the signal is
    /// walked backwards, so the samples still to be read are the original inputs. Each
    /// block's delayed part is copied first, since for `tau` shorter than a block it overlaps
    /// the block.
    fn feed_forward_in_place(signal: &mut [f32], tau: usize, alpha: f32) {
        let mut delayed = [0.0; MAX_BLOCK];
        let mut end = signal.len();
        while end > tau {
            let start = end.saturating_sub(MAX_BLOCK).max(tau);
            let len = end - start;
            delayed[..len].copy_from_slice(&signal[start - tau..end - tau]);
            add_scaled_inline(&mut signal[start..end], &delayed[..len], alpha);
            end = start;
        }
    }
}

/// `y[n] = x[n] + alpha * y[n - tau]` in place, walking forwards.
///
/// Computed naively, every sample waits for the one `tau` samples before it: a latency chain
/// that is as slow as scalar code when `tau` is short. So the recurrence is unrolled: with
/// `K` terms and `z[n] = sum over j < K of alpha^j x[n - j tau]`, exactly
/// `y[n] = z[n] + alpha^K y[n - K tau]`. `K` is chosen so that `K tau` spans at least two
/// vectors (at most 16 terms): then a run of `K tau` outputs depends only on outputs before
/// it, and is two or more independent vector operations that the CPU overlaps.
fn feed_back_in_place(signal: &mut [f32], tau: usize, alpha: f32) {
    let terms = MIN_SPAN.div_ceil(tau).clamp(1, MAX_TERMS);
    if terms == 1 {
        feed_back_direct(signal, tau, alpha);
    } else {
        feed_back_unrolled(signal, tau, alpha, terms);
    }
}

/// Lanes of the widest vector unit (AVX-512: 16 f32).
const LANES: usize = MAX_LANES;

/// How far back, at least, the unrolled recursion reaches: two vectors. (Measured: a longer
/// span needs more terms per sum, which costs more than the overlap gains.)
const MIN_SPAN: usize = 2 * LANES;

/// Sums computed at once by the unrolled kernel: four vectors.
const SUM_LANES: usize = 4 * LANES;

/// At most this many inputs are summed per output (for delays shorter than a vector).
const MAX_TERMS: usize = LANES;

/// The recursion `y[n] = z[n] + gain * y[n - span]` for `n` in `start..end`, in runs of at
/// most `span` samples, each of which reads only outputs before it. `z` holds `z[start..end]`
/// (from index 0); without it, `z` is the signal's own input.
#[inline(always)]
fn feed_back_runs(
    signal: &mut [f32],
    start: usize,
    end: usize,
    span: usize,
    gain: f32,
    z: Option<&[f32]>,
) {
    let mut run = start;
    while run < end {
        let run_end = (run + span).min(end);
        let (past, current) = signal.split_at_mut(run);
        let current = &mut current[..run_end - run];
        // Before `span` samples have passed there is nothing to feed back yet.
        let unfed = span.saturating_sub(run).min(current.len());
        let (unfed_part, fed_part) = current.split_at_mut(unfed);
        let delayed = &past[run + unfed - span.min(run + unfed)..][..fed_part.len()];
        match z {
            Some(z) => {
                let (z_unfed, z_fed) = z[run - start..run_end - start].split_at(unfed);
                unfed_part.copy_from_slice(z_unfed);
                for ((y, &z), &old) in fed_part.iter_mut().zip(z_fed).zip(delayed) {
                    *y = z + gain * old;
                }
            }
            None => add_scaled_inline(fed_part, delayed, gain),
        }
        run = run_end;
    }
}

multiversion! {
    /// The recursion straight on the signal, for delays of four vectors or more.
    fn feed_back_direct(signal: &mut [f32], tau: usize, alpha: f32) {
        let len = signal.len();
        feed_back_runs(signal, 0, len, tau, alpha, None);
    }
}

multiversion! {
    /// The unrolled recursion, a block at a time: the look-ahead sums `z` of the block are
    /// built from its inputs (still in the signal) and the inputs just before it (kept in
    /// `carry`, since the signal holds outputs there by then), then the recursion writes the
    /// outputs.
    fn feed_back_unrolled(signal: &mut [f32], tau: usize, alpha: f32, terms: usize) {
        let span = terms * tau;
        let reach = (terms - 1) * tau;
        let mut gains = [0.0f32; MAX_TERMS];
        let mut gain = 1.0;
        for g in &mut gains[..terms] {
            *g = gain;
            gain *= alpha;
        }
        let loop_gain = gain;
        // carry[..reach] holds the `reach` inputs before the block (zero before the signal).
        let mut carry = [0.0f32; MAX_TERMS * MAX_LANES];
        let mut z = [0.0f32; MAX_BLOCK];
        let mut start = 0;
        while start < signal.len() {
            let len = (signal.len() - start).min(MAX_BLOCK);
            let inputs = &signal[start..start + len];
            let z = &mut z[..len];
            // The head of the block reaches back into `carry`: sum it term by term.
            let head = reach.min(len);
            z[..head].copy_from_slice(&inputs[..head]);
            for (j, &g) in gains[..terms].iter().enumerate().skip(1) {
                let offset = (j * tau).min(head);
                let (from_carry, from_block) = z[..head].split_at_mut(offset);
                add_scaled_inline(from_carry, &carry[reach - j * tau..], g);
                add_scaled_inline(from_block, inputs, g);
            }
            // The rest reads only the block: four vectors of sums at a time, kept in
            // registers (four, so that four additions are in flight, not one chain).
            let mut i = head;
            while i + SUM_LANES <= len {
                let mut sum: [f32; SUM_LANES] = inputs[i..i + SUM_LANES].try_into().unwrap();
                for (j, &g) in gains[..terms].iter().enumerate().skip(1) {
                    let x: &[f32; SUM_LANES] =
                        inputs[i - j * tau..][..SUM_LANES].try_into().unwrap();
                    for l in 0..SUM_LANES {
                        sum[l] += g * x[l];
                    }
                }
                z[i..i + SUM_LANES].copy_from_slice(&sum);
                i += SUM_LANES;
            }
            while i + LANES <= len {
                let mut sum: [f32; LANES] = inputs[i..i + LANES].try_into().unwrap();
                for (j, &g) in gains[..terms].iter().enumerate().skip(1) {
                    let x: &[f32; LANES] = inputs[i - j * tau..][..LANES].try_into().unwrap();
                    for l in 0..LANES {
                        sum[l] += g * x[l];
                    }
                }
                z[i..i + LANES].copy_from_slice(&sum);
                i += LANES;
            }
            for i in i..len {
                let mut sum = inputs[i];
                for (j, &g) in gains[..terms].iter().enumerate().skip(1) {
                    sum += g * inputs[i - j * tau];
                }
                z[i] = sum;
            }
            // The inputs the next block reaches back to, before the block is overwritten.
            if len >= reach {
                carry[..reach].copy_from_slice(&inputs[len - reach..]);
            } else {
                carry.copy_within(len..reach, 0);
                carry[reach - len..reach].copy_from_slice(inputs);
            }
            feed_back_runs(signal, start, start + len, span, loop_gain, Some(z));
            start += len;
        }
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
