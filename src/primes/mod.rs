//! Prime numbers for delay lengths: the sieve, per-sample-rate delay tables, the stereo
//! spread and snapping rule, and the background pool that builds the tables. Nothing here
//! knows about plugins.

pub mod pool;
pub mod sieve;
pub mod snap;
pub mod table;

pub use sieve::{OddSieve, is_prime, prime_sums_below, primes_below, sum_primes_below};
