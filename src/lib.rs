//! PrimeComb: feed-forward and feed-back comb filters as a CLAP and VST3 plugin.
//!
//! This file is the plugin glue: lifecycle, parameter policy and exports. The filter maths is
//! in [`dsp`], which knows nothing about plugins and can be used on its own:
//!
//! ```
//! let mut signal: Vec<f32> = (0..10).map(|n| n as f32).collect();
//! primecomb::feed_forward(&mut signal, 4, 0.5).unwrap();
//! assert_eq!(signal, [0.0, 1.0, 2.0, 3.0, 4.0, 5.5, 7.0, 8.5, 10.0, 11.5]);
//! ```

use std::num::NonZeroU32;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use nice_plug::midi::Key;
use nice_plug::prelude::*;

pub mod dsp;
pub mod editor;
pub mod keyboard;
pub mod monitor;
pub mod music;
pub mod offline_host;
pub mod params;
pub mod presets;
pub mod primes;
pub mod shared;
pub mod value_text;

pub use dsp::comb::{CombCoefficients, CombMode, MAX_FEEDBACK_ALPHA};
pub use dsp::offline::{
    CombError, feed_backward, feed_backward_channels, feed_forward, feed_forward_channels,
};

use dsp::comb::{CombChannel, CombControls};
use dsp::control::Control;
use dsp::glide::Glide;
use dsp::simd::VectorUnit;
use dsp::strip::{self, ChannelStrip, StripControls};
use dsp::tuning;
use keyboard::{Keyboard, PitchGlide};
use monitor::SignalMonitor;
use music::pitch::key_to_hz;
use music::tempo::FALLBACK_BPM;
use nice_plug_egui::{EguiEditor, EguiEditorState};
use params::{PrimeCombParams, SMOOTHING_MS, TAU_MAX_MS, max_channel_delay_ms, tau_samples};
use primes::pool::TableReceiver;
use primes::snap::MAX_SPREAD_RATIO;
use primes::snap::channel_delays;
use primes::table::PrimeLookup;
use shared::{DelaySource, SharedState};

/// How long a change of tau or mode crossfades, in milliseconds: long enough that the fade
/// itself is inaudible as a click, short enough to follow a knob.
const CROSSFADE_MS: f32 = 20.0;

/// While the pitch glides from note to note, blocks are cut into pieces this long, each
/// aiming the combs at the pitch of the moment: a thirtieth of the crossfade at 48 kHz, so
/// the chain of crossfades follows the glide within 1.3 ms.
const GLIDE_STEP_SAMPLES: usize = 64;

/// How long `activate()` may wait for a prime table that is not built yet. Builds take about a
/// millisecond; on a machine too busy for that, processing starts unsnapped and snaps when the
/// table arrives.
const TABLE_BUILD_PATIENCE: Duration = Duration::from_millis(100);

/// The plugin instance: owned by the audio thread once active.
pub struct PrimeComb {
    params: Arc<PrimeCombParams>,
    shared: Arc<SharedState>,
    /// Sample rate of the current activation, in Hz.
    sample_rate: f32,
    /// One comb and output stage per channel; allocated in `activate()`.
    strips: Vec<ChannelStrip>,
    /// The vector unit the strips run on, chosen once.
    unit: VectorUnit,
    /// Per-sample buffers for one block; allocated in `activate()`.
    scratch: BlockScratch,
    /// The gliding controls on their way to the parameters' values.
    glides: ControlGlides,
    /// Prime delay tables from the background pool.
    tables: TableReceiver,
    /// The channel delays the combs were last pointed at, and what they were computed from.
    targets: (Option<TargetRequest>, [f32; 2]),
    /// The tail last reported, in samples, and the comb it was computed for.
    tail: Option<(CombCoefficients, u32)>,
    /// Samples and levels for the editor's displays, fed while the editor is open.
    monitor: Arc<SignalMonitor>,
    /// The editor's state: whether a window is open, and its size (saved with the session
    /// through [`PrimeCombParams::editor_window`]).
    editor_state: Arc<EguiEditorState>,
    /// The notes held, for key follow.
    keyboard: Keyboard,
    /// The pitch key follow plays, in MIDI keys, once a note was played.
    pitch: Option<PitchGlide>,
    /// Tau last converted to samples, in ms, and those samples at this activation's rate:
    /// the conversion is a chain of double-precision operations, a division among them,
    /// that every block would otherwise wait on (most of the 6 % of `process()` that
    /// retargeting took in a profile at 64-sample blocks).
    tau_converted: (f32, f32),
}

/// What the combs' targets depend on (the table, once there, does not change while active).
#[derive(Debug, Clone, Copy, PartialEq)]
struct TargetRequest {
    mode: CombMode,
    /// The delay tau, the keyboard or the tempo asks for, in samples.
    delay_samples: f32,
    spread: f32,
    snapped: bool,
}

/// Buffers `process()` fills once a block, sized for the host's largest block.
#[derive(Default)]
struct BlockScratch {
    /// Smoothed controls, while they glide.
    alpha: Vec<f32>,
    damp: Vec<f32>,
    drive: Vec<f32>,
    mix: Vec<f32>,
    gain: Vec<f32>,
}

impl BlockScratch {
    fn new(max_block_samples: usize) -> Self {
        let zeroed = || vec![0.0; max_block_samples];
        Self {
            alpha: zeroed(),
            damp: zeroed(),
            drive: zeroed(),
            mix: zeroed(),
            gain: zeroed(),
        }
    }

    fn max_block_samples(&self) -> usize {
        self.alpha.len()
    }
}

/// The controls that glide instead of jumping, in the units the DSP uses (output as a gain).
struct ControlGlides {
    alpha: Glide,
    damp: Glide,
    drive: Glide,
    mix: Glide,
    gain: Glide,
    /// The output level last converted to a gain, in dB, and that gain: the conversion is a
    /// `powf`, which every block would otherwise pay.
    converted_db: (f32, f32),
}

impl ControlGlides {
    /// Resting at the parameters' values; glides will take `length_samples`.
    fn at_rest(params: &PrimeCombParams, length_samples: u32) -> Self {
        Self {
            alpha: Glide::new(params.alpha.value(), length_samples),
            damp: Glide::new(params.damp.value(), length_samples),
            drive: Glide::new(params.drive.value(), length_samples),
            mix: Glide::new(params.mix.value(), length_samples),
            gain: Glide::new(util::db_to_gain(params.output_db.value()), length_samples),
            converted_db: (0.0, 1.0),
        }
    }

    /// Lands every control on its parameter's value at once.
    fn jump_to(&mut self, params: &PrimeCombParams) {
        self.alpha.jump(params.alpha.value());
        self.damp.jump(params.damp.value());
        self.drive.jump(params.drive.value());
        self.mix.jump(params.mix.value());
        self.gain.jump(util::db_to_gain(params.output_db.value()));
    }

    /// The gain of an output level in dB.
    fn output_gain(&mut self, db: f32) -> f32 {
        if db != self.converted_db.0 {
            self.converted_db = (db, util::db_to_gain(db));
        }
        self.converted_db.1
    }
}

/// The values of `glide` for the next `values.len()` samples, after pointing it at
/// `param`'s value: see [`follow_to`].
#[inline]
fn follow<'a>(glide: &mut Glide, param: &FloatParam, values: &'a mut [f32]) -> Control<'a> {
    follow_to(glide, param, param.value(), values)
}

/// The values of `glide` for the next `values.len()` samples, after pointing it at `target`,
/// `param`'s value in the units the DSP uses: a glide where the host moved the parameter, a
/// jump where it restored it. nice-plug's smoother only tells the two apart; it is stepped
/// along without computing its values.
#[inline(always)]
fn follow_to<'a>(
    glide: &mut Glide,
    param: &FloatParam,
    target: f32,
    values: &'a mut [f32],
) -> Control<'a> {
    let smoother = &param.smoothed;
    if smoother.is_smoothing() {
        glide.set_target(target);
        smoother.next_step(values.len() as u32);
    } else if target != glide.target() {
        glide.jump(target);
    }
    glide.next_block(values)
}

impl Default for PrimeComb {
    fn default() -> Self {
        let tables = TableReceiver::new(f64::from(max_channel_delay_ms()) / 1000.0);
        let shared = Arc::new(SharedState::new(tables.ready_flag()));
        let params = PrimeCombParams::new(shared.clone());
        let editor_state = params.editor_window.state();
        Self {
            glides: ControlGlides::at_rest(&params, 1),
            params,
            shared,
            sample_rate: SharedState::DEFAULT_SAMPLE_RATE,
            strips: Vec::new(),
            unit: VectorUnit::from_environment(),
            scratch: BlockScratch::default(),
            tables,
            targets: (None, [0.0; 2]),
            tail: None,
            monitor: Arc::default(),
            editor_state,
            keyboard: Keyboard::default(),
            pitch: None,
            tau_converted: (f32::NAN, 0.0),
        }
    }
}

impl PrimeComb {
    /// The filter settings the parameters ask for now, for a delay of `delay_samples`.
    fn coefficients(&self, delay_samples: f32) -> CombCoefficients {
        let params = &self.params;
        CombCoefficients {
            mode: params.mode.value().into(),
            delay_samples,
            alpha: params.alpha.value(),
            damp: params.damp.value(),
            drive: params.drive.value(),
        }
    }

    /// The delay the parameters, the keyboard and the tempo ask for, in samples, and which
    /// of them asks (which says whether it may be snapped): with key follow on (once a note
    /// was played), the one
    /// that puts the first peak on the pitch played, unsnapped, as snapping would detune it
    /// (by up to a semitone at high notes); else, with sync on, the note value at `bpm`,
    /// snapped (a prime a few samples away moves an echo by a fraction of a millisecond);
    /// else tau, snapped as the prime switch says.
    #[inline]
    fn asked_delay(&mut self, bpm: f64) -> (f32, DelaySource) {
        let params = &self.params;
        let rate = f64::from(self.sample_rate);
        let (delay, source) = if let Some(pitch) = self.pitch.filter(|_| params.follow.value()) {
            (self.keyboard_delay(pitch), DelaySource::Keyboard)
        } else if let Some(value) = params.sync.value().note_value() {
            (value.seconds(bpm) * rate, DelaySource::Tempo)
        } else {
            return (self.tau_in_samples(), DelaySource::Tau);
        };
        let longest = f64::from(params::LONGEST_DELAY_MS) * rate / 1000.0;
        (delay.clamp(1.0, longest) as f32, source)
    }

    /// Tau in samples (see [`tau_samples`]), converted again only when tau changed.
    #[inline]
    fn tau_in_samples(&mut self) -> f32 {
        let tau_ms = self.params.tau_ms.value();
        if tau_ms != self.tau_converted.0 {
            self.tau_converted = (tau_ms, tau_samples(tau_ms, self.sample_rate));
        }
        self.tau_converted.1
    }

    /// The delay, in samples and not yet clamped, that puts the first peak on the pitch
    /// played. Out of line: tau's path, taken every block, stays small.
    #[inline(never)]
    fn keyboard_delay(&self, pitch: PitchGlide) -> f64 {
        let params = &self.params;
        let rate = f64::from(self.sample_rate);
        // Aimed a crossfade ahead: the fade that starts now ends where the glide is then.
        let fade = f64::from(CROSSFADE_MS) * rate / 1000.0;
        let key = pitch.key_after(fade)
            + f64::from(params.transpose.value())
            + f64::from(params.fine.value()) / 100.0
            + f64::from(self.keyboard.bend());
        let mode = CombMode::from(params.mode.value());
        let alpha = f64::from(mode.effective_alpha(params.alpha.value()));
        let omega = std::f64::consts::TAU * key_to_hz(key) / rate;
        match omega < std::f64::consts::PI {
            // In tune with damping too: see `tuning`.
            true => tuning::delay_for_first_peak(mode, alpha, params.damp.value(), omega),
            // Above Nyquist: as short as the comb goes.
            false => 1.0,
        }
    }

    /// Points every channel's comb at the mode and the delay asked for (see
    /// [`asked_delay`](Self::asked_delay)): spread apart and snapped to primes as the
    /// parameters say, and unsnapped until the pool has delivered this rate's table. Returns
    /// the longest channel delay. Lock-free and allocation-free; the combs are retargeted only
    /// when something their targets depend on changed.
    #[inline]
    fn retarget_combs(&mut self, bpm: f64) -> f32 {
        let (delay_samples, source) = self.asked_delay(bpm);
        let table = self.tables.poll(self.sample_rate);
        let primes = table
            .filter(|_| source.snaps() && self.params.prime_snap.value())
            .map(|table| table as &dyn PrimeLookup);
        let request = TargetRequest {
            mode: self.params.mode.value().into(),
            delay_samples,
            spread: self.params.spread.value(),
            snapped: primes.is_some(),
        };
        if self.targets.0 != Some(request) {
            let channels = self.strips.len();
            let delays = channel_delays(delay_samples, request.spread, channels, primes);
            for (channel, strip) in self.strips.iter_mut().enumerate() {
                strip
                    .comb_mut()
                    .set_target(request.mode, delays[channel.min(1)]);
            }
            self.targets = (Some(request), delays);
            self.shared.set_asked_delay(delay_samples, source);
        }
        let delays = self.targets.1;
        delays[0].max(delays[1])
    }

    /// Takes a note event for key follow: notes on and off (from any channel), chokes, and
    /// pitch bend. A new note glides from the pitch playing (at once with glide 0: the comb
    /// crossfades).
    fn take_note_event(&mut self, event: NoteEvent<()>) {
        match event {
            NoteEvent::NoteOn {
                key: Key::Number(key),
                ..
            } => self.keyboard.press(key),
            NoteEvent::NoteOff { key, .. } | NoteEvent::Choke { key, .. } => match key {
                Key::Number(key) => self.keyboard.release(key),
                // A release of every key (CLAP's wildcard).
                Key::Wildcard => self.keyboard.release_all(),
            },
            NoteEvent::MidiPitchBend { value, .. } => self.keyboard.bend_to(value),
            _ => return,
        }
        let Some(key) = self.keyboard.sounding().map(f64::from) else {
            return;
        };
        match &mut self.pitch {
            Some(pitch) => {
                let glide = f64::from(self.params.glide_ms.value() * self.sample_rate / 1000.0);
                if pitch.target() != key {
                    pitch.glide_to(key, glide);
                }
            }
            None => self.pitch = Some(PitchGlide::at(key)),
        }
    }

    #[inline]
    fn process_block(
        &mut self,
        buffer: &mut Buffer,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let mut next_event = context.next_event();
        if self.scratch.max_block_samples() == 0 {
            // Not activated (a host bug): pass the audio through rather than loop forever.
            return ProcessStatus::Normal;
        }
        // nice-plug flushes subnormal results to zero; the strips take subnormal input as
        // zero (`kernels::normal_or_zero`), so no arithmetic ever sees one. (Setting the CPU's
        // denormals-are-zero mode for the block instead cost 7 % of `process()` at 64-sample
        // blocks: three writes of the control register per block.)
        let tempo = context
            .transport()
            .tempo
            .filter(|bpm| bpm.is_finite() && *bpm > 0.0);
        self.shared.set_host_tempo(tempo.map(|bpm| bpm as f32));
        let bpm = tempo.unwrap_or(FALLBACK_BPM);
        let total = buffer.samples();
        let channels = buffer.as_slice();
        let mut longest_delay: f32 = 0.0;
        let mut start = 0;
        while start < total {
            // Notes take effect at the sample they were played on.
            while let Some(event) = next_event.filter(|e| e.timing() as usize <= start) {
                self.take_note_event(event);
                next_event = context.next_event();
            }
            let mut len = (total - start).min(self.scratch.max_block_samples());
            if let Some(event) = next_event {
                len = len.min(event.timing() as usize - start);
            }
            if self.pitch.is_some_and(|pitch| pitch.is_gliding()) {
                len = len.min(GLIDE_STEP_SAMPLES);
            }
            longest_delay = longest_delay.max(self.retarget_combs(bpm));
            let scratch = &mut self.scratch;
            let glides = &mut self.glides;
            let params = &self.params;
            let gain_now = glides.output_gain(params.output_db.value());
            let controls = StripControls {
                comb: CombControls {
                    alpha: follow(&mut glides.alpha, &params.alpha, &mut scratch.alpha[..len]),
                    damp: follow(&mut glides.damp, &params.damp, &mut scratch.damp[..len]),
                    drive: follow(&mut glides.drive, &params.drive, &mut scratch.drive[..len]),
                },
                mix: follow(&mut glides.mix, &params.mix, &mut scratch.mix[..len]),
                gain: follow_to(
                    &mut glides.gain,
                    &params.output_db,
                    gain_now,
                    &mut scratch.gain[..len],
                ),
            };
            let monitoring = self.editor_state.is_open();
            if monitoring {
                let range = start..start + len;
                self.monitor.input.show(channels, range, self.sample_rate);
            }
            let range = start..start + len;
            strip::process_strips(self.unit, &mut self.strips, channels, range, controls);
            if monitoring {
                let range = start..start + len;
                self.monitor.output.show(channels, range, self.sample_rate);
            }
            if let Some(pitch) = &mut self.pitch {
                pitch.advance(len as f64);
            }
            start += len;
        }
        // Events past the block's end (a host bug) still count.
        while let Some(event) = next_event {
            self.take_note_event(event);
            next_event = context.next_event();
        }
        let longest = self.coefficients(longest_delay);
        ProcessStatus::Tail(self.tail_samples(longest))
    }

    /// How long the output rings on after the input stops, for the longest channel's comb,
    /// a crossfade included. Remembered, as it takes a logarithm.
    fn tail_samples(&mut self, longest: CombCoefficients) -> u32 {
        match self.tail {
            Some((coefficients, tail)) if coefficients == longest => tail,
            _ => {
                let fade = f64::from(CROSSFADE_MS * self.sample_rate / 1000.0);
                let tail = (longest.tail_samples() + fade).min(f64::from(u32::MAX)) as u32;
                self.tail = Some((longest, tail));
                tail
            }
        }
    }
}

impl Plugin for PrimeComb {
    const NAME: &'static str = "PrimeComb";
    const VENDOR: &'static str = "PrimeComb";
    // Left empty on purpose: PrimeComb has no web site or support address of its own yet,
    // and an empty field tells a host there is none, where a placeholder would send users
    // nowhere. The README that comes with the bundles is the manual.
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(1),
            ..AudioIOLayout::const_default()
        },
    ];
    // Parameter changes split the block where they happen, so automation of tau lands on the
    // sample it was drawn at; the output does not depend on block boundaries anyway.
    const SAMPLE_ACCURATE_AUTOMATION: bool = true;
    // Notes for key follow, and pitch bend: MIDI CCs are the level that carries it (for
    // VST3 that adds hidden parameters for the controllers, which hosts do not list).
    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;

    type Editor = EguiEditor<editor::EditorApp>;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(
            self.params.clone(),
            self.shared.clone(),
            self.monitor.clone(),
            self.editor_state.clone(),
        )
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        self.sample_rate = buffer_config.sample_rate;
        self.shared.set_sample_rate(buffer_config.sample_rate);
        let channel_count = audio_io_layout
            .main_output_channels
            .map_or(0, NonZeroU32::get) as usize;
        self.shared.set_channels(channel_count);
        // Prime snapping may round the longest delay up to the next prime: a few samples.
        let max_delay = tau_samples(max_channel_delay_ms(), self.sample_rate).ceil() as usize + 512;
        // Rings as long as tau's range needs from the start; longer delays grow them.
        let tau_range_samples = tau_samples(TAU_MAX_MS * (1.0 + MAX_SPREAD_RATIO), self.sample_rate)
            .ceil() as usize
            + 512;
        self.tables.request(self.sample_rate, TABLE_BUILD_PATIENCE);
        self.targets = (None, [0.0; 2]);
        self.tail = None;
        self.tau_converted = (f32::NAN, 0.0);
        let fade_samples = (CROSSFADE_MS * self.sample_rate / 1000.0).round() as usize;
        let coefficients =
            self.coefficients(tau_samples(self.params.tau_ms.value(), self.sample_rate));
        let max_block = buffer_config.max_buffer_size.max(1) as usize;
        self.strips = (0..channel_count)
            .map(|_| {
                let mut comb = CombChannel::new(max_delay, coefficients);
                comb.reserve(tau_range_samples);
                comb.set_fade_samples(fade_samples);
                ChannelStrip::new(comb, max_block)
            })
            .collect();
        self.scratch = BlockScratch::new(max_block);
        let glide_samples = (SMOOTHING_MS * self.sample_rate / 1000.0).round() as u32;
        self.glides = ControlGlides::at_rest(&self.params, glide_samples);
        true
    }

    fn reset(&mut self) {
        self.glides.jump_to(&self.params);
        self.monitor.input.level.reset();
        self.monitor.output.level.reset();
        // The pitch played last stays: a host resets on transport jumps, mid-song.
        self.keyboard.release_all();
        self.retarget_combs(FALLBACK_BPM);
        for strip in &mut self.strips {
            strip.comb_mut().reset();
        }
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        // A panic must not unwind into the host. Should one happen anyway, the block is
        // silenced and the filter starts afresh instead of taking the host down.
        match catch_unwind(AssertUnwindSafe(|| self.process_block(buffer, context))) {
            Ok(status) => status,
            Err(_) => {
                for channel in buffer.as_slice() {
                    channel.fill(0.0);
                }
                self.reset();
                ProcessStatus::Error("PrimeComb: internal error, output silenced")
            }
        }
    }
}

impl ClapPlugin for PrimeComb {
    const CLAP_ID: &'static str = "org.primecomb.primecomb";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Feed-forward and feed-back comb filter with prime-number delays");
    // None on purpose, as `URL` above.
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Stereo,
        ClapFeature::Mono,
        ClapFeature::Filter,
    ];

    /// Pages of a control surface's eight knobs: first what a user turns while the music
    /// plays, then the delays and switches, then tuning by the keyboard and the tempo.
    fn remote_controls(&self, context: &mut impl RemoteControlsContext) {
        let params = &self.params;
        context.add_section("PrimeComb", |section| {
            section.add_page("Comb", |page| {
                page.add_param(&params.tau_ms);
                page.add_param(&params.alpha);
                page.add_param(&params.damp);
                page.add_param(&params.drive);
                page.add_param(&params.mix);
                page.add_param(&params.output_db);
                page.add_param(&params.spread);
                page.add_param(&params.mode);
            });
            section.add_page("Delays", |page| {
                page.add_param(&params.tau_ms);
                page.add_param(&params.spread);
                page.add_param(&params.prime_snap);
                page.add_param(&params.mode);
            });
            section.add_page("Pitch", |page| {
                page.add_param(&params.follow);
                page.add_param(&params.transpose);
                page.add_param(&params.fine);
                page.add_param(&params.glide_ms);
                page.add_param(&params.sync);
                page.add_param(&params.tau_ms);
                page.add_param(&params.alpha);
                page.add_param(&params.damp);
            });
        });
    }
}

impl Vst3Plugin for PrimeComb {
    const VST3_CLASS_ID: [u8; 16] = *b"PrimeCombFilter1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Filter];
}

nice_export_clap!(PrimeComb);
nice_export_vst3!(PrimeComb);
