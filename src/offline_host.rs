//! A host in the same process: activates a plugin, sets its parameters the way a plugin
//! wrapper does, and calls `process()` on the caller's buffers. The command-line renderer and
//! the tests run PrimeComb through it, so they hear exactly what a DAW hears.

use std::collections::HashMap;
use std::fmt;

use nice_plug::context::process::SendEventError;
use nice_plug::prelude::*;

/// The contexts an offline host hands the plugin: a stopped transport, and no services.
pub struct NullContext {
    transport: Transport,
}

impl NullContext {
    /// Contexts for a host running at `sample_rate`.
    pub fn new(sample_rate: f32) -> Self {
        Self {
            transport: Transport::new(sample_rate),
        }
    }
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

/// A parameter of the hosted plugin, found once by its id: what a host keeps to play an
/// automation lane without looking the id up for every change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamIndex(usize);

/// A plugin, activated, with its parameters by id.
pub struct OfflineHost<P: Plugin> {
    pub plugin: P,
    params: Vec<ParamPtr>,
    indices: HashMap<String, ParamIndex>,
    context: NullContext,
    /// Reused for every call, so the host itself allocates nothing per block. Holds no
    /// slices between calls.
    buffer: Buffer<'static>,
    sample_rate: f32,
    max_block: usize,
}

impl<P: Plugin> OfflineHost<P> {
    /// A plugin activated at `sample_rate` with `channels` channels and blocks of at most
    /// `max_block` samples, its parameters at their defaults.
    ///
    /// # Errors
    /// If the plugin has no layout with that many channels, or refuses to activate.
    pub fn new(sample_rate: f32, channels: u32, max_block: usize) -> Result<Self, HostError> {
        let plugin = P::default();
        let (indices, params) = plugin
            .params()
            .param_map()
            .into_iter()
            .enumerate()
            .map(|(index, (id, ptr, _group))| ((id, ParamIndex(index)), ptr))
            .unzip();
        let mut host = Self {
            plugin,
            params,
            indices,
            context: NullContext::new(sample_rate),
            buffer: Buffer::default(),
            sample_rate,
            max_block,
        };
        host.activate(channels)?;
        Ok(host)
    }

    /// (Re-)activates and resets, as a host does after a configuration change.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn activate(&mut self, channels: u32) -> Result<(), HostError> {
        let layout = P::AUDIO_IO_LAYOUTS
            .iter()
            .find(|layout| layout.main_output_channels.map(|c| c.get()) == Some(channels))
            .ok_or(HostError::UnsupportedChannels(channels))?;
        let config = BufferConfig {
            sample_rate: self.sample_rate,
            min_buffer_size: None,
            max_buffer_size: self.max_block as u32,
            process_mode: ProcessMode::Realtime,
        };
        // Like a wrapper, start every smoother at its parameter's value.
        for ptr in &self.params {
            // SAFETY: as in `set_normalized`.
            unsafe { ptr._internal_update_smoother(self.sample_rate, true) };
        }
        if !self.plugin.activate(layout, &config, &mut self.context) {
            return Err(HostError::ActivationFailed);
        }
        self.buffer = Buffer::default();
        // SAFETY: only reserves room for the channel slices, so `process` never allocates.
        unsafe {
            self.buffer
                .set_slices(0, |slices| slices.reserve(channels as usize))
        };
        self.plugin.reset();
        Ok(())
    }

    /// The tempo the transport reports from now on, in BPM (None: no tempo).
    pub fn set_tempo(&mut self, bpm: Option<f64>) {
        self.context.transport.tempo = bpm;
    }

    /// Calls the plugin's `reset()`, as a host does on a transport jump.
    pub fn plugin_reset(&mut self) {
        self.plugin.reset();
    }

    /// The parameter with this id.
    ///
    /// # Panics
    /// If the plugin has no parameter `id`.
    pub fn param(&self, id: &str) -> ParamIndex {
        self.indices[id]
    }

    /// A plain value of a parameter as a normalized one (0 to 1), the form hosts store
    /// automation in.
    pub fn normalized(&self, param: ParamIndex, plain: f32) -> f32 {
        // SAFETY: as in `set_normalized`.
        unsafe { self.params[param.0].preview_normalized(plain) }
    }

    /// A parameter's plain value as the plugin sees it now.
    ///
    /// # Panics
    /// If the plugin has no parameter `id`.
    pub fn value(&self, id: &str) -> f32 {
        // SAFETY: as in `set_normalized`.
        unsafe { self.params[self.param(id).0].modulated_plain_value() }
    }

    /// Sets a parameter to a normalized value, as a wrapper does for a host's change: the
    /// value jumps, and the smoother starts gliding towards it.
    pub fn set_normalized(&mut self, param: ParamIndex, normalized: f32) {
        let ptr = self.params[param.0];
        // SAFETY: the pointers come from the plugin's own `Params`, which `self.plugin` keeps
        // alive, and this host calls them from the one thread that also processes.
        unsafe {
            ptr._internal_set_normalized_value(normalized);
            ptr._internal_update_smoother(self.sample_rate, false);
        }
    }

    /// Sets a parameter by id to a plain value, as [`set_normalized`](Self::set_normalized).
    ///
    /// # Panics
    /// If the plugin has no parameter `id`.
    pub fn set(&mut self, id: &str, plain: f32) {
        let param = self.param(id);
        self.set_normalized(param, self.normalized(param, plain));
    }

    /// Sets a parameter and jumps its smoother to the value, as restoring state does.
    ///
    /// # Panics
    /// If the plugin has no parameter `id`.
    pub fn set_now(&mut self, id: &str, plain: f32) {
        self.set(id, plain);
        // SAFETY: as in `set_normalized`.
        unsafe { self.params[self.param(id).0]._internal_update_smoother(self.sample_rate, true) };
    }

    /// The value text of a parameter at a plain value.
    ///
    /// # Panics
    /// If the plugin has no parameter `id`.
    pub fn text(&self, id: &str, plain: f32) -> String {
        let ptr = self.params[self.param(id).0];
        // SAFETY: as in `set_normalized`.
        unsafe { ptr.normalized_value_to_string(ptr.preview_normalized(plain), true) }
    }

    /// The plain value a host's text entry turns into; None if it does not parse or the
    /// plugin has no parameter `id`.
    pub fn parse(&self, id: &str, text: &str) -> Option<f32> {
        let ptr = self.params[self.indices.get(id)?.0];
        // SAFETY: as in `set_normalized`.
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

    /// Processes one block in place (every channel the same length, at most the largest
    /// block size). Allocates nothing itself.
    ///
    /// # Panics
    /// If the block is longer than the largest block size, or channels differ in length.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) -> ProcessStatus {
        let samples = channels.first().map_or(0, |c| c.len());
        assert!(samples <= self.max_block);
        assert!(channels.iter().all(|c| c.len() == samples));
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
        let status = self
            .plugin
            .process(&mut self.buffer, &mut aux, &mut self.context);
        // SAFETY: empties the buffer; nothing dangles once `channels` is released.
        unsafe { self.buffer.set_slices(0, |slices| slices.clear()) };
        status
    }
}

/// Why the host could not start the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostError {
    /// The plugin offers no layout with this many channels.
    UnsupportedChannels(u32),
    /// The plugin's `activate()` returned false.
    ActivationFailed,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::UnsupportedChannels(n) => write!(f, "{n} channels are not supported"),
            HostError::ActivationFailed => write!(f, "the plugin could not be activated"),
        }
    }
}

impl std::error::Error for HostError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normalized values as a host stores them: alpha's linear range from -1 to 1 puts 0.25
    /// at 0.625; tau's skewed range puts its ends at 0 and 1, and clamps beyond them.
    /// Setting a normalized value sets the plain one, the same as setting it by id.
    #[test]
    fn normalized_values_set_the_plain_ones() {
        let mut host = OfflineHost::<crate::PrimeComb>::new(48_000.0, 2, 64).unwrap();
        let alpha = host.param("alpha");
        assert_eq!(host.normalized(alpha, 0.25), 0.625);
        host.set_normalized(alpha, 0.625);
        assert_eq!(host.value("alpha"), 0.25);

        let tau = host.param("tau");
        assert_eq!(host.normalized(tau, 0.02), 0.0);
        assert_eq!(host.normalized(tau, 1000.0), 1.0);
        assert_eq!(host.normalized(tau, 5000.0), 1.0);
        host.set("tau", 7.0);
        let set_by_id = host.value("tau");
        assert!((set_by_id - 7.0).abs() < 1e-4, "{set_by_id}");
        host.set_normalized(tau, 0.0);
        assert_eq!(host.value("tau"), 0.02);
        host.set_normalized(tau, host.normalized(tau, 7.0));
        assert_eq!(host.value("tau"), set_by_id);
    }
}
