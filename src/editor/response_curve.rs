//! The response curves the editor plots: each channel's comb measured through the real kernel
//! (see [`ResponseAnalyzer`]), reduced to one column of the plot at a time. Measuring takes
//! milliseconds for long delays, so it runs on its own thread and only when a setting changed.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::dsp::comb::CombCoefficients;
use crate::dsp::response::{ResponseAnalyzer, fft_len_for};

/// The fewest bins a response is measured with: 2.9 Hz apart at 48 kHz, so the bottom of a
/// 20 Hz log axis is drawn from real bins, not interpolated.
const MIN_BINS: usize = 1 << 14;

/// Bins per comb peak: enough to find each peak's top and notch.
const BINS_PER_PEAK: usize = 8;

/// One channel's gain in dB at evenly spaced frequencies from 0 Hz to Nyquist.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCurve {
    pub hz_per_bin: f32,
    pub db: Vec<f32>,
}

/// The range of a curve over one column of the plot, in dB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnRange {
    pub min_db: f32,
    pub max_db: f32,
}

impl ResponseCurve {
    /// The plugin's response for one channel: its comb, then mix (0 to 1) and output gain
    /// (linear).
    pub fn measure(comb: CombCoefficients, mix: f32, gain: f32, sample_rate: f32) -> Self {
        let peaks_resolved = comb.delay_samples.ceil() as usize * BINS_PER_PEAK;
        let fft_len = fft_len_for(comb, peaks_resolved.max(MIN_BINS));
        let mut analyzer = ResponseAnalyzer::new(fft_len);
        let mut db = vec![0.0; analyzer.bins()];
        analyzer.measure_output(comb, mix, gain, &mut db);
        Self {
            hz_per_bin: sample_rate / fft_len as f32,
            db,
        }
    }

    /// The frequency of every bin, with its gain.
    pub fn points(&self) -> impl Iterator<Item = (f32, f32)> + '_ {
        let hz_per_bin = self.hz_per_bin;
        (self.db.iter().enumerate()).map(move |(bin, &db)| (bin as f32 * hz_per_bin, db))
    }

    /// The curve's lowest and highest gain in each column of a plot (see [`column_ranges`]).
    pub fn columns(&self, low_hz: f32, high_hz: f32, columns: usize) -> Vec<ColumnRange> {
        column_ranges(&self.db, self.hz_per_bin, low_hz, high_hz, columns)
    }
}

/// The lowest and highest of `db` (levels at multiples of `hz_per_bin`, at least one) in each
/// of `columns` equal steps of a log frequency axis from `low_hz` to `high_hz`: where many
/// peaks fall into one column (long delays), the plot shows the whole band between notch and
/// peak rather than a sample of it. A column between two bins takes the level interpolated
/// at its centre.
pub fn column_ranges(
    db: &[f32],
    hz_per_bin: f32,
    low_hz: f32,
    high_hz: f32,
    columns: usize,
) -> Vec<ColumnRange> {
    let ratio = high_hz / low_hz;
    let at = |c: f32| low_hz * ratio.powf(c / columns as f32);
    let last_bin = db.len() - 1;
    (0..columns)
        .map(|c| {
            let first = ((at(c as f32) / hz_per_bin).ceil() as usize).min(last_bin);
            let end = ((at(c as f32 + 1.0) / hz_per_bin).ceil() as usize).min(last_bin + 1);
            if first < end {
                let bins = &db[first..end];
                ColumnRange {
                    min_db: bins.iter().copied().fold(f32::INFINITY, f32::min),
                    max_db: bins.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                }
            } else {
                let level = interpolate(db, at(c as f32 + 0.5) / hz_per_bin);
                ColumnRange {
                    min_db: level,
                    max_db: level,
                }
            }
        })
        .collect()
}

/// `db` at a fractional bin `position`, linearly interpolated (clamped to the bins there are).
fn interpolate(db: &[f32], position: f32) -> f32 {
    let position = position.clamp(0.0, (db.len() - 1) as f32);
    let below = position.floor() as usize;
    let above = (below + 1).min(db.len() - 1);
    let t = position - below as f32;
    db[below] * (1.0 - t) + db[above] * t
}

/// What to plot: each channel's filter, the mix and output gain, at a sample rate.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotRequest {
    pub channels: Vec<CombCoefficients>,
    /// Dry/wet, 0 to 1.
    pub mix: f32,
    /// Output gain, linear.
    pub gain: f32,
    pub sample_rate: f32,
}

/// Curves for a [`PlotRequest`], one per channel (channels with the same filter share one).
#[derive(Debug, Clone)]
pub struct PlotCurves {
    pub request: PlotRequest,
    pub curves: Vec<ResponseCurve>,
}

impl PlotCurves {
    pub fn measure(request: PlotRequest) -> Self {
        let mut curves: Vec<ResponseCurve> = Vec::with_capacity(request.channels.len());
        for (channel, &coefficients) in request.channels.iter().enumerate() {
            let same = request.channels[..channel]
                .iter()
                .position(|c| *c == coefficients);
            let curve = match same {
                Some(earlier) => curves[earlier].clone(),
                None => ResponseCurve::measure(
                    coefficients,
                    request.mix,
                    request.gain,
                    request.sample_rate,
                ),
            };
            curves.push(curve);
        }
        Self { request, curves }
    }
}

/// A thread that measures the newest request and skips any it has been overtaken by. It ends
/// when dropped (after at most the measurement in progress).
pub struct ResponseWorker {
    requests: Option<Sender<PlotRequest>>,
    results: Receiver<PlotCurves>,
    thread: Option<JoinHandle<()>>,
    last_request: Option<PlotRequest>,
}

impl ResponseWorker {
    pub fn start() -> Self {
        let (requests, inbox) = channel::<PlotRequest>();
        let (outbox, results) = channel();
        let thread = std::thread::Builder::new()
            .name("primecomb-response".into())
            .spawn(move || {
                while let Ok(mut request) = inbox.recv() {
                    while let Ok(newer) = inbox.try_recv() {
                        request = newer;
                    }
                    if outbox.send(PlotCurves::measure(request)).is_err() {
                        break;
                    }
                }
            })
            .expect("the response thread starts");
        Self {
            requests: Some(requests),
            results,
            thread: Some(thread),
            last_request: None,
        }
    }

    /// Asks for curves for `request`, unless that is what was asked for last.
    pub fn request(&mut self, request: PlotRequest) {
        if self.last_request.as_ref() != Some(&request) {
            self.last_request = Some(request.clone());
            if let Some(requests) = &self.requests {
                // Fails only if the thread has ended, and then there is nothing to plot anyway.
                let _ = requests.send(request);
            }
        }
    }

    /// The newest curves finished since the last call, if any.
    pub fn take_finished(&mut self) -> Option<PlotCurves> {
        self.results.try_iter().last()
    }
}

impl Drop for ResponseWorker {
    fn drop(&mut self) {
        self.requests = None; // ends the thread's loop
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::comb::CombMode;
    use std::time::{Duration, Instant};

    /// The analytic response of the plugin's output, `gain * ((1 - mix) + mix * H)`, with
    /// `H = 1 + a e^{-jwT}` (feed-forward) or `1 / (1 - a e^{-jwT})` (feed-back, alpha held
    /// to 0.999), in dB.
    fn analytic_db(comb: CombCoefficients, mix: f32, gain: f32, omega: f64) -> f64 {
        use realfft::num_complex::Complex64;
        let alpha = f64::from(comb.mode.effective_alpha(comb.alpha));
        let echo = alpha * Complex64::from_polar(1.0, -omega * f64::from(comb.delay_samples));
        let h = match comb.mode {
            CombMode::FeedForward => 1.0 + echo,
            CombMode::FeedBack => 1.0 / (1.0 - echo),
        };
        let (mix, gain) = (f64::from(mix), f64::from(gain));
        20.0 * (gain * ((1.0 - mix) + mix * h)).norm().log10()
    }

    /// What the editor plots for the plugin's settings matches the analytic response of each
    /// channel within 0.1 dB at every bin where that is above -20 dB (near the notches a tiny
    /// absolute error is a large one in dB), with w = 2 pi f / fs at each bin's frequency.
    /// The delays come from the settings as the audio thread derives them: spread apart and
    /// snapped to primes, so T is a whole number here.
    #[test]
    fn plotted_curves_match_the_analytic_response() {
        use crate::params::tau_samples;
        use crate::primes::snap::channel_delays;
        use crate::primes::table::{PrimeLookup, PrimeSearch};

        // mode, tau ms, alpha, spread, mix, output gain, sample rate
        let settings = [
            (CombMode::FeedBack, 5.0, 0.5, 0.5, 1.0, 1.0, 44_100.0),
            (CombMode::FeedBack, 1.0, -0.9, 1.0, 1.0, 0.5, 48_000.0),
            (CombMode::FeedForward, 0.5, -0.9, 0.0, 1.0, 1.0, 96_000.0),
            (CombMode::FeedForward, 20.0, 1.0, 0.3, 0.5, 2.0, 48_000.0),
            (CombMode::FeedBack, 0.25, 0.999, 0.0, 0.3, 1.0, 8_000.0),
            (CombMode::FeedBack, 12.0, 0.7, 1.0, 0.5, 0.25, 192_000.0),
        ];
        for (mode, tau_ms, alpha, spread, mix, gain, sample_rate) in settings {
            let delay = tau_samples(tau_ms, sample_rate);
            let delays = channel_delays(delay, spread, 2, Some(&PrimeSearch as &dyn PrimeLookup));
            let channels: Vec<CombCoefficients> = delays
                .iter()
                .map(|&delay_samples| CombCoefficients::plain(mode, delay_samples, alpha))
                .collect();
            let plotted = PlotCurves::measure(PlotRequest {
                channels: channels.clone(),
                mix,
                gain,
                sample_rate,
            });
            for (curve, comb) in plotted.curves.iter().zip(&channels) {
                assert_eq!(
                    curve.db.len() as f32 - 1.0,
                    sample_rate / 2.0 / curve.hz_per_bin
                );
                for (hz, db) in curve.points() {
                    let omega = std::f64::consts::TAU * f64::from(hz) / f64::from(sample_rate);
                    let want = analytic_db(*comb, mix, gain, omega);
                    if want > -20.0 {
                        let error = (f64::from(db) - want).abs();
                        assert!(error < 0.1, "{comb:?} at {hz} Hz: {db} dB vs {want} dB");
                    }
                }
            }
        }
    }

    #[test]
    fn columns_take_the_range_of_their_bins() {
        let curve = ResponseCurve {
            hz_per_bin: 10.0,
            db: vec![0.0, 1.0, 2.0, 3.0, 4.0, -5.0, 6.0, 7.0, 8.0, 9.0],
        };
        // Columns: 10-20 Hz holds bin 1; 20-40 Hz bins 2, 3; 40-80 Hz bins 4..7.
        let columns = curve.columns(10.0, 80.0, 3);
        let ranges: Vec<(f32, f32)> = columns.iter().map(|c| (c.min_db, c.max_db)).collect();
        assert_eq!(ranges, [(1.0, 1.0), (2.0, 3.0), (-5.0, 7.0)]);
        // A column between two bins (10.5 to 11.5 Hz) takes the gain at its centre, 10.99 Hz.
        let fine = curve.columns(10.5, 11.5, 1);
        assert!((fine[0].min_db - 1.1).abs() < 0.01, "{:?}", fine[0]);
    }

    #[test]
    fn worker_measures_the_newest_request() {
        let mut worker = ResponseWorker::start();
        let request = |delay_samples| PlotRequest {
            channels: vec![CombCoefficients::plain(
                CombMode::FeedForward,
                delay_samples,
                0.5,
            )],
            mix: 1.0,
            gain: 1.0,
            sample_rate: 48_000.0,
        };
        worker.request(request(10.0));
        worker.request(request(20.0));
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut newest = None;
        while Instant::now() < deadline {
            if let Some(curves) = worker.take_finished() {
                let done = curves.request == request(20.0);
                newest = Some(curves);
                if done {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let curves = newest.expect("the worker answered");
        assert_eq!(curves.request, request(20.0));
        // Delay 20 at 48 kHz: a peak of 1.5 (3.52 dB) every 2400 Hz, notches between.
        let curve = &curves.curves[0];
        let at = |hz: f32| interpolate(&curve.db, hz / curve.hz_per_bin);
        assert!((at(2400.0) - 3.52).abs() < 0.01);
        assert!(at(1200.0) < -5.0);
    }
}
