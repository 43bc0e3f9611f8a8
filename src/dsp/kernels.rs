//! The vector kernels every comb runs on: `target += alpha * source` over slices, compiled
//! for the widest vector unit the CPU has (AVX-512, AVX2, or the SSE2 every x86-64 has),
//! chosen at run time, so one build runs well everywhere.
//!
//! Results are bit-identical whichever unit runs them: Rust never fuses `a * b + c` into an
//! FMA on its own, so the vector and scalar code round the same way, and a stream gives the
//! same samples however it is split into blocks.

use std::sync::atomic::{AtomicU8, Ordering};

use super::lane_shift::{self, RingGain};

/// Lanes in the widest vector register the kernels may use (AVX-512: 16 f32). A feed-back
/// comb whose delay is at least this long has no dependency inside one vector.
pub const MAX_LANES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum SimdLevel {
    Baseline = 1,
    Avx2 = 2,
    Avx512 = 3,
}

/// The detected level, cached: 0 until the first call.
static SIMD_LEVEL: AtomicU8 = AtomicU8::new(0);

/// The best vector unit of this CPU. Relaxed: every thread computes the same value.
#[inline]
#[doc(hidden)]
pub fn simd_level() -> SimdLevel {
    match SIMD_LEVEL.load(Ordering::Relaxed) {
        1 => SimdLevel::Baseline,
        2 => SimdLevel::Avx2,
        3 => SimdLevel::Avx512,
        _ => {
            let level = detect();
            SIMD_LEVEL.store(level as u8, Ordering::Relaxed);
            level
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn detect() -> SimdLevel {
    if std::arch::is_x86_feature_detected!("avx512f") {
        SimdLevel::Avx512
    } else if std::arch::is_x86_feature_detected!("avx2") {
        SimdLevel::Avx2
    } else {
        SimdLevel::Baseline
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> SimdLevel {
    SimdLevel::Baseline
}

/// The name of the vector unit the kernels use here, for benchmark reports.
pub fn simd_name() -> &'static str {
    match simd_level() {
        SimdLevel::Baseline if cfg!(target_arch = "x86_64") => "SSE2",
        SimdLevel::Baseline => "baseline",
        SimdLevel::Avx2 => "AVX2",
        SimdLevel::Avx512 => "AVX-512",
    }
}

/// Defines a public kernel from a plain loop: the loop is compiled three times, for AVX-512,
/// AVX2 and the baseline, and the public function picks one per call.
#[macro_export]
#[doc(hidden)]
macro_rules! multiversion {
    ($(#[$doc:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $crate::multiversion! { $(#[$doc])* $vis fn $name($($arg: $ty),*) -> () $body }
    };
    ($(#[$doc:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        $(#[$doc])*
        #[inline]
        $vis fn $name($($arg: $ty),*) -> $ret {
            #[inline(always)]
            fn body($($arg: $ty),*) -> $ret $body

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            fn avx512($($arg: $ty),*) -> $ret {
                body($($arg),*)
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn avx2($($arg: $ty),*) -> $ret {
                body($($arg),*)
            }

            match $crate::dsp::kernels::simd_level() {
                // SAFETY: `simd_level` reported that this CPU has the feature.
                #[cfg(target_arch = "x86_64")]
                $crate::dsp::kernels::SimdLevel::Avx512 => unsafe { avx512($($arg),*) },
                // SAFETY: as above.
                #[cfg(target_arch = "x86_64")]
                $crate::dsp::kernels::SimdLevel::Avx2 => unsafe { avx2($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}

pub(crate) use crate::multiversion;

multiversion! {
    /// `target[i] += alpha * source[i]` over the shorter of the two.
    pub fn add_scaled(target: &mut [f32], source: &[f32], alpha: f32) {
        for (t, s) in target.iter_mut().zip(source) {
            *t += alpha * *s;
        }
    }
}

multiversion! {
    /// `target[i] += alphas[i] * source[i]` over the shortest of the three, each alpha first
    /// clamped to `[-limit, limit]`: an alpha that is gliding to a new value.
    pub fn add_scaled_varying(target: &mut [f32], source: &[f32], alphas: &[f32], limit: f32) {
        for ((t, s), a) in target.iter_mut().zip(source).zip(alphas) {
            *t += a.clamp(-limit, limit) * *s;
        }
    }
}

multiversion! {
    /// `values[i] = from + step * (first_index + i)`: a linear ramp, each value computed from
    /// its index rather than from the one before. (`i32`, as in [`FadeWeights`].)
    pub fn ramp(values: &mut [f32], from: f32, step: f32, first_index: i32) {
        for (i, value) in values.iter_mut().enumerate() {
            *value = from + step * (first_index + i as i32) as f32;
        }
    }
}

multiversion! {
    /// `block[i] *= gain`.
    pub fn scale(block: &mut [f32], gain: f32) {
        for sample in block.iter_mut() {
            *sample *= gain;
        }
    }
}

multiversion! {
    /// `block[i] *= gains[i]` over the shorter of the two.
    pub fn scale_varying(block: &mut [f32], gains: &[f32]) {
        for (sample, gain) in block.iter_mut().zip(gains) {
            *sample *= *gain;
        }
    }
}

multiversion! {
    /// `wet[i] = gain * (dry[i] + mix * (wet[i] - dry[i]))` over the shorter of the two.
    pub fn mix_and_scale(wet: &mut [f32], dry: &[f32], mix: f32, gain: f32) {
        for (out, &dry) in wet.iter_mut().zip(dry) {
            *out = gain * (dry + mix * (*out - dry));
        }
    }
}

/// What one piece of a crossfade reads and fills: the two voicings' delayed samples, and the
/// slots of the input and output histories its samples are kept in.
#[derive(Debug)]
pub struct FadeSlices<'a> {
    pub delayed: [&'a [f32]; 2],
    pub kept_inputs: &'a mut [f32],
    pub kept_outputs: &'a mut [f32],
}

multiversion! {
    /// One pass of a comb over a block while it crossfades from one voicing to another:
    /// `block[i] = x + wet_from + weight_i * (wet_to - wet_from)`, with the input
    /// `x = block[i]` (NaN and infinities taken as silence), each voicing's delayed sample
    /// scaled by `alphas[i]` clamped to that voicing's limit (`wet_from = a_from *
    /// delayed[0][i]`), and the linear crossfade weight `weight_i` of [`FadeWeights`]. The
    /// input and the output (NaN and infinities stored as 0) are kept. Returns the bits of
    /// the largest output magnitude, as [`peak_magnitude_bits`] would.
    ///
    /// # Panics
    /// If any slice is shorter than `block`.
    pub fn crossfade(
        block: &mut [f32],
        slices: FadeSlices,
        alphas: &[f32],
        alpha_limits: [f32; 2],
        weights: FadeWeights
    ) -> u32 {
        let len = block.len();
        let FadeSlices { delayed: [from, to], kept_inputs, kept_outputs } = slices;
        let (from, to, alphas) = (&from[..len], &to[..len], &alphas[..len]);
        let (kept_inputs, kept_outputs) = (&mut kept_inputs[..len], &mut kept_outputs[..len]);
        let [limit_from, limit_to] = alpha_limits;
        let mut largest = 0u32;
        for i in 0..len {
            let x = finite_or_zero(block[i]);
            let a = alphas[i];
            let wet_from = a.clamp(-limit_from, limit_from) * from[i];
            let wet_to = a.clamp(-limit_to, limit_to) * to[i];
            let y = fade_sample(x, wet_from, wet_to, weights.at(i));
            block[i] = y;
            kept_inputs[i] = x;
            kept_outputs[i] = finite_or_zero(y);
            largest = largest.max(magnitude_bits(y));
        }
        largest
    }
}

/// What one piece of a crossfade within one mode reads and fills: both voicings' delayed
/// samples come from the one history that mode reads, and only that history is kept.
#[derive(Debug)]
pub struct SameModeFadeSlices<'a> {
    pub delayed: [&'a [f32]; 2],
    pub kept: &'a mut [f32],
}

multiversion! {
    /// [`crossfade`] between two voicings of the same mode (a change of delay only): both
    /// read one history and share one alpha limit, so alpha is clamped once, and only the
    /// history the mode reads is kept, the output (NaN and infinities stored as 0) when
    /// `feedback` is set, the input otherwise. Per sample the same arithmetic as
    /// [`crossfade`], so the output is bit-identical to it.
    ///
    /// # Panics
    /// If any slice is shorter than `block`.
    pub fn crossfade_same_mode(
        block: &mut [f32],
        slices: SameModeFadeSlices,
        alphas: &[f32],
        alpha_limit: f32,
        weights: FadeWeights,
        feedback: bool
    ) -> u32 {
        if feedback {
            crossfade_same_mode_with::<true>(block, slices, alphas, alpha_limit, weights)
        } else {
            crossfade_same_mode_with::<false>(block, slices, alphas, alpha_limit, weights)
        }
    }
}

/// The loop of [`crossfade_same_mode`], specialised for the mode.
#[inline(always)]
fn crossfade_same_mode_with<const FEEDBACK: bool>(
    block: &mut [f32],
    slices: SameModeFadeSlices,
    alphas: &[f32],
    limit: f32,
    weights: FadeWeights,
) -> u32 {
    let len = block.len();
    let SameModeFadeSlices {
        delayed: [from, to],
        kept,
    } = slices;
    let (from, to, alphas, kept) = (&from[..len], &to[..len], &alphas[..len], &mut kept[..len]);
    let mut largest = 0u32;
    for i in 0..len {
        let x = finite_or_zero(block[i]);
        let a = alphas[i].clamp(-limit, limit);
        let y = fade_sample(x, a * from[i], a * to[i], weights.at(i));
        block[i] = y;
        kept[i] = if FEEDBACK { finite_or_zero(y) } else { x };
        largest = largest.max(magnitude_bits(y));
    }
    largest
}

/// One sample of a crossfading comb: the input plus the delayed path faded from `wet_from`
/// to `wet_to` by `weight_to`.
#[inline(always)]
pub fn fade_sample(x: f32, wet_from: f32, wet_to: f32, weight_to: f32) -> f32 {
    x + wet_from + weight_to * (wet_to - wet_from)
}

/// A stretch of a comb's history ring that one call both reads and writes: sample `i` of
/// the block reads its delayed sample from `ring[read + i]` and is kept in `ring[write + i]`.
/// Either the reads run at least a vector behind the writes (`read + MAX_LANES <= write`),
/// so a vector only reads slots that earlier vectors or earlier calls wrote, even when the
/// delay is shorter than the block; or they run wholly ahead of them (`read >= write + len`,
/// where the delay reaches back across the ring's end).
#[derive(Debug)]
pub struct RingPiece<'a> {
    pub ring: &'a mut [f32],
    pub read: usize,
    pub write: usize,
}

/// One pass of a comb over a block: the input `block[i]` (NaN and infinities taken as
/// silence), then `block[i] = input + alpha * ring[read + i]`. The ring keeps the outputs
/// when `feedback` is set (the comb reads its own past output), the inputs otherwise; the
/// comb's other history is not kept (see [`CombChannel`](super::comb::CombChannel)).
/// Outputs are kept with NaN and infinities stored as 0. Returns the
/// bits of the largest output magnitude, as [`peak_magnitude`] would, so that no second pass
/// is needed to find out whether the limiter has work.
///
/// # Panics
/// If `ring` does not fit the pattern of [`RingPiece`].
#[inline]
pub fn comb_in_ring(block: &mut [f32], ring: RingPiece, alpha: f32, feedback: bool) -> u32 {
    let gain = RingGain::Steady(alpha);
    let (done, ring, largest) = in_registers(block, ring, feedback, gain);
    let rest = &mut block[done..];
    largest.max(comb_in_ring_vectors(rest, ring, alpha, feedback))
}

/// [`comb_in_ring`] with an alpha per sample (gliding), each clamped to `[-limit, limit]`.
///
/// # Panics
/// As [`comb_in_ring`], and if `alphas` is shorter than `block`.
#[inline]
pub fn comb_in_ring_varying(
    block: &mut [f32],
    ring: RingPiece,
    alphas: &[f32],
    limit: f32,
    feedback: bool,
) -> u32 {
    let alphas = &alphas[..block.len()];
    let gain = RingGain::Gliding { alphas, limit };
    let (done, ring, largest) = in_registers(block, ring, feedback, gain);
    let rest = &mut block[done..];
    let rest_largest = comb_in_ring_varying_vectors(rest, ring, &alphas[done..], limit, feedback);
    largest.max(rest_largest)
}

/// The first part of a comb pass: where the lane shift takes this feed-back delay (AVX-512,
/// a delay of one to three vectors and a part, reads trailing writes), its whole windows.
/// Returns how many samples it did, the ring piece left for the rest, and the bits of the
/// largest output magnitude so far.
#[inline]
fn in_registers<'a>(
    block: &mut [f32],
    piece: RingPiece<'a>,
    feedback: bool,
    gain: RingGain,
) -> (usize, RingPiece<'a>, u32) {
    let RingPiece { ring, read, write } = piece;
    let (done, largest) = match write.checked_sub(read) {
        Some(delay) if feedback && lane_shift::handles_in_ring(delay) => {
            lane_shift::comb_in_ring(block, ring, read, write, gain)
        }
        _ => (0, 0),
    };
    let rest = RingPiece {
        ring,
        read: read + done,
        write: write + done,
    };
    (done, rest, largest)
}

multiversion! {
    /// [`comb_in_ring`] a vector at a time, with the delayed samples loaded from the ring.
    fn comb_in_ring_vectors(
        block: &mut [f32],
        ring: RingPiece,
        alpha: f32,
        feedback: bool
    ) -> u32 {
        let alpha = SteadyAlpha(alpha);
        if feedback {
            comb_in_ring_with::<true>(block, ring, alpha)
        } else {
            comb_in_ring_with::<false>(block, ring, alpha)
        }
    }
}

multiversion! {
    /// [`comb_in_ring_varying`] a vector at a time, with the delayed samples loaded from the
    /// ring.
    fn comb_in_ring_varying_vectors(
        block: &mut [f32],
        ring: RingPiece,
        alphas: &[f32],
        limit: f32,
        feedback: bool
    ) -> u32 {
        let alpha = GlidingAlpha {
            alphas: &alphas[..block.len()],
            limit,
        };
        if feedback {
            comb_in_ring_with::<true>(block, ring, alpha)
        } else {
            comb_in_ring_with::<false>(block, ring, alpha)
        }
    }
}

/// Where a kernel's alphas come from: one per sample, already clamped. A trait rather than
/// closures, because closures do not take on the vector unit of the kernel they are used in
/// and are then called instead of inlined.
trait AlphaSource {
    /// The alpha of sample `i`.
    fn at(&self, i: usize) -> f32;
    /// The alphas of the whole vector starting at sample `start`.
    fn vector(&self, start: usize) -> [f32; MAX_LANES];
}

/// One alpha for every sample.
struct SteadyAlpha(f32);

impl AlphaSource for SteadyAlpha {
    #[inline(always)]
    fn at(&self, _: usize) -> f32 {
        self.0
    }

    #[inline(always)]
    fn vector(&self, _: usize) -> [f32; MAX_LANES] {
        [self.0; MAX_LANES]
    }
}

/// An alpha per sample, each clamped to `[-limit, limit]`.
struct GlidingAlpha<'a> {
    alphas: &'a [f32],
    limit: f32,
}

impl AlphaSource for GlidingAlpha<'_> {
    #[inline(always)]
    fn at(&self, i: usize) -> f32 {
        self.alphas[i].clamp(-self.limit, self.limit)
    }

    #[inline(always)]
    fn vector(&self, start: usize) -> [f32; MAX_LANES] {
        let mut vector: [f32; MAX_LANES] = self.alphas[start..][..MAX_LANES].try_into().unwrap();
        for a in &mut vector {
            *a = a.clamp(-self.limit, self.limit);
        }
        vector
    }
}

/// The loop of [`comb_in_ring`], a vector at a time: a vector's delayed samples are loaded
/// before any of its results is stored, and vectors go in order, so with the reads at least
/// a vector behind the writes every read sees what the recursion needs. The largest
/// magnitude is kept per lane and folded at the end.
#[inline(always)]
fn comb_in_ring_with<const FEEDBACK: bool>(
    block: &mut [f32],
    ring: RingPiece,
    alphas: impl AlphaSource,
) -> u32 {
    let RingPiece { ring, read, write } = ring;
    let len = block.len();
    assert!(read.max(write) <= ring.len() && len <= ring.len() - read.max(write));
    assert!(read + MAX_LANES <= write || read >= write + len);
    let mut largest = [0u32; MAX_LANES];
    for (index, samples) in block.chunks_exact_mut(MAX_LANES).enumerate() {
        let start = index * MAX_LANES;
        let delayed: [f32; MAX_LANES] = ring[read + start..][..MAX_LANES].try_into().unwrap();
        let kept_in_ring = &mut ring[write + start..][..MAX_LANES];
        let alphas = alphas.vector(start);
        for lane in 0..MAX_LANES {
            let (y, kept) = comb_sample::<FEEDBACK>(samples[lane], alphas[lane], delayed[lane]);
            samples[lane] = y;
            kept_in_ring[lane] = kept;
            largest[lane] = largest[lane].max(magnitude_bits(y));
        }
    }
    let done = len - len % MAX_LANES;
    for i in done..len {
        let (y, kept) = comb_sample::<FEEDBACK>(block[i], alphas.at(i), ring[read + i]);
        block[i] = y;
        ring[write + i] = kept;
        largest[0] = largest[0].max(magnitude_bits(y));
    }
    largest.into_iter().max().unwrap_or(0)
}

/// One sample of a comb: the output `x + alpha * delayed` (a non-finite input taken as
/// silence) and what the ring keeps: the output for feed-back (NaN and infinities stored as
/// 0), the input otherwise.
#[inline(always)]
fn comb_sample<const FEEDBACK: bool>(input: f32, alpha: f32, delayed: f32) -> (f32, f32) {
    let x = finite_or_zero(input);
    let y = x + alpha * delayed;
    let kept = if FEEDBACK { finite_or_zero(y) } else { x };
    (y, kept)
}

/// The weights of a linear crossfade over one call: sample `i` gets
/// `(first_index + i) * step` of the voicing faded to. The index is an `i32` because every
/// vector unit converts those to floats in one instruction; 64-bit or unsigned indices would
/// be converted one lane at a time (a fade is far shorter than 2^31 samples).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FadeWeights {
    pub first_index: i32,
    pub step: f32,
}

impl FadeWeights {
    /// The same fade, `offset` samples on.
    #[inline(always)]
    pub fn skip(self, offset: usize) -> Self {
        Self {
            first_index: self.first_index + offset as i32,
            ..self
        }
    }

    /// The weight of sample `i` of the call.
    #[inline(always)]
    pub fn at(self, i: usize) -> f32 {
        (self.first_index + i as i32) as f32 * self.step
    }
}

/// What the comb's histories store of a sample: NaN or infinity from bad input would
/// otherwise circulate in the feed-back loop forever; stored as silence, it is gone one tau
/// after the bad input stops. A select, not a branch, so loops stay vectorised.
#[inline(always)]
pub fn finite_or_zero(v: f32) -> f32 {
    if v.is_finite() { v } else { 0.0 }
}

multiversion! {
    /// Copies `from` into `to`, storing NaN and infinities as 0.
    pub fn copy_finite(to: &mut [f32], from: &[f32]) {
        for (to, &from) in to.iter_mut().zip(from) {
            *to = finite_or_zero(from);
        }
    }
}

multiversion! {
    /// The bits of the largest sample magnitude (0 for an empty block). For non-negative
    /// floats the bit patterns sort like the values, and NaN's sort above infinity's, so
    /// this is one integer maximum: a fold that vectorises fully, with no branch. Read it
    /// with [`f32::from_bits`]: NaN if any sample is NaN, so `peak <= limit` is false then.
    pub fn peak_magnitude_bits(block: &[f32]) -> u32 {
        block
            .iter()
            .fold(0u32, |largest, &v| largest.max(magnitude_bits(v)))
    }
}

/// The largest sample magnitude of `block`; NaN if any sample is NaN.
pub fn peak_magnitude(block: &[f32]) -> f32 {
    f32::from_bits(peak_magnitude_bits(block))
}

/// The bits of `|v|` (NaN stays NaN, with the sign bit cleared).
#[inline(always)]
fn magnitude_bits(v: f32) -> u32 {
    v.to_bits() & !(1 << 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every unit this CPU has gives the scalar loop's exact result, on lengths that leave
    /// remainders after whole vectors.
    #[test]
    fn kernels_equal_the_scalar_loop() {
        for len in [0, 1, 7, 16, 17, 100] {
            let source: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let mut target: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let want: Vec<f32> = target
                .iter()
                .zip(&source)
                .map(|(t, s)| t + 0.3 * s)
                .collect();
            add_scaled(&mut target, &source, 0.3);
            assert_eq!(target, want);
        }
        assert!(["SSE2", "AVX2", "AVX-512", "baseline"].contains(&simd_name()));
    }

    /// The ring kernels equal the textbook loops when the delay is shorter than the block
    /// (a vector reads what the vectors before it wrote), at every delay from one vector to
    /// past two and lengths that leave remainders; the ring keeps the history the mode reads.
    #[test]
    fn ring_kernels_equal_the_plain_recursion() {
        // Mostly moderate audio; NaN and infinities, which count as silence; and every 7th
        // sample from 30 on at `f32::MAX`, so that at delays of multiples of 7 the loop's
        // output overflows to infinity and must be kept as 0.
        let x: Vec<f32> = (0..300)
            .map(|n| match n {
                3 => f32::NAN,
                4 => f32::INFINITY,
                9 => f32::NEG_INFINITY,
                n if n >= 30 && n % 7 == 0 => f32::MAX,
                n => ((n * 37 % 101) as f32 - 50.0) / 64.0,
            })
            .collect();
        let finite_or_silence = |v: f32| if v.is_finite() { v } else { 0.0 };
        let alphas: Vec<f32> = (0..300).map(|n| 1.2 - n as f32 / 150.0).collect();
        for delay in (MAX_LANES..=40).chain([48, 63, 64, 70, 77, 112, 130]) {
            for len in [0, 1, 15, 16, 17, 33, 100, 256] {
                for feedback in [true, false] {
                    for varying in [false, true] {
                        let limit = 0.9;
                        let alpha_at = |n: usize| match varying {
                            true => alphas[n].clamp(-limit, limit),
                            false => 0.7,
                        };
                        // The history before the block, then the block: y = x + a * h[n - delay].
                        let past: Vec<f32> = (0..delay).map(|n| n as f32 / 8.0).collect();
                        let mut history = past.clone();
                        let mut want = Vec::new();
                        for n in 0..len {
                            let input = finite_or_silence(x[n]);
                            let y = input + alpha_at(n) * history[n];
                            history.push(if feedback {
                                finite_or_silence(y)
                            } else {
                                input
                            });
                            want.push(y);
                        }
                        let mut ring = past.clone();
                        ring.resize(delay + len, f32::NAN);
                        let mut block = x[..len].to_vec();
                        let piece = RingPiece {
                            ring: &mut ring,
                            read: 0,
                            write: delay,
                        };
                        let peak = match varying {
                            true => {
                                comb_in_ring_varying(&mut block, piece, &alphas, limit, feedback)
                            }
                            false => comb_in_ring(&mut block, piece, 0.7, feedback),
                        };
                        let case = format!("delay {delay}, len {len}, feed-back {feedback}");
                        assert_eq!(block, want, "{case}");
                        assert_eq!(ring, history, "{case}");
                        assert_eq!(peak, peak_magnitude_bits(&want), "{case}");
                    }
                }
            }
        }
    }

    /// `peak_magnitude(block) <= limit` agrees with `|x| <= limit` sample by sample, at the
    /// edges that matter: the limit itself, the next float up, negative values, infinities,
    /// NaNs of either sign anywhere in a block. The fused comb kernel reports the same peak.
    #[test]
    fn peak_magnitude_matches_the_comparison() {
        let just_over = f32::from_bits(1.0f32.to_bits() + 1);
        let cases: [(f32, bool); 9] = [
            (0.5, true),
            (1.0, true),
            (-1.0, true),
            (just_over, false),
            (-just_over, false),
            (f32::INFINITY, false),
            (f32::NEG_INFINITY, false),
            (f32::NAN, false),
            (-f32::NAN, false),
        ];
        for (value, within) in cases {
            for position in [0, 5, 16, 33] {
                let mut block = vec![0.25f32; 40];
                block[position] = value;
                assert_eq!(
                    peak_magnitude(&block) <= 1.0,
                    within,
                    "{value} at {position}"
                );
                let mut output = block.clone();
                // Silent delayed samples: the reads run ahead of the writes here.
                let mut ring = vec![0.0; 80];
                let ring = RingPiece {
                    ring: &mut ring,
                    read: 40,
                    write: 0,
                };
                let peak = comb_in_ring(&mut output, ring, 0.5, true);
                let finite_within = value.is_finite() && value.abs() <= 1.0;
                assert_eq!(
                    f32::from_bits(peak) <= 1.0,
                    !value.is_finite() || finite_within
                );
            }
        }
        assert_eq!(peak_magnitude(&[]), 0.0);
        assert_eq!(peak_magnitude(&[f32::MAX, -f32::MAX]), f32::MAX);
        assert_eq!(peak_magnitude(&[-0.75, 0.5]), 0.75);
    }
}
