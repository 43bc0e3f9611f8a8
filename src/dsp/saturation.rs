//! The drive curve: a soft saturation of the comb's delayed path.
//!
//! `S(v) = v / sqrt(1 + (k v)^2)`: slope 1 at 0, so quiet signals pass as they were, and
//! bounded by `1/k`, so a feed-back loop that would build up past that compresses instead,
//! however high alpha is. It is smooth everywhere (no kink for harmonics to pile up at, so
//! aliasing stays low at moderate drive), odd (no DC from a symmetric signal), and made of a
//! square root and a division, which every vector unit computes exactly, so results do not
//! depend on the unit.

/// The knee's gain `k` at full drive: the delayed path never exceeds `1/8` (-18 dBFS).
pub const MAX_DRIVE_GAIN: f32 = 8.0;

/// Samples larger than this pass the curve as this: `(k v)^2` stays finite, and the curve
/// is flat there anyway.
const LARGEST_INPUT: f32 = 1e15;

/// The knee gain `k` at drive `drive` (0 to 1): 0 is no saturation at all.
#[inline(always)]
pub fn knee_gain(drive: f32) -> f32 {
    MAX_DRIVE_GAIN * drive
}

/// The curve at knee gain `k`. `k = 0` returns `v` exactly.
#[inline(always)]
pub fn saturate(v: f32, k: f32) -> f32 {
    let v = v.clamp(-LARGEST_INPUT, LARGEST_INPUT);
    let kv = k * v;
    v / (1.0 + kv * kv).sqrt()
}

/// The largest magnitude the curve gives at drive `drive`: `1/k`, infinite at 0.
pub fn ceiling(drive: f32) -> f32 {
    1.0 / knee_gain(drive)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: at k = 1, `S(1) = 1/sqrt(2)`, `S(-3/4) = -0.75/1.25 = -0.6`; the curve stays
    /// under `1/k` for any input, and k = 0 is the identity bit for bit.
    #[test]
    fn curve_by_hand() {
        assert!((saturate(1.0, 1.0) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-7);
        assert!((saturate(-0.75, 1.0) + 0.6).abs() < 1e-7);
        for v in [1e-30, 0.1, 1.0, 1e3, 1e30, f32::MAX] {
            assert!(saturate(v, 4.0) <= 0.25 && saturate(-v, 4.0) >= -0.25);
            assert!(saturate(v, 4.0) > 0.0);
            assert_eq!(saturate(v.min(1e15), 0.0), v.min(1e15));
        }
        assert_eq!(saturate(0.123_456_7, 0.0), 0.123_456_7);
        assert_eq!(ceiling(1.0), 0.125);
    }
}
