//! From tau to each channel's delay: the stereo spread rule and prime snapping.

use super::table::PrimeLookup;

/// At full spread the left delay is this much shorter than tau and the right one this much
/// longer: 1/8, about two semitones either way for the comb's fundamental.
pub const MAX_SPREAD_RATIO: f32 = 0.125;

/// The delays of the left and right channel, in samples, for a tau of `delay_samples`.
///
/// - Spread `s` (0 to 1) moves the channels apart around tau: left `tau * (1 - s/8)`, right
///   `tau * (1 + s/8)`, neither shorter than one sample.
/// - With a prime lookup (prime snap on), each delay is snapped to its nearest prime (ties to
///   the smaller). If spread is above 0 and both land on the same prime, the right channel
///   takes the next prime above the left's, so the channels always differ.
/// - Where the lookup cannot answer (past its table), the delay stays unsnapped.
pub fn stereo_delays(
    delay_samples: f32,
    spread: f32,
    primes: Option<&dyn PrimeLookup>,
) -> [f32; 2] {
    let offset = spread.clamp(0.0, 1.0) * MAX_SPREAD_RATIO;
    let left = (delay_samples * (1.0 - offset)).max(1.0);
    let right = (delay_samples * (1.0 + offset)).max(1.0);
    let Some(primes) = primes else {
        return [left, right];
    };
    let snapped_left = primes.nearest_prime(left);
    // Without spread both channels have one delay: one lookup does (it runs every block
    // while tau is automated).
    let nearest_right = match right == left {
        true => snapped_left,
        false => primes.nearest_prime(right),
    };
    let snapped_right = match (snapped_left, nearest_right) {
        (Some(l), Some(r)) if offset > 0.0 && r <= l => primes.next_prime_above(l),
        (_, r) => r,
    };
    [
        snapped_left.map_or(left, |p| p as f32),
        snapped_right.map_or(right, |p| p as f32),
    ]
}

/// The delay of a mono channel: tau itself (spread needs two channels), snapped like the
/// stereo ones.
pub fn mono_delay(delay_samples: f32, primes: Option<&dyn PrimeLookup>) -> f32 {
    stereo_delays(delay_samples, 0.0, primes)[0]
}

/// The delay of each of `channels` channels (one or two): [`mono_delay`] for one, otherwise
/// [`stereo_delays`]. Mono repeats its delay in both slots.
pub fn channel_delays(
    delay_samples: f32,
    spread: f32,
    channels: usize,
    primes: Option<&dyn PrimeLookup>,
) -> [f32; 2] {
    match channels {
        1 => [mono_delay(delay_samples, primes); 2],
        _ => stereo_delays(delay_samples, spread, primes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primes::table::PrimeSearch;

    /// Hand-worked: tau 48 samples. No spread: both 47. Full spread: left 42 (41 and 43 tie,
    /// the smaller wins), right 54 (nearest 53). Unsnapped: 42 and 54 exactly.
    #[test]
    fn spread_and_snap_by_hand() {
        assert_eq!(stereo_delays(48.0, 0.0, Some(&PrimeSearch)), [47.0, 47.0]);
        assert_eq!(stereo_delays(48.0, 1.0, Some(&PrimeSearch)), [41.0, 53.0]);
        assert_eq!(stereo_delays(48.0, 1.0, None), [42.0, 54.0]);
        assert_eq!(mono_delay(48.0, Some(&PrimeSearch)), 47.0);
    }

    /// A small spread that moves both delays to the same prime still separates the channels:
    /// 1% spread around 48 is 47.94 and 48.06, both nearest 47, so right takes 53.
    #[test]
    fn any_spread_separates_the_primes() {
        assert_eq!(stereo_delays(48.0, 0.01, Some(&PrimeSearch)), [47.0, 53.0]);
    }
}
