//! The library API: comb-filter a whole signal in place, with no host and no plugin, on the
//! same vector kernels as the plugin. With the whole signal at hand there is no need for a
//! ring buffer: the delayed samples are the signal itself.

use std::fmt;

use super::comb::CombMode;
use super::denormals::FlushDenormals;
use super::kernels::{MAX_LANES, multiversion};
use super::lane_shift;

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
    /// walked backwards one vector at a time, so everything still to be read lies below what
    /// has been written. A vector's delayed samples may overlap the vector itself (`tau`
    /// shorter than a vector), but both are loaded before it is stored.
    fn feed_forward_in_place(signal: &mut [f32], tau: usize, alpha: f32) {
        let mut end = signal.len();
        while end >= tau + LANES {
            let start = end - LANES;
            let delayed: [f32; LANES] = signal[start - tau..end - tau].try_into().unwrap();
            let current: &mut [f32; LANES] = (&mut signal[start..end]).try_into().unwrap();
            for lane in 0..LANES {
                current[lane] += alpha * delayed[lane];
            }
            end = start;
        }
        for n in (tau..end).rev() {
            signal[n] += alpha * signal[n - tau];
        }
    }
}

/// `y[n] = x[n] + alpha * y[n - tau]` in place, walking forwards.
///
/// Computed naively, every sample waits for the one `tau` samples before it: a latency chain
/// that is as slow as scalar code when `tau` is short. So a short delay is first doubled
/// until it spans two vectors, by the identity
/// `1 / (1 - a D) = (1 + a D) / (1 - a^2 D^2)` (with `D` the delay by `tau`): each doubling
/// is one feed-forward pass, which vectorises at any delay, and what is left is a feed-back
/// at `2^k tau` with gain `a^(2^k)`, whose vectors do not depend on each other.
///
/// Delays of up to four whole vectors keep their chains in registers rather than memory (a
/// store and reload costs more than the arithmetic). So do delays of one to fifteen vectors
/// and a part where AVX-512 can shift lanes at run time ([`lane_shift`]); elsewhere those go
/// in pieces that the CPU can forward from store to load.
fn feed_back_in_place(signal: &mut [f32], tau: usize, alpha: f32) {
    if lane_shift::handles(tau) {
        lane_shift::feed_back(signal, tau, alpha);
        return;
    }
    let (mut delay, mut gain) = (tau, alpha);
    while delay < MIN_SPAN {
        if 2 * delay == MIN_SPAN && delay % LANES == 0 {
            // The last doubling of a whole vector, fused into the feed-back's own pass.
            feed_back_doubled_in_registers(signal, delay, gain);
            return;
        }
        feed_forward_in_place(signal, delay, gain);
        delay *= 2;
        gain *= gain;
    }
    if delay % LANES == 0 && delay / LANES <= MAX_REGISTER_VECTORS {
        feed_back_in_registers(signal, delay, gain);
    } else if lane_shift::handles(delay) {
        lane_shift::feed_back(signal, delay, gain);
    } else if delay % LANES != 0 && delay < SPANS_IN_PIECES_BELOW {
        feed_back_in_pieces(signal, delay, gain);
    } else {
        feed_back_direct(signal, delay, gain);
    }
}

/// Spans shorter than this that are not whole vectors run [`feed_back_in_pieces`] where
/// [`lane_shift`] does not take them (no AVX-512). Longer ones read outputs stored long
/// enough ago to have reached the cache, so pieces would only add work (measured: no gain
/// from 97 samples on, a loss at 441).
const SPANS_IN_PIECES_BELOW: usize = 128;

/// The longest delay, in vectors, whose outputs [`feed_back_in_registers`] keeps in registers.
const MAX_REGISTER_VECTORS: usize = 4;

multiversion! {
    /// `y[n] = x[n] + gain * y[n - span]` in place for a `span` of 2 to 4 whole vectors (the
    /// doubling leaves nothing shorter), with the last `span` outputs held in registers: each
    /// vector's feed-back comes from a register, not from the store of a moment ago.
    fn feed_back_in_registers(signal: &mut [f32], span: usize, gain: f32) {
        match span / LANES {
            2 => feed_back_registers::<2>(signal, gain),
            3 => feed_back_registers::<3>(signal, gain),
            _ => feed_back_registers::<4>(signal, gain),
        }
    }
}

multiversion! {
    /// One doubling and the feed-back after it in one pass, for a `delay` of one whole
    /// vector: `z[n] = x[n] + gain * x[n - delay]`, then
    /// `y[n] = z[n] + gain^2 * y[n - 2 delay]`, two vectors at a time, with the input and the
    /// two outputs they reach back to held in registers. The same arithmetic, in the same
    /// order, as the two passes.
    fn feed_back_doubled_in_registers(signal: &mut [f32], delay: usize, gain: f32) {
        debug_assert_eq!(delay, LANES);
        let loop_gain = gain * gain;
        let len = signal.len();
        if len < 2 * LANES {
            feed_forward_in_place(signal, delay, gain);
            return;
        }
        // The first two vectors have no output to feed back yet.
        let mut input_before: [f32; LANES] = signal[LANES..2 * LANES].try_into().unwrap();
        let first: [f32; LANES] = signal[..LANES].try_into().unwrap();
        for lane in 0..LANES {
            signal[LANES + lane] += gain * first[lane];
        }
        let mut outputs_before: [[f32; LANES]; 2] = [first, signal[LANES..][..LANES].try_into().unwrap()];
        let pairs = len / (2 * LANES);
        for pair in 1..pairs {
            let vectors = &mut signal[pair * 2 * LANES..(pair + 1) * 2 * LANES];
            for (half, vector) in vectors.chunks_exact_mut(LANES).enumerate() {
                let vector: &mut [f32; LANES] = vector.try_into().unwrap();
                let input = *vector;
                for lane in 0..LANES {
                    vector[lane] = (input[lane] + gain * input_before[lane])
                        + loop_gain * outputs_before[half][lane];
                }
                input_before = input;
                outputs_before[half] = *vector;
            }
        }
        // The rest (less than two vectors), as the two passes would: the doubling reaches
        // back to inputs (the last ones seen are in `input_before`, the rest still in the
        // signal), the feed-back to outputs.
        let done = pairs * 2 * LANES;
        let mut inputs = [0.0f32; 3 * LANES];
        inputs[..LANES].copy_from_slice(&input_before);
        inputs[LANES..LANES + len - done].copy_from_slice(&signal[done..]);
        for n in done..len {
            let z = inputs[n - done + LANES] + gain * inputs[n - done];
            signal[n] = z + loop_gain * signal[n - 2 * delay];
        }
    }
}

/// [`feed_back_in_registers`] for a span of `R` vectors.
#[inline(always)]
fn feed_back_registers<const R: usize>(signal: &mut [f32], gain: f32) {
    let span = R * LANES;
    let groups = signal.len() / span;
    // The previous `R` vectors of output; the first group has nothing to feed back.
    let mut previous = [[0.0f32; LANES]; R];
    for group in 0..groups {
        let vectors = &mut signal[group * span..(group + 1) * span];
        for (r, vector) in vectors.chunks_exact_mut(LANES).enumerate() {
            let vector: &mut [f32; LANES] = vector.try_into().unwrap();
            if group > 0 {
                for lane in 0..LANES {
                    vector[lane] += gain * previous[r][lane];
                }
            }
            previous[r] = *vector;
        }
    }
    for n in (groups * span).max(span)..signal.len() {
        signal[n] += gain * signal[n - span];
    }
}

/// Lanes of the widest vector unit (AVX-512: 16 f32).
const LANES: usize = MAX_LANES;

/// The shortest delay the feed-back runs at; shorter ones are doubled up to it first. Two
/// vectors: the fewest doubling passes that still leave two independent chains to overlap.
const MIN_SPAN: usize = 2 * LANES;

multiversion! {
    /// `y[n] = x[n] + gain * y[n - span]` in place for a `span` of at least one vector, one
    /// vector at a time: each vector reads only outputs written before it, and the CPU
    /// overlaps the `span / LANES` independent chains this makes.
    fn feed_back_direct(signal: &mut [f32], span: usize, gain: f32) {
        debug_assert!(span >= LANES);
        let len = signal.len();
        let mut n = span.min(len);
        while n + LANES <= len {
            add_delayed::<LANES>(signal, n, span, gain);
            n += LANES;
        }
        for n in n..len {
            signal[n] += gain * signal[n - span];
        }
    }
}

multiversion! {
    /// `y[n] = x[n] + gain * y[n - span]` in place for a `span` of at least one vector that
    /// is not a whole number of vectors (every prime), a span at a time. Walking a vector at
    /// a time, each delayed load would straddle two stores of a moment ago and wait for both
    /// to reach the cache. Here every span is cut into the same pieces (whole vectors, then
    /// 8, 4, 2, 1 samples), so each delayed load reads exactly what one earlier store wrote,
    /// and the CPU forwards it from the store. The same arithmetic per sample as
    /// [`feed_back_direct`].
    fn feed_back_in_pieces(signal: &mut [f32], span: usize, gain: f32) {
        debug_assert!(span >= LANES);
        let len = signal.len();
        let mut start = span.min(len);
        while start < len {
            let end = (start + span).min(len);
            let mut n = start;
            while n + LANES <= end {
                add_delayed::<LANES>(signal, n, span, gain);
                n += LANES;
            }
            for piece in [8, 4, 2, 1] {
                if n + piece <= end {
                    match piece {
                        8 => add_delayed::<8>(signal, n, span, gain),
                        4 => add_delayed::<4>(signal, n, span, gain),
                        2 => add_delayed::<2>(signal, n, span, gain),
                        _ => add_delayed::<1>(signal, n, span, gain),
                    }
                    n += piece;
                }
            }
            start = end;
        }
    }
}

/// `signal[n..n + P] += gain * signal[n - span..][..P]`, the delayed piece loaded whole.
#[inline(always)]
fn add_delayed<const P: usize>(signal: &mut [f32], n: usize, span: usize, gain: f32) {
    let delayed: [f32; P] = signal[n - span..][..P].try_into().unwrap();
    let outputs: &mut [f32; P] = (&mut signal[n..n + P]).try_into().unwrap();
    for lane in 0..P {
        outputs[lane] += gain * delayed[lane];
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
