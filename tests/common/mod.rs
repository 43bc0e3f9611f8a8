//! Shared test helpers: reference filters, test signals, and a minimal in-process host that
//! drives the plugin through nice-plug's `Plugin` API.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod clap_host;
pub mod extras;
pub mod harness;
pub mod xvfb;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The feed-forward comb straight from its formula, in f64: `y[n] = x[n] + a*x[n-tau]`.
pub fn reference_feed_forward(x: &[f32], tau: usize, alpha: f64) -> Vec<f64> {
    (0..x.len())
        .map(|n| {
            let delayed = if n >= tau { f64::from(x[n - tau]) } else { 0.0 };
            f64::from(x[n]) + alpha * delayed
        })
        .collect()
}

/// The feed-back comb straight from its formula, in f64: `y[n] = x[n] + a*y[n-tau]`, with
/// `|a|` limited to 0.999 as the plugin documents.
pub fn reference_feed_back(x: &[f32], tau: usize, alpha: f64) -> Vec<f64> {
    let alpha = alpha.clamp(-0.999, 0.999);
    let mut y = vec![0.0; x.len()];
    for n in 0..x.len() {
        let delayed = if n >= tau { y[n - tau] } else { 0.0 };
        y[n] = f64::from(x[n]) + alpha * delayed;
    }
    y
}

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
