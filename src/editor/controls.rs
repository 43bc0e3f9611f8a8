//! The editor's controls: parameters, presets, meters and read-outs. Sliders are
//! nice-plug-egui's `ParamSlider` (drag, shift-drag for fine steps, double-click or
//! ctrl-click to reset, click the value to type one); the mode and prime switches send the
//! same begin/set/end gestures.

use egui::{Color32, RichText};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;

use super::readouts::ChannelReadout;
use crate::dsp::comb::MAX_FEEDBACK_ALPHA;
use crate::monitor::SignalMonitor;
use crate::music::pitch::cents_between;
use crate::music::tempo::FALLBACK_BPM;
use crate::params::{Mode, PrimeCombParams};
use crate::presets::Preset;
use crate::primes::snap::mono_delay;
use crate::primes::table::PrimeSearch;
use crate::shared::DelaySource;

const SLIDER_WIDTH: f32 = 120.0;

/// Meter scale, in dBFS.
const METER_FLOOR_DB: f32 = -60.0;
const METER_CEILING_DB: f32 = 6.0;

/// Title, preset menu and the sample rate.
pub fn header(
    ui: &mut egui::Ui,
    params: &PrimeCombParams,
    gui: &GuiContext,
    presets: &[Preset],
    selected: &mut Option<usize>,
    sample_rate: f32,
) {
    ui.horizontal(|ui| {
        ui.heading(RichText::new("PrimeComb").strong());
        ui.label("comb filter with prime delays");
        ui.separator();
        ui.label("Preset");
        let shown = selected.map_or("(choose)", |index| presets[index].name);
        egui::ComboBox::from_id_salt("preset")
            .selected_text(shown)
            .width(180.0)
            .show_ui(ui, |ui| {
                for (index, preset) in presets.iter().enumerate() {
                    if ui
                        .selectable_label(*selected == Some(index), preset.name)
                        .clicked()
                    {
                        apply_preset(preset, params, gui);
                        *selected = Some(index);
                    }
                }
            });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(format!("{:.1} kHz", sample_rate / 1000.0));
        });
    });
}

/// Sets every parameter a preset names, each as one gesture, as if the user had typed the
/// preset's text into the host's value entry. Settings that do not parse are skipped.
pub fn apply_preset(preset: &Preset, params: &PrimeCombParams, gui: &GuiContext) {
    let by_id = params.param_map();
    for (id, text) in &preset.settings {
        let Some((_, param, _)) = by_id.iter().find(|(param_id, _, _)| param_id == id) else {
            continue;
        };
        // SAFETY: the pointer comes from the plugin's own parameter map, whose parameters
        // live as long as `params`.
        unsafe {
            if let Some(normalized) = param.string_to_normalized_value(text) {
                gui.raw_begin_set_parameter(*param);
                gui.raw_set_parameter_normalized(*param, normalized);
                gui.raw_end_set_parameter(*param);
            }
        }
    }
}

/// One row per parameter.
pub fn parameters(ui: &mut egui::Ui, params: &PrimeCombParams, setter: &ParamSetter) {
    egui::Grid::new("parameters")
        .num_columns(2)
        .spacing([10.0, 10.0])
        .show(ui, |ui| {
            ui.label("Mode");
            ui.horizontal(|ui| {
                for mode in [Mode::FeedForward, Mode::FeedBack] {
                    let name = match mode {
                        Mode::FeedForward => "Feed-forward",
                        Mode::FeedBack => "Feed-back",
                    };
                    let current = params.mode.value() == mode;
                    if ui.selectable_label(current, name).clicked() && !current {
                        setter.begin_set_parameter(&params.mode);
                        setter.set_parameter(&params.mode, mode);
                        setter.end_set_parameter(&params.mode);
                    }
                }
            });
            ui.end_row();
            slider_row(ui, "Tau", &params.tau_ms, setter);
            ui.label("Alpha");
            ui.horizontal(|ui| {
                ui.add(ParamSlider::for_param(&params.alpha, setter).with_width(SLIDER_WIDTH));
                if let Some(note) = alpha_limit_note(params.mode.value(), params.alpha.value()) {
                    ui.label(RichText::new(note).weak());
                }
            });
            ui.end_row();
            slider_row(ui, "Damping", &params.damp, setter);
            slider_row(ui, "Drive", &params.drive, setter);
            slider_row(ui, "Mix", &params.mix, setter);
            slider_row(ui, "Output", &params.output_db, setter);
            slider_row(ui, "Spread", &params.spread, setter);
            switch_row(
                ui,
                "Prime snap",
                "delays snap to primes",
                &params.prime_snap,
                setter,
            );
            switch_row(
                ui,
                "Key follow",
                "notes set the pitch",
                &params.follow,
                setter,
            );
            slider_row(ui, "Transpose", &params.transpose, setter);
            slider_row(ui, "Fine tune", &params.fine, setter);
            slider_row(ui, "Glide", &params.glide_ms, setter);
            slider_row(ui, "Sync", &params.sync, setter);
        });
}

/// What sets the delay now, in a line: tau, the keyboard or the tempo (and which tempo).
pub fn delay_source(
    ui: &mut egui::Ui,
    params: &PrimeCombParams,
    source: DelaySource,
    host_tempo: Option<f32>,
) {
    let text = match source {
        DelaySource::Tau if params.follow.value() => {
            "Delay: tau, until a note is played (key follow is on)".to_owned()
        }
        DelaySource::Tau => "Delay: tau".to_owned(),
        DelaySource::Keyboard => {
            "Delay: the last note played, exact (prime snap is skipped while following)".to_owned()
        }
        DelaySource::Tempo => {
            let value = params.sync.value().note_value().map(|v| v.to_string());
            let value = value.unwrap_or_default();
            match host_tempo {
                Some(bpm) => format!("Delay: {value} at the host's {bpm:.2} BPM"),
                None => {
                    format!("Delay: {value} at {FALLBACK_BPM:.0} BPM (the host gives no tempo)")
                }
            }
        }
    };
    ui.label(text);
}

/// What the editor says beside alpha where feed-back limits it: the comb runs at 0.999.
fn alpha_limit_note(mode: Mode, alpha: f32) -> Option<String> {
    let limited = alpha.clamp(-MAX_FEEDBACK_ALPHA, MAX_FEEDBACK_ALPHA);
    (mode == Mode::FeedBack && limited != alpha).then(|| format!("feed-back runs at {limited}"))
}

/// A labelled checkbox for a switch, sending a host gesture when clicked.
fn switch_row(ui: &mut egui::Ui, label: &str, text: &str, param: &BoolParam, setter: &ParamSetter) {
    ui.label(label);
    let mut on = param.value();
    if ui.checkbox(&mut on, text).changed() {
        setter.begin_set_parameter(param);
        setter.set_parameter(param, on);
        setter.end_set_parameter(param);
    }
    ui.end_row();
}

fn slider_row(ui: &mut egui::Ui, label: &str, param: &impl Param, setter: &ParamSetter) {
    ui.label(label);
    ui.add(ParamSlider::for_param(param, setter).with_width(SLIDER_WIDTH));
    ui.end_row();
}

/// How the controls work, for users who have not met nice-plug's sliders before.
pub fn help(ui: &mut egui::Ui) {
    for line in [
        "Drag a slider to change it; hold Shift for fine steps.",
        "Double-click (or Ctrl-click) resets to the default.",
        "Click a value to type one: 5 ms, 240 smp, A3, 220 Hz, -6 dB.",
        "The plot: each channel's response (mix and output",
        "included) over the live output spectrum.",
    ] {
        ui.label(RichText::new(line).weak());
    }
}

/// Input and output peak meters.
pub fn meters(ui: &mut egui::Ui, monitor: &SignalMonitor) {
    ui.label(RichText::new("Levels").strong());
    for (name, level) in [
        ("In", monitor.input.level.level()),
        ("Out", monitor.output.level.level()),
    ] {
        ui.horizontal(|ui| {
            ui.add_sized([28.0, 16.0], egui::Label::new(name));
            meter_bar(ui, level);
        });
    }
}

fn meter_bar(ui: &mut egui::Ui, level: f32) {
    let db = util::gain_to_db(level.max(1e-9));
    let (rect, _) = ui.allocate_exact_size(egui::vec2(SLIDER_WIDTH, 14.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(30));
    let fraction = ((db - METER_FLOOR_DB) / (METER_CEILING_DB - METER_FLOOR_DB)).clamp(0.0, 1.0);
    let color = if db > 0.0 {
        Color32::from_rgb(230, 70, 60)
    } else if db > -6.0 {
        Color32::from_rgb(230, 190, 60)
    } else {
        Color32::from_rgb(80, 200, 120)
    };
    let mut bar = rect;
    bar.set_width(rect.width() * fraction);
    painter.rect_filled(bar, 2.0, color);
    let zero_db = (0.0 - METER_FLOOR_DB) / (METER_CEILING_DB - METER_FLOOR_DB);
    let x = rect.left() + rect.width() * zero_db;
    painter.line_segment(
        [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
        egui::Stroke::new(1.0, Color32::from_gray(200)),
    );
    let text = if db <= METER_FLOOR_DB {
        "-inf dB".to_owned()
    } else {
        format!("{db:.1} dB")
    };
    ui.label(RichText::new(text).monospace().small());
}

/// How delays are snapped to primes now, and what they would be unsnapped: for the read-outs'
/// column of what snapping costs in pitch.
#[derive(Debug, Clone, Copy)]
pub struct Snapping {
    pub source: DelaySource,
    /// Whether prime snap is switched on.
    pub on: bool,
    /// Whether the prime table has reached the audio thread (until then nothing snaps).
    pub table_ready: bool,
    /// Each channel's delay without snapping, in samples.
    pub unsnapped: [f32; 2],
}

impl Snapping {
    /// What snapping does to the pitch of a channel whose delay is `delay` (snapped or not)
    /// and would be `unsnapped`, as the read-out says it: the first peak moves by
    /// `1200 log2(unsnapped / snapped)` cents.
    fn cost(&self, channel: usize, readout: &ChannelReadout) -> String {
        let unsnapped = f64::from(self.unsnapped[channel]);
        if !self.source.snaps() {
            return "off: exact pitch".to_owned();
        }
        let snapped = mono_delay(unsnapped as f32, Some(&PrimeSearch));
        let cents = |delay: f64| cents_between(delay, unsnapped);
        match (self.on, self.table_ready) {
            (true, true) => format!("{:+.0} ct", cents(f64::from(readout.delay_samples))),
            (true, false) => "table building".to_owned(),
            (false, _) => format!("off (would be {:+.0} ct)", cents(f64::from(snapped))),
        }
    }
}

/// Per channel: delay in samples and ms, prime or not, fundamental and note, what snapping
/// costs in pitch, decay time.
pub fn readouts(ui: &mut egui::Ui, readouts: &[ChannelReadout], snapping: Snapping) {
    egui::Grid::new("readouts")
        .num_columns(8)
        .spacing([18.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for heading in [
                "Channel",
                "Delay",
                "",
                "Prime",
                "First peak",
                "Note",
                "Snap costs",
                "Decay to -60 dB",
            ] {
                ui.label(RichText::new(heading).strong());
            }
            ui.end_row();
            let names: &[&str] = if readouts.len() == 1 {
                &["Mono"]
            } else {
                &["Left", "Right"]
            };
            for (channel, (name, readout)) in names.iter().zip(readouts).enumerate() {
                ui.label(*name);
                ui.label(format!("{} smp", format_samples(readout.delay_samples)));
                ui.label(format!("{:.3} ms", readout.delay_ms));
                ui.label(if readout.prime { "yes" } else { "no" });
                ui.label(format!("{:.2} Hz", readout.first_peak_hz));
                ui.label(readout.note.to_string());
                ui.label(snapping.cost(channel, readout));
                ui.label(match readout.decay {
                    Some(decay) => format!(
                        "{} (peak), {} at {:.1} kHz",
                        format_seconds(decay.at_peak),
                        format_seconds(decay.high),
                        decay.high_hz / 1000.0
                    ),
                    None => "one echo".to_owned(),
                });
                ui.end_row();
            }
        });
}

fn format_seconds(seconds: f32) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{:.1} ms", seconds * 1000.0)
    }
}

fn format_samples(delay: f32) -> String {
    if delay.fract() == 0.0 {
        format!("{delay:.0}")
    } else {
        format!("{delay:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::TempoSync;
    use crate::presets::find;
    use crate::shared::SharedState;
    use nice_plug::context::PluginApi;
    use nice_plug::context::gui::GuiContextInner;
    use std::sync::{Arc, Mutex};

    /// A host that records the gestures it receives, by parameter id.
    struct RecordingHost {
        ids: Vec<(String, ParamPtr)>,
        gestures: Mutex<Vec<(&'static str, String, Option<f32>)>>,
    }

    impl RecordingHost {
        fn record(&self, what: &'static str, param: ParamPtr, value: Option<f32>) {
            let id = self
                .ids
                .iter()
                .find(|(_, p)| *p == param)
                .unwrap()
                .0
                .clone();
            self.gestures.lock().unwrap().push((what, id, value));
        }
    }

    impl GuiContextInner for RecordingHost {
        fn plugin_api(&self) -> PluginApi {
            PluginApi::Clap
        }
        unsafe fn raw_begin_set_parameter(&self, param: ParamPtr) {
            self.record("begin", param, None);
        }
        unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
            self.record("set", param, Some(normalized));
        }
        unsafe fn raw_end_set_parameter(&self, param: ParamPtr) {
            self.record("end", param, None);
        }
        fn get_state(&self) -> nice_plug::prelude::PluginState {
            unreachable!("presets go through parameters, not state")
        }
        fn set_state(&self, _state: nice_plug::prelude::PluginState) {
            unreachable!("presets go through parameters, not state")
        }
        fn request_restart(&self) {}
    }

    /// Beyond 0.999, feed-back runs at the limit and the editor says so; feed-forward and
    /// alphas within the limit need no note.
    #[test]
    fn alpha_limit_note_only_beyond_the_feedback_limit() {
        assert_eq!(
            alpha_limit_note(Mode::FeedBack, 1.0).as_deref(),
            Some("feed-back runs at 0.999")
        );
        assert_eq!(
            alpha_limit_note(Mode::FeedBack, -1.0).as_deref(),
            Some("feed-back runs at -0.999")
        );
        assert_eq!(alpha_limit_note(Mode::FeedBack, 0.999), None);
        assert_eq!(alpha_limit_note(Mode::FeedForward, 1.0), None);
    }

    /// A preset is one begin/set/end gesture per parameter, with the values its file gives
    /// (`hollow-tone`: feed-forward, 0.5 ms, alpha -0.9, mix 100%, 0 dB, prime off, spread 0).
    #[test]
    fn a_preset_sets_every_parameter_as_a_host_gesture() {
        let params = PrimeCombParams::new(Arc::new(SharedState::new(Arc::default())));
        let ids = params
            .param_map()
            .into_iter()
            .map(|(id, ptr, _)| (id, ptr))
            .collect();
        let host = Arc::new(RecordingHost {
            ids,
            gestures: Mutex::default(),
        });
        let gui = GuiContext::new(host.clone());
        apply_preset(&find("hollow-tone").unwrap(), &params, &gui);

        let expected = [
            ("mode", params.mode.preview_normalized(Mode::FeedForward)),
            ("tau", params.tau_ms.preview_normalized(0.5)),
            ("alpha", params.alpha.preview_normalized(-0.9)),
            ("mix", params.mix.preview_normalized(1.0)),
            ("output", params.output_db.preview_normalized(0.0)),
            ("prime", params.prime_snap.preview_normalized(false)),
            ("spread", params.spread.preview_normalized(0.0)),
            ("damp", params.damp.preview_normalized(0.0)),
            ("drive", params.drive.preview_normalized(0.0)),
            ("follow", params.follow.preview_normalized(false)),
            ("transpose", params.transpose.preview_normalized(0)),
            ("fine", params.fine.preview_normalized(0.0)),
            ("glide", params.glide_ms.preview_normalized(0.0)),
            ("sync", params.sync.preview_normalized(TempoSync::Off)),
        ];
        let gestures = host.gestures.lock().unwrap();
        assert_eq!(gestures.len(), 3 * expected.len(), "{gestures:?}");
        for (gesture, (id, normalized)) in gestures.chunks(3).zip(expected) {
            assert_eq!(gesture[0], ("begin", id.to_owned(), None));
            assert_eq!(gesture[1].0, "set");
            assert_eq!(gesture[1].1, id);
            let sent = gesture[1].2.unwrap();
            assert!(
                (sent - normalized).abs() < 1e-6,
                "{id}: {sent} vs {normalized}"
            );
            assert_eq!(gesture[2], ("end", id.to_owned(), None));
        }
    }
}
