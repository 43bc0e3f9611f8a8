//! The comb engine against the reference formulas, on every vector unit this CPU has (each
//! forced in turn): damping, drive, crossfades, the analytic response, tuning and decay.

mod common;

use common::reference::{self, CombFormula, naive_comb_f32};
use common::*;
use primecomb::dsp::comb::{CombChannel, CombCoefficients, CombControls, CombMode};
use primecomb::dsp::control::Control;
use primecomb::dsp::response::{ResponseAnalyzer, fft_len_for};
use primecomb::dsp::simd::{SimdLevel, VectorUnit};
use std::f64::consts::PI;

const TAUS: [usize; 8] = [1, 2, 4, 7, 16, 64, 441, 48000];

fn mode(feedback: bool) -> CombMode {
    if feedback {
        CombMode::FeedBack
    } else {
        CombMode::FeedForward
    }
}

/// Every level this CPU has; tests say which ran, so a report shows what was covered.
fn levels() -> Vec<SimdLevel> {
    let levels = VectorUnit::available();
    eprintln!("vector units tested: {levels:?}");
    levels
}

/// Runs `x` through the engine on `level` in blocks of `block` samples.
fn engine(level: SimdLevel, formula: CombFormula, x: &[f32], block: usize) -> Vec<f32> {
    let unit = VectorUnit::forced(level).unwrap();
    let coefficients = CombCoefficients {
        damp: formula.damp as f32,
        drive: formula.drive as f32,
        ..CombCoefficients::plain(
            mode(formula.feedback),
            formula.tau as f32,
            formula.alpha as f32,
        )
    };
    let mut comb = CombChannel::new(formula.tau, coefficients);
    let controls = CombControls {
        alpha: Control::Constant(formula.alpha as f32),
        damp: Control::Constant(formula.damp as f32),
        drive: Control::Constant(formula.drive as f32),
    };
    let mut y = x.to_vec();
    for chunk in y.chunks_mut(block) {
        comb.process_on(unit, chunk, controls);
    }
    y
}

/// Damped (and damped and driven) combs of both kinds equal the per-sample formula at every
/// tau of the list, damping 0.25, 0.6 and 1, alphas either side and at the feed-back limit,
/// on every vector unit, in blocks that put the pieces' edges everywhere. The bound is
/// `f32_tolerance`'s, with twice its headroom for the filter's three taps.
#[test]
fn damped_combs_match_the_formula() {
    for level in levels() {
        for (i, &tau) in TAUS.iter().enumerate() {
            let x = noise(2 * tau + 3000, 40 + i as u64);
            for damp in [0.25, 0.6, 1.0] {
                for (alpha, drive) in [(0.999, 0.0), (-0.8, 0.0), (0.9, 0.3)] {
                    for feedback in [true, false] {
                        let formula = CombFormula {
                            damp,
                            drive,
                            ..CombFormula::plain(feedback, tau, alpha)
                        };
                        let want = formula.run(&x);
                        let got = engine(level, formula, &x, 1 + (tau * 37) % 700);
                        let bound = 2.0 * f32_tolerance(peak(&want), alpha, feedback);
                        let error = max_error(&got, &want);
                        assert!(error <= bound, "{level} {formula:?}: {error} > {bound}");
                    }
                }
            }
        }
    }
}

/// With damping and drive at 0 the engine is the plain comb: equal to the naive f32 loop to
/// the bit, on every vector unit.
#[test]
fn undamped_undriven_is_the_plain_comb_bit_for_bit() {
    for level in levels() {
        for tau in TAUS {
            let x = noise(2 * tau + 2000, tau as u64);
            for feedback in [true, false] {
                let got = engine(level, CombFormula::plain(feedback, tau, 0.9), &x, 300);
                let mut want = x.clone();
                naive_comb_f32(&mut want, feedback, tau, 0.9);
                assert_eq!(got, want, "{level} feed-back {feedback} tau {tau}");
            }
        }
    }
}

/// Every vector unit computes the same samples, to the bit, for every kind of comb: whole and
/// fractional delays, damped and driven, while alpha, damping and drive glide.
#[test]
fn every_vector_unit_gives_the_same_samples() {
    let x = noise(6000, 5);
    let glide: Vec<f32> = (0..x.len()).map(|n| n as f32 / x.len() as f32).collect();
    let run = |level, feedback, delay: f32| {
        let unit = VectorUnit::forced(level).unwrap();
        let plain = CombCoefficients::plain(mode(feedback), delay, 0.9);
        let mut comb = CombChannel::new(400, plain);
        let mut y = x.clone();
        let mut start = 0;
        for chunk in y.chunks_mut(333) {
            let range = start..start + chunk.len();
            let controls = CombControls {
                alpha: Control::Constant(0.9),
                damp: Control::PerSample(&glide[range.clone()]),
                drive: Control::PerSample(&glide[range]),
            };
            comb.process_on(unit, chunk, controls);
            start += chunk.len();
        }
        y
    };
    for delay in [1.5, 2.5, 17.0, 40.25, 240.0] {
        for feedback in [true, false] {
            let portable = run(SimdLevel::Portable, feedback, delay);
            for level in levels() {
                assert_eq!(run(level, feedback, delay), portable, "{level} {delay}");
            }
        }
    }
}

/// The measured response (an impulse through the engine, FFT) equals the analytic one,
/// `1 / |1 - a L(w) e^{-jwT}|` and `|1 + a L(w) e^{-jwT}|`, within 0.1 dB wherever the
/// analytic gain is above -20 dB (away from the notches, where a tiny absolute error is a
/// large one in dB), for damped combs of both kinds.
#[test]
fn damped_response_matches_the_analytic_one() {
    for (feedback, tau, alpha, damp) in [
        (true, 48, 0.9, 1.0),
        (true, 441, 0.99, 0.5),
        (true, 20, -0.95, 0.3),
        (false, 48, 0.9, 1.0),
        (false, 7, -0.8, 0.6),
    ] {
        let formula = CombFormula {
            damp,
            ..CombFormula::plain(feedback, tau, alpha)
        };
        let coefficients = CombCoefficients {
            damp: damp as f32,
            ..CombCoefficients::plain(mode(feedback), tau as f32, alpha as f32)
        };
        let fft_len = fft_len_for(coefficients, 8192);
        let mut analyzer = ResponseAnalyzer::new(fft_len);
        let mut measured = vec![0.0; analyzer.bins()];
        analyzer.measure(coefficients, &mut measured);
        for (k, &db) in measured.iter().enumerate() {
            let omega = 2.0 * PI * k as f64 / fft_len as f64;
            let want = 20.0 * formula.magnitude(omega).log10();
            if want > -20.0 {
                let error = (f64::from(db) - want).abs();
                assert!(error < 0.1, "{formula:?} bin {k}: {db} vs {want}");
            }
        }
    }
}

/// The first resonance of a damped feed-back comb stays within 1 cent of `rate / delay` at
/// every damping, for delays from 20 samples up: the filter's delay is compensated. Its peak
/// is found in the measured response (65536 bins, so a cent is at least 1.9 bins at the
/// shortest delay, refined by a parabola through the three bins around the largest). The
/// alphas are where a comb resonates (a peak at least 15 dB over the troughs); below that
/// the peak is too broad to carry a pitch, and the damping filter's falling gain leans it
/// down by up to 2 cents at 20 samples.
#[test]
fn damped_feed_back_stays_in_tune() {
    for tau in [20usize, 21, 37, 48, 100, 441] {
        for damp in [0.0f32, 0.25, 0.5, 0.75, 1.0] {
            for alpha in [0.7f32, 0.9, 0.99] {
                let coefficients = CombCoefficients {
                    damp,
                    ..CombCoefficients::plain(CombMode::FeedBack, tau as f32, alpha)
                };
                let fft_len = fft_len_for(coefficients, 1 << 16);
                let mut analyzer = ResponseAnalyzer::new(fft_len);
                let mut db = vec![0.0; analyzer.bins()];
                analyzer.measure(coefficients, &mut db);
                let expected_bin = fft_len as f64 / tau as f64;
                let range = (expected_bin * 0.9) as usize..(expected_bin * 1.1) as usize;
                let k = range.max_by(|&a, &b| db[a].total_cmp(&db[b])).unwrap();
                let (left, centre, right) = (db[k - 1], db[k], db[k + 1]);
                let offset = 0.5 * f64::from(left - right) / f64::from(left - 2.0 * centre + right);
                let cents = 1200.0 * ((k as f64 + offset) / expected_bin).log2();
                assert!(
                    cents.abs() < 1.0,
                    "tau {tau} damp {damp} alpha {alpha}: {cents} cents"
                );
            }
        }
    }
}

/// Highs decay faster than lows, by what the filter says: the impulse response of a damped
/// feed-back comb is a train of echoes, echo `k` being the impulse through the loop `k`
/// times, so its spectrum is `(a L(w))^k`. Between the 1st and the 11th echo the level at
/// the first resonance (109 Hz at 48 kHz, tau 441) and near 5 kHz falls by `(a L(w))^10`,
/// within 0.01 dB, and falls faster at 5 kHz.
#[test]
fn highs_decay_faster_by_the_filters_gain() {
    let (tau, alpha, damp) = (441usize, 0.95, 0.8);
    let formula = CombFormula {
        damp,
        ..CombFormula::plain(true, tau, alpha)
    };
    for level in levels() {
        let y = engine(level, formula, &impulse(12 * tau), 512);
        // Echo k lies within k samples of k * tau (the filter spreads it by one each time).
        let echo_level = |k: usize, omega: f64| {
            let (re, im) = (k * tau - k..=k * tau + k).fold((0.0, 0.0), |(re, im), n| {
                let v = f64::from(y[n]);
                (
                    re + v * (omega * n as f64).cos(),
                    im - v * (omega * n as f64).sin(),
                )
            });
            20.0 * f64::hypot(re, im).log10()
        };
        let mut falls = Vec::new();
        for hz in [48_000.0 / tau as f64, 5_000.0] {
            let omega = 2.0 * PI * hz / 48_000.0;
            let fall = echo_level(1, omega) - echo_level(11, omega);
            let want = -10.0 * 20.0 * (alpha * formula.damping_gain(omega)).log10();
            assert!(
                (fall - want).abs() < 0.01,
                "{level} {hz} Hz: {fall} dB vs {want}"
            );
            falls.push(fall);
        }
        assert!(falls[1] > 2.0 * falls[0], "{falls:?}");
    }
}

/// Drive keeps the output bounded for any input: full-scale squares (and `f32::MAX` ones)
/// into a feed-back comb at alpha 0.999, where undriven the loop would build up to a
/// thousand times the input, stay within the input plus the curve's ceiling `1 / (8 drive)`.
#[test]
fn drive_bounds_the_loop() {
    for level in levels() {
        for amplitude in [1.0f32, 1e30, f32::MAX] {
            let square: Vec<f32> = (0..20_000)
                .map(|n| {
                    if (n / 120) % 2 == 0 {
                        amplitude
                    } else {
                        -amplitude
                    }
                })
                .collect();
            for drive in [0.1, 0.5, 1.0] {
                for damp in [0.0, 0.5] {
                    let formula = CombFormula {
                        damp,
                        drive,
                        ..CombFormula::plain(true, 240, 0.999)
                    };
                    let y = engine(level, formula, &square, 512);
                    let ceiling = 1.0 / (8.0 * drive as f32);
                    let worst = y.iter().map(|v| v.abs() - amplitude).fold(0.0, f32::max);
                    assert!(
                        y.iter().all(|v| v.is_finite()) && worst <= ceiling * 1.0001,
                        "{level} {amplitude} drive {drive}: {worst} over the input"
                    );
                }
            }
        }
        // Undriven, the same loop rings up far past that (the bound above is real).
        let square: Vec<f32> = (0..20_000)
            .map(|n| if (n / 120) % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let y = engine(level, CombFormula::plain(true, 240, 0.999), &square, 512);
        assert!(y.iter().any(|v| v.abs() > 20.0));
    }
}

/// A comb with alpha gliding every sample (beyond feed-back's 0.999 limit too), moved
/// from one delay to a second and then a third with 100-sample crossfades, in every
/// sequence of modes, against the textbook formulas written out plainly:
/// `y = x + a*y[n-d]` (alpha clamped) or `y = x + a*x[n-d]`, and inside a fade
/// `x + wet_from + w*(wet_to - wet_from)` with `w = k/100`. A history its mode does not
/// read is not kept, so after a mode change the new mode hears silence before the change;
/// the ring wraps in between, so stale samples would be heard if they were not silenced.
/// The same arithmetic in the same order, so the engine must match it bit for bit, on every
/// vector unit, whatever the block sizes: delays 40, 67, 53 (pieces of many vectors), the
/// same with the third change right as the second fade ends (a fade within one mode keeps
/// only that mode's history), and 5, 11, 7 (pieces shorter than a vector).
#[test]
fn gliding_alpha_and_crossfades_match_the_plain_formulas() {
    use CombMode::{FeedBack, FeedForward};
    let voicings = [
        ([40, 67, 53], [0, 1100, 2200]),
        ([40, 67, 53], [0, 1100, 1200]),
        ([5, 11, 7], [0, 1100, 1200]),
    ];
    for level in levels() {
        for (delays, starts) in voicings {
            for first in [FeedBack, FeedForward] {
                for second in [FeedBack, FeedForward] {
                    for third in [FeedBack, FeedForward] {
                        let modes = [first, second, third];
                        gliding_alpha_and_crossfades_in(level, modes, delays, starts);
                    }
                }
            }
        }
    }
}

fn gliding_alpha_and_crossfades_in(
    level: SimdLevel,
    modes: [CombMode; 3],
    delays: [usize; 3],
    starts: [usize; 3],
) {
    let (fade, len) = (100, 3000);
    let x: Vec<f32> = (0..len)
        .map(|n| ((n * 7919 % 1000) as f32 / 500.0 - 1.0) * 0.3)
        .collect();
    let alphas: Vec<f32> = (0..len)
        .map(|n| 1.2 - 2.2 * n as f32 / len as f32)
        .collect();
    let want = reference::crossfading_comb(&x, &alphas, modes, delays, starts, fade);
    let unit = VectorUnit::forced(level).unwrap();
    for sizes in [&[3000][..], &[1, 37, 256, 3], &[300, 64, 5]] {
        let plain = CombCoefficients::plain(modes[0], delays[0] as f32, 0.0);
        let mut comb = CombChannel::new(200, plain);
        comb.set_fade_samples(fade);
        let mut got = x.clone();
        let mut start = 0;
        for &size in sizes.iter().cycle() {
            if start == len {
                break;
            }
            // Blocks end at the changes, so that they land on the same samples.
            if let Some(v) = starts.iter().position(|&s| s == start && s > 0) {
                comb.set_target(modes[v], delays[v] as f32);
            }
            let next_change = starts.iter().find(|&&s| s > start).unwrap_or(&len);
            let end = (start + size).min(*next_change);
            let controls = CombControls {
                alpha: Control::PerSample(&alphas[start..end]),
                ..CombControls::alpha(0.0)
            };
            let block = &mut got[start..end];
            comb.process_on(unit, block, controls);
            start = end;
        }
        assert_eq!(
            got, want,
            "{level} {modes:?}, delays {delays:?} from {starts:?}, blocks {sizes:?}"
        );
    }
}

/// A comb whose rings grow while it runs (a target longer than they were, as a low note or
/// a whole bar asks for) keeps the past they held: from 300 samples (a 1024-slot ring) to
/// 900 (2048 slots), it plays the same samples, to the bit, as one whose rings were long
/// from the start, feed-back and feed-forward. Past more than the ring held reads as silence
/// (as after a mode switch): jumping on to 20 000.5 samples, feed-forward is the same again
/// once the new delay has been filled.
#[test]
fn growing_the_rings_keeps_the_past_they_held() {
    let input = quiet_noise(60_000, 21);
    for feedback in [true, false] {
        let start = CombCoefficients::plain(mode(feedback), 300.0, 0.8);
        let run = |comb: &mut CombChannel| {
            comb.set_fade_samples(480);
            let mut output = input.clone();
            for (index, block) in output.chunks_mut(512).enumerate() {
                match index {
                    20 => comb.set_target(mode(feedback), 900.0),
                    40 => comb.set_target(mode(feedback), 20_000.5),
                    _ => {}
                }
                comb.process_on(VectorUnit::best(), block, CombControls::alpha(0.8));
            }
            output
        };
        let mut growing = CombChannel::new(48_000, start);
        let mut grown = CombChannel::new(48_000, start);
        grown.reserve(48_000);
        let (growing, grown) = (run(&mut growing), run(&mut grown));
        let jump = 40 * 512;
        assert!(growing[..jump] == grown[..jump], "feedback {feedback}");
        if !feedback {
            let filled = jump + 20_002 + 480;
            assert!(growing[filled..] == grown[filled..]);
            assert!(growing[jump..filled] != grown[jump..filled]);
        }
    }
}
