//! Primes against independent references: trial division, known primes and pseudoprimes,
//! and the tutorial's own numbers; and the pool's handoff of tables to an audio thread.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use primecomb::primes::pool::TableReceiver;
use primecomb::primes::table::PrimeLookup;
use primecomb::primes::{OddSieve, is_prime, prime_sums_below, primes_below, sum_primes_below};

/// Trial division by every odd number up to the square root: slow, obviously right.
fn trial_division(n: u32) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// The sieve marks exactly the numbers trial division calls prime, for every n below 10^6
/// (several parallel segments), and `is_prime` agrees on all of them.
#[test]
fn sieve_matches_trial_division_below_a_million() {
    let sieve = OddSieve::new(1_000_000);
    for n in 0..1_000_000 {
        let want = trial_division(n);
        assert_eq!(sieve.contains(n), want, "sieve at {n}");
        assert_eq!(is_prime(n.into()), want, "is_prime at {n}");
    }
    assert_eq!(sieve.primes().count(), 78_498); // pi(10^6), the prime-counting function
}

/// Known large primes, including the largest 64-bit one, are prime.
#[test]
fn large_primes() {
    for p in [
        2_147_483_647,              // 2^31 - 1
        4_294_967_291,              // the largest prime below 2^32
        2_305_843_009_213_693_951,  // 2^61 - 1
        18_446_744_073_709_551_557, // the largest prime below 2^64
    ] {
        assert!(is_prime(p), "{p}");
    }
    assert!(!is_prime(u64::MAX));
    assert!(!is_prime(4_294_967_297)); // 2^32 + 1 = 641 * 6700417 (Euler)
}

/// Carmichael numbers fool the Fermat test for every coprime base, and strong pseudoprimes
/// fool Miller-Rabin for some bases (3 825 123 056 546 413 051 for all bases up to 23); a
/// deterministic test must call every one composite.
#[test]
fn carmichael_numbers_and_strong_pseudoprimes_are_composite() {
    let carmichael = [
        561,
        1105,
        1729,
        2465,
        2821,
        6601,
        8911,
        41_041,
        825_265,
        321_197_185,
        5_394_826_801,
        232_250_619_601,
        9_746_347_772_161,
    ];
    let strong_pseudoprimes = [2047, 3_215_031_751, 3_825_123_056_546_413_051];
    for n in carmichael.into_iter().chain(strong_pseudoprimes) {
        assert!(!is_prime(n), "{n}");
    }
}

/// The tutorial's figures: sum_primes(100) = 1060, and 0, 0, 0, 2, 5, 5, 10, 10, 17, 17 for
/// n = 0..9 (the sum of the primes below n).
#[test]
fn tutorial_prime_sums() {
    assert_eq!(sum_primes_below(100), 1060);
    let first: Vec<u64> = (0..10).map(sum_primes_below).collect();
    assert_eq!(first, [0, 0, 0, 2, 5, 5, 10, 10, 17, 17]);
    assert_eq!(prime_sums_below(10), first);
}

/// The map over a range equals summing the trial-division primes for every n below 10 000.
#[test]
fn prime_sums_match_a_naive_sum() {
    let sums = prime_sums_below(10_000);
    assert_eq!(sums.len(), 10_000);
    let mut running = 0;
    for n in 0..10_000 {
        assert_eq!(sums[n as usize], running, "n = {n}");
        if trial_division(n) {
            running += u64::from(n);
        }
    }
    assert_eq!(primes_below(30), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
}

/// The pool builds a table for a rate no other test uses, without being waited for; an
/// "audio thread" polls it with allocation forbidden until it arrives, then looks up with it.
#[test]
fn pool_hands_tables_to_the_audio_thread_without_allocating() {
    let sample_rate = 22_050.0;
    let mut receiver = TableReceiver::new(1.125);
    let ready = receiver.ready_flag();
    receiver.request(sample_rate, Duration::ZERO);
    let audio_thread = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let nearest = nice_assert_no_alloc::assert_no_alloc(|| {
                receiver
                    .poll(sample_rate)
                    .map(|table| table.nearest_prime(22_050.0))
            });
            if let Some(nearest) = nearest {
                return nearest;
            }
            assert!(Instant::now() < deadline, "the table never arrived");
            std::thread::yield_now();
        }
    });
    assert_eq!(audio_thread.join().unwrap(), Some(22_051));
    assert!(ready.load(Ordering::Relaxed));
}

/// Pool threads are the plugin's own: named, and not the caller's.
#[test]
fn pool_threads_are_named() {
    let name = primecomb::primes::pool::pool()
        .install(|| std::thread::current().name().map(str::to_owned));
    assert!(name.unwrap().starts_with("primecomb-primes-"));
}
