//! The comb filter of one channel: feed-forward `y[n] = x[n] + a*S(L(x))[n-tau]` or
//! feed-back `y[n] = x[n] + a*S(L(y))[n-tau]`, with `L` the damping filter and `S` the drive
//! curve (both off by default), streaming, with click-free changes of delay and mode. The
//! plugin, the whole-signal library API, the offline renderer and the response plot all run
//! this one engine.

use super::control::Control;
use super::damping;
use super::delay_line::{DelayLine, MAX_PIECE, Reading, Tap, TapRead};
use super::kernels::{
    FadeWeights, LANES, PieceControls, SteadyControls, add_faded_wet, add_wet, comb_in_ring,
    copy_finite, copy_normal, interpolate, shape_wet,
};
use super::simd::{VectorUnit, VectorWork};

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
    /// Damping, 0 (off) to 1: see [`damping`].
    pub damp: f32,
    /// Drive, 0 (off) to 1: see [`saturation`](super::saturation). It does not change the response to quiet
    /// signals, which is all [`magnitude`](Self::magnitude) describes.
    pub drive: f32,
}

impl CombCoefficients {
    /// A plain comb: no damping, no drive.
    pub fn plain(mode: CombMode, delay_samples: f32, alpha: f32) -> Self {
        Self {
            mode,
            delay_samples,
            alpha,
            damp: 0.0,
            drive: 0.0,
        }
    }

    /// The delay of the loop: tau, or with damping at least two samples.
    pub fn loop_delay(&self) -> f64 {
        f64::from(damping::loop_delay(self.delay_samples, self.damp))
    }

    /// The gain of the delayed path once round, `|a| L(w)`, at angular frequency `omega`.
    fn round_trip_gain(&self, omega: f64) -> f64 {
        let alpha = f64::from(self.mode.effective_alpha(self.alpha)).abs();
        alpha * damping::gain(self.damp, omega)
    }

    /// The gain of the filter at angular frequency `omega` (radians per sample):
    /// `|1 + a L(w) e^{-j omega tau}|` feed-forward, `1 / |1 - a L(w) e^{-j omega tau}|`
    /// feed-back, with `L(w)` the damping filter's (real) gain.
    pub fn magnitude(&self, omega: f64) -> f64 {
        let alpha = f64::from(self.mode.effective_alpha(self.alpha));
        let delayed = alpha * damping::gain(self.damp, omega);
        let phase = omega * self.loop_delay();
        let sign = match self.mode {
            CombMode::FeedForward => 1.0,
            CombMode::FeedBack => -1.0,
        };
        let re = 1.0 + sign * delayed * phase.cos();
        let im = -sign * delayed * phase.sin();
        let denominator_or_gain = re.hypot(im);
        match self.mode {
            CombMode::FeedForward => denominator_or_gain,
            CombMode::FeedBack => 1.0 / denominator_or_gain,
        }
    }

    /// How many samples a tone at angular frequency `omega` rings on for after the input
    /// stops until it has fallen `db` decibels: one delay for feed-forward (one echo), and
    /// for feed-back as many round trips as `(|a| L(w))^k` needs to fall that far.
    pub fn decay_samples(&self, omega: f64, db: f64) -> f64 {
        let delay = self.loop_delay();
        let gain = self.round_trip_gain(omega);
        match self.mode {
            CombMode::FeedBack if gain > 1e-9 => {
                delay * ((-db / 20.0) * std::f64::consts::LN_10 / gain.ln())
            }
            _ => delay,
        }
    }

    /// How many samples the output takes to fall 90 dB after the input stops: at DC, where
    /// damping takes nothing away, so the longest of any frequency.
    pub fn tail_samples(&self) -> f64 {
        self.decay_samples(0.0, 90.0)
    }
}

/// The controls of one block: one value for it, or one per sample while a control glides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CombControls<'a> {
    pub alpha: Control<'a>,
    /// Damping, 0 to 1.
    pub damp: Control<'a>,
    /// Drive, 0 to 1.
    pub drive: Control<'a>,
}

impl CombControls<'_> {
    /// A plain comb's controls: alpha, no damping, no drive.
    pub fn alpha(alpha: f32) -> Self {
        Self {
            alpha: Control::Constant(alpha),
            damp: Control::Constant(0.0),
            drive: Control::Constant(0.0),
        }
    }

    /// The three values, where none of them glides.
    fn steady(&self) -> Option<SteadyControls> {
        match (self.alpha, self.damp, self.drive) {
            (Control::Constant(alpha), Control::Constant(damp), Control::Constant(drive)) => {
                Some(SteadyControls { alpha, damp, drive })
            }
            _ => None,
        }
    }
}

/// What the comb is reading: which history (input or output) and how far back.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Voicing {
    mode: CombMode,
    tap: Tap,
}

impl Voicing {
    /// How a piece reads this voicing's delayed signal, damped or not.
    #[inline(always)]
    fn reading(self, damped: bool) -> Reading {
        if damped {
            let centre = damping::loop_delay(self.tap.delay_samples(), 1.0);
            Reading::around(Tap::new(centre))
        } else {
            Reading::at(self.tap)
        }
    }

    fn reads_outputs(self) -> bool {
        self.mode == CombMode::FeedBack
    }
}

/// A crossfade under way from the current voicing to `to`.
#[derive(Debug, Clone, Copy)]
struct Fade {
    to: Voicing,
    /// Samples of the fade already played.
    elapsed: usize,
}

/// The controls spelled out per sample, one piece's worth (allocated once, like
/// [`Scratch`]).
#[derive(Debug, Clone, Default)]
struct SpelledControls {
    alphas: Spelled,
    damps: Spelled,
    drives: Spelled,
}

impl SpelledControls {
    fn new() -> Self {
        Self {
            alphas: Spelled::new(),
            damps: Spelled::new(),
            drives: Spelled::new(),
        }
    }
}

/// One control's values per sample: a gliding control's own, or a steady one written out,
/// once: while it stays the same, the values written last time serve again.
#[derive(Debug, Clone, Default)]
struct Spelled {
    values: Vec<f32>,
    /// The value every slot of `values` holds, if they hold one value.
    holds: Option<f32>,
}

impl Spelled {
    fn new() -> Self {
        Self {
            values: vec![0.0; MAX_PIECE],
            holds: Some(0.0),
        }
    }

    /// The `len` values of `control` from sample `offset` on.
    #[inline(always)]
    fn spell<'a>(&'a mut self, control: Control<'a>, offset: usize, len: usize) -> &'a [f32] {
        match control {
            Control::Constant(value) => {
                if self.holds != Some(value) {
                    self.values.fill(value);
                    self.holds = Some(value);
                }
                &self.values[..len]
            }
            Control::PerSample(values) => &values[offset..offset + len],
        }
    }
}

/// Buffers for one piece, allocated once so that the audio thread neither allocates nor
/// zeroes them.
#[derive(Debug, Clone)]
struct Scratch {
    /// An interpolated delayed signal (two samples longer than a piece, for damping).
    delayed: Vec<f32>,
    /// The delayed path of the voicing heard, and of the one a crossfade goes to.
    wet_from: Vec<f32>,
    wet_to: Vec<f32>,
}

impl Scratch {
    fn new() -> Self {
        let zeroed = |len| vec![0.0; len];
        Self {
            delayed: zeroed(MAX_PIECE + 2),
            wet_from: zeroed(MAX_PIECE),
            wet_to: zeroed(MAX_PIECE),
        }
    }
}

/// Streaming state of one channel's comb filter.
///
/// A block is cut into pieces, each computed in a few passes over slices (the kernels in
/// [`super::kernels`]): keep the inputs, compute each voicing's delayed path from a window of
/// its history, add it to the input, keep the outputs. Feed-back reads its own output, so a
/// piece is no longer than its delay (minus the damping filter's newer tap); feed-forward
/// keeps its inputs before it reads, so its pieces can be longer than its delay. Pieces also
/// end where the ring wraps and every [`MAX_PIECE`] samples. The one exception, because it is
/// most of a static comb's time: a steady whole delay of a vector or more runs as one fused
/// pass over the ring ([`comb_in_ring`]), which reads what it wrote a delay earlier, so its
/// pieces end only where the ring wraps.
///
/// Feed-forward reads the input history, feed-back the output history. In a steady state
/// only the history being read is kept: keeping the other would be one more store per
/// sample. A crossfade keeps what its two sides read: one history for a change of delay,
/// both across a change of mode. So a mode change fades to a comb that hears its history
/// only as far back as it was kept without a break, usually from the fade on, as if it had
/// just been switched on (earlier samples read as silence; [`DelayLine::reach_back`]).
/// Delay and mode changes fade linearly over `fade_samples`: the two taps read the same
/// signal at nearby times, so their sum stays at the level of either (an equal-power fade
/// would bulge by up to 3 dB), and a convex mix of two stable feed-back loops is itself
/// stable.
#[derive(Debug, Clone)]
pub struct CombChannel {
    state: CombState,
    /// Kept apart from the state the pieces change, so that a block can hold the spelled
    /// values while its pieces run. (Moving them out of the comb and back each block instead
    /// cost 9 % of `process()` at 64-sample blocks: the move's wide loads waited on the
    /// narrower stores that had put them back a block before.)
    spelled: SpelledControls,
}

/// What a comb's pieces read and change.
#[derive(Debug, Clone)]
struct CombState {
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
    scratch: Scratch,
}

impl CombChannel {
    /// A silent channel that can delay up to `max_delay_samples`, starting at `coefficients`'
    /// mode and delay (no fade in). Allocates: call it outside the audio thread.
    pub fn new(max_delay_samples: usize, coefficients: CombCoefficients) -> Self {
        let mut comb = Self::with_tap(max_delay_samples, coefficients.mode, Tap::whole(1));
        comb.set_target(coefficients.mode, coefficients.delay_samples);
        comb.state.current = comb.state.target;
        comb
    }

    /// A silent channel with a whole delay of `delay_samples` and room for no longer one
    /// (any length: an `f32` delay would round above 2^24 samples). Allocates.
    pub fn with_whole_delay(delay_samples: usize, mode: CombMode) -> Self {
        Self::with_tap(delay_samples, mode, Tap::whole(delay_samples))
    }

    fn with_tap(max_delay_samples: usize, mode: CombMode, tap: Tap) -> Self {
        let input_history = DelayLine::new(max_delay_samples);
        let voicing = Voicing { mode, tap };
        let state = CombState {
            output_history: DelayLine::new(max_delay_samples),
            input_history,
            current: voicing,
            target: voicing,
            fade: None,
            fade_samples: 1,
            scratch: Scratch::new(),
        };
        let mut comb = Self {
            state,
            spelled: SpelledControls::new(),
        };
        comb.reserve(tap.delay_samples().ceil() as usize);
        comb
    }

    /// Makes both histories' rings long enough for delays up to `delay_samples` now (see
    /// [`DelayLine::reserve`]); a longer target does it when set. The plugin reserves tau's
    /// range at activation, so that only a longer delay (a low note, a whole bar) grows the
    /// rings while processing, once. Does not allocate.
    pub fn reserve(&mut self, delay_samples: usize) {
        // Both lines are written in step and grow in step: one's ring layout is the other's.
        self.state.input_history.reserve(delay_samples);
        self.state.output_history.reserve(delay_samples);
    }

    /// Sets how long delay and mode changes take to crossfade, in samples (1 to `i32::MAX`,
    /// the fade weights' index range).
    pub fn set_fade_samples(&mut self, fade_samples: usize) {
        self.state.fade_samples = fade_samples.clamp(1, i32::MAX as usize);
    }

    /// Asks for a new mode and delay. The change is heard through a crossfade that starts at
    /// the next processed sample, or when a running fade ends. Delays are clamped to the range
    /// the line was sized for.
    pub fn set_target(&mut self, mode: CombMode, delay_samples: f32) {
        let longest = self.state.input_history.max_delay_samples() as f32;
        let delay_samples = delay_samples.min(longest);
        self.reserve(delay_samples.ceil() as usize);
        self.state.target = Voicing {
            mode,
            tap: Tap::new(delay_samples),
        };
    }

    /// Forgets all history and jumps to the target without a fade. Does not allocate.
    pub fn reset(&mut self) {
        self.state.input_history.clear();
        self.state.output_history.clear();
        self.state.current = self.state.target;
        self.state.fade = None;
    }

    /// [`process`](Self::process) compiled for `unit`: what code outside a
    /// [`VectorWork`] calls.
    pub fn process_on(
        &mut self,
        unit: VectorUnit,
        block: &mut [f32],
        controls: CombControls,
    ) -> f32 {
        unit.run(CombBlock {
            comb: self,
            block,
            controls,
        })
    }

    /// Filters `block` in place, carrying state over to the next call: the output does not
    /// depend on how a stream is split into blocks. Non-finite and subnormal input samples
    /// are taken as silence. Vectorised for the unit of the [`VectorWork`] it is called in (see
    /// [`process_on`](Self::process_on)).
    ///
    /// Returns the output's largest magnitude (NaN if an output sample is NaN), found on the
    /// way, for the limiter that follows.
    ///
    /// # Panics
    /// If a per-sample control has fewer values than `block` has samples.
    #[inline(always)]
    pub fn process(&mut self, block: &mut [f32], controls: CombControls) -> f32 {
        let damped = !controls.damp.is_constant(0.0);
        let driven = !controls.drive.is_constant(0.0);
        let peak_bits = match (damped, driven) {
            (false, false) => self.run::<false, false>(block, controls),
            (true, false) => self.run::<true, false>(block, controls),
            (false, true) => self.run::<false, true>(block, controls),
            (true, true) => self.run::<true, true>(block, controls),
        };
        f32::from_bits(peak_bits)
    }

    /// [`process`](Self::process) with damping and drive on or off for the whole block.
    #[inline(always)]
    fn run<const DAMP: bool, const DRIVE: bool>(
        &mut self,
        block: &mut [f32],
        controls: CombControls,
    ) -> u32 {
        let Self { state, spelled } = self;
        let mut peak_bits = 0;
        for (index, chunk) in block.chunks_mut(MAX_PIECE).enumerate() {
            let offset = index * MAX_PIECE;
            let len = chunk.len();
            let SpelledControls {
                alphas,
                damps,
                drives,
            } = spelled;
            let alphas = alphas.spell(controls.alpha, offset, len);
            let damps = match DAMP {
                true => damps.spell(controls.damp, offset, len),
                false => &[][..],
            };
            let drives = match DRIVE {
                true => drives.spell(controls.drive, offset, len),
                false => &[][..],
            };
            let mut done = 0;
            while done < len {
                if state.fade.is_none() && state.target != state.current {
                    state.start_fade();
                }
                let piece_controls = PieceControls {
                    steady: controls.steady(),
                    alphas: &alphas[done..],
                    damps: damps.get(done..).unwrap_or_default(),
                    drives: drives.get(done..).unwrap_or_default(),
                };
                let (piece, bits) =
                    state.run_piece::<DAMP, DRIVE>(&mut chunk[done..], piece_controls);
                done += piece;
                peak_bits = peak_bits.max(bits);
            }
        }
        peak_bits
    }
}

impl CombState {
    /// Starts a crossfade to the target. Its history may have gone stale while nothing read
    /// it: as far back as the target reads (interpolation and damping included), that
    /// becomes silence.
    fn start_fade(&mut self) {
        let to = self.target;
        let reach = to.reading(true).oldest().max(to.reading(false).oldest());
        match to.mode {
            CombMode::FeedForward => self.input_history.reach_back(reach),
            CombMode::FeedBack => self.output_history.reach_back(reach),
        }
        self.fade = Some(Fade { to, elapsed: 0 });
    }

    /// Computes the next piece of `samples` in place: as much of it as can be done at once.
    /// Returns how many samples that was and the bits of their peak magnitude.
    #[inline(always)]
    fn run_piece<const DAMP: bool, const DRIVE: bool>(
        &mut self,
        samples: &mut [f32],
        controls: PieceControls,
    ) -> (usize, u32) {
        let from = self.current;
        if self.fade.is_none()
            && let Some(done) = self.run_steady_in_ring::<DAMP, DRIVE>(samples, controls)
        {
            return done;
        }
        let to = self.fade.map(|fade| fade.to);
        let voicings = [Some(from), to];
        let reads = |mode| voicings.iter().flatten().any(|v| v.mode == mode);
        let keep_inputs = reads(CombMode::FeedForward);
        let keep_outputs = reads(CombMode::FeedBack);

        let mut len = samples.len();
        if let Some(fade) = self.fade {
            len = len.min(self.fade_samples - fade.elapsed);
        }
        let mut reaches = [0; 2];
        for (reach, voicing) in reaches.iter_mut().zip(&voicings) {
            if let Some(voicing) = voicing {
                let reading = voicing.reading(DAMP);
                if voicing.reads_outputs() {
                    len = len.min(reading.causal_piece());
                }
                *reach = reading.oldest();
            }
        }
        // Both lines are written in step, so one's ring layout is the other's.
        len = len.min(self.input_history.room(&reaches));
        let block = &mut samples[..len];

        let Self {
            input_history,
            output_history,
            scratch,
            ..
        } = self;
        if keep_inputs {
            copy_normal(input_history.slots(len), block);
            input_history.written(len);
        }
        let histories = [&*input_history, &*output_history];
        let wet_from = &mut scratch.wet_from[..len];
        shape_voicing::<DAMP, DRIVE>(from, histories, &mut scratch.delayed, wet_from, controls);
        let peak_bits = match self.fade {
            None => add_wet(block, wet_from),
            Some(fade) => {
                let wet_to = &mut scratch.wet_to[..len];
                let delayed = &mut scratch.delayed;
                shape_voicing::<DAMP, DRIVE>(fade.to, histories, delayed, wet_to, controls);
                let weights = FadeWeights {
                    first_index: (fade.elapsed + 1) as i32,
                    step: 1.0 / self.fade_samples as f32,
                };
                add_faded_wet(block, wet_from, wet_to, weights)
            }
        };
        if keep_outputs {
            copy_finite(output_history.slots(len), block);
            output_history.written(len);
        }
        for (line, kept) in [(input_history, keep_inputs), (output_history, keep_outputs)] {
            match kept {
                true => line.advance(len),
                // The history no voicing reads only moves along.
                false => line.skip(len),
            }
        }

        if let Some(mut fade) = self.fade {
            fade.elapsed += len;
            if fade.elapsed >= self.fade_samples {
                self.current = fade.to;
                self.fade = None;
            } else {
                self.fade = Some(fade);
            }
        }
        (len, peak_bits)
    }

    /// The steady state at a whole delay of a vector or more, in one pass over the history
    /// ([`comb_in_ring`]): a piece as long as the ring allows, however short the delay.
    /// `None` where that does not apply (a fractional or short delay, or reads that would
    /// straddle the ring's end), for the general path to take.
    #[inline(always)]
    fn run_steady_in_ring<const DAMP: bool, const DRIVE: bool>(
        &mut self,
        samples: &mut [f32],
        controls: PieceControls,
    ) -> Option<(usize, u32)> {
        let voicing = self.current;
        let reading = voicing.reading(DAMP);
        if reading.read != TapRead::Whole || reading.causal_piece() < LANES {
            return None;
        }
        let feedback = voicing.reads_outputs();
        let (kept, other) = match feedback {
            true => (&mut self.output_history, &mut self.input_history),
            false => (&mut self.input_history, &mut self.output_history),
        };
        let (ring, read, write, len) =
            kept.ring_piece(reading.oldest(), reading.extra, samples.len())?;
        let (block, ends) = (&mut samples[..len], [read, write]);
        let limit = voicing.mode.alpha_limit();
        let bits = match feedback {
            true => comb_in_ring::<true, DAMP, DRIVE>(block, ring, ends, controls, limit),
            false => comb_in_ring::<false, DAMP, DRIVE>(block, ring, ends, controls, limit),
        };
        kept.written(len);
        kept.advance(len);
        other.skip(len);
        Some((len, bits))
    }
}

/// One block of a comb, as work for a vector unit.
struct CombBlock<'a, 'b> {
    comb: &'a mut CombChannel,
    block: &'a mut [f32],
    controls: CombControls<'b>,
}

impl VectorWork for CombBlock<'_, '_> {
    type Output = f32;

    #[inline(always)]
    fn run(self) -> f32 {
        self.comb.process(self.block, self.controls)
    }
}

/// One voicing's delayed path over a piece of `wet.len()` samples, into `wet`: its window of
/// history, interpolated into `delayed` if the delay is fractional, then damped, scaled and
/// driven.
#[inline(always)]
fn shape_voicing<const DAMP: bool, const DRIVE: bool>(
    voicing: Voicing,
    [input_history, output_history]: [&DelayLine; 2],
    delayed: &mut [f32],
    wet: &mut [f32],
    controls: PieceControls,
) {
    let len = wet.len();
    let reading = voicing.reading(DAMP);
    let history = match voicing.reads_outputs() {
        true => output_history,
        false => input_history,
    };
    let window = history.window(reading.oldest(), reading.window_len(len));
    let delayed = match reading.read {
        TapRead::Whole => window,
        read => {
            let delayed = &mut delayed[..len + reading.extra];
            interpolate(delayed, window, read);
            delayed
        }
    };
    let limit = voicing.mode.alpha_limit();
    shape_wet::<DAMP, DRIVE>(wet, delayed, controls, limit);
}
