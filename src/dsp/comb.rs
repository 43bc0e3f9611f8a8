//! The comb filter of one channel: feed-forward `y[n] = x[n] + a*x[n-tau]` or feed-back
//! `y[n] = x[n] + a*y[n-tau]`, streaming, with click-free changes of delay and mode.

use super::control::Control;
use super::delay_line::{DelayLine, FadeTap, MAX_BLOCK, Tap};
use super::kernels::{
    FadeWeights, MAX_LANES, add_scaled, add_scaled_varying, comb_in_ring, comb_in_ring_varying,
    crossfade, crossfade_same_mode, fade_sample, finite_or_zero, peak_magnitude_bits,
};
use super::safety::silence_non_finite;

/// The largest magnitude of alpha used in the feed-back loop. At `|a| = 1` the loop would ring
/// forever (poles on the unit circle); 0.999 still rings for thousands of delay periods.
pub const MAX_FEEDBACK_ALPHA: f32 = 0.999;

/// Which of the two comb structures runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CombMode {
    /// `y[n] = x[n] + a*x[n-tau]`: notches, never unstable.
    FeedForward,
    /// `y[n] = x[n] + a*y[n-tau]`: resonant peaks, alpha limited to [`MAX_FEEDBACK_ALPHA`].
    FeedBack,
}

impl CombMode {
    /// The alpha actually applied in this mode: feed-back clamps it to keep the loop stable.
    #[inline]
    pub fn effective_alpha(self, alpha: f32) -> f32 {
        let limit = self.alpha_limit();
        alpha.clamp(-limit, limit)
    }

    /// The largest magnitude of alpha this mode applies.
    #[inline]
    pub fn alpha_limit(self) -> f32 {
        match self {
            CombMode::FeedForward => f32::INFINITY,
            CombMode::FeedBack => MAX_FEEDBACK_ALPHA,
        }
    }
}

/// A comb's settings, a small value type with the analytic response of the filter they make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CombCoefficients {
    /// Feed-forward or feed-back.
    pub mode: CombMode,
    /// The delay tau, in samples (fractional delays allowed, at least 1).
    pub delay_samples: f32,
    /// The gain of the delayed path, as set (feed-back clamps it when used).
    pub alpha: f32,
}

impl CombCoefficients {
    /// The gain of the filter at angular frequency `omega` (radians per sample):
    /// `|1 + a e^{-j omega tau}|` feed-forward, `1 / |1 - a e^{-j omega tau}|` feed-back
    /// (the z-transforms `1 + a z^-tau` and `1 / (1 - a z^-tau)` on the unit circle).
    pub fn magnitude(&self, omega: f64) -> f64 {
        let alpha = f64::from(self.mode.effective_alpha(self.alpha));
        let phase = omega * f64::from(self.delay_samples);
        let sign = match self.mode {
            CombMode::FeedForward => 1.0,
            CombMode::FeedBack => -1.0,
        };
        let re = 1.0 + sign * alpha * phase.cos();
        let im = -sign * alpha * phase.sin();
        let denominator_or_gain = re.hypot(im);
        match self.mode {
            CombMode::FeedForward => denominator_or_gain,
            CombMode::FeedBack => 1.0 / denominator_or_gain,
        }
    }

    /// How many samples the output takes to fall 90 dB after the input stops: one delay for
    /// feed-forward, and for feed-back as many round trips as `|a|^k` needs to reach -90 dB.
    pub fn tail_samples(&self) -> f64 {
        let delay = f64::from(self.delay_samples);
        let alpha = f64::from(self.mode.effective_alpha(self.alpha)).abs();
        match self.mode {
            CombMode::FeedForward => delay,
            CombMode::FeedBack if alpha < 1e-9 => delay,
            CombMode::FeedBack => delay * ((-90.0 / 20.0) * std::f64::consts::LN_10 / alpha.ln()),
        }
    }
}

/// What the comb is reading: which history (input or output) and how far back.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Voicing {
    mode: CombMode,
    tap: Tap,
}

/// A crossfade under way from the current voicing to `to`.
#[derive(Debug, Clone, Copy)]
struct Fade {
    to: Voicing,
    /// Samples of the fade already played.
    elapsed: usize,
}

/// Streaming state of one channel's comb filter.
///
/// Feed-forward reads the input history, feed-back the output history. In a steady state
/// only the history being read is kept: keeping the other would be one more store per
/// sample, which costs as much as the rest of the filter. A crossfade keeps what its two
/// sides read: one history for a change of delay, both across a change of mode. So a mode
/// change fades to a comb that hears its history only as far back as it was kept without a
/// break, usually from the fade on, as if it had just been switched on (earlier samples
/// read as silence; [`DelayLine::reach_back`]). Delay and mode changes fade linearly over
/// `fade_samples`: the two taps read the same signal at nearby times, so their sum stays at
/// the level of either (an equal-power fade would bulge by up to 3 dB), and a convex mix of
/// two stable feed-back loops is itself stable.
#[derive(Debug, Clone)]
pub struct CombChannel {
    /// `x[n]`, read by feed-forward.
    input_history: DelayLine,
    /// `y[n]`, read by feed-back.
    output_history: DelayLine,
    /// The voicing being heard (the one faded from, while a fade runs).
    current: Voicing,
    /// The voicing asked for; a fade to it starts as soon as no other fade is running.
    target: Voicing,
    fade: Option<Fade>,
    /// Length of a crossfade, in samples (at least 1).
    fade_samples: usize,
    /// A steady alpha spelled out per sample for the crossfade kernel, one block's worth
    /// (allocated once, so that the audio thread neither allocates nor zeroes it).
    fade_alphas: Vec<f32>,
}

impl CombChannel {
    /// A silent channel that can delay up to `max_delay_samples`, starting at `coefficients`
    /// (no fade in). Allocates: call it outside the audio thread.
    pub fn new(max_delay_samples: usize, coefficients: CombCoefficients) -> Self {
        let input_history = DelayLine::new(max_delay_samples);
        let longest = input_history.max_delay_samples() as f32;
        let voicing = Voicing {
            mode: coefficients.mode,
            tap: Tap::new(coefficients.delay_samples.min(longest)),
        };
        Self {
            output_history: DelayLine::new(max_delay_samples),
            input_history,
            current: voicing,
            target: voicing,
            fade: None,
            fade_samples: 1,
            fade_alphas: vec![0.0; MAX_BLOCK],
        }
    }

    /// Sets how long delay and mode changes take to crossfade, in samples (1 to `i32::MAX`,
    /// the fade kernel's index range).
    pub fn set_fade_samples(&mut self, fade_samples: usize) {
        self.fade_samples = fade_samples.clamp(1, i32::MAX as usize);
    }

    /// Asks for a new mode and delay. The change is heard through a crossfade that starts at
    /// the next processed sample, or when a running fade ends. Delays are clamped to the range
    /// the line was sized for.
    pub fn set_target(&mut self, mode: CombMode, delay_samples: f32) {
        let longest = self.input_history.max_delay_samples() as f32;
        self.target = Voicing {
            mode,
            tap: Tap::new(delay_samples.min(longest)),
        };
    }

    /// Forgets all history and jumps to the target without a fade. Does not allocate.
    pub fn reset(&mut self) {
        self.input_history.clear();
        self.output_history.clear();
        self.current = self.target;
        self.fade = None;
    }

    /// Filters `block` in place, carrying state over to the next call: the output does not
    /// depend on how a stream is split into blocks. Non-finite input samples are taken as
    /// silence (see [`silence_non_finite`]).
    ///
    /// Returns the output's largest magnitude (NaN if an output sample is NaN), found on the
    /// way, for the limiter that follows.
    ///
    /// # Panics
    /// If `alpha` is [`Control::PerSample`] with fewer values than `block` has samples.
    #[inline]
    pub fn process(&mut self, block: &mut [f32], alpha: Control) -> f32 {
        let mut peak_bits = 0;
        let mut done = 0;
        while done < block.len() {
            if self.fade.is_none() && self.target != self.current {
                self.start_fade();
            }
            let rest = &mut block[done..];
            let alpha = alpha.skip(done);
            let (len, bits) = match self.fade {
                None => (rest.len(), self.run_steady(rest, alpha)),
                Some(fade) => {
                    let len = rest.len().min(self.fade_samples - fade.elapsed);
                    (len, self.run_fade(&mut rest[..len], alpha, fade))
                }
            };
            done += len;
            peak_bits = peak_bits.max(bits);
        }
        f32::from_bits(peak_bits)
    }

    /// Starts a crossfade to the target. Its history may have gone stale while nothing read
    /// it: as far back as the target reads (interpolation included), that becomes silence.
    fn start_fade(&mut self) {
        let to = self.target;
        match to.mode {
            CombMode::FeedForward => self.input_history.reach_back(to.tap.reach()),
            CombMode::FeedBack => self.output_history.reach_back(to.tap.reach()),
        }
        self.fade = Some(Fade { to, elapsed: 0 });
    }

    /// The steady state: one voicing. Mode and alpha source are decided here, once a block.
    /// Returns the bits of the output's peak magnitude, like every `run_` method.
    fn run_steady(&mut self, block: &mut [f32], alpha: Control) -> u32 {
        let Voicing { mode, tap } = self.current;
        match tap.whole_samples() {
            // Whole-sample delays run a block at a time on the vector kernels. Feed-forward
            // reads only inputs, so it vectorises at any delay; feed-back needs its delay to
            // be at least a vector long.
            Some(delay) if delay >= MAX_LANES => self.run_one_pass(mode, delay, block, alpha),
            Some(delay) if mode == CombMode::FeedForward => {
                self.run_short_feed_forward(delay, block, alpha)
            }
            _ => {
                silence_non_finite(block);
                self.run_samples(mode, tap, block, alpha);
                peak_magnitude_bits(block)
            }
        }
    }

    /// Delays of at least a vector, in either mode: one pass adds the delayed history, keeps
    /// the input (feed-forward) or the result (feed-back), and notes the peak; the other
    /// history only moves along. The pass may read what it wrote itself a delay earlier
    /// (feed-back reads its own output), so a block is not split at the delay. The
    /// arithmetic per sample is the same as [`run`](Self::run)'s, so both give bit-identical
    /// output.
    fn run_one_pass(
        &mut self,
        mode: CombMode,
        delay: usize,
        block: &mut [f32],
        alpha: Control,
    ) -> u32 {
        let feedback = mode == CombMode::FeedBack;
        let (read_line, other_line) = if feedback {
            (&mut self.output_history, &mut self.input_history)
        } else {
            (&mut self.input_history, &mut self.output_history)
        };
        let mut peak_bits = 0;
        read_line.comb_block(delay, block.len(), |range, ring| {
            let at = range.start;
            let piece = &mut block[range];
            let bits = match alpha {
                Control::Constant(a) => {
                    comb_in_ring(piece, ring, mode.effective_alpha(a), feedback)
                }
                Control::PerSample(alphas) => {
                    let (alphas, limit) = (&alphas[at..], mode.alpha_limit());
                    comb_in_ring_varying(piece, ring, alphas, limit, feedback)
                }
            };
            peak_bits = peak_bits.max(bits);
        });
        other_line.skip(block.len());
        peak_bits
    }

    /// Feed-forward shorter than a vector: a chunk reaches further ahead than its delay, so
    /// the input goes into the history first, then the delayed window is added in.
    fn run_short_feed_forward(&mut self, delay: usize, block: &mut [f32], alpha: Control) -> u32 {
        let mode = CombMode::FeedForward;
        let mut offset = 0;
        let mut peak_bits = 0;
        for chunk in block.chunks_mut(MAX_BLOCK) {
            let len = chunk.len();
            silence_non_finite(chunk);
            self.input_history.extend(chunk, false);
            // The input history now ends with this chunk: its delayed window starts
            // `delay + len` samples back.
            let (older, newer) = self.input_history.window(delay + len, len);
            let (chunk_older, chunk_newer) = chunk.split_at_mut(older.len());
            match alpha.skip(offset) {
                Control::Constant(a) => {
                    let a = mode.effective_alpha(a);
                    add_scaled(chunk_older, older, a);
                    add_scaled(chunk_newer, newer, a);
                }
                Control::PerSample(alphas) => {
                    let (alphas_older, alphas_newer) = alphas[..len].split_at(older.len());
                    let limit = mode.alpha_limit();
                    add_scaled_varying(chunk_older, older, alphas_older, limit);
                    add_scaled_varying(chunk_newer, newer, alphas_newer, limit);
                }
            }
            self.output_history.skip(len);
            peak_bits = peak_bits.max(peak_magnitude_bits(chunk));
            offset += len;
        }
        peak_bits
    }

    /// Fractional delays, and feed-back shorter than a vector: one sample at a time.
    fn run_samples(&mut self, mode: CombMode, tap: Tap, block: &mut [f32], alpha: Control) {
        match (mode, alpha) {
            (CombMode::FeedForward, Control::Constant(a)) => self.run::<false>(block, tap, |_| a),
            (CombMode::FeedForward, Control::PerSample(a)) => {
                self.run::<false>(block, tap, |i| a[i])
            }
            (CombMode::FeedBack, Control::Constant(a)) => {
                let a = CombMode::FeedBack.effective_alpha(a);
                self.run::<true>(block, tap, |_| a)
            }
            (CombMode::FeedBack, Control::PerSample(a)) => {
                self.run::<true>(block, tap, |i| CombMode::FeedBack.effective_alpha(a[i]))
            }
        }
    }

    /// The per-sample loop, specialised for the mode so that nothing is decided inside it.
    #[inline(always)]
    fn run<const FEEDBACK: bool>(
        &mut self,
        block: &mut [f32],
        tap: Tap,
        alpha_at: impl Fn(usize) -> f32,
    ) {
        for (i, sample) in block.iter_mut().enumerate() {
            let history = if FEEDBACK {
                &self.output_history
            } else {
                &self.input_history
            };
            let x = *sample;
            let y = x + alpha_at(i) * history.read(tap);
            if FEEDBACK {
                self.output_history.push(finite_or_zero(y));
            } else {
                self.input_history.push(x);
            }
            *sample = y;
        }
        // The history this mode does not read only moves along.
        if FEEDBACK {
            self.input_history.skip(block.len());
        } else {
            self.output_history.skip(block.len());
        }
    }

    /// A crossfade between two voicings: on the vector kernels when both delays are whole
    /// samples (as prime snap makes them) of at least a vector, one sample at a time
    /// otherwise.
    fn run_fade(&mut self, block: &mut [f32], alpha: Control, mut fade: Fade) -> u32 {
        let from = self.current;
        let peak_bits = match (from.tap.whole_samples(), fade.to.tap.whole_samples()) {
            (Some(from_delay), Some(to_delay)) if from_delay.min(to_delay) >= MAX_LANES => {
                self.run_fade_blocks(block, alpha, fade, [from_delay, to_delay])
            }
            _ => {
                silence_non_finite(block);
                self.run_fade_samples(block, alpha, fade);
                peak_magnitude_bits(block)
            }
        };
        fade.elapsed += block.len();
        if fade.elapsed >= self.fade_samples {
            self.current = fade.to;
            self.fade = None;
        } else {
            self.fade = Some(fade);
        }
        peak_bits
    }

    /// A crossfade with a fractional delay, or one shorter than a vector, on either side: one
    /// sample at a time. Like the block pass, it keeps only the histories the two voicings
    /// read.
    fn run_fade_samples(&mut self, block: &mut [f32], alpha: Control, fade: Fade) {
        let from = self.current;
        let reads = |mode| from.mode == mode || fade.to.mode == mode;
        let keep_inputs = reads(CombMode::FeedForward);
        let keep_outputs = reads(CombMode::FeedBack);
        let step = 1.0 / self.fade_samples as f32;
        for (i, sample) in block.iter_mut().enumerate() {
            let alpha = alpha.at(i);
            let weight_to = (fade.elapsed + i + 1) as f32 * step;
            let x = *sample;
            let y = fade_sample(
                x,
                self.wet(from, alpha),
                self.wet(fade.to, alpha),
                weight_to,
            );
            if keep_inputs {
                self.input_history.push(x);
            }
            if keep_outputs {
                self.output_history.push(finite_or_zero(y));
            }
            *sample = y;
        }
        if !keep_inputs {
            self.input_history.skip(block.len());
        }
        if !keep_outputs {
            self.output_history.skip(block.len());
        }
    }

    /// A crossfade between two whole-sample delays of at least a vector (what a tau knob with
    /// prime snap makes), a block at a time: one vector pass reads both voicings' delayed
    /// samples straight from the histories, mixes them and keeps the history (or, across a
    /// mode change, both) that the voicings read. The same arithmetic per sample as
    /// [`run_fade_samples`](Self::run_fade_samples), so the output is bit-identical. Returns
    /// the bits of the output's peak magnitude.
    fn run_fade_blocks(
        &mut self,
        block: &mut [f32],
        alpha: Control,
        fade: Fade,
        delays: [usize; 2],
    ) -> u32 {
        let weights = FadeWeights {
            first_index: (fade.elapsed + 1) as i32,
            step: 1.0 / self.fade_samples as f32,
        };
        match self.current.mode == fade.to.mode {
            true => self.run_delay_fade_blocks(block, alpha, delays, weights),
            false => self.run_mode_fade_blocks(block, alpha, fade.to, delays, weights),
        }
    }

    /// A crossfade between two delays of one mode: both read the history the mode keeps, and
    /// the other one only moves along, as in a steady state.
    fn run_delay_fade_blocks(
        &mut self,
        block: &mut [f32],
        alpha: Control,
        delays: [usize; 2],
        weights: FadeWeights,
    ) -> u32 {
        let mode = self.current.mode;
        let feedback = mode == CombMode::FeedBack;
        let Self {
            input_history,
            output_history,
            fade_alphas: steady_alphas,
            ..
        } = self;
        let (read_line, other_line) = match feedback {
            true => (output_history, input_history),
            false => (input_history, output_history),
        };
        let mut peak_bits = 0;
        read_line.fade_block_in_line(delays, block.len(), |at, slices| {
            let piece = &mut block[at..at + slices.kept.len()];
            let alphas = alpha.spelled_out(at, piece.len(), steady_alphas);
            let (limit, weights) = (mode.alpha_limit(), weights.skip(at));
            let bits = crossfade_same_mode(piece, slices, alphas, limit, weights, feedback);
            peak_bits = peak_bits.max(bits);
        });
        other_line.skip(block.len());
        peak_bits
    }

    /// A crossfade across a change of mode: each side reads its own history, and both are
    /// kept.
    fn run_mode_fade_blocks(
        &mut self,
        block: &mut [f32],
        alpha: Control,
        to: Voicing,
        delays: [usize; 2],
        weights: FadeWeights,
    ) -> u32 {
        let voicings = [self.current, to];
        let alpha_limits = voicings.map(|voicing| voicing.mode.alpha_limit());
        let taps = [0, 1].map(|v| FadeTap {
            delay: delays[v],
            reads_outputs: voicings[v].mode == CombMode::FeedBack,
        });
        let steady_alphas = &mut self.fade_alphas;
        let mut peak_bits = 0;
        self.input_history
            .fade_block(&mut self.output_history, taps, block.len(), |at, slices| {
                let piece = &mut block[at..at + slices.kept_inputs.len()];
                let alphas = alpha.spelled_out(at, piece.len(), steady_alphas);
                let bits = crossfade(piece, slices, alphas, alpha_limits, weights.skip(at));
                peak_bits = peak_bits.max(bits);
            });
        peak_bits
    }

    /// The delayed path `a * history[n - tau]` of one voicing.
    #[inline]
    fn wet(&self, voicing: Voicing, alpha: f32) -> f32 {
        let history = match voicing.mode {
            CombMode::FeedForward => &self.input_history,
            CombMode::FeedBack => &self.output_history,
        };
        voicing.mode.effective_alpha(alpha) * history.read(voicing.tap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comb with alpha gliding every sample (beyond feed-back's 0.999 limit too), moved
    /// from one delay to a second and then a third with 100-sample crossfades, in every
    /// sequence of modes, against the textbook formulas written out plainly:
    /// `y = x + a*y[n-d]` (alpha clamped) or `y = x + a*x[n-d]`, and inside a fade
    /// `x + wet_from + w*(wet_to - wet_from)` with `w = k/100`. A history its mode does not
    /// read is not kept, so after a mode change the new mode hears silence before the change;
    /// the 1024-slot ring wraps in between, so stale samples would be heard if they were not
    /// silenced. The same arithmetic in the same order, so every path must match it bit for
    /// bit, whatever the block sizes:
    /// - delays 40, 67, 53: the vector passes;
    /// - the same with the third change right as the second fade ends: a fade within one mode
    ///   keeps only that mode's history, so the next mode still starts from silence;
    /// - delays 5, 11, 7: the per-sample loops (and feed-forward's short path).
    #[test]
    fn gliding_alpha_and_crossfades_match_the_plain_formulas() {
        use CombMode::{FeedBack, FeedForward};
        let voicings = [
            ([40, 67, 53], [0, 1100, 2200]),
            ([40, 67, 53], [0, 1100, 1200]),
            ([5, 11, 7], [0, 1100, 1200]),
        ];
        for (delays, starts) in voicings {
            for first in [FeedBack, FeedForward] {
                for second in [FeedBack, FeedForward] {
                    for third in [FeedBack, FeedForward] {
                        gliding_alpha_and_crossfades_in([first, second, third], delays, starts);
                    }
                }
            }
        }
    }

    fn gliding_alpha_and_crossfades_in(
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
        // A history is kept while a voicing being heard reads it (both sides of a fade);
        // a sample in it is heard only if it has been kept ever since.
        let history_of = |mode| (mode == CombMode::FeedForward) as usize;
        let mut kept_from = [0; 2];
        let mut want = vec![0.0f32; len];
        let step = 1.0 / fade as f32;
        for n in 0..len {
            let wet = |v: usize, want: &[f32]| {
                let history = match modes[v] {
                    CombMode::FeedBack => want,
                    CombMode::FeedForward => &x,
                };
                let delayed = match n.checked_sub(delays[v]) {
                    Some(m) if m >= kept_from[history_of(modes[v])] => history[m],
                    _ => 0.0,
                };
                modes[v].effective_alpha(alphas[n]) * delayed
            };
            let v = starts.iter().rposition(|&start| start <= n).unwrap();
            let heard = if v > 0 && n < starts[v] + fade {
                let weight = (n - starts[v] + 1) as f32 * step;
                let (wet_from, wet_to) = (wet(v - 1, &want), wet(v, &want));
                want[n] = x[n] + wet_from + weight * (wet_to - wet_from);
                v - 1..=v
            } else {
                want[n] = x[n] + wet(v, &want);
                v..=v
            };
            for mode in [CombMode::FeedBack, CombMode::FeedForward] {
                if !heard.clone().any(|v| modes[v] == mode) {
                    kept_from[history_of(mode)] = n + 1;
                }
            }
        }

        for sizes in [&[3000][..], &[1, 37, 256, 3], &[300, 64, 5]] {
            let coefficients = CombCoefficients {
                mode: modes[0],
                delay_samples: delays[0] as f32,
                alpha: 0.0,
            };
            let mut comb = CombChannel::new(200, coefficients);
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
                let alpha = Control::PerSample(&alphas[start..end]);
                comb.process(&mut got[start..end], alpha);
                start = end;
            }
            assert_eq!(
                got, want,
                "{modes:?}, delays {delays:?} from {starts:?}, blocks {sizes:?}"
            );
        }
    }
}
