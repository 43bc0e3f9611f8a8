//! The vector kernels every comb runs on: `target += alpha * source` over slices, compiled
//! for the widest vector unit the CPU has (AVX-512, AVX2, or the SSE2 every x86-64 has),
//! chosen at run time, so one build runs well everywhere.
//!
//! Results are bit-identical whichever unit runs them: Rust never fuses `a * b + c` into an
//! FMA on its own, so the vector and scalar code round the same way, and a stream gives the
//! same samples however it is split into blocks.

use std::sync::atomic::{AtomicU8, Ordering};

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

multiversion! {
    /// The comb output while a delay change crossfades from one delayed path to another:
    /// `block[i] = x + wet_from + weight_i * (wet_to - wet_from)`, with the input
    /// `x = block[i]` (NaN and infinities taken as silence), each path's delayed sample
    /// scaled by `alphas[i]` clamped to that voicing's limit (`wet_from = a_from * from[i]`),
    /// and the linear crossfade weight `weight_i` of [`FadeWeights`]. The result is kept in
    /// `outputs[i]`, with NaN and infinities stored as 0 there. Returns the bits of the
    /// largest output magnitude, as [`peak_magnitude_bits`] would.
    pub fn crossfade_keeping_output(
        block: &mut [f32],
        from: &[f32],
        to: &[f32],
        alphas: &[f32],
        alpha_limits: [f32; 2],
        weights: FadeWeights,
        outputs: &mut [f32]
    ) -> u32 {
        let [limit_from, limit_to] = alpha_limits;
        let paths = from.iter().zip(to).zip(alphas);
        let mut largest = 0u32;
        for (i, ((y, ((&from, &to), &a)), output)) in block.iter_mut().zip(paths).zip(outputs).enumerate() {
            let wet_from = a.clamp(-limit_from, limit_from) * from;
            let wet_to = a.clamp(-limit_to, limit_to) * to;
            let weight_to = (weights.first_index + i as i32) as f32 * weights.step;
            *y = finite_or_zero(*y) + wet_from + weight_to * (wet_to - wet_from);
            *output = finite_or_zero(*y);
            largest = largest.max(magnitude_bits(*y));
        }
        largest
    }
}

multiversion! {
    /// One pass of a comb over matching pieces: the input `block[i]` (NaN and infinities
    /// taken as silence) kept in `inputs[i]`, then `block[i] = input + alpha * delayed[i]`,
    /// and the result kept in `outputs[i]`, with NaN and infinities stored as 0 there.
    /// Returns the bits of the largest output magnitude, as [`peak_magnitude`] would, so
    /// that no second pass is needed to find out whether the limiter has work.
    pub fn comb_keeping_history(
        block: &mut [f32],
        delayed: &[f32],
        inputs: &mut [f32],
        outputs: &mut [f32],
        alpha: f32
    ) -> u32 {
        let slots = inputs.iter_mut().zip(outputs.iter_mut());
        let mut largest = 0u32;
        for ((y, &d), (input, output)) in block.iter_mut().zip(delayed).zip(slots) {
            largest = largest.max(comb_step(y, d, alpha, input, output));
        }
        largest
    }
}

multiversion! {
    /// [`comb_keeping_history`] with an alpha per sample (gliding), each clamped to
    /// `[-limit, limit]`.
    pub fn comb_keeping_history_varying(
        block: &mut [f32],
        delayed: &[f32],
        alphas: &[f32],
        limit: f32,
        inputs: &mut [f32],
        outputs: &mut [f32]
    ) -> u32 {
        let slots = inputs.iter_mut().zip(outputs.iter_mut());
        let mut largest = 0u32;
        for (((y, &d), &a), (input, output)) in block.iter_mut().zip(delayed).zip(alphas).zip(slots) {
            largest = largest.max(comb_step(y, d, a.clamp(-limit, limit), input, output));
        }
        largest
    }
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

/// One sample of [`comb_keeping_history`]; returns the output's magnitude bits.
#[inline(always)]
fn comb_step(y: &mut f32, delayed: f32, alpha: f32, input: &mut f32, output: &mut f32) -> u32 {
    let x = finite_or_zero(*y);
    *input = x;
    *y = x + alpha * delayed;
    *output = finite_or_zero(*y);
    magnitude_bits(*y)
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
                let zeros = vec![0.0; 40];
                let (mut inputs, mut outputs) = (vec![0.0; 40], vec![0.0; 40]);
                let peak =
                    comb_keeping_history(&mut output, &zeros, &mut inputs, &mut outputs, 0.5);
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
