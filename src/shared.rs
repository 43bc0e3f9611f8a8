//! What crosses threads, and why each memory ordering is enough.

use atomic_float::AtomicF32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// State the plugin shares with parameter text callbacks and the editor, which the host
/// may call from any thread.
#[derive(Debug)]
pub struct SharedState {
    /// The sample rate of the current activation, in Hz. Written by `activate()`, read by
    /// tau's value text. Relaxed: it is a single value with no other data published with it,
    /// and a text shown with the previous rate for a moment is harmless.
    sample_rate: AtomicF32,
    /// Whether the prime table for the current rate has reached the audio thread (until then
    /// delays are not snapped). Written by the audio thread and `activate()` through the
    /// table receiver; Relaxed, as it only informs a display.
    prime_table_ready: Arc<AtomicBool>,
    /// The number of channels of the current activation (1 or 2). Written by `activate()`,
    /// read by the editor; Relaxed, like the sample rate.
    channels: AtomicU32,
    /// Alpha as last set, from its parameter's callback: tau's text entry reads its sign, as
    /// a note typed in means a different delay for a negative alpha. Relaxed, like the rate.
    alpha: AtomicF32,
    /// The host's tempo in BPM as the audio thread last saw it, NaN while the host gives
    /// none (or before any block). Read by the editor; Relaxed, it only informs a display.
    host_tempo: AtomicF32,
    /// The delay the audio thread last aimed the combs at, before spread and snapping, in
    /// samples: what tau, the keyboard or the tempo asked for. Read by the editor (NaN
    /// before any block); Relaxed, as above.
    asked_delay: AtomicF32,
    /// What asked for it: a [`DelaySource`] as its index. Written with it.
    delay_source: AtomicU32,
}

/// What sets the combs' delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelaySource {
    /// The tau parameter.
    Tau,
    /// The last note played (key follow).
    Keyboard,
    /// A note value of the tempo (sync).
    Tempo,
}

impl DelaySource {
    const ALL: [Self; 3] = [Self::Tau, Self::Keyboard, Self::Tempo];

    /// Whether delays from it are snapped to primes (when prime snap is on): not the
    /// keyboard's, which snapping would put out of tune.
    pub fn snaps(self) -> bool {
        self != Self::Keyboard
    }
}

impl SharedState {
    /// The rate assumed before the host activates the plugin.
    pub const DEFAULT_SAMPLE_RATE: f32 = 48_000.0;

    /// Shared state that reports table readiness through `prime_table_ready`.
    pub fn new(prime_table_ready: Arc<AtomicBool>) -> Self {
        Self {
            sample_rate: AtomicF32::new(Self::DEFAULT_SAMPLE_RATE),
            prime_table_ready,
            channels: AtomicU32::new(2),
            alpha: AtomicF32::new(0.5),
            host_tempo: AtomicF32::new(f32::NAN),
            asked_delay: AtomicF32::new(f32::NAN),
            delay_source: AtomicU32::new(0),
        }
    }

    /// Whether delays are being snapped to primes yet (false while the table is building).
    pub fn prime_table_ready(&self) -> bool {
        self.prime_table_ready.load(Ordering::Relaxed)
    }

    pub fn sample_rate(&self) -> f32 {
        self.sample_rate.load(Ordering::Relaxed)
    }

    pub fn set_sample_rate(&self, sample_rate: f32) {
        self.sample_rate.store(sample_rate, Ordering::Relaxed);
    }

    pub fn channels(&self) -> usize {
        self.channels.load(Ordering::Relaxed) as usize
    }

    pub fn set_channels(&self, channels: usize) {
        self.channels.store(channels as u32, Ordering::Relaxed);
    }

    pub fn set_alpha(&self, alpha: f32) {
        self.alpha.store(alpha, Ordering::Relaxed);
    }

    /// Whether alpha is below zero, which moves a comb's first peak to half its
    /// fundamental.
    pub fn negative_alpha(&self) -> bool {
        self.alpha.load(Ordering::Relaxed) < 0.0
    }

    /// The host's tempo, if it gives one.
    pub fn host_tempo(&self) -> Option<f32> {
        let bpm = self.host_tempo.load(Ordering::Relaxed);
        (!bpm.is_nan()).then_some(bpm)
    }

    pub fn set_host_tempo(&self, bpm: Option<f32>) {
        self.host_tempo
            .store(bpm.unwrap_or(f32::NAN), Ordering::Relaxed);
    }

    /// The delay the combs were last aimed at, in samples, before spread and snapping, and
    /// what asked for it. (Two relaxed values: for a moment after a change the editor may
    /// pair one's new value with the other's old one, and show it for a frame.)
    pub fn asked_delay(&self) -> Option<(f32, DelaySource)> {
        let delay = self.asked_delay.load(Ordering::Relaxed);
        let source = DelaySource::ALL[self.delay_source.load(Ordering::Relaxed) as usize % 3];
        (!delay.is_nan()).then_some((delay, source))
    }

    pub fn set_asked_delay(&self, delay_samples: f32, source: DelaySource) {
        self.asked_delay.store(delay_samples, Ordering::Relaxed);
        let index = DelaySource::ALL
            .iter()
            .position(|&s| s == source)
            .unwrap_or(0);
        self.delay_source.store(index as u32, Ordering::Relaxed);
    }
}
