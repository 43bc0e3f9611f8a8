//! What the `process()` benchmarks share: the audio, the block sizes and the automation.

use primecomb::offline_host::ParamIndex;

use super::harness::Harness;

/// The sample rate, in Hz; the audio is one second long.
pub const SR: f32 = 48_000.0;

pub const BLOCK_SIZES: [usize; 4] = [32, 64, 512, 4096];

/// A parameter's automation lane as a host plays it: a normalized value (0 to 1) for each
/// block, again and again.
pub struct Lane {
    /// The name a host shows for the parameter.
    pub name: &'static str,
    pub param: ParamIndex,
    pub values: Vec<f32>,
}

/// The automated rows' lanes, 100 blocks long: alpha falls from 0.9 to 0.4 and tau rises
/// from 5 to 8 ms.
pub fn automation_lanes(host: &Harness) -> [Lane; 2] {
    let lane = |id: &str, name, plain: fn(f32) -> f32| {
        let param = host.param(id);
        let values = (0..100)
            .map(|block| host.normalized(param, plain(block as f32 / 100.0)))
            .collect();
        Lane {
            name,
            param,
            values,
        }
    };
    [
        lane("alpha", "Alpha", |t| 0.9 - 0.5 * t),
        lane("tau", "Tau", |t| 5.0 + 3.0 * t),
    ]
}

/// One second of stereo noise-like audio at -12 dBFS peak.
pub fn audio() -> [Vec<f32>; 2] {
    audio_at(0.25)
}

/// One second of stereo noise-like audio peaking at `peak`.
pub fn audio_at(peak: f32) -> [Vec<f32>; 2] {
    let channel = |seed: usize| {
        (0..SR as usize)
            .map(|n| ((((n + seed) * 7919) % 1000) as f32 / 500.0 - 1.0) * peak)
            .collect()
    };
    [channel(0), channel(1)]
}
