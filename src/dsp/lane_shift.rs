//! The feed-back comb for a delay of one to fifteen vectors and a part of one (every prime
//! from 17 to 251 samples), with the delayed samples taken from registers, on AVX-512: for
//! whole signals ([`feed_back`]), and for the plugin's pass over its history ring up to
//! three vectors and a part ([`comb_in_ring`]).
//!
//! Walking a vector at a time, such a delay reads each vector's delayed samples across two
//! vectors stored a moment ago; the CPU cannot forward a load from two stores, so every
//! vector waits for the stores to reach the cache. Here the last outputs stay in registers
//! and each vector's delayed samples are put together from two of them with one lane
//! permute (`vpermt2ps`), so the chain from output to output is a permute, a multiply and an
//! add. Portable Rust cannot express a permute by a run-time amount, hence intrinsics; other
//! vector units keep the portable kernels.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m512, __m512i, _mm512_add_ps, _mm512_and_si512, _mm512_castps_si512, _mm512_cmplt_epi32_mask,
    _mm512_loadu_epi32, _mm512_loadu_ps, _mm512_maskz_mov_ps, _mm512_max_epu32, _mm512_max_ps,
    _mm512_min_ps, _mm512_mul_ps, _mm512_permutex2var_ps, _mm512_reduce_max_epu32,
    _mm512_set1_epi32, _mm512_set1_ps, _mm512_setzero_ps, _mm512_setzero_si512, _mm512_storeu_ps,
};

use super::kernels::{SimdLevel, simd_level};

const LANES: usize = 16;

/// The longest delay, in whole vectors, whose outputs [`feed_back`] keeps in registers.
const MAX_WHOLE_VECTORS: usize = 15;

/// Whether [`feed_back`] runs `span` on this CPU: AVX-512, and a span longer than a vector,
/// shorter than `MAX_WHOLE_VECTORS + 1` vectors and not a whole number of them (whole ones
/// need no permute and run elsewhere).
pub fn handles(span: usize) -> bool {
    cfg!(target_arch = "x86_64")
        && span > LANES
        && span < (MAX_WHOLE_VECTORS + 1) * LANES
        && !span.is_multiple_of(LANES)
        && simd_level() == SimdLevel::Avx512
}

/// `y[n] = x[n] + gain * y[n - span]` in place, for a span that [`handles`] accepts, with
/// the same arithmetic per sample as the portable kernels, so the same result to the bit:
/// the plain loop's multiply and add, or below two vectors the doubling's two passes.
///
/// # Panics
/// If [`handles`] is false for `span`.
pub fn feed_back(signal: &mut [f32], span: usize, gain: f32) {
    assert!(handles(span), "no lane-shift kernel for span {span}");
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (signal, gain);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `handles` checked that this CPU has AVX-512.
    unsafe {
        match span / LANES {
            // A chain one vector long would wait on every vector: double the delay first.
            1 if 2 * span < 3 * LANES => feed_back_doubled_window::<3>(signal, span, gain),
            1 => feed_back_doubled_window::<4>(signal, span, gain),
            2 => feed_back_window::<3>(signal, span, gain),
            3 => feed_back_window::<4>(signal, span, gain),
            4 => feed_back_window::<5>(signal, span, gain),
            5 => feed_back_window::<6>(signal, span, gain),
            6 => feed_back_window::<7>(signal, span, gain),
            7 => feed_back_window::<8>(signal, span, gain),
            8 => feed_back_window::<9>(signal, span, gain),
            9 => feed_back_window::<10>(signal, span, gain),
            10 => feed_back_window::<11>(signal, span, gain),
            11 => feed_back_window::<12>(signal, span, gain),
            12 => feed_back_window::<13>(signal, span, gain),
            13 => feed_back_window::<14>(signal, span, gain),
            14 => feed_back_window::<15>(signal, span, gain),
            _ => feed_back_window::<16>(signal, span, gain),
        }
    }
}

/// [`feed_back`] for a span of `W - 1` whole vectors and a part: the delayed samples of
/// vector `p` are the end of output vector `p - W` and the start of `p - W + 1`, and the
/// last `W` output vectors are kept in `window`, vector `p` in `window[p % W]`. The signal is
/// walked `W` vectors at a time so that every window index is a constant and the window
/// stays in registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn feed_back_window<const W: usize>(signal: &mut [f32], span: usize, gain: f32) {
    let index = shift_indices(span);
    let gains = _mm512_set1_ps(gain);
    // Outputs before the signal are silence.
    let mut window: [__m512; W] = [_mm512_setzero_ps(); W];
    let group = W * LANES;
    let groups = signal.len() / group;
    for vectors in signal.chunks_exact_mut(group) {
        for (i, vector) in vectors.chunks_exact_mut(LANES).enumerate() {
            // SAFETY: `vector` is `LANES` f32s long, what the load and the store touch.
            let input = unsafe { _mm512_loadu_ps(vector.as_ptr()) };
            let delayed = _mm512_permutex2var_ps(window[i], index, window[(i + 1) % W]);
            let output = _mm512_add_ps(input, _mm512_mul_ps(gains, delayed));
            // SAFETY: as above.
            unsafe { _mm512_storeu_ps(vector.as_mut_ptr(), output) };
            window[i] = output;
        }
    }
    // Less than a group is left: the plain recursion, reading outputs back from the signal.
    for n in (groups * group).max(span)..signal.len() {
        signal[n] += gain * signal[n - span];
    }
}

/// The permute indices that put together a vector's samples `delay` back from the two
/// vectors `delay / LANES + 1` and `delay / LANES` before it: lane `i` is lane
/// `i + LANES - part` of the older one while that is below `LANES`, else lane `i - part` of
/// the newer one (`vpermt2ps` reads index bit 4 as the choice of vector).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn shift_indices(delay: usize) -> __m512i {
    let part = delay % LANES;
    let index: [i32; LANES] = std::array::from_fn(|lane| (lane + LANES - part) as i32);
    // SAFETY: `index` holds `LANES` i32s, the 64 bytes the load reads.
    unsafe { _mm512_loadu_epi32(index.as_ptr()) }
}

/// [`feed_back`] for a span of one vector and a part, doubled on the way as in
/// [`super::offline`]: `z[n] = x[n] + gain * x[n - span]`, then
/// `y[n] = z[n] + gain^2 * y[n - 2 span]`, in one pass, with the last inputs in registers
/// too. The same arithmetic, in the same order, as a feed-forward pass and then a feed-back
/// pass at twice the span. `W` output vectors are kept (`2 span` is `W - 1` whole vectors
/// and a part); of the `W` inputs kept only the last two are read.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn feed_back_doubled_window<const W: usize>(signal: &mut [f32], span: usize, gain: f32) {
    debug_assert_eq!(2 * span / LANES + 1, W);
    let input_indices = shift_indices(span);
    let output_indices = shift_indices(2 * span);
    let gains = _mm512_set1_ps(gain);
    let loop_gain = gain * gain;
    let loop_gains = _mm512_set1_ps(loop_gain);
    let mut inputs: [__m512; W] = [_mm512_setzero_ps(); W];
    let mut outputs: [__m512; W] = [_mm512_setzero_ps(); W];
    let group = W * LANES;
    let groups = signal.len() / group;
    for vectors in signal.chunks_exact_mut(group) {
        for (i, vector) in vectors.chunks_exact_mut(LANES).enumerate() {
            // SAFETY: `vector` is `LANES` f32s long, what the load and the store touch.
            let input = unsafe { _mm512_loadu_ps(vector.as_ptr()) };
            let delayed_input = _mm512_permutex2var_ps(
                inputs[(i + W - 2) % W],
                input_indices,
                inputs[(i + W - 1) % W],
            );
            let doubled = _mm512_add_ps(input, _mm512_mul_ps(gains, delayed_input));
            let delayed_output =
                _mm512_permutex2var_ps(outputs[i], output_indices, outputs[(i + 1) % W]);
            let output = _mm512_add_ps(doubled, _mm512_mul_ps(loop_gains, delayed_output));
            // SAFETY: as above.
            unsafe { _mm512_storeu_ps(vector.as_mut_ptr(), output) };
            inputs[i] = input;
            outputs[i] = output;
        }
    }
    // Less than a group is left: the two passes' arithmetic per sample. The inputs from two
    // vectors back on are gathered first (the signal holds outputs below `done`).
    let done = groups * group;
    let mut rest_inputs = [0.0f32; 2 * LANES + 4 * LANES];
    let (before, after) = rest_inputs.split_at_mut(2 * LANES);
    if done > 0 {
        // SAFETY: `before` holds two vectors' worth of f32s, what the two stores write.
        unsafe {
            _mm512_storeu_ps(before.as_mut_ptr(), inputs[W - 2]);
            _mm512_storeu_ps(before[LANES..].as_mut_ptr(), inputs[W - 1]);
        }
    }
    after[..signal.len() - done].copy_from_slice(&signal[done..]);
    let input = |n: usize| rest_inputs[n + 2 * LANES - done];
    for n in done..signal.len() {
        let mut doubled = input(n);
        if n >= span {
            doubled += gain * input(n - span);
        }
        if n >= 2 * span {
            doubled += loop_gain * signal[n - 2 * span];
        }
        signal[n] = doubled;
    }
}

/// The longest span, in whole vectors, that [`comb_in_ring`] takes. Beyond it the ring
/// pass's plain vector walk is as fast or faster (measured, 512-sample blocks: 31 samples
/// 350 -> 200 ns, 47: 194 -> 137, 67 and 79 even, 97 and up 10-30 % slower): its loads of
/// straddled stores are far enough back not to stall, and the window costs registers.
const RING_MAX_WHOLE_VECTORS: usize = 3;

/// Whether [`comb_in_ring`] takes a ring piece whose reads trail its writes by `span`.
pub fn handles_in_ring(span: usize) -> bool {
    span < (RING_MAX_WHOLE_VECTORS + 1) * LANES && handles(span)
}

/// The gain of the delayed path in [`comb_in_ring`]: one for every sample, or one per sample
/// clamped to `[-limit, limit]` (an alpha gliding to a new value).
#[derive(Debug, Clone, Copy)]
pub enum RingGain<'a> {
    Steady(f32),
    Gliding { alphas: &'a [f32], limit: f32 },
}

/// The plugin's feed-back pass ([`super::kernels::comb_in_ring`], same arithmetic, same
/// kept outputs) over the whole windows of `block`, for a stretch of the history ring whose
/// reads trail its writes by a span that [`handles_in_ring`] accepts: sample `i` of the
/// block is kept in `ring[write + i]` and reads `ring[read + i]`, which for all but the
/// first vectors is an output of this very call, taken from registers instead. A window is
/// the span's whole vectors and one more. Returns how many samples were done and the bits
/// of their largest output magnitude; the portable kernel does the rest, less than a window.
///
/// # Panics
/// If [`handles_in_ring`] is false for `write - read`, if `ring` ends before
/// `write + block.len()`, or if gliding alphas are fewer than `block`'s samples.
pub fn comb_in_ring(
    block: &mut [f32],
    ring: &mut [f32],
    read: usize,
    write: usize,
    gain: RingGain,
) -> (usize, u32) {
    let span = write
        .checked_sub(read)
        .filter(|span| handles_in_ring(*span));
    let span = span.expect("no lane-shift kernel for this ring piece");
    let len = block.len();
    let ring = &mut ring[read..write + len];
    if len < (span / LANES + 1) * LANES {
        // Not one window: loading the window would cost more than it saves.
        return (0, 0);
    }
    let gain = match gain {
        RingGain::Gliding { alphas, limit } => RingGain::Gliding {
            alphas: &alphas[..len],
            limit,
        },
        steady => steady,
    };
    #[cfg(not(target_arch = "x86_64"))]
    unreachable!("`handles` is false off x86-64: {:?}", (block, ring, gain));
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `handles` checked that this CPU has AVX-512.
    unsafe {
        match span / LANES {
            1 => ring_windows::<2>(block, ring, gain),
            2 => ring_windows::<3>(block, ring, gain),
            _ => ring_windows::<4>(block, ring, gain),
        }
    }
}

/// [`comb_in_ring`] for a span of `W - 1` whole vectors and a part, with `ring` starting at
/// the first delayed sample (so the block's slots start at the span). Picks the alpha
/// source once, for the whole call.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn ring_windows<const W: usize>(
    block: &mut [f32],
    ring: &mut [f32],
    gain: RingGain,
) -> (usize, u32) {
    match gain {
        RingGain::Steady(alpha) => ring_windows_with::<W, false>(block, ring, alpha, &[]),
        RingGain::Gliding { alphas, limit } => {
            ring_windows_with::<W, true>(block, ring, limit, alphas)
        }
    }
}

/// The walk of [`ring_windows`], as [`feed_back_window`] walks a signal: the last `W` kept
/// outputs in `window`, vector `p` in `window[p % W]`, `W` vectors at a time. Before the
/// block, they are the ring's last `W` vectors, of which the oldest is read only in its last
/// `span % LANES` lanes (the rest lies before the piece, and is never read). `alpha` is the
/// steady alpha, or with `GLIDING` the limit of the per-sample `alphas`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn ring_windows_with<const W: usize, const GLIDING: bool>(
    block: &mut [f32],
    ring: &mut [f32],
    alpha: f32,
    alphas: &[f32],
) -> (usize, u32) {
    let span = ring.len() - block.len();
    let part = span % LANES;
    let index = shift_indices(span);
    let mut oldest = [0.0f32; LANES];
    oldest[LANES - part..].copy_from_slice(&ring[..part]);
    let mut window: [__m512; W] = [_mm512_setzero_ps(); W];
    // SAFETY: every load reads `LANES` f32s from a slice of `LANES` f32s.
    unsafe {
        window[0] = _mm512_loadu_ps(oldest.as_ptr());
        for (k, vector) in window.iter_mut().enumerate().skip(1) {
            let start = part + (k - 1) * LANES;
            *vector = _mm512_loadu_ps(ring[start..start + LANES].as_ptr());
        }
    }
    let gains = _mm512_set1_ps(alpha);
    let lowest = _mm512_set1_ps(-alpha);
    let magnitude_mask = _mm512_set1_epi32(i32::MAX);
    let infinity = _mm512_set1_epi32(f32::INFINITY.to_bits() as i32);
    let mut largest = _mm512_setzero_si512();
    let group = W * LANES;
    let done = block.len() / group * group;
    let kept_outputs = &mut ring[span..span + done];
    let groups = block[..done]
        .chunks_exact_mut(group)
        .zip(kept_outputs.chunks_exact_mut(group));
    for (g, (samples, kept_outputs)) in groups.enumerate() {
        for i in 0..W {
            let at = i * LANES;
            // SAFETY: every load and store touches `LANES` f32s of a slice at least `at +
            // LANES` long (`group` long, or `alphas`, checked to cover the block).
            unsafe {
                let input = _mm512_loadu_ps(samples[at..at + LANES].as_ptr());
                // Non-finite input is silence, and only finite outputs are kept, as in
                // `finite_or_zero`: the magnitude's bits below infinity's.
                let input_bits = _mm512_and_si512(_mm512_castps_si512(input), magnitude_mask);
                let x = _mm512_maskz_mov_ps(_mm512_cmplt_epi32_mask(input_bits, infinity), input);
                let a = if GLIDING {
                    let start = g * group + at;
                    let a = _mm512_loadu_ps(alphas[start..start + LANES].as_ptr());
                    // `f32::clamp`, NaN included: the NaN is the second operand.
                    _mm512_min_ps(gains, _mm512_max_ps(lowest, a))
                } else {
                    gains
                };
                let delayed = _mm512_permutex2var_ps(window[i], index, window[(i + 1) % W]);
                let y = _mm512_add_ps(x, _mm512_mul_ps(a, delayed));
                let magnitude = _mm512_and_si512(_mm512_castps_si512(y), magnitude_mask);
                let kept = _mm512_maskz_mov_ps(_mm512_cmplt_epi32_mask(magnitude, infinity), y);
                _mm512_storeu_ps(samples[at..at + LANES].as_mut_ptr(), y);
                _mm512_storeu_ps(kept_outputs[at..at + LANES].as_mut_ptr(), kept);
                window[i] = kept;
                largest = _mm512_max_epu32(largest, magnitude);
            }
        }
    }
    (done, _mm512_reduce_max_epu32(largest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::kernels::{RingPiece, comb_in_ring, comb_in_ring_varying};

    /// Every span the kernel takes, at every length up to several groups and two long ones,
    /// equals the plain loops to the bit (the same multiply and add per sample; below two
    /// vectors, the feed-forward pass and the feed-back at twice the span), where AVX-512
    /// exists.
    #[test]
    fn equals_the_plain_loops_to_the_bit() {
        if simd_level() != SimdLevel::Avx512 {
            eprintln!("no AVX-512 here: the lane-shift kernel is not used, nothing to test");
            return;
        }
        let spans: Vec<usize> = (17..256).filter(|span| handles(*span)).collect();
        assert_eq!(spans.len(), 239 - 14, "all but the whole vectors 32..240");
        for span in spans {
            for len in (0..=520).chain([1000, 4099]) {
                let x: Vec<f32> = (0..len)
                    .map(|n| ((n * 7919 + span) % 1000) as f32 / 500.0 - 1.0)
                    .collect();
                let mut want = x.clone();
                if span < 2 * LANES {
                    // The doubling, as the portable kernels do it: a feed-forward pass,
                    // then the feed-back at twice the span.
                    for n in (span..len).rev() {
                        want[n] += -0.95 * want[n - span];
                    }
                    for n in 2 * span..len {
                        want[n] += (-0.95f32 * -0.95) * want[n - 2 * span];
                    }
                } else {
                    for n in span..len {
                        want[n] += -0.95 * want[n - span];
                    }
                }
                let mut got = x;
                feed_back(&mut got, span, -0.95);
                assert_eq!(got, want, "span {span} len {len}");
            }
        }
    }

    /// The plugin's ring pass, for every span it takes, steady and gliding alphas, at lengths
    /// around one, two and three windows: the textbook recursion `y = x + a y[n - span]`
    /// over a history, sample by sample, to the bit: the block, the kept outputs and the
    /// peak. The input has a NaN and infinities (taken as silence, never kept); the gliding
    /// alphas pass both limits and one is NaN (clamped as `f32::clamp` does); the ring holds
    /// NaN before the delayed samples, which must never be read.
    #[test]
    fn ring_pass_equals_the_textbook_recursion() {
        if simd_level() != SimdLevel::Avx512 {
            eprintln!("no AVX-512 here: the lane-shift kernel is not used, nothing to test");
            return;
        }
        let limit = 0.999;
        let x: Vec<f32> = (0..1100)
            .map(|n| match n {
                37 => f32::NAN,
                200 => f32::INFINITY,
                401 => f32::NEG_INFINITY,
                _ => ((n * 7919 % 1000) as f32 - 500.0) / 400.0,
            })
            .collect();
        let mut alphas: Vec<f32> = (0..1100).map(|n| 1.5 - n as f32 / 360.0).collect();
        alphas[300] = f32::NAN;
        let textbook = |n: usize, gliding: bool| match gliding {
            true => alphas[n].clamp(-limit, limit),
            false => -0.95,
        };
        let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for span in (17..64).filter(|span| handles_in_ring(*span)) {
            let window = (span / LANES + 1) * LANES;
            let lengths = [0, 1, 15, 16, 17, window - 1, window, window + 1];
            let lengths = lengths
                .into_iter()
                .chain([2 * window + 5, 3 * window + 33, 1100]);
            for len in lengths {
                for gliding in [false, true] {
                    let past: Vec<f32> = (0..span).map(|n| (n as f32 / 64.0).sin()).collect();
                    let mut history = past.clone();
                    let mut want = Vec::new();
                    for n in 0..len {
                        let input = if x[n].is_finite() { x[n] } else { 0.0 };
                        let y = input + textbook(n, gliding) * history[n];
                        history.push(if y.is_finite() { y } else { 0.0 });
                        want.push(y);
                    }
                    let before = 16;
                    let mut ring = vec![f32::NAN; before];
                    ring.extend(&past);
                    ring.resize(before + span + len, f32::NAN);
                    let mut block = x[..len].to_vec();
                    let piece = RingPiece {
                        ring: &mut ring,
                        read: before,
                        write: before + span,
                    };
                    let peak = match gliding {
                        true => comb_in_ring_varying(&mut block, piece, &alphas, limit, true),
                        false => comb_in_ring(&mut block, piece, -0.95, true),
                    };
                    let case = format!("span {span}, len {len}, gliding {gliding}");
                    assert_eq!(bits(&block), bits(&want), "{case}");
                    assert_eq!(bits(&ring[before..]), bits(&history), "{case}");
                    let want_peak = want.iter().map(|y| y.to_bits() & !(1 << 31)).max();
                    assert_eq!(peak, want_peak.unwrap_or(0), "{case}");
                }
            }
        }
    }
}
