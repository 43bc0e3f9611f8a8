//! Reading and writing WAV files: 16- and 24-bit integer and 32-bit float, mono or stereo.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavReader, WavSpec, WavWriter};

/// A sample format the renderer reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 16-bit integer PCM.
    I16,
    /// 24-bit integer PCM.
    I24,
    /// 32-bit IEEE float.
    F32,
}

impl Format {
    fn of(spec: WavSpec) -> Result<Self, String> {
        match (spec.sample_format, spec.bits_per_sample) {
            (SampleFormat::Int, 16) => Ok(Format::I16),
            (SampleFormat::Int, 24) => Ok(Format::I24),
            (SampleFormat::Float, 32) => Ok(Format::F32),
            (format, bits) => Err(format!(
                "unsupported sample format: {bits}-bit {format:?} (use 16- or 24-bit integer or 32-bit float)"
            )),
        }
    }

    fn spec(self, channels: u16, sample_rate: u32) -> WavSpec {
        let (bits_per_sample, sample_format) = match self {
            Format::I16 => (16, SampleFormat::Int),
            Format::I24 => (24, SampleFormat::Int),
            Format::F32 => (32, SampleFormat::Float),
        };
        WavSpec {
            channels,
            sample_rate,
            bits_per_sample,
            sample_format,
        }
    }
}

/// Audio in memory: one `Vec` per channel, samples in [-1, 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    pub channels: Vec<Vec<f32>>,
    pub sample_rate: u32,
    pub format: Format,
}

/// Reads a mono or stereo WAV file.
pub fn read(path: &Path) -> Result<Audio, String> {
    let mut reader =
        WavReader::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let spec = reader.spec();
    let format = Format::of(spec)?;
    let channel_count = usize::from(spec.channels);
    if !(1..=2).contains(&channel_count) {
        return Err(format!(
            "{channel_count} channels: only mono and stereo files are supported"
        ));
    }
    let interleaved: Vec<f32> = match format {
        Format::F32 => reader.samples::<f32>().collect::<Result<_, _>>(),
        Format::I16 | Format::I24 => {
            let scale = 1.0 / (1u32 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()
        }
    }
    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut channels = vec![Vec::with_capacity(interleaved.len() / channel_count); channel_count];
    for frame in interleaved.chunks_exact(channel_count) {
        for (channel, &sample) in channels.iter_mut().zip(frame) {
            channel.push(sample);
        }
    }
    Ok(Audio {
        channels,
        sample_rate: spec.sample_rate,
        format,
    })
}

/// Writes `audio` in its format. The file appears whole or not at all: it is written under a
/// temporary name beside the target and renamed into place once complete.
pub fn write(path: &Path, audio: &Audio) -> Result<(), String> {
    let partial = partial_path(path);
    let result = write_to(&partial, audio).and_then(|()| {
        fs::rename(&partial, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
    });
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

fn write_to(path: &Path, audio: &Audio) -> Result<(), String> {
    let fail = |e: hound::Error| format!("cannot write {}: {e}", path.display());
    let channels = audio.channels.len() as u16;
    let spec = audio.format.spec(channels, audio.sample_rate);
    let file =
        fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut writer = WavWriter::new(BufWriter::new(file), spec).map_err(fail)?;
    let frames = audio.channels.first().map_or(0, Vec::len);
    for n in 0..frames {
        for channel in &audio.channels {
            let sample = channel[n];
            match audio.format {
                Format::F32 => writer.write_sample(sample).map_err(fail)?,
                Format::I16 | Format::I24 => writer
                    .write_sample(to_int(sample, spec.bits_per_sample))
                    .map_err(fail)?,
            }
        }
    }
    writer.finalize().map_err(fail)
}

/// Rounds to the nearest integer step, clipping at full scale.
fn to_int(sample: f32, bits: u16) -> i32 {
    let full_scale = (1i64 << (bits - 1)) as f64;
    let scaled = (f64::from(sample) * full_scale).round();
    scaled.clamp(-full_scale, full_scale - 1.0) as i32
}
