//! The live spectrum: the newest samples from a [`SampleRing`], Hann-windowed, through a real
//! FFT, in dBFS, smoothed from frame to frame so that it reads steadily. Runs on the editor's
//! thread; the buffers are made once.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use crate::monitor::SampleRing;

/// Samples per frame: 11.7 Hz bins at 48 kHz, a tenth of a second of audio.
pub const FRAME_SAMPLES: usize = 4096;

/// The floor of the display, in dBFS.
pub const FLOOR_DB: f32 = -120.0;

/// How much of each new frame enters the displayed spectrum (the rest is the previous one).
const SMOOTHING: f32 = 0.35;

/// Samples are clipped to this (+80 dBFS) before the FFT: a host may send any finite value,
/// and sums of values near `f32::MAX` would overflow to infinity.
const SAMPLE_LIMIT: f32 = 1e4;

pub struct SpectrumAnalyzer {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    /// Scales a bin so that a full-scale sine reads 0 dBFS: 2 / (sum of the window).
    scale: f32,
    frame: Vec<f32>,
    bins: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// The displayed spectrum, in dBFS per bin.
    db: Vec<f32>,
}

impl Default for SpectrumAnalyzer {
    fn default() -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(FRAME_SAMPLES);
        let window: Vec<f32> = (0..FRAME_SAMPLES)
            .map(|n| {
                let phase = std::f32::consts::TAU * n as f32 / FRAME_SAMPLES as f32;
                0.5 - 0.5 * phase.cos()
            })
            .collect();
        let scale = 2.0 / window.iter().sum::<f32>();
        Self {
            frame: fft.make_input_vec(),
            bins: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            db: vec![FLOOR_DB; FRAME_SAMPLES / 2 + 1],
            window,
            scale,
            fft,
        }
    }
}

impl SpectrumAnalyzer {
    /// Takes a new frame from `ring`, if the ring could hand over a whole one.
    pub fn update(&mut self, ring: &SampleRing) {
        if ring.latest(&mut self.frame) {
            self.analyze_frame();
        }
    }

    fn analyze_frame(&mut self) {
        for (sample, weight) in self.frame.iter_mut().zip(&self.window) {
            *sample = sample.clamp(-SAMPLE_LIMIT, SAMPLE_LIMIT) * weight;
        }
        self.fft
            .process_with_scratch(&mut self.frame, &mut self.bins, &mut self.scratch)
            .expect("buffers made by the planner fit");
        for (db, bin) in self.db.iter_mut().zip(&self.bins) {
            let new = (20.0 * (bin.norm() * self.scale).max(1e-9).log10()).max(FLOOR_DB);
            *db += (new - *db) * SMOOTHING;
        }
    }

    /// The displayed level of every bin, in dBFS; bin `k` is at `k * sample_rate / 4096` Hz.
    pub fn db(&self) -> &[f32] {
        &self.db
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Garbage the audio thread may pass on (finite, but huge) reads as loud, never as NaN or
    /// infinity, which the plot could not draw.
    #[test]
    fn huge_samples_stay_finite() {
        let mut analyzer = SpectrumAnalyzer::default();
        for _ in 0..30 {
            analyzer.frame = (0..FRAME_SAMPLES)
                .map(|n| if n % 3 == 0 { f32::MAX } else { -3e38 })
                .collect();
            analyzer.analyze_frame();
        }
        assert!(analyzer.db().iter().all(|db| db.is_finite()));
        assert!(analyzer.db()[0] > 60.0);
    }

    /// A full-scale sine centred on bin 100 reads 0 dBFS there once the smoothing has settled;
    /// a -40 dBFS one, -40; two bins away, the Hann window's sidelobes are far below.
    #[test]
    fn a_sine_reads_its_level_in_dbfs() {
        for level_db in [0.0f32, -40.0] {
            let amplitude = 10f32.powf(level_db / 20.0);
            let mut analyzer = SpectrumAnalyzer::default();
            for _ in 0..60 {
                analyzer.frame = (0..FRAME_SAMPLES)
                    .map(|n| {
                        let phase = std::f64::consts::TAU * 100.0 * n as f64 / FRAME_SAMPLES as f64;
                        amplitude * phase.sin() as f32
                    })
                    .collect();
                analyzer.analyze_frame();
            }
            let db = analyzer.db();
            assert!(
                (db[100] - level_db).abs() < 0.01,
                "{} vs {level_db}",
                db[100]
            );
            assert!(db[103] < level_db - 60.0, "leakage {}", db[103]);
        }
    }
}
