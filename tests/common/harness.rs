//! A minimal host in the test process: activates a plugin, sets parameters the way a
//! wrapper does, and calls `process()` with allocation forbidden (in debug builds).

use std::collections::HashMap;

use nice_plug::context::process::SendEventError;
use nice_plug::prelude::*;
use primecomb::PrimeComb;

/// The contexts the plugin receives; it uses none of their services.
struct NullContext {
    transport: Transport,
}

impl<P: Plugin> ActivateContext<P> for NullContext {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    fn execute(&self, _task: P::BackgroundTask) {}
    fn set_latency_samples(&self, _samples: u32) {}
    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

impl<P: Plugin> ProcessContext<P> for NullContext {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    fn execute_background(&self, _task: P::BackgroundTask) {}
    fn execute_gui(&self, _task: P::BackgroundTask) {}
    fn transport(&self) -> &Transport {
        &self.transport
    }
    fn next_event(&mut self) -> Option<PluginNoteEvent<P>> {
        None
    }
    fn try_send_event(
        &mut self,
        event: PluginNoteEvent<P>,
    ) -> Result<(), (PluginNoteEvent<P>, SendEventError)> {
        Err((event, SendEventError::NoOutputBuffer))
    }
    fn set_latency_samples(&self, _samples: u32) {}
    fn request_restart(&self) {}
    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

/// The harness for PrimeComb.
pub type Harness = PluginHarness<PrimeComb>;

/// A plugin, activated, with its parameters by id.
pub struct PluginHarness<P: Plugin> {
    pub plugin: P,
    params: HashMap<String, ParamPtr>,
    context: NullContext,
    /// Reused for every call, so the harness itself allocates nothing per block. Holds no
    /// slices between calls.
    buffer: Buffer<'static>,
    sample_rate: f32,
    max_block: usize,
}

impl<P: Plugin> PluginHarness<P> {
    /// A plugin activated at `sample_rate` with `channels` channels and blocks of at most
    /// `max_block` samples; parameters are at their defaults unless `setup` changes them
    /// before activation.
    pub fn new(sample_rate: f32, channels: u32, max_block: usize) -> Self {
        let plugin = P::default();
        let params = plugin
            .params()
            .param_map()
            .into_iter()
            .map(|(id, ptr, _group)| (id, ptr))
            .collect();
        let mut harness = Self {
            plugin,
            params,
            context: NullContext {
                transport: Transport::new(sample_rate),
            },
            buffer: Buffer::default(),
            sample_rate,
            max_block,
        };
        harness.activate(channels);
        harness
    }

    /// (Re-)activates and resets, as a host does after a configuration change.
    pub fn activate(&mut self, channels: u32) {
        let layout = P::AUDIO_IO_LAYOUTS
            .iter()
            .find(|layout| layout.main_output_channels.map(|c| c.get()) == Some(channels))
            .expect("a layout with that many channels");
        let config = BufferConfig {
            sample_rate: self.sample_rate,
            min_buffer_size: None,
            max_buffer_size: self.max_block as u32,
            process_mode: ProcessMode::Realtime,
        };
        // Like a wrapper, start every smoother at its parameter's value.
        for ptr in self.params.values() {
            // SAFETY: as in `set`.
            unsafe { ptr._internal_update_smoother(self.sample_rate, true) };
        }
        assert!(self.plugin.activate(layout, &config, &mut self.context));
        self.plugin.reset();
    }

    /// Calls the plugin's `reset()`, as a host does on a transport jump.
    pub fn plugin_reset(&mut self) {
        self.plugin.reset();
    }

    /// Sets a parameter by id to a plain value, as a wrapper does for a host's change: the
    /// value jumps, and the smoother starts gliding towards it.
    pub fn set(&mut self, id: &str, plain: f32) {
        let ptr = self.params[id];
        // SAFETY: the pointers come from the plugin's own `Params`, which `self.plugin` keeps
        // alive, and this host calls them from the one thread that also processes.
        unsafe {
            let normalized = ptr.preview_normalized(plain);
            ptr._internal_set_normalized_value(normalized);
            ptr._internal_update_smoother(self.sample_rate, false);
        }
    }

    /// Sets a parameter and jumps its smoother to the value, as restoring state does.
    pub fn set_now(&mut self, id: &str, plain: f32) {
        self.set(id, plain);
        // SAFETY: as in `set`.
        unsafe { self.params[id]._internal_update_smoother(self.sample_rate, true) };
    }

    /// The value text of a parameter at a plain value.
    pub fn text(&self, id: &str, plain: f32) -> String {
        let ptr = self.params[id];
        // SAFETY: as in `set`.
        unsafe { ptr.normalized_value_to_string(ptr.preview_normalized(plain), true) }
    }

    /// The plain value a host's text entry turns into, if it parses.
    pub fn parse(&self, id: &str, text: &str) -> Option<f32> {
        let ptr = self.params[id];
        // SAFETY: as in `set`.
        unsafe {
            ptr.string_to_normalized_value(text)
                .map(|normalized| ptr.preview_plain(normalized))
        }
    }

    /// The ids the plugin declares, in declaration order.
    pub fn ids(&self) -> Vec<String> {
        self.plugin
            .params()
            .param_map()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect()
    }

    /// Processes one block in place (every channel the same length), with allocation
    /// forbidden: in debug builds an allocation aborts the test process.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) -> ProcessStatus {
        let samples = channels[0].len();
        assert!(samples <= self.max_block);
        // SAFETY: the slices are only stored for this call: they are removed again below,
        // before `channels` can be used elsewhere, and they all have `samples` samples.
        unsafe {
            self.buffer.set_slices(samples, |slices| {
                slices.clear();
                for channel in channels.iter_mut() {
                    let channel: &'static mut [f32] =
                        std::slice::from_raw_parts_mut(channel.as_mut_ptr(), channel.len());
                    slices.push(channel);
                }
            });
        }
        let mut aux = AuxiliaryBuffers {
            inputs: &mut [],
            outputs: &mut [],
        };
        let (plugin, context, buffer) = (&mut self.plugin, &mut self.context, &mut self.buffer);
        let status =
            nice_assert_no_alloc::assert_no_alloc(|| plugin.process(buffer, &mut aux, context));
        // SAFETY: empties the buffer; nothing dangles once `channels` is released.
        unsafe { self.buffer.set_slices(0, |slices| slices.clear()) };
        status
    }

    /// Processes whole signals (one per channel) split into blocks of the given sizes
    /// (repeated cyclically), and returns the output.
    pub fn run(&mut self, input: &[Vec<f32>], block_sizes: &[usize]) -> Vec<Vec<f32>> {
        let mut output = input.to_vec();
        let len = input[0].len();
        let mut start = 0;
        for &size in block_sizes.iter().cycle() {
            if start >= len {
                break;
            }
            let end = (start + size).min(len);
            let mut blocks: Vec<&mut [f32]> =
                output.iter_mut().map(|c| &mut c[start..end]).collect();
            self.process(&mut blocks);
            start = end;
        }
        output
    }
}
