//! Shared test helpers: test signals, the reference filters (in [`reference`]), and a minimal in-process host that
//! drives the plugin through nice-plug's `Plugin` API.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod clap_host;
pub mod extras;
pub mod harness;
pub mod reference;
pub mod xvfb;

#[allow(unused_imports)] // not every test binary uses them
pub use reference::{reference_feed_back, reference_feed_forward};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Uniform white noise in [-1, 1), reproducible from `seed`.
pub fn noise(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..len).map(|_| rng.random_range(-1.0..1.0)).collect()
}

/// White noise at a quarter of full scale (-12 dBFS peak), for filters whose gain must not
/// push the output into the safety limiter.
pub fn quiet_noise(len: usize, seed: u64) -> Vec<f32> {
    noise(len, seed).iter().map(|v| v * 0.25).collect()
}

/// A unit impulse at sample 0.
pub fn impulse(len: usize) -> Vec<f32> {
    let mut x = vec![0.0; len];
    x[0] = 1.0;
    x
}

/// The largest absolute difference between `got` and `want`.
pub fn max_error(got: &[f32], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .map(|(&g, &w)| (f64::from(g) - w).abs())
        .fold(0.0, f64::max)
}

/// The largest step between consecutive samples: what a click is made of.
pub fn largest_step(signal: &[f32]) -> f32 {
    signal
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

/// When the echo of an impulse at `output[0]` comes, in samples: the centre of
/// `output[1..]` (its first moment), exact also between samples, since the comb's linear and
/// cubic interpolation reproduce a straight line.
pub fn echo_centre(output: &[f32]) -> f64 {
    let (moment, weight) = output
        .iter()
        .enumerate()
        .skip(1)
        .fold((0.0, 0.0), |(m, w), (n, &v)| {
            (m + n as f64 * f64::from(v), w + f64::from(v))
        });
    moment / weight
}

/// The largest absolute value.
pub fn peak(signal: &[f64]) -> f64 {
    signal.iter().map(|v| v.abs()).fold(0.0, f64::max)
}

/// The error an f32 comb may show against an exact reference whose peak is `peak`.
///
/// Each output sample is one multiply-add, rounded with relative error `f32::EPSILON / 2`;
/// the input itself is exact. A feed-back loop feeds each rounding error back scaled by
/// `alpha` per round trip, so the errors add up to at most `1 / (1 - |alpha|)` times one
/// step's. Four epsilons per step leave room for the product and the sum.
pub fn f32_tolerance(peak: f64, alpha: f64, feedback: bool) -> f64 {
    let gain = if feedback {
        1.0 / (1.0 - alpha.abs().min(0.999))
    } else {
        1.0
    };
    4.0 * f64::from(f32::EPSILON) * peak.max(1.0) * gain
}
