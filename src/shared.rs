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
}
