//! Delay tables: the primes up to the longest delay at one sample rate, and "the nearest prime
//! to d samples" without allocating.

use super::sieve::{OddSieve, is_prime};

/// Finds primes near a delay. Implemented by [`PrimeTable`] (an indexed lookup, for the audio
/// thread) and [`PrimeSearch`] (primality tests outward from the delay, for anything that has
/// no table at hand, such as value text).
pub trait PrimeLookup {
    /// The prime nearest to `delay_samples` (ties go to the smaller, shorter delay), or None if
    /// the lookup cannot see that far.
    fn nearest_prime(&self, delay_samples: f32) -> Option<u32>;

    /// The smallest prime above `n`, or None if the lookup cannot see that far.
    fn next_prime_above(&self, n: u32) -> Option<u32>;
}

/// The primes below a limit, for one sample rate.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimeTable {
    /// The sample rate this table was built for, in Hz.
    sample_rate: f32,
    /// Every prime below the table's limit, increasing.
    primes: Vec<u32>,
    /// For each stretch of [`BUCKET_SAMPLES`] numbers, the index in `primes` of its first
    /// prime (the count of primes below it), so a lookup searches a handful of primes.
    bucket_starts: Vec<u32>,
}

/// The width of a stretch of numbers in the lookup index: at the longest delays (10^5 to
/// 10^6 samples) it holds about five primes, and the index has one entry per 64 numbers.
const BUCKET_SAMPLES: u32 = 64;

/// How far past the longest delay the table reaches, so that the nearest prime above it is
/// in the table: prime gaps below 2^32 are at most 336.
const LOOKAHEAD_SAMPLES: u32 = 512;

impl PrimeTable {
    /// The primes up to (and a little past) `max_delay_samples`, for `sample_rate`.
    /// Allocates and sieves: run it off the audio thread.
    pub fn build(sample_rate: f32, max_delay_samples: u32) -> Self {
        let limit = max_delay_samples.saturating_add(LOOKAHEAD_SAMPLES);
        let primes: Vec<u32> = OddSieve::new(limit).primes().collect();
        let buckets = limit / BUCKET_SAMPLES + 1;
        let bucket_starts = (0..buckets)
            .map(|bucket| primes.partition_point(|&p| p < bucket * BUCKET_SAMPLES) as u32)
            .collect();
        Self {
            sample_rate,
            primes,
            bucket_starts,
        }
    }

    /// The index of the first prime not below `n` (the table's length if there is none):
    /// a search among the primes of `n`'s bucket only.
    fn first_not_below(&self, n: u32) -> usize {
        let bucket = (n / BUCKET_SAMPLES) as usize;
        let Some(&start) = self.bucket_starts.get(bucket) else {
            return self.primes.len();
        };
        let end = self
            .bucket_starts
            .get(bucket + 1)
            .map_or(self.primes.len(), |&end| end as usize);
        // A count rather than a binary search: a bucket holds a handful of primes, and a
        // count has no chain of dependent loads.
        let start = start as usize;
        start + self.primes[start..end].iter().filter(|&&p| p < n).count()
    }

    /// The sample rate this table was built for, in Hz.
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Whether the table answers every lookup up to `max_delay_samples`.
    pub fn covers(&self, max_delay_samples: u32) -> bool {
        self.primes
            .last()
            .is_some_and(|&largest| largest > max_delay_samples)
    }

    /// The primes in the table, increasing.
    pub fn primes(&self) -> &[u32] {
        &self.primes
    }
}

impl PrimeLookup for PrimeTable {
    /// O(1): an index lookup and a search among a few primes. None past the largest prime
    /// in the table, where the nearest prime might lie beyond it.
    fn nearest_prime(&self, delay_samples: f32) -> Option<u32> {
        let delay = f64::from(delay_samples);
        // The first prime not below the delay. A whole p is below the delay exactly when it
        // is below its ceiling, so the search compares integers.
        let above = self.first_not_below(ceil_u32(delay));
        let upper = *self.primes.get(above)?;
        let Some(&lower) = above.checked_sub(1).and_then(|i| self.primes.get(i)) else {
            return Some(upper);
        };
        Some(closer(lower, upper, delay))
    }

    fn next_prime_above(&self, n: u32) -> Option<u32> {
        self.primes
            .get(self.first_not_below(n.checked_add(1)?))
            .copied()
    }
}

/// Primality tests outward from the delay: a handful of them, since primes are dense.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrimeSearch;

impl PrimeLookup for PrimeSearch {
    fn nearest_prime(&self, delay_samples: f32) -> Option<u32> {
        let delay = f64::from(delay_samples);
        if delay.is_nan() || delay > f64::from(u32::MAX - 4) {
            return None;
        }
        let floor = delay.floor().max(0.0) as u32;
        let ceil = delay.ceil().max(1.0) as u32;
        let lower = (2..=floor).rev().find(|&n| is_prime(n.into()));
        let upper = self.next_prime_above(ceil - 1)?;
        Some(match lower {
            Some(lower) => closer(lower, upper, delay),
            None => upper,
        })
    }

    fn next_prime_above(&self, n: u32) -> Option<u32> {
        (n.checked_add(1)?..=u32::MAX).find(|&m| is_prime(m.into()))
    }
}

/// The smallest whole number not below `x`; 0 for NaN and negatives, `u32::MAX` beyond it.
/// The same as `x.ceil() as u32`, without the library call `ceil` is on baseline x86-64.
fn ceil_u32(x: f64) -> u32 {
    let whole = x as u32;
    match f64::from(whole) < x {
        true => whole.saturating_add(1),
        false => whole,
    }
}

/// Of two primes around `delay`, the nearer one; the lower on a tie.
fn closer(lower: u32, upper: u32, delay: f64) -> u32 {
    if delay - f64::from(lower) <= f64::from(upper) - delay {
        lower
    } else {
        upper
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ceil_u32` is `ceil` then a saturating cast, at the edges: fractions either side of
    /// zero, whole numbers, the largest `u32` and past it, infinities and NaN.
    #[test]
    fn ceil_u32_is_the_ceiling() {
        let cases = [
            (f64::NAN, 0),
            (f64::NEG_INFINITY, 0),
            (-3.5, 0),
            (-0.5, 0),
            (0.0, 0),
            (1e-300, 1),
            (2.0, 2),
            (2.000_000_1, 3),
            (47.37, 48),
            (4_294_967_294.5, u32::MAX),
            (4_294_967_295.0, u32::MAX),
            (4_294_967_295.5, u32::MAX),
            (1e12, u32::MAX),
            (f64::INFINITY, u32::MAX),
        ];
        for (x, want) in cases {
            assert_eq!(ceil_u32(x), want, "{x}");
            assert_eq!(x.ceil() as u32, want, "{x}");
        }
    }

    /// Hand-worked lookups: 48 lies between 47 and 53 (47 is nearer); 4 lies midway between
    /// 3 and 5 (the tie goes to 3); below 2 the answer is 2; 2.6 is nearer to 3.
    #[test]
    fn nearest_by_hand() {
        let table = PrimeTable::build(48_000.0, 100);
        for lookup in [&table as &dyn PrimeLookup, &PrimeSearch] {
            assert_eq!(lookup.nearest_prime(48.0), Some(47));
            assert_eq!(lookup.nearest_prime(51.0), Some(53));
            assert_eq!(lookup.nearest_prime(4.0), Some(3));
            assert_eq!(lookup.nearest_prime(1.0), Some(2));
            assert_eq!(lookup.nearest_prime(0.0), Some(2));
            assert_eq!(lookup.nearest_prime(2.6), Some(3));
            assert_eq!(lookup.next_prime_above(47), Some(53));
            assert_eq!(lookup.next_prime_above(1), Some(2));
        }
    }

    /// The table's edges: the last delay it covers still finds its nearest prime, and past the
    /// largest prime in it the table says None instead of a wrong answer.
    #[test]
    fn table_edges() {
        let table = PrimeTable::build(8_000.0, 1_000);
        let largest = *table.primes().last().unwrap();
        assert!(largest > 1_000);
        assert_eq!(
            table.nearest_prime(1_000.0),
            PrimeSearch.nearest_prime(1_000.0)
        );
        assert_eq!(table.nearest_prime(largest as f32), Some(largest));
        assert_eq!(table.nearest_prime(largest as f32 + 0.5), None);
        assert_eq!(table.next_prime_above(largest), None);
        assert_eq!(PrimeSearch.nearest_prime(f32::NAN), None);
    }

    /// The table and the search agree on every whole and half delay up to 20 000 samples,
    /// and on the next prime above every whole number there.
    #[test]
    fn table_agrees_with_search() {
        let table = PrimeTable::build(48_000.0, 20_000);
        for half_samples in 0..40_000 {
            let delay = half_samples as f32 / 2.0;
            assert_eq!(
                table.nearest_prime(delay),
                PrimeSearch.nearest_prime(delay),
                "{delay}"
            );
        }
        for n in 0..20_000 {
            assert_eq!(
                table.next_prime_above(n),
                PrimeSearch.next_prime_above(n),
                "{n}"
            );
        }
    }
}
