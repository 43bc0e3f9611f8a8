//! What the audio thread shows the editor: the latest input and output samples (for the live
//! spectrum) and decaying peak levels (for the meters). The audio thread only ever stores to
//! atomics here: no allocation, no lock, no waiting on the editor. It does so only while the
//! editor is open, so a closed editor costs `process()` one load per block.

use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering, fence};

use atomic_float::AtomicF32;

/// How many recent samples each ring keeps: enough for the editor's largest spectrum frame.
pub const RING_SAMPLES: usize = 1 << 14;

/// How fast a meter falls after a peak: 20 dB in this many seconds (a common peak-meter
/// ballistic, slow enough to read).
const METER_FALL_SECONDS: f32 = 1.5;

/// The audio thread's view of the editor's displays: the plugin's input and its output.
#[derive(Debug, Default)]
pub struct SignalMonitor {
    pub input: SignalTap,
    pub output: SignalTap,
}

/// One signal as the editor sees it: its latest samples (mono) and its level.
#[derive(Debug)]
pub struct SignalTap {
    pub samples: SampleRing,
    pub level: LevelMeter,
}

impl Default for SignalTap {
    fn default() -> Self {
        Self {
            samples: SampleRing::new(),
            level: LevelMeter::default(),
        }
    }
}

impl SignalTap {
    /// Hands the samples `range` of every channel to the editor: their mono mix (finite only)
    /// to the ring, their peak to the meter. Only one thread may call this.
    pub fn show(&self, channels: &[&mut [f32]], range: Range<usize>, sample_rate: f32) {
        let scale = 1.0 / channels.len().max(1) as f32;
        self.samples.push(range.len(), |n| {
            let sum: f32 = channels
                .iter()
                .map(|channel| channel[range.start + n])
                .sum();
            if sum.is_finite() { sum * scale } else { 0.0 }
        });
        let peak = channels
            .iter()
            .map(|channel| peak(&channel[range.clone()]))
            .fold(0.0, f32::max);
        self.level.update(peak, range.len(), sample_rate);
    }
}

/// A single-writer ring of the latest samples, readable from any thread without locks.
///
/// The writer announces how far it is about to write (`claimed`) before it writes, and how far
/// it has written (`written`) after. A reader copies the newest complete samples and then
/// checks `claimed`: if the writer has started to overwrite any of them meanwhile, the copy is
/// discarded (a seqlock without the lock). Samples are stored as `f32` bits in `AtomicU32`s so
/// that racing reads are defined behaviour.
#[derive(Debug)]
pub struct SampleRing {
    samples: Box<[AtomicU32]>,
    claimed: AtomicUsize,
    written: AtomicUsize,
}

impl SampleRing {
    fn new() -> Self {
        Self {
            samples: (0..RING_SAMPLES).map(|_| AtomicU32::new(0)).collect(),
            claimed: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        }
    }

    /// Appends `len` samples, the `n`th being `sample(n)`. Only one thread may write.
    pub fn push(&self, len: usize, mut sample: impl FnMut(usize) -> f32) {
        let start = self.written.load(Ordering::Relaxed);
        let len = len.min(RING_SAMPLES);
        self.claimed.store(start + len, Ordering::Relaxed);
        // Orders the claim before the sample stores below, for a reader's acquire fence.
        fence(Ordering::Release);
        for n in 0..len {
            let slot = (start + n) % RING_SAMPLES;
            self.samples[slot].store(sample(n).to_bits(), Ordering::Relaxed);
        }
        self.written.store(start + len, Ordering::Release);
    }

    /// Copies the newest `out.len()` samples, oldest first, into `out` (zeros before the first
    /// sample ever written). Returns false, with `out` unspecified, if the writer overwrote
    /// some of them during the copy; try again on the next frame.
    pub fn latest(&self, out: &mut [f32]) -> bool {
        assert!(
            out.len() <= RING_SAMPLES,
            "the ring keeps {RING_SAMPLES} samples"
        );
        let end = self.written.load(Ordering::Acquire);
        let (zeros, samples) = out.split_at_mut(out.len().saturating_sub(end));
        zeros.fill(0.0);
        let start = end - samples.len();
        for (n, value) in samples.iter_mut().enumerate() {
            let slot = (start + n) % RING_SAMPLES;
            *value = f32::from_bits(self.samples[slot].load(Ordering::Relaxed));
        }
        // Pairs with the writer's release fence: any sample we read that a newer push wrote
        // makes that push's claim visible here.
        fence(Ordering::Acquire);
        let claimed = self.claimed.load(Ordering::Relaxed);
        let oldest_read = end.saturating_sub(out.len());
        // The writer overwrites sample `i` when it claims past `i + RING_SAMPLES`.
        claimed - oldest_read <= RING_SAMPLES
    }
}

/// A peak level that falls slowly after each peak, kept by the audio thread.
#[derive(Debug, Default)]
pub struct LevelMeter {
    /// Linear peak level. Relaxed: one value, written by one thread.
    level: AtomicF32,
}

impl LevelMeter {
    /// The level now (linear, 1.0 = 0 dBFS).
    pub fn level(&self) -> f32 {
        self.level.load(Ordering::Relaxed)
    }

    /// Takes the peak of a block of `len` samples at `sample_rate`: the meter jumps up to a
    /// louder peak and otherwise falls by its ballistic. Only one thread may call this.
    pub fn update(&self, block_peak: f32, len: usize, sample_rate: f32) {
        let fall = 10f32.powf(-(len as f32) / (METER_FALL_SECONDS * sample_rate));
        // NaN and Inf are silenced by the plugin, and a meter stuck at Inf would never fall.
        let block_peak = if block_peak.is_finite() {
            block_peak
        } else {
            0.0
        };
        let level = (self.level.load(Ordering::Relaxed) * fall).max(block_peak);
        self.level.store(level, Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.level.store(0.0, Ordering::Relaxed);
    }
}

/// The largest magnitude in `samples` (NaN ignored).
fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0f32, |peak, x| peak.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn latest_returns_the_newest_samples_in_order() {
        let ring = SampleRing::new();
        let mut out = [1.0f32; 4];
        assert!(ring.latest(&mut out));
        assert_eq!(out, [0.0; 4], "nothing written yet");
        ring.push(3, |n| n as f32 + 1.0);
        assert!(ring.latest(&mut out));
        assert_eq!(out, [0.0, 1.0, 2.0, 3.0]);
        // Wrap around the ring's end.
        for block in 0..RING_SAMPLES / 100 + 2 {
            ring.push(100, |n| (block * 100 + n) as f32);
        }
        let last = ((RING_SAMPLES / 100 + 2) * 100 - 1) as f32;
        assert!(ring.latest(&mut out));
        assert_eq!(out, [last - 3.0, last - 2.0, last - 1.0, last]);
    }

    /// A reader racing a writer never gets a torn copy: every copy it accepts is a run of
    /// consecutive values, as written. The writer pauses after every 16th block, as an audio
    /// thread waits for the next one: without pauses, on a busy machine, every one of the
    /// reader's copies of 16 384 samples can overlap a write, and none is accepted.
    #[test]
    fn a_racing_reader_only_accepts_whole_copies() {
        let ring = Arc::new(SampleRing::new());
        let writer = {
            let ring = ring.clone();
            std::thread::spawn(move || {
                let mut next = 0u32;
                for block in 0..20_000 {
                    ring.push(512, |n| ((next as usize + n) % (1 << 23)) as f32);
                    next = (next + 512) % (1 << 23);
                    if block % 16 == 15 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                }
            })
        };
        let mut out = vec![0.0f32; RING_SAMPLES];
        let (mut accepted, mut refused) = (0, 0);
        while !writer.is_finished() {
            if ring.latest(&mut out) {
                accepted += 1;
                let first = out.iter().position(|&x| x != 0.0).unwrap_or(out.len());
                for pair in out[first..].windows(2) {
                    let step = pair[1] - pair[0];
                    assert!(step == 1.0 || pair[1] == 0.0, "torn copy: {pair:?}");
                }
            } else {
                refused += 1;
            }
        }
        writer.join().unwrap();
        assert!(accepted > 0, "accepted {accepted}, refused {refused}");
    }

    /// A tap shows the mono mix of the channels' range (non-finite sums as 0) and its peak.
    #[test]
    fn a_tap_shows_the_mix_and_the_peak() {
        let tap = SignalTap::default();
        let mut left = vec![0.5f32; 8];
        let mut right = vec![-0.25f32; 8];
        left[6] = f32::NAN;
        right[7] = -0.75;
        tap.show(&[&mut left, &mut right], 4..8, 48_000.0);
        let mut latest = [1.0f32; 4];
        assert!(tap.samples.latest(&mut latest));
        assert_eq!(latest, [0.125, 0.125, 0.0, -0.125]);
        assert_eq!(tap.level.level(), 0.75);
    }

    #[test]
    fn meter_holds_peaks_and_falls_20_db_in_its_fall_time() {
        let meter = LevelMeter::default();
        meter.update(0.5, 64, 48_000.0);
        assert_eq!(meter.level(), 0.5);
        meter.update(0.1, 64, 48_000.0);
        assert!(meter.level() < 0.5 && meter.level() > 0.49);
        let blocks = (METER_FALL_SECONDS * 48_000.0 / 64.0) as usize;
        for _ in 0..blocks {
            meter.update(0.0, 64, 48_000.0);
        }
        assert!(
            (meter.level() / 0.05 - 1.0).abs() < 0.01,
            "{}",
            meter.level()
        );
        let before = meter.level();
        for bad in [f32::NAN, f32::INFINITY] {
            meter.update(bad, 64, 48_000.0);
            assert!(
                meter.level() < before && meter.level() > 0.049,
                "{bad} is ignored"
            );
        }
    }
}
