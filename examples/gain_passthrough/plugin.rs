//! The benchmarks' baseline: the least a plugin in this framework can do, a smoothed gain,
//! written the efficient way (a constant gain multiplies whole channels).

use std::sync::Arc;

use nice_plug::prelude::*;

#[derive(Params)]
pub struct GainParams {
    #[id = "gain"]
    gain: FloatParam,
}

pub struct GainPlugin {
    params: Arc<GainParams>,
}

impl Default for GainPlugin {
    fn default() -> Self {
        let gain = FloatParam::new("Gain", 1.0, FloatRange::Linear { min: 0.0, max: 2.0 })
            .with_smoother(SmoothingStyle::Linear(10.0));
        Self {
            params: Arc::new(GainParams { gain }),
        }
    }
}

impl Plugin for GainPlugin {
    const NAME: &'static str = "Gain";
    const VENDOR: &'static str = "PrimeComb";
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = "0";
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    type Editor = ();
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        _context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let smoother = &self.params.gain.smoothed;
        if smoother.is_smoothing() {
            for mut frame in buffer.iter_samples() {
                let gain = smoother.next();
                for sample in frame.iter_mut() {
                    *sample *= gain;
                }
            }
        } else {
            let gain = smoother.next();
            for channel in buffer.as_slice() {
                for sample in channel.iter_mut() {
                    *sample *= gain;
                }
            }
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for GainPlugin {
    const CLAP_ID: &'static str = "org.primecomb.gain-passthrough";
    const CLAP_DESCRIPTION: Option<&'static str> = Some("A gain: the benchmarks' baseline");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::AudioEffect, ClapFeature::Stereo];
}
