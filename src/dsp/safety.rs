//! What keeps extreme settings from reaching the user's ears (non-finite and subnormal input
//! is taken as silence by the comb itself): a soft limiter above 0 dBFS that costs nothing
//! while it is idle (the pass that made the block reports its peak).

use super::kernels;

/// Level above which the safety limiter bends the output: 0 dBFS.
pub const LIMIT_THRESHOLD: f32 = 1.0;

/// The level the limited output approaches but never reaches: +3 dBFS.
pub const LIMIT_CEILING: f32 = 1.412_537_5;

/// The safety limiter. Samples within 0 dBFS pass bit for bit; above it, the excess `e` is
/// bent by the cubic soft clip `h * f(e / h)`, `f(s) = s - 4 s^3 / 27` up to `s = 3/2`,
/// where it reaches 1 with slope 0, and 1 beyond: it leaves 0 dBFS with slope 1 (no kink)
/// and reaches +3 dBFS (`h` above) smoothly, so no setting, however resonant, can send more
/// than 3 dB over full scale to the speakers. A polynomial and a select: it vectorises, and
/// costs a fraction of the comb even when every sample is loud (a `tanh` per sample cost
/// more than the whole comb). NaN becomes 0.
///
/// `peak` is the block's largest magnitude, as [`kernels::peak_magnitude`] gives it (NaN if
/// any sample is NaN): below the threshold nothing is read.
#[inline(always)]
pub fn limit(block: &mut [f32], peak: f32) {
    if peak <= LIMIT_THRESHOLD {
        return;
    }
    let headroom = LIMIT_CEILING - LIMIT_THRESHOLD;
    for sample in block.iter_mut() {
        let level = sample.abs();
        // `min` takes infinity to the knee's end; NaN fails `level > threshold` below.
        let excess = ((level - LIMIT_THRESHOLD) / headroom).min(1.5);
        let bent = LIMIT_THRESHOLD + headroom * (excess - (4.0 / 27.0) * excess * excess * excess);
        let limited = if level > LIMIT_THRESHOLD {
            bent.copysign(*sample)
        } else {
            *sample
        };
        *sample = kernels::finite_or_zero(limited);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-worked: samples within full scale are untouched; 1.1 is bent to
    /// 1 + h (s - 4 s^3 / 27) with h = 0.41254 and s = 0.1 / h = 0.24240, so
    /// 1 + 0.41254 * (0.24240 - 0.00211) = 1.09913; huge values and infinity land on +3 dBFS;
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
        assert!((block[2] - 1.09913).abs() < 1e-5, "{}", block[2]);
        assert_eq!(block[3], -block[2]);
        assert_eq!(block[4], LIMIT_CEILING);
        assert_eq!(block[5], LIMIT_CEILING);
        assert_eq!(block[6], 0.0);
        assert!((block[7] - 1.000_001).abs() < 1e-6);
    }
}
