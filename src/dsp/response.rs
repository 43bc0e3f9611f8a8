//! The frequency response of a comb as the kernel really computes it: an impulse through the
//! streaming [`CombChannel`], zero-padded, through a real FFT. This is what a response plot
//! should show (interpolation and the feed-back limit included), and it is checked against
//! the analytic response in the tests. Allocates: run it off the audio thread.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use super::comb::{CombChannel, CombCoefficients, CombControls};
use super::control::Control;
use super::simd::VectorUnit;

/// Measures comb responses with one FFT size.
pub struct ResponseAnalyzer {
    fft: Arc<dyn RealToComplex<f32>>,
    /// The impulse response, `fft_len` samples (the rest of the tail is cut).
    signal: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

impl ResponseAnalyzer {
    /// An analyzer with `fft_len` points (see [`fft_len_for`]).
    pub fn new(fft_len: usize) -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(fft_len);
        Self {
            signal: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
        }
    }

    /// The number of frequency bins [`measure`](Self::measure) fills: `fft_len / 2 + 1`, bin
    /// `k` at `k * sample_rate / fft_len` Hz.
    pub fn bins(&self) -> usize {
        self.spectrum.len()
    }

    /// The comb's gain in dB at every bin, into `magnitudes_db` (at least [`bins`](Self::bins)
    /// long; floored at -200 dB where the gain is 0).
    pub fn measure(&mut self, coefficients: CombCoefficients, magnitudes_db: &mut [f32]) {
        self.measure_output(coefficients, 1.0, 1.0, magnitudes_db);
    }

    /// As [`measure`](Self::measure), for the plugin's whole output: the comb mixed with the
    /// dry input (`mix` 0 to 1) and scaled by `gain`, `gain * (dry + mix * (wet - dry))`.
    pub fn measure_output(
        &mut self,
        coefficients: CombCoefficients,
        mix: f32,
        gain: f32,
        magnitudes_db: &mut [f32],
    ) {
        self.signal.fill(0.0);
        self.signal[0] = 1.0;
        let max_delay = coefficients.loop_delay().ceil() as usize + 4;
        let mut comb = CombChannel::new(max_delay, coefficients);
        // Drive is left out: it does not change the response to a signal this quiet, and
        // at full scale the impulse would measure the curve, not the comb.
        let controls = CombControls {
            alpha: Control::Constant(coefficients.alpha),
            damp: Control::Constant(coefficients.damp),
            drive: Control::Constant(0.0),
        };
        comb.process_on(VectorUnit::best(), &mut self.signal, controls);
        // The dry input is the impulse itself: it only adds to the first sample.
        for wet in self.signal.iter_mut() {
            *wet *= gain * mix;
        }
        self.signal[0] += gain * (1.0 - mix);
        self.fft
            .process_with_scratch(&mut self.signal, &mut self.spectrum, &mut self.scratch)
            .expect("buffers made by the planner fit");
        for (db, bin) in magnitudes_db.iter_mut().zip(&self.spectrum) {
            *db = 20.0 * bin.norm().max(1e-10).log10();
        }
    }
}

/// An FFT length that holds the impulse response until it has decayed by 120 dB (so the cut
/// tail changes no bin by more than a thousandth of a dB), and resolves at least
/// `min_resolution` bins: a power of two, at most 2^20.
pub fn fft_len_for(coefficients: CombCoefficients, min_resolution: usize) -> usize {
    let ring = coefficients.decay_samples(0.0, 120.0);
    let len = (ring.ceil() as usize + 4).max(min_resolution);
    len.next_power_of_two().min(1 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::comb::CombMode;

    /// The measured response equals the analytic one, |1 + a L(w) e^{-jwT}| and
    /// 1 / |1 - a L(w) e^{-jwT}| (`L` the damping filter's gain, 1 undamped), within 0.1 dB wherever the analytic gain is above -20 dB (at the
    /// notches themselves a tiny absolute error is a large error in dB), for whole delays, and
    /// for fractional delays in the low band (an eighth of the sample rate feed-forward, a
    /// twentieth feed-back): above that the cubic interpolator's own slight roll-off is part of
    /// what the kernel computes, and feed-back magnifies it at the resonant peaks.
    #[test]
    fn measured_response_matches_the_analytic_one() {
        let cases = [
            (CombMode::FeedForward, 48.0, 0.5, 1.0, 0.0),
            (CombMode::FeedForward, 7.0, -0.9, 1.0, 0.0),
            (CombMode::FeedBack, 48.0, 0.5, 1.0, 0.0),
            (CombMode::FeedBack, 100.0, 0.95, 1.0, 0.0),
            (CombMode::FeedBack, 16.0, -0.7, 1.0, 0.0),
            (CombMode::FeedForward, 24.5, 0.5, 0.25, 0.0),
            (CombMode::FeedBack, 24.5, 0.6, 0.1, 0.0),
            (CombMode::FeedBack, 48.0, 0.9, 1.0, 1.0),
            (CombMode::FeedBack, 20.0, -0.95, 1.0, 0.6),
            (CombMode::FeedForward, 7.0, -0.9, 1.0, 1.0),
            (CombMode::FeedForward, 1.0, 0.8, 1.0, 0.5),
            (CombMode::FeedBack, 24.5, 0.6, 0.1, 0.5),
        ];
        for (mode, delay_samples, alpha, band, damp) in cases {
            let coefficients = CombCoefficients {
                damp,
                ..CombCoefficients::plain(mode, delay_samples, alpha)
            };
            let fft_len = fft_len_for(coefficients, 4096);
            let mut analyzer = ResponseAnalyzer::new(fft_len);
            let mut measured = vec![0.0; analyzer.bins()];
            analyzer.measure(coefficients, &mut measured);
            let last_bin = ((analyzer.bins() - 1) as f64 * band) as usize;
            for (k, &db) in measured.iter().enumerate().take(last_bin + 1) {
                let omega = 2.0 * std::f64::consts::PI * k as f64 / fft_len as f64;
                let want = 20.0 * coefficients.magnitude(omega).log10();
                if want > -20.0 {
                    let error = (f64::from(db) - want).abs();
                    assert!(
                        error < 0.1,
                        "{mode:?} T={delay_samples} a={alpha} bin {k}: {db} vs {want}"
                    );
                }
            }
        }
    }
}
