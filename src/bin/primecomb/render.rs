//! One file through the plugin: settings from a preset and the command line, the plugin's own
//! `process()` in an offline host, and a tail for the echoes.

use nice_plug::prelude::ProcessStatus;
use primecomb::PrimeComb;
use primecomb::offline_host::OfflineHost;
use primecomb::params::{TAU_MAX_MS, TAU_MIN_MS};

use crate::wav::Audio;

/// Frames per `process()` call.
const BLOCK: usize = 4096;

/// How to render: parameter values by id (plain values, already checked), and the tail.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    /// Parameter values given as text (from a preset), set through the plugin's text entry.
    pub texts: Vec<(String, String)>,
    /// Parameter values given as numbers, after the texts; `tau` is in milliseconds.
    pub values: Vec<(&'static str, f32)>,
    /// A tau given in samples, which needs the file's sample rate.
    pub tau_samples: Option<f32>,
    /// A tau given as a pitch (`200Hz`, `A3`), read by the plugin's text entry after the
    /// other values (alpha's sign decides the delay).
    pub pitch: Option<String>,
    /// The tempo the host reports, in BPM (None: the host gives none).
    pub bpm: Option<f64>,
    /// Whether to append the filter's tail after the input ends.
    pub tail: bool,
    /// The longest tail appended, in seconds.
    pub max_tail_seconds: f32,
}

/// Renders `input` (its format is kept), reporting progress in frames to `progress`.
pub fn render(
    input: &Audio,
    settings: &RenderSettings,
    progress: &dyn Fn(u64),
) -> Result<Audio, String> {
    let channels = input.channels.len();
    let mut host = OfflineHost::<PrimeComb>::new(input.sample_rate as f32, channels as u32, BLOCK)
        .map_err(|e| e.to_string())?;
    for (id, text) in &settings.texts {
        let value = host
            .parse(id, text)
            .ok_or_else(|| format!("preset value '{text}' for {id} does not parse"))?;
        host.set_now(id, value);
    }
    for &(id, value) in &settings.values {
        host.set_now(id, value);
    }
    if let Some(samples) = settings.tau_samples {
        host.set_now("tau", samples * 1000.0 / input.sample_rate as f32);
    }
    if let Some(pitch) = &settings.pitch {
        let ms = host
            .parse("tau", pitch)
            .filter(|ms| (TAU_MIN_MS..=TAU_MAX_MS).contains(ms))
            .ok_or_else(|| {
                format!("tau '{pitch}' is out of range ({TAU_MIN_MS} to {TAU_MAX_MS} ms)")
            })?;
        host.set_now("tau", ms);
    }
    host.set_tempo(settings.bpm);
    host.plugin_reset();

    let mut output = input.channels.clone();
    let frames = output[0].len();
    let mut status = ProcessStatus::Normal;
    for start in (0..frames).step_by(BLOCK) {
        let end = (start + BLOCK).min(frames);
        let mut blocks: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..end]).collect();
        status = host.process(&mut blocks);
        progress((end - start) as u64);
    }
    if settings.tail {
        let reported = match status {
            ProcessStatus::Tail(samples) => samples as usize,
            _ => 0,
        };
        let cap = (settings.max_tail_seconds.max(0.0) * input.sample_rate as f32) as usize;
        let tail = reported.min(cap);
        let mut block = vec![vec![0.0; BLOCK]; channels];
        let mut done = 0;
        while done < tail {
            let len = (tail - done).min(BLOCK);
            let mut blocks: Vec<&mut [f32]> = block
                .iter_mut()
                .map(|c| {
                    c[..len].fill(0.0);
                    &mut c[..len]
                })
                .collect();
            host.process(&mut blocks);
            for (out, rendered) in output.iter_mut().zip(&block) {
                out.extend_from_slice(&rendered[..len]);
            }
            done += len;
        }
    }
    Ok(Audio {
        channels: output,
        sample_rate: input.sample_rate,
        format: input.format,
    })
}
