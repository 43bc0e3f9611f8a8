//! Prime numbers: a deterministic primality test, and a sieve of Eratosthenes that stores only
//! odd numbers, one bit each, and sieves cache-sized segments in parallel on rayon.
//!
//! The tutorial PrimeComb grew from summed primes one `n` at a time with trial division; here
//! one sieve pass and a prefix sum answer every `n` at once.

use rayon::prelude::*;

/// Odd numbers per segment: 2^15 bits = 4 KiB, which stays in a core's L1 data cache while
/// every base prime crosses it out, and splits even a one-second table at 384 kHz into six
/// segments for the pool's threads to share.
const SEGMENT_BITS: usize = 1 << 15;
const SEGMENT_WORDS: usize = SEGMENT_BITS / 64;

/// Whether `n` is prime: exact for every `u64`.
///
/// Miller-Rabin with the first twelve primes as bases is deterministic below
/// 3.3 * 10^24 (Sorenson and Webster, 2015), which covers all of `u64`; products are taken in
/// `u128`, so nothing overflows. Carmichael numbers and strong pseudoprimes to some of the
/// bases are caught by the others.
pub fn is_prime(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for p in BASES {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let odd_part_shift = (n - 1).trailing_zeros();
    let odd_part = (n - 1) >> odd_part_shift;
    BASES.iter().all(|&base| {
        let mut x = pow_mod(base, odd_part, n);
        if x == 1 || x == n - 1 {
            return true;
        }
        for _ in 1..odd_part_shift {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                return true;
            }
        }
        false
    })
}

fn mul_mod(a: u64, b: u64, modulus: u64) -> u64 {
    (u128::from(a) * u128::from(b) % u128::from(modulus)) as u64
}

fn pow_mod(mut base: u64, mut exponent: u64, modulus: u64) -> u64 {
    let mut result = 1;
    base %= modulus;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = mul_mod(result, base, modulus);
        }
        base = mul_mod(base, base, modulus);
        exponent >>= 1;
    }
    result
}

/// The primes below a limit, as a bit set over the odd numbers: bit `i` stands for `2i + 1`.
#[derive(Debug, Clone)]
pub struct OddSieve {
    /// Set bits mark primes; bits for numbers at or above `limit` are clear.
    bits: Vec<u64>,
    /// Every prime below this is marked.
    limit: u32,
}

impl OddSieve {
    /// Sieves every number below `limit`. Segments run in parallel on the current rayon pool
    /// (the global one, or the plugin's own when called inside it).
    pub fn new(limit: u32) -> Self {
        // The odd numbers below `limit`: 1, 3, ..., one per bit.
        let odd_count = limit as usize / 2;
        let mut bits = vec![u64::MAX; odd_count.div_ceil(64)];
        let base_primes = small_odd_primes(isqrt(limit));
        bits.par_chunks_mut(SEGMENT_WORDS)
            .enumerate()
            .for_each(|(segment, words)| cross_out(words, segment * SEGMENT_BITS, &base_primes));
        // 1 is not prime; bits past the limit (in the last word) are not numbers we sieved.
        if let Some(first) = bits.first_mut() {
            *first &= !1;
        }
        let tail_bits = odd_count % 64;
        if let (true, Some(last)) = (tail_bits != 0, bits.last_mut()) {
            *last &= (1u64 << tail_bits) - 1;
        }
        Self { bits, limit }
    }

    /// The exclusive upper bound this sieve covers.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Whether `n` is prime; `n` must be below [`limit`](Self::limit).
    ///
    /// # Panics
    /// If `n >= limit`.
    pub fn contains(&self, n: u32) -> bool {
        assert!(
            n < self.limit,
            "{n} is beyond the sieve's limit {}",
            self.limit
        );
        match n {
            2 => true,
            _ if n.is_multiple_of(2) => false,
            _ => {
                let bit = (n / 2) as usize;
                self.bits[bit / 64] & (1 << (bit % 64)) != 0
            }
        }
    }

    /// Every prime below the limit, in increasing order.
    pub fn primes(&self) -> impl Iterator<Item = u32> + '_ {
        let two = (self.limit > 2).then_some(2);
        let odd = self
            .bits
            .iter()
            .enumerate()
            .flat_map(|(word_index, &word)| {
                SetBits(word).map(move |bit| (2 * (word_index * 64 + bit) + 1) as u32)
            });
        two.into_iter().chain(odd)
    }
}

/// The positions of the set bits of a word, lowest first.
struct SetBits(u64);

impl Iterator for SetBits {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

/// Clears the bits of odd multiples of `base_primes` in one segment whose first bit stands
/// for the odd number `2 * first_bit + 1`.
fn cross_out(words: &mut [u64], first_bit: usize, base_primes: &[u32]) {
    let segment_bits = words.len() * 64;
    let low = 2 * first_bit as u64 + 1;
    let high = low + 2 * segment_bits as u64;
    for &p in base_primes {
        let p = u64::from(p);
        // Smaller multiples were crossed out by smaller primes.
        let mut multiple = (p * p).max(low.div_ceil(p) * p);
        if multiple.is_multiple_of(2) {
            multiple += p;
        }
        if multiple >= high {
            continue;
        }
        // Odd multiples are 2p apart, which is p bits apart.
        let mut bit = ((multiple - 1) / 2) as usize - first_bit;
        while bit < segment_bits {
            words[bit / 64] &= !(1 << (bit % 64));
            bit += p as usize;
        }
    }
}

/// Odd primes up to and including `max`, by a plain sieve (only ever up to sqrt of a `u32`).
fn small_odd_primes(max: u32) -> Vec<u32> {
    let max = max as usize;
    let mut composite = vec![false; max + 1];
    let mut primes = Vec::new();
    for n in (3..=max).step_by(2) {
        if !composite[n] {
            primes.push(n as u32);
            for multiple in (n * n..=max).step_by(2 * n) {
                composite[multiple] = true;
            }
        }
    }
    primes
}

/// The integer square root: the largest `r` with `r * r <= n`.
fn isqrt(n: u32) -> u32 {
    let mut root = f64::from(n).sqrt() as u32;
    while u64::from(root) * u64::from(root) > u64::from(n) {
        root -= 1;
    }
    while u64::from(root + 1) * u64::from(root + 1) <= u64::from(n) {
        root += 1;
    }
    root
}

/// Every prime below `n`, in increasing order.
pub fn primes_below(n: u32) -> Vec<u32> {
    OddSieve::new(n).primes().collect()
}

/// The sum of the primes below `n` (the tutorial's `sum_primes(n)`): 17 for `n = 8`.
pub fn sum_primes_below(n: u32) -> u64 {
    OddSieve::new(n).primes().map(u64::from).sum()
}

/// `sum_primes_below(n)` for every `n` in `0..n_end`, from one sieve and a running sum:
/// the tutorial's map over a range, which it spread over a process pool.
pub fn prime_sums_below(n_end: u32) -> Vec<u64> {
    let sieve = OddSieve::new(n_end.saturating_sub(1));
    let mut running = 0;
    (0..n_end)
        .map(|n| {
            let sum_below_n = running;
            if n < sieve.limit() && sieve.contains(n) {
                running += u64::from(n);
            }
            sum_below_n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Segment edges: a sieve whose limit falls exactly on, just before and just after a
    /// segment boundary lists the same primes as `is_prime` says.
    #[test]
    fn segment_edges_agree_with_is_prime() {
        let edge = 2 * SEGMENT_BITS as u32;
        for limit in [0, 1, 2, 3, 4, 64, 129, edge - 1, edge, edge + 1, edge + 3] {
            let from_sieve = primes_below(limit);
            let from_test: Vec<u32> = (0..limit).filter(|&n| is_prime(n.into())).collect();
            assert_eq!(from_sieve, from_test, "limit {limit}");
        }
    }

    #[test]
    fn integer_square_roots() {
        for (n, root) in [
            (0, 0),
            (1, 1),
            (3, 1),
            (4, 2),
            (99, 9),
            (100, 10),
            (u32::MAX, 65535),
        ] {
            assert_eq!(isqrt(n), root);
        }
    }
}
