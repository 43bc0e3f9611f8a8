//! A small CLAP host on `clack-host`: it builds the plugin bundle the way a user does (a debug
//! build, with allocation checks in `process()`), loads `primecomb.clap`, and drives it through
//! the CLAP ABI as a DAW would.

use std::ffi::CString;
use std::ops::Range;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use clack_extensions::gui::{
    GuiApiType, GuiConfiguration, GuiError, GuiSize, HostGui, HostGuiImpl, PluginGui, Window,
};
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::remote_controls::{PluginRemoteControls, RemoteControlsPageBuffer};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{ParamValueEvent, TransportEvent, TransportFlags};
use clack_host::events::{EventFlags, EventHeader};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};

use super::extras;

pub const PLUGIN_ID: &str = "org.primecomb.primecomb";

/// The bundles (`primecomb.clap`, `primecomb.vst3`) and the `primecomb` program, built once
/// per test binary, into a target directory of their own so that the build never waits on
/// the build lock of the `cargo test` that runs this. The program includes the standalone
/// app where this machine can build it (see [`extras`]).
pub fn bundled_dir() -> &'static PathBuf {
    static BUNDLED: OnceLock<PathBuf> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let target_dir = root.join("target").join("plugin-under-test");
        let features = if extras::standalone_missing().is_none() {
            "assert_process_allocs,standalone"
        } else {
            "assert_process_allocs"
        };
        let status = Command::new(env!("CARGO"))
            .args(["xtask", "bundle", "primecomb", "--features", features])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target_dir)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the plugin bundle failed");
        target_dir.join("bundled")
    })
}

/// The CLAP bundle under test.
pub fn bundle_path() -> PathBuf {
    bundled_dir().join("primecomb.clap")
}

/// The loaded bundle. Like a DAW, the test host keeps the library loaded for the life of the
/// process: the plugin's Rust runtime registers thread-local destructors on the threads that
/// call it, and unloading the library while such a thread lives would leave them dangling.
fn entry() -> PluginEntry {
    static LOADED: OnceLock<()> = OnceLock::new();
    // SAFETY: the bundle is this crate's own plugin, built by `bundle_path`.
    let entry = unsafe { PluginEntry::load(bundle_path()) }.expect("the bundle loads");
    // clack-host shares one loaded library between entries of the same path and unloads it
    // with the last; one entry that is never dropped keeps it loaded.
    LOADED.get_or_init(|| std::mem::forget(entry.clone()));
    entry
}

/// CLAP's parameter ids are numbers; nice-plug derives them from the string ids with this
/// documented hash (31-based, top bit cleared), so a host finds `"tau"` as `clap_id("tau")`.
pub fn clap_id(id: &str) -> u32 {
    let hash = id.bytes().fold(0u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u32::from(byte))
    });
    hash & !(1 << 31)
}

/// The host's side of the callbacks; the plugin may ask for any of them at any time.
#[derive(Default)]
pub struct HostShared {
    /// The plugin asked to be called back on the main thread.
    callback_requested: AtomicBool,
}

impl<'a> SharedHandler<'a> for HostShared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {
        self.callback_requested.store(true, Ordering::Release);
    }
}

/// The host side of the editor: a fixed-size host window that accepts what the plugin asks.
/// (nice-plug's CLAP wrapper requires a host to offer this extension before it opens an
/// editor; every DAW does.)
impl HostGuiImpl for HostShared {
    fn resize_hints_changed(&self) {}
    fn request_resize(&self, _new_size: GuiSize) -> Result<(), HostError> {
        Ok(())
    }
    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn closed(&self, _was_destroyed: bool) {}
}

pub struct TestHost;

impl HostHandlers for TestHost {
    type Shared<'a> = HostShared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder.register::<HostGui>();
    }
}

/// What the audio thread of [`LoadedPlugin::start_audio`] has done so far.
#[derive(Default)]
pub struct AudioStats {
    pub calls: AtomicU64,
    pub longest_call_ns: AtomicU64,
}

pub struct RunningAudio {
    stop: Arc<AtomicBool>,
    pub stats: Arc<AudioStats>,
    thread: JoinHandle<StoppedPluginAudioProcessor<TestHost>>,
}

/// What the host knows of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDescription {
    pub id: u32,
    pub name: String,
    pub min: f64,
    pub max: f64,
    pub default: f64,
}

/// One loaded, instantiated plugin.
pub struct LoadedPlugin {
    instance: PluginInstance<TestHost>,
    _entry: PluginEntry,
}

impl LoadedPlugin {
    /// Loads the bundle and creates an instance of PrimeComb.
    pub fn new() -> Self {
        let entry = entry();
        let factory = entry.get_plugin_factory().expect("a plugin factory");
        let id = CString::new(PLUGIN_ID).unwrap();
        assert!(
            factory
                .plugin_descriptors()
                .any(|d| d.id().map(|i| i.to_bytes()) == Some(PLUGIN_ID.as_bytes())),
            "the factory lists {PLUGIN_ID}"
        );
        let host_info = HostInfo::new("PrimeComb tests", "PrimeComb", "", "1.0").unwrap();
        let instance = PluginInstance::<TestHost>::new(
            |_| HostShared::default(),
            |_| (),
            &entry,
            &id,
            &host_info,
        )
        .expect("the plugin instantiates");
        Self {
            instance,
            _entry: entry,
        }
    }

    fn params(&mut self) -> PluginParams {
        self.instance
            .plugin_handle()
            .get_extension()
            .expect("the params extension")
    }

    /// Every parameter the plugin lists, in its order.
    pub fn describe_params(&mut self) -> Vec<ParamDescription> {
        let params = self.params();
        let handle = self.instance.plugin_handle();
        (0..params.count(&handle))
            .map(|index| {
                let mut buffer = ParamInfoBuffer::new();
                let info = params.get_info(&handle, index, &mut buffer).unwrap();
                ParamDescription {
                    id: info.id.get(),
                    name: String::from_utf8_lossy(info.name).into_owned(),
                    min: info.min_value,
                    max: info.max_value,
                    default: info.default_value,
                }
            })
            .collect()
    }

    /// The host-side value of a parameter (what CLAP exchanges: normalized, or the step index
    /// of a stepped parameter).
    pub fn value(&mut self, id: &str) -> f64 {
        let params = self.params();
        params
            .get_value(&self.instance.plugin_handle(), ClapId::new(clap_id(id)))
            .expect("a known parameter")
    }

    /// The plugin's value text for a host-side value.
    pub fn value_text(&mut self, id: &str, value: f64) -> String {
        let params = self.params();
        let mut buffer = [0u8; 256];
        let text = params
            .value_to_text(
                &self.instance.plugin_handle(),
                ClapId::new(clap_id(id)),
                value,
                &mut buffer,
            )
            .expect("value text");
        let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
        String::from_utf8_lossy(&text[..end]).into_owned()
    }

    /// What the plugin makes of text typed into the host's entry field.
    pub fn parse(&mut self, id: &str, text: &str) -> Option<f64> {
        let params = self.params();
        let text = CString::new(text).unwrap();
        params.text_to_value(
            &self.instance.plugin_handle(),
            ClapId::new(clap_id(id)),
            &text,
        )
    }

    /// Runs the main-thread callback if the plugin asked for one, as a host's event loop does.
    pub fn service_main_thread(&mut self) {
        let requested = self.instance.access_shared_handler(|shared| {
            shared.callback_requested.swap(false, Ordering::AcqRel)
        });
        if requested {
            self.instance.call_on_main_thread_callback();
        }
    }

    fn gui(&mut self) -> PluginGui {
        self.instance
            .plugin_handle()
            .get_extension()
            .expect("the gui extension")
    }

    /// Creates the editor embedded in the X11 window `parent` and shows it.
    pub fn open_editor(&mut self, parent: u32) -> Result<(), GuiError> {
        let gui = self.gui();
        let handle = self.instance.plugin_handle();
        let configuration = GuiConfiguration {
            api_type: GuiApiType::X11,
            is_floating: false,
        };
        gui.create(&handle, configuration)?;
        // SAFETY: `parent` is a live window on the display the plugin connects to.
        unsafe { gui.set_parent(&handle, Window::from_x11_handle(parent.into()))? };
        gui.show(&handle)
    }

    /// The plugin's remote control pages, for a control surface: (section, page name, the
    /// parameter ids of its eight slots).
    pub fn remote_control_pages(&mut self) -> Vec<(String, String, [Option<u32>; 8])> {
        let controls: PluginRemoteControls = self
            .instance
            .plugin_handle()
            .get_extension()
            .expect("the remote controls extension");
        let handle = self.instance.plugin_handle();
        let count = controls.count(&handle);
        (0..count)
            .map(|index| {
                let mut buffer = RemoteControlsPageBuffer::new();
                let page = controls
                    .get(&handle, index, &mut buffer)
                    .expect("the page is there");
                let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
                (
                    text(page.section_name),
                    text(page.page_name),
                    page.param_ids.map(|id| id.map(ClapId::get)),
                )
            })
            .collect()
    }

    /// The editor's size, as it reports it to the host.
    pub fn editor_size(&mut self) -> Option<(u32, u32)> {
        let gui = self.gui();
        let size = gui.get_size(&self.instance.plugin_handle())?;
        Some((size.width, size.height))
    }

    /// Asks the open editor to take a size the host gives it, as when the user drags the
    /// host window's corner.
    pub fn resize_editor(&mut self, width: u32, height: u32) -> Result<(), GuiError> {
        let gui = self.gui();
        gui.set_size(&self.instance.plugin_handle(), GuiSize { width, height })
    }

    /// Hides and destroys the editor.
    pub fn close_editor(&mut self) {
        let gui = self.gui();
        let handle = self.instance.plugin_handle();
        let _ = gui.hide(&handle);
        gui.destroy(&handle);
    }

    /// Activates at `sample_rate` and processes stereo noise in blocks of `block` samples on
    /// an audio thread of its own, until [`stop_audio`](Self::stop_audio).
    pub fn start_audio(&mut self, sample_rate: f64, block: usize) -> RunningAudio {
        let processor = self.activate(sample_rate, block);
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(AudioStats::default());
        let thread = {
            let (stop, stats) = (stop.clone(), stats.clone());
            std::thread::spawn(move || {
                let mut processor = processor.start_processing().expect("processing starts");
                let mut input = super::noise(2 * block, 7);
                let mut output = vec![0.0f32; 2 * block];
                let mut input_ports = AudioPorts::with_capacity(2, 1);
                let mut output_ports = AudioPorts::with_capacity(2, 1);
                let mut steady_time = 0;
                while !stop.load(Ordering::Acquire) {
                    let input_audio = input_ports.with_input_buffers([AudioPortBuffer {
                        latency: 0,
                        channels: AudioPortBufferType::f32_input_only(
                            input.chunks_mut(block).map(InputChannel::variable),
                        ),
                    }]);
                    let mut output_audio = output_ports.with_output_buffers([AudioPortBuffer {
                        latency: 0,
                        channels: AudioPortBufferType::f32_output_only(output.chunks_mut(block)),
                    }]);
                    let started = Instant::now();
                    processor
                        .process(
                            &input_audio,
                            &mut output_audio,
                            &EventBuffer::new().as_input(),
                            &mut EventBuffer::new().as_output(),
                            Some(steady_time),
                            None,
                        )
                        .expect("the plugin processes");
                    let took = started.elapsed().as_nanos() as u64;
                    stats.longest_call_ns.fetch_max(took, Ordering::Relaxed);
                    stats.calls.fetch_add(1, Ordering::Release);
                    steady_time += block as u64;
                    // Roughly real time, so the editor's thread gets the core it would get.
                    std::thread::sleep(Duration::from_secs_f64(block as f64 / sample_rate));
                }
                processor.stop_processing()
            })
        };
        RunningAudio {
            stop,
            stats,
            thread,
        }
    }

    /// Activates the plugin for blocks of 1 to `block` samples at `sample_rate`.
    fn activate(
        &mut self,
        sample_rate: f64,
        block: usize,
    ) -> StoppedPluginAudioProcessor<TestHost> {
        let config = PluginAudioConfiguration {
            sample_rate,
            min_frames_count: 1,
            max_frames_count: block as u32,
        };
        self.instance
            .activate(|_, _| (), config)
            .expect("the plugin activates")
    }

    /// Stops the audio thread and deactivates the plugin.
    pub fn stop_audio(&mut self, audio: RunningAudio) {
        audio.stop.store(true, Ordering::Release);
        let processor = audio
            .thread
            .join()
            .expect("the audio thread ran to the end");
        self.instance.deactivate(processor);
    }

    /// The plugin's saved state.
    pub fn save(&mut self) -> Vec<u8> {
        let state: PluginState = self.instance.plugin_handle().get_extension().unwrap();
        let mut bytes = Vec::new();
        state
            .save(&self.instance.plugin_handle(), &mut bytes)
            .expect("state saves");
        bytes
    }

    /// Loads a saved state; false if the plugin refuses it.
    pub fn load(&mut self, bytes: &[u8]) -> bool {
        let state: PluginState = self.instance.plugin_handle().get_extension().unwrap();
        state
            .load(&self.instance.plugin_handle(), &mut &bytes[..])
            .is_ok()
    }

    /// Sets parameters while the plugin is inactive, as a host does when it opens a session:
    /// (id, text as a user would type it), through the params extension's `flush`.
    pub fn set_params(&mut self, changes: &[(&str, &str)]) {
        let mut events = EventBuffer::new();
        for &(id, text) in changes {
            let value = self
                .parse(id, text)
                .unwrap_or_else(|| panic!("{id}: '{text}' parses"));
            let param = ClapId::new(clap_id(id));
            events.push(&ParamValueEvent::new(0, param, Pckn::match_all(), value));
        }
        let params = self.params();
        let mut handle = self
            .instance
            .inactive_plugin_handle()
            .expect("the plugin is inactive");
        params.flush(
            &mut handle,
            &events.as_input(),
            &mut EventBuffer::new().as_output(),
        );
    }

    /// Activates at `sample_rate`, processes `input` (one signal per channel) in blocks of
    /// `block` samples, deactivates, and returns the output.
    pub fn process(&mut self, sample_rate: f64, block: usize, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.process_automated(sample_rate, block, input, |_| Vec::new())
    }

    /// As [`process`](Self::process), with blocks of every size from 1 to `max_block` in turn,
    /// and the plugin reset (as on a transport jump) at the given sample positions.
    pub fn process_with_resets(
        &mut self,
        sample_rate: f64,
        max_block: usize,
        input: &[Vec<f32>],
        resets: &[usize],
    ) -> Vec<Vec<f32>> {
        let no_events = |_: Range<usize>, _: &mut EventBuffer| {};
        self.run(
            sample_rate,
            max_block,
            input,
            |_| Vec::new(),
            resets,
            no_events,
            |_| None,
        )
    }

    /// As [`process`](Self::process), with automation: `automation(block_index)` lists the
    /// (sample offset in the block, parameter id, CLAP value) changes sent with that block.
    pub fn process_automated(
        &mut self,
        sample_rate: f64,
        block: usize,
        input: &[Vec<f32>],
        automation: impl Fn(usize) -> Vec<(u32, &'static str, f64)>,
    ) -> Vec<Vec<f32>> {
        let no_events = |_: Range<usize>, _: &mut EventBuffer| {};
        self.run(
            sample_rate,
            block,
            input,
            automation,
            &[],
            no_events,
            |_| None,
        )
    }

    /// As [`process`](Self::process), as a playing DAW does: `events(samples, buffer)` adds
    /// the note and MIDI events of the block covering `samples` (times within the block),
    /// and the transport of the block starting at sample `n` reports `tempo(n)` (None: no
    /// tempo).
    pub fn process_playing(
        &mut self,
        sample_rate: f64,
        block: usize,
        input: &[Vec<f32>],
        events: impl Fn(Range<usize>, &mut EventBuffer),
        tempo: impl Fn(usize) -> Option<f64>,
    ) -> Vec<Vec<f32>> {
        self.run(
            sample_rate,
            block,
            input,
            |_| Vec::new(),
            &[],
            events,
            tempo,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        sample_rate: f64,
        block: usize,
        input: &[Vec<f32>],
        automation: impl Fn(usize) -> Vec<(u32, &'static str, f64)>,
        resets: &[usize],
        note_events: impl Fn(Range<usize>, &mut EventBuffer),
        tempo: impl Fn(usize) -> Option<f64>,
    ) -> Vec<Vec<f32>> {
        // With resets asked for, block sizes cycle through 1..=block; otherwise all are `block`.
        let varying = !resets.is_empty();
        let processor = self.activate(sample_rate, block);
        let mut processor = processor.start_processing().expect("processing starts");
        let channels = input.len();
        let mut output: Vec<Vec<f32>> = vec![vec![0.0; input[0].len()]; channels];
        let mut input_ports = AudioPorts::with_capacity(channels, 1);
        let mut output_ports = AudioPorts::with_capacity(channels, 1);
        let mut output_events = EventBuffer::new();
        let mut start = 0;
        let mut block_index = 0;
        while start < input[0].len() {
            if resets
                .iter()
                .any(|&at| (start..start + block).contains(&at))
            {
                processor.reset();
            }
            let mut events = EventBuffer::new();
            for (offset, id, value) in automation(block_index) {
                let param = ClapId::new(clap_id(id));
                events.push(&ParamValueEvent::new(
                    offset,
                    param,
                    Pckn::match_all(),
                    value,
                ));
            }
            block_index += 1;
            let size = if varying {
                1 + (block_index * 7919) % block
            } else {
                block
            };
            let end = (start + size).min(input[0].len());
            note_events(start..end, &mut events);
            let transport = tempo(start).map(|bpm| transport_at(bpm, start as f64 / sample_rate));
            let mut input_blocks: Vec<Vec<f32>> =
                input.iter().map(|c| c[start..end].to_vec()).collect();
            let input_audio = input_ports.with_input_buffers([AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_input_only(
                    input_blocks.iter_mut().map(InputChannel::variable),
                ),
            }]);
            let mut output_audio = output_ports.with_output_buffers([AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_output_only(
                    output.iter_mut().map(|c| &mut c[start..end]),
                ),
            }]);
            processor
                .process(
                    &input_audio,
                    &mut output_audio,
                    &events.as_input(),
                    &mut output_events.as_output(),
                    Some(start as u64),
                    transport.as_ref(),
                )
                .expect("the plugin processes");
            start = end;
        }
        let processor = processor.stop_processing();
        self.instance.deactivate(processor);
        output
    }
}

/// A playing transport at `bpm`, `seconds` into the song.
fn transport_at(bpm: f64, seconds: f64) -> TransportEvent {
    TransportEvent {
        header: EventHeader::new_core(0, EventFlags::empty()),
        flags: TransportFlags::HAS_TEMPO
            | TransportFlags::HAS_BEATS_TIMELINE
            | TransportFlags::HAS_SECONDS_TIMELINE
            | TransportFlags::HAS_TIME_SIGNATURE
            | TransportFlags::IS_PLAYING,
        song_pos_beats: BeatTime::from_float(seconds * bpm / 60.0),
        song_pos_seconds: SecondsTime::from_float(seconds),
        tempo: bpm,
        tempo_inc: 0.0,
        loop_start_beats: BeatTime::from_int(0),
        loop_end_beats: BeatTime::from_int(0),
        loop_start_seconds: SecondsTime::from_int(0),
        loop_end_seconds: SecondsTime::from_int(0),
        bar_start: BeatTime::from_int(0),
        bar_number: 0,
        time_signature_numerator: 4,
        time_signature_denominator: 4,
    }
}
