//! What keeps bad input and extreme settings from reaching the user's ears: non-finite input
//! becomes silence, and a soft limiter above 0 dBFS that costs nothing while it is idle (the
//! pass that made the block reports its peak).

use super::kernels;

/// Level above which the safety limiter bends the output: 0 dBFS.
pub const LIMIT_THRESHOLD: f32 = 1.0;

/// The level the limited output approaches but never reaches: +3 dBFS.
pub const LIMIT_CEILING: f32 = 1.412_537_5;

/// Replaces NaN and infinite samples by 0. Policy: a sample that is not a number carries no
/// sound, so it is treated as silence before it can reach the filter's memory.
/// Returns whether any sample was replaced.
pub fn silence_non_finite(block: &mut [f32]) -> bool {
    // NaN fails every comparison, infinity this one.
    if kernels::peak_magnitude(block) <= f32::MAX {
        return false;
    }
    for sample in block.iter_mut() {
        if !sample.is_finite() {
            *sample = 0.0;
        }
    }
    true
}

/// The safety limiter. Samples within 0 dBFS pass bit for bit; above it, the excess is bent
/// by a tanh curve that leaves 0 dBFS with slope 1 (no kink) and approaches +3 dBFS, so no
/// setting, however resonant, can send more than 3 dB over full scale to the speakers.
/// Non-finite samples (which only extreme gains could make) become 0.
///
/// `peak` is the block's largest magnitude, as [`kernels::peak_magnitude`] gives it (NaN if
/// any sample is NaN): below the threshold nothing is read.
pub fn limit(block: &mut [f32], peak: f32) {
    if peak <= LIMIT_THRESHOLD {
        return;
    }
    let headroom = LIMIT_CEILING - LIMIT_THRESHOLD;
    for sample in block.iter_mut() {
        let level = sample.abs();
        if level <= LIMIT_THRESHOLD {
            continue;
        }
        let bent = if level.is_finite() {
            LIMIT_THRESHOLD + headroom * ((level - LIMIT_THRESHOLD) / headroom).tanh()
        } else if level.is_nan() {
            0.0
        } else {
            LIMIT_CEILING
        };
        *sample = bent.copysign(*sample);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-worked: samples within full scale are untouched; 1.1 is bent to
    /// 1 + 0.4125 * tanh(0.1 / 0.4125) = 1 + 0.4125 * 0.2378 = 1.0981; huge values approach but stay under +3 dBFS;
    /// the curve is continuous at full scale.
    #[test]
    fn limiter_by_hand() {
        let mut block = [
            0.5,
            -1.0,
            1.1,
            -1.1,
            1e30,
            f32::INFINITY,
            f32::NAN,
            1.000_001,
        ];
        let peak = kernels::peak_magnitude(&block);
        limit(&mut block, peak);
        assert_eq!(block[..2], [0.5, -1.0]);
        assert!((block[2] - 1.0981).abs() < 1e-4, "{}", block[2]);
        assert_eq!(block[3], -block[2]);
        assert!(block[4] <= LIMIT_CEILING && block[4] > 1.41);
        assert_eq!(block[5], LIMIT_CEILING);
        assert_eq!(block[6], 0.0);
        assert!((block[7] - 1.000_001).abs() < 1e-6);
    }

    #[test]
    fn non_finite_input_becomes_silence() {
        let mut block = [
            1.0,
            f32::NAN,
            f32::NEG_INFINITY,
            -0.5,
            f32::MIN_POSITIVE / 2.0,
        ];
        assert!(silence_non_finite(&mut block));
        assert_eq!(block, [1.0, 0.0, 0.0, -0.5, f32::MIN_POSITIVE / 2.0]);
        assert!(!silence_non_finite(&mut block));
    }
}
