//! The editor: egui on baseview (through nice-plug-egui). Controls for every parameter, the
//! response of each channel's comb with its live output spectrum behind it, level meters,
//! read-outs and the factory presets.
//!
//! Threads: everything here runs on the editor's thread, except what it reads from the audio
//! thread through [`SignalMonitor`] (lock-free) and the response measurements, which run on a
//! [`ResponseWorker`] thread of their own. Every change of a parameter goes through the host's
//! gestures (begin, set, end), so it is recorded as automation and can be undone.

mod controls;
mod plot;
pub mod readouts;
pub mod response_curve;
pub mod spectrum;
pub mod window_size;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use nice_plug::context::gui::GuiContext;
use nice_plug::editor::SizeConstraints;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::*;
use nice_plug_egui::{
    EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, create_egui_editor,
};

use crate::dsp::comb::CombCoefficients;
use crate::monitor::SignalMonitor;
use crate::params::{PrimeCombParams, tau_samples};
use crate::presets::{Preset, factory_presets};
use crate::primes::snap::channel_delays;
use crate::shared::{DelaySource, SharedState};
use readouts::ChannelReadout;
use response_curve::{PlotCurves, PlotRequest, ResponseWorker};
use spectrum::SpectrumAnalyzer;

/// The window's size when first opened, and the smallest it may be resized to (logical
/// pixels).
const DEFAULT_SIZE: (u32, u32) = (1100, 660);
const MIN_SIZE: (f32, f32) = (820.0, 540.0);

/// How often the meters and the spectrum are redrawn: 30 frames a second.
const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// The plugin's editor.
pub fn create(
    params: Arc<PrimeCombParams>,
    shared: Arc<SharedState>,
    monitor: Arc<SignalMonitor>,
    state: Arc<EguiEditorState>,
) -> Option<EguiEditor<EditorApp>> {
    let settings = EguiNiceSettings::new()
        .with_tile("PrimeComb")
        .with_resize_hint(ResizeHint {
            can_resize: true,
            can_resize_horizontally: true,
            can_resize_vertically: true,
            size_constraints: SizeConstraints::Logical {
                min_size: Some(LogicalSize::new(MIN_SIZE.0, MIN_SIZE.1)),
                max_size: None,
            },
            ..ResizeHint::NON_RESIZABLE
        });
    let app = EditorApp {
        params,
        shared,
        monitor,
        presets: factory_presets(),
        selected_preset: None,
    };
    create_egui_editor(state, RepaintNotifier::new(), settings, app)
}

/// The editor's state that outlives its windows.
pub struct EditorApp {
    params: Arc<PrimeCombParams>,
    shared: Arc<SharedState>,
    monitor: Arc<SignalMonitor>,
    presets: Vec<Preset>,
    /// The preset last chosen in this editor (shown in the preset menu).
    selected_preset: Option<usize>,
}

/// What exists only while a window is open. It is kept in the window's egui context, so it
/// goes when the window goes: the response thread ends, and the host's GUI context (which
/// refers back to the plugin) is not kept alive by the plugin's own editor.
struct OpenWindow {
    gui: GuiContext,
    worker: ResponseWorker,
    curves: Option<PlotCurves>,
    input_spectrum: SpectrumAnalyzer,
    output_spectrum: SpectrumAnalyzer,
}

type WindowSlot = Arc<Mutex<OpenWindow>>;

fn window_slot_id() -> egui::Id {
    egui::Id::unique("primecomb-open-window")
}

impl EditorApp {
    /// The delay asked for, before spread and snapping, and what asks for it: the audio
    /// thread's, while the keyboard or the tempo sets it; tau otherwise.
    fn asked_delay(&self, sample_rate: f32) -> (f32, DelaySource) {
        match self.shared.asked_delay() {
            Some((delay, source)) if source != DelaySource::Tau => (delay, source),
            _ => (
                tau_samples(self.params.tau_ms.value(), sample_rate),
                DelaySource::Tau,
            ),
        }
    }

    /// Each channel's filter as the audio thread runs it now.
    fn channel_filters(&self, sample_rate: f32) -> Vec<CombCoefficients> {
        let channels = self.shared.channels().clamp(1, 2);
        let (delay, source) = self.asked_delay(sample_rate);
        let delays = self.params.channel_delays(delay, source, channels);
        let mode = self.params.mode.value().into();
        let (alpha, damp, drive) = (
            self.params.alpha.value(),
            self.params.damp.value(),
            self.params.drive.value(),
        );
        delays[..channels]
            .iter()
            .map(|&delay_samples| CombCoefficients {
                mode,
                delay_samples,
                alpha,
                damp,
                drive,
            })
            .collect()
    }
}

impl NiceEguiApp for EditorApp {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        gui: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        egui_ctx.set_visuals(egui::Visuals::dark());
        let window: WindowSlot = Arc::new(Mutex::new(OpenWindow {
            gui,
            worker: ResponseWorker::start(),
            curves: None,
            input_spectrum: SpectrumAnalyzer::default(),
            output_spectrum: SpectrumAnalyzer::default(),
        }));
        egui_ctx.data_mut(|data| data.insert_temp(window_slot_id(), window));
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut nice_plug_egui::Frame) {
        let sample_rate = self.shared.sample_rate();
        let filters = self.channel_filters(sample_rate);
        let Some(window) = ui
            .ctx()
            .data(|data| data.get_temp::<WindowSlot>(window_slot_id()))
        else {
            return;
        };
        // Only this window's thread ever locks it.
        let mut window = window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = &mut *window;
        window.worker.request(PlotRequest {
            channels: filters.clone(),
            mix: self.params.mix.value(),
            gain: util::db_to_gain(self.params.output_db.value()),
            sample_rate,
        });
        if let Some(curves) = window.worker.take_finished() {
            window.curves = Some(curves);
        }
        window.input_spectrum.update(&self.monitor.input.samples);
        window.output_spectrum.update(&self.monitor.output.samples);
        let readouts: Vec<ChannelReadout> = filters
            .iter()
            .map(|&filter| ChannelReadout::new(filter, sample_rate))
            .collect();

        let setter = window.gui.param_setter();
        egui::Panel::top("header").show(ui, |ui| {
            controls::header(
                ui,
                &self.params,
                &window.gui,
                &self.presets,
                &mut self.selected_preset,
                sample_rate,
            );
        });
        egui::Panel::left("controls")
            .resizable(false)
            .exact_size(440.0)
            .show(ui, |ui| {
                controls::parameters(ui, &self.params, &setter);
                ui.separator();
                controls::meters(ui, &self.monitor);
                ui.separator();
                controls::help(ui);
            });
        egui::Panel::bottom("readouts").show(ui, |ui| {
            let table_ready = self.shared.prime_table_ready() || !self.params.prime_snap.value();
            let (delay, source) = self.asked_delay(sample_rate);
            let unsnapped = channel_delays(delay, self.params.spread.value(), readouts.len(), None);
            let snapping = controls::Snapping {
                source,
                on: self.params.prime_snap.value(),
                table_ready,
                unsnapped,
            };
            controls::delay_source(ui, &self.params, source, self.shared.host_tempo());
            controls::readouts(ui, &readouts, snapping);
        });
        egui::CentralPanel::default().show(ui, |ui| {
            plot::draw(
                ui,
                plot::PlotData {
                    curves: window.curves.as_ref(),
                    readouts: &readouts,
                    input_spectrum: window.input_spectrum.db(),
                    output_spectrum: window.output_spectrum.db(),
                    sample_rate,
                },
            );
        });
        ui.ctx().request_repaint_after(FRAME_INTERVAL);
    }
}
