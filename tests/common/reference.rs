//! The one reference implementation of each formula the DSP computes, for tests and
//! benchmarks to hold the engine to. Written straight from the formulas, sample by sample,
//! and in f64 where the engine's rounding is what is being checked, so that they share no
//! code and no structure with the engine.

/// A comb as its formula states it.
#[derive(Debug, Clone, Copy)]
pub struct CombFormula {
    pub feedback: bool,
    /// tau, in whole samples (at least 1).
    pub tau: usize,
    pub alpha: f64,
    /// Damping, 0 to 1: the outer taps of the filter weigh `damp / 4`.
    pub damp: f64,
    /// Drive, 0 to 1: the curve `v / sqrt(1 + (8 drive v)^2)`.
    pub drive: f64,
}

impl CombFormula {
    pub fn plain(feedback: bool, tau: usize, alpha: f64) -> Self {
        Self {
            feedback,
            tau,
            alpha,
            damp: 0.0,
            drive: 0.0,
        }
    }

    /// The delay the damping filter is centred on: tau, but at least 2 samples when damped
    /// (its newest tap must lie in the past).
    pub fn centre(&self) -> usize {
        if self.damp != 0.0 {
            self.tau.max(2)
        } else {
            self.tau
        }
    }

    /// `y[n] = x[n] + S(a * L(h)[n - c])`, with `h` the input (feed-forward) or the output
    /// (feed-back), `L(h)[m] = b h[m-1] + (1 - 2b) h[m] + b h[m+1]`, `b = damp / 4`, zero
    /// before the signal starts; feed-back alpha limited to 0.999. Non-finite input is
    /// silence.
    pub fn run(&self, x: &[f32]) -> Vec<f64> {
        let x: Vec<f64> = x
            .iter()
            .map(|&v| if v.is_finite() { f64::from(v) } else { 0.0 })
            .collect();
        let alpha = if self.feedback {
            self.alpha.clamp(-0.999, 0.999)
        } else {
            self.alpha
        };
        let (c, b) = (self.centre(), self.damp / 4.0);
        let mut y = vec![0.0; x.len()];
        for n in 0..x.len() {
            let history = if self.feedback { &y } else { &x };
            let at = |back: usize| if n >= back { history[n - back] } else { 0.0 };
            let delayed = if self.damp != 0.0 {
                b * at(c + 1) + (1.0 - 2.0 * b) * at(c) + b * at(c - 1)
            } else {
                at(c)
            };
            let mut wet = alpha * delayed;
            if self.drive != 0.0 {
                let k = 8.0 * self.drive;
                wet /= (1.0 + (k * wet).powi(2)).sqrt();
            }
            y[n] = x[n] + wet;
        }
        y
    }

    /// The analytic gain at angular frequency `omega`: `|1 + a L(w) e^{-jwc}|` feed-forward,
    /// `1 / |1 - a L(w) e^{-jwc}|` feed-back, with `L(w) = 1 - 2b (1 - cos w)` the damping
    /// filter's zero-phase gain (its one-sample delay is what centring on `c` takes off).
    pub fn magnitude(&self, omega: f64) -> f64 {
        let alpha = if self.feedback {
            self.alpha.clamp(-0.999, 0.999)
        } else {
            self.alpha
        };
        let loop_gain = alpha * self.damping_gain(omega);
        let sign = if self.feedback { -1.0 } else { 1.0 };
        let phase = omega * self.centre() as f64;
        let (re, im) = (
            1.0 + sign * loop_gain * phase.cos(),
            -sign * loop_gain * phase.sin(),
        );
        let gain = re.hypot(im);
        if self.feedback { 1.0 / gain } else { gain }
    }

    /// The damping filter's gain `L(w)`.
    pub fn damping_gain(&self, omega: f64) -> f64 {
        1.0 - 2.0 * (self.damp / 4.0) * (1.0 - omega.cos())
    }
}

/// The feed-forward comb straight from its formula, in f64: `y[n] = x[n] + a*x[n-tau]`.
pub fn reference_feed_forward(x: &[f32], tau: usize, alpha: f64) -> Vec<f64> {
    CombFormula::plain(false, tau, alpha).run(x)
}

/// The feed-back comb straight from its formula, in f64: `y[n] = x[n] + a*y[n-tau]`, with
/// `|a|` limited to 0.999 as the plugin documents.
pub fn reference_feed_back(x: &[f32], tau: usize, alpha: f64) -> Vec<f64> {
    CombFormula::plain(true, tau, alpha).run(x)
}

/// The plain comb as the naive f32 loop: one multiply and one add per sample, in place. The
/// engine's arithmetic for an undamped, undriven comb is exactly this, so it must match to
/// the bit; benchmarks time it as the baseline.
pub fn naive_comb_f32(signal: &mut [f32], feedback: bool, tau: usize, alpha: f32) {
    if feedback {
        let alpha = alpha.clamp(-0.999, 0.999);
        for n in tau..signal.len() {
            signal[n] += alpha * signal[n - tau];
        }
    } else {
        // Backwards, so that every read sees an input.
        for n in (tau..signal.len()).rev() {
            signal[n] += alpha * signal[n - tau];
        }
    }
}

/// A plain comb whose alpha takes a value per sample and whose mode and whole delay change
/// at `starts[1]` and `starts[2]` to `modes[v]` and `delays[v]`, crossfading linearly over
/// `fade` samples: inside a fade `y = x + wet_from + w (wet_to - wet_from)` with
/// `w = k / fade` at the fade's `k`-th sample (from 1), `wet = a * h[n - d]` with alpha
/// clamped to 0.999 in feed-back. A history (input or output) is kept only while a voicing
/// being heard reads it, so a sample is heard only if it was kept without a break since.
/// In f32 with the engine's order of operations, so the engine must match it to the bit.
pub fn crossfading_comb(
    x: &[f32],
    alphas: &[f32],
    modes: [primecomb::CombMode; 3],
    delays: [usize; 3],
    starts: [usize; 3],
    fade: usize,
) -> Vec<f32> {
    use primecomb::CombMode;
    let history_of = |mode| (mode == CombMode::FeedForward) as usize;
    let mut kept_from = [0; 2];
    let mut y = vec![0.0f32; x.len()];
    let step = 1.0 / fade as f32;
    for n in 0..x.len() {
        let wet = |v: usize, y: &[f32]| {
            let history = match modes[v] {
                CombMode::FeedBack => y,
                CombMode::FeedForward => x,
            };
            let delayed = match n.checked_sub(delays[v]) {
                Some(m) if m >= kept_from[history_of(modes[v])] => history[m],
                _ => 0.0,
            };
            let limit = if modes[v] == CombMode::FeedBack {
                0.999
            } else {
                f32::INFINITY
            };
            alphas[n].clamp(-limit, limit) * delayed
        };
        let v = starts.iter().rposition(|&start| start <= n).unwrap();
        let heard = if v > 0 && n < starts[v] + fade {
            let weight = (n - starts[v] + 1) as f32 * step;
            let (wet_from, wet_to) = (wet(v - 1, &y), wet(v, &y));
            y[n] = x[n] + wet_from + weight * (wet_to - wet_from);
            v - 1..=v
        } else {
            y[n] = x[n] + wet(v, &y);
            v..=v
        };
        for mode in [CombMode::FeedBack, CombMode::FeedForward] {
            if !heard.clone().any(|v| modes[v] == mode) {
                kept_from[history_of(mode)] = n + 1;
            }
        }
    }
    y
}
