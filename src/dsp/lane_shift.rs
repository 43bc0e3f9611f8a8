//! The feed-back comb for a delay of one to fifteen vectors and a part of one (every prime
//! from 17 to 251 samples), with the delayed samples taken from registers, on AVX-512.
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
    __m512, __m512i, _mm512_add_ps, _mm512_loadu_epi32, _mm512_loadu_ps, _mm512_mul_ps,
    _mm512_permutex2var_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_storeu_ps,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
