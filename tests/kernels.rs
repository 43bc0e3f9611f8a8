//! The whole-signal library API against the comb formulas: computed naively in f64, and as
//! the naive f32 loop.

mod common;

use common::reference::naive_comb_f32;
use common::*;
use primecomb::{
    CombError, feed_backward, feed_backward_channels, feed_forward, feed_forward_channels,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const TAUS: [usize; 7] = [1, 2, 4, 7, 64, 441, 48000];

/// Alphas to try: the limits of the feed-back range, zero, and random values in between.
fn alphas(seed: u64) -> Vec<f32> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut alphas = vec![-0.999, 0.0, 0.999];
    alphas.extend((0..3).map(|_| rng.random_range(-0.999..=0.999)));
    alphas
}

/// Both kernels equal the formula on random signals long enough for several echoes of each
/// tau, within the f32 rounding bound derived in `f32_tolerance`.

#[test]
fn kernels_match_the_formulas_on_noise() {
    for (i, &tau) in TAUS.iter().enumerate() {
        let x = noise(3 * tau + 2000, i as u64);
        for alpha in alphas(100 + i as u64) {
            let want = reference_feed_forward(&x, tau, f64::from(alpha));
            let mut got = x.clone();
            feed_forward(&mut got, tau, alpha).unwrap();
            let tolerance = f32_tolerance(peak(&want), f64::from(alpha), false);
            let error = max_error(&got, &want);
            assert!(error <= tolerance, "ff tau {tau} alpha {alpha}: {error}");

            let want = reference_feed_back(&x, tau, f64::from(alpha));
            let mut got = x.clone();
            feed_backward(&mut got, tau, alpha).unwrap();
            let tolerance = f32_tolerance(peak(&want), f64::from(alpha), true);
            let error = max_error(&got, &want);
            assert!(error <= tolerance, "fb tau {tau} alpha {alpha}: {error}");
        }
    }
}

/// The tutorial's worked example: feed-forward on 0..9, tau 4, alpha 0.5. Each output from
/// n = 4 on is x[n] + 0.5 * x[n-4], e.g. y[5] = 5 + 0.5 * 1 = 5.5 (exact in binary).
#[test]
fn tutorial_example() {
    let mut signal: Vec<f32> = (0..10).map(|n| n as f32).collect();
    feed_forward(&mut signal, 4, 0.5).unwrap();
    assert_eq!(signal, [0.0, 1.0, 2.0, 3.0, 4.0, 5.5, 7.0, 8.5, 10.0, 11.5]);
}

/// Hand-worked feed-back impulse response: tau 3, alpha 0.5 gives 1, 0.5, 0.25 ... every
/// third sample (powers of two are exact in f32).
#[test]
fn feed_back_impulse_response_by_hand() {
    let mut signal = impulse(10);
    feed_backward(&mut signal, 3, 0.5).unwrap();
    assert_eq!(
        signal,
        [1.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.25, 0.0, 0.0, 0.125]
    );
}

/// Feed-back alpha beyond 0.999 is limited to 0.999, as documented: the impulse response
/// decays instead of growing.
#[test]
fn feed_back_alpha_is_limited() {
    let mut signal = impulse(5);
    feed_backward(&mut signal, 1, 1.5).unwrap();
    let want = [1.0, 0.999, 0.999 * 0.999];
    for (got, want) in signal.iter().zip(want) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
}

/// Bad arguments are errors, not panics, and leave the signal untouched.
#[test]
fn bad_arguments_are_errors() {
    let mut signal = vec![1.0, 2.0, 3.0];
    assert_eq!(feed_forward(&mut signal, 0, 0.5), Err(CombError::ZeroDelay));
    assert_eq!(
        feed_backward(&mut signal, 0, 0.5),
        Err(CombError::ZeroDelay)
    );
    assert!(matches!(
        feed_forward(&mut signal, 1, f32::NAN),
        Err(CombError::NonFiniteAlpha(_))
    ));
    assert_eq!(
        feed_backward(&mut signal, 1, f32::INFINITY),
        Err(CombError::NonFiniteAlpha(f32::INFINITY))
    );
    assert_eq!(signal, [1.0, 2.0, 3.0]);
    assert_eq!(
        CombError::ZeroDelay.to_string(),
        "tau must be at least one sample, got 0"
    );
}

/// Edge lengths: an empty signal, and a tau longer than the signal (no echo arrives).
#[test]
fn short_signals() {
    let mut empty: Vec<f32> = Vec::new();
    feed_backward(&mut empty, 5, 0.5).unwrap();
    let mut short = vec![1.0, 2.0];
    feed_forward(&mut short, 5, 0.5).unwrap();
    assert_eq!(short, [1.0, 2.0]);
}

/// Multi-channel buffers: each channel is filtered on its own, exactly as the 1-D call would
/// filter it, whatever container holds the channels.
#[test]
fn channels_are_independent() {
    let left = noise(500, 1);
    let right = noise(300, 2);
    let mut stereo = vec![left.clone(), right.clone()];
    feed_backward_channels(&mut stereo, 7, 0.7).unwrap();
    let (mut want_left, mut want_right) = (left.clone(), right.clone());
    feed_backward(&mut want_left, 7, 0.7).unwrap();
    feed_backward(&mut want_right, 7, 0.7).unwrap();
    assert_eq!(stereo, [want_left, want_right]);

    let mut array = [[1.0_f32, 0.0, 0.0], [0.0, 2.0, 0.0]];
    feed_forward_channels(&mut array, 1, -0.5).unwrap();
    assert_eq!(array, [[1.0, -0.5, 0.0], [0.0, 2.0, -1.0]]);

    let mut slices: Vec<&mut [f32]> = Vec::new();
    assert_eq!(
        feed_forward_channels(&mut slices, 0, 0.5),
        Err(CombError::ZeroDelay)
    );
}

/// The library runs the engine, whose arithmetic for a plain comb is the naive loop's (one
/// multiply, one add per sample), so at every tau from 1 to 300 (delays shorter and longer
/// than every vector width, where the engine cuts blocks into pieces of every length) both
/// combs equal the naive f32 loop to the bit.
#[test]
fn library_equals_the_naive_loop_at_every_short_tau() {
    for tau in 1..=300 {
        let x = noise(4_000, 1_000 + tau as u64);
        for alpha in alphas(tau as u64) {
            for feedback in [true, false] {
                let mut got = x.clone();
                match feedback {
                    true => feed_backward(&mut got, tau, alpha).unwrap(),
                    false => feed_forward(&mut got, tau, alpha).unwrap(),
                }
                let mut want = x.clone();
                naive_comb_f32(&mut want, feedback, tau, alpha);
                assert_eq!(got, want, "feed-back {feedback}, tau {tau}, alpha {alpha}");
            }
        }
    }
}

/// Short and ragged signals: every length from 0 to 100 samples at every tau from 1 to 40,
/// both combs, equal to the naive loop to the bit.
#[test]
fn library_equals_the_naive_loop_at_every_length() {
    for tau in 1..=40 {
        for len in 0..=100 {
            let x = noise(len, 7_000 + (tau * 101 + len) as u64);
            for feedback in [true, false] {
                let mut got = x.clone();
                match feedback {
                    true => feed_backward(&mut got, tau, -0.95).unwrap(),
                    false => feed_forward(&mut got, tau, -0.95).unwrap(),
                }
                let mut want = x.clone();
                naive_comb_f32(&mut want, feedback, tau, -0.95);
                assert_eq!(got, want, "feed-back {feedback}, tau {tau}, len {len}");
            }
        }
    }
}

/// The naive loop itself follows the formulas (so the comparisons above are against
/// something known to be right).
#[test]
fn naive_loop_matches_the_formulas() {
    let x = noise(3_000, 9);
    for tau in [1, 3, 100] {
        let mut ff = x.clone();
        naive_comb_f32(&mut ff, false, tau, 0.7);
        let want = reference_feed_forward(&x, tau, 0.7);
        assert!(max_error(&ff, &want) <= f32_tolerance(peak(&want), 0.7, false));
        let mut fb = x.clone();
        naive_comb_f32(&mut fb, true, tau, 0.7);
        let want = reference_feed_back(&x, tau, 0.7);
        assert!(max_error(&fb, &want) <= f32_tolerance(peak(&want), 0.7, true));
    }
}
