//! The background pool that builds delay tables, and the lock-free handoff of finished tables
//! to the audio thread.
//!
//! One small rayon pool serves every PrimeComb instance in the process: its own named threads,
//! never the host's. Finished tables are also kept in a process-wide cache, for two reasons:
//! a later activation at a rate already built gets its table at once, and the cache holds a
//! reference to every table ever handed out, so the audio thread, which may drop its
//! reference to an old table, never drops the last one and never frees memory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crossbeam_queue::ArrayQueue;
use rayon::{ThreadPool, ThreadPoolBuilder};

use super::table::PrimeTable;

/// The rates whose tables are built right after the active one, so switching to any of them
/// is instant.
pub const COMMON_SAMPLE_RATES: [f32; 6] =
    [44_100.0, 48_000.0, 88_200.0, 96_000.0, 176_400.0, 192_000.0];

/// Threads in the pool: table builds are short, and a plugin should leave the cores to the
/// host's audio threads.
const POOL_THREADS: usize = 2;

/// The process-wide pool, created on first use.
pub fn pool() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        ThreadPoolBuilder::new()
            .num_threads(POOL_THREADS)
            .thread_name(|index| format!("primecomb-primes-{index}"))
            .build()
            .expect("the prime table pool starts")
    })
}

/// Every table built so far. Only ever locked off the audio thread.
fn cache() -> &'static Mutex<Vec<Arc<PrimeTable>>> {
    static CACHE: OnceLock<Mutex<Vec<Arc<PrimeTable>>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// The table for `sample_rate` covering `max_delay_samples`, if one was built.
fn cached(sample_rate: f32, max_delay_samples: u32) -> Option<Arc<PrimeTable>> {
    let tables = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    tables
        .iter()
        .find(|t| t.sample_rate() == sample_rate && t.covers(max_delay_samples))
        .cloned()
}

/// Builds (on the calling thread, which is a pool thread) and caches a table, unless an
/// equivalent one is already cached.
fn build_and_cache(sample_rate: f32, max_delay_samples: u32) -> Arc<PrimeTable> {
    if let Some(table) = cached(sample_rate, max_delay_samples) {
        return table;
    }
    let table = Arc::new(PrimeTable::build(sample_rate, max_delay_samples));
    let mut tables = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    tables.push(table.clone());
    table
}

/// One plugin instance's connection to the pool.
///
/// `request()` runs where allocation is allowed (`activate()`); `poll()` runs on the audio
/// thread and never allocates, locks or waits.
pub struct TableReceiver {
    /// Finished tables on their way to the audio thread. A bounded lock-free queue: pushing
    /// and popping never allocate.
    inbox: Arc<ArrayQueue<Arc<PrimeTable>>>,
    /// The table for the current sample rate, once it has arrived.
    current: Option<Arc<PrimeTable>>,
    /// Whether `current` is there, for the GUI. Written by the audio thread and `request()`,
    /// read anywhere; Relaxed, since it publishes no other data (the table itself travels
    /// through the queue, whose operations order its contents).
    ready: Arc<AtomicBool>,
    /// The longest delay a table must cover, in seconds.
    max_delay_seconds: f64,
}

impl TableReceiver {
    /// A receiver for tables covering delays up to `max_delay_seconds`.
    pub fn new(max_delay_seconds: f64) -> Self {
        Self {
            inbox: Arc::new(ArrayQueue::new(4)),
            current: None,
            ready: Arc::new(AtomicBool::new(false)),
            max_delay_seconds,
        }
    }

    /// A flag that reads true while a table for the current rate is in use.
    pub fn ready_flag(&self) -> Arc<AtomicBool> {
        self.ready.clone()
    }

    fn max_delay_samples(&self, sample_rate: f32) -> u32 {
        (self.max_delay_seconds * f64::from(sample_rate)).ceil() as u32
    }

    /// Asks for the table for `sample_rate`: taken from the cache at once if it was built
    /// before, built on the pool otherwise, and then the pool builds the tables for the other
    /// common rates. Waits up to `patience` for a new build to arrive (a build takes about a
    /// millisecond, so a host that activates gets snapped delays from the first sample); past
    /// that the audio thread picks the table up in `poll()` whenever it is done.
    /// Call it where blocking briefly is allowed, such as `activate()`.
    pub fn request(&mut self, sample_rate: f32, patience: Duration) {
        let max_delay = self.max_delay_samples(sample_rate);
        self.current = cached(sample_rate, max_delay);
        self.ready.store(self.current.is_some(), Ordering::Relaxed);
        if self.current.is_none() {
            let inbox = self.inbox.clone();
            pool().spawn(move || {
                // A full inbox means the audio thread has not polled for a while; the
                // displaced table is an older request, dropped here on the pool.
                let _stale = inbox.force_push(build_and_cache(sample_rate, max_delay));
            });
        }
        let max_delay_seconds = self.max_delay_seconds;
        pool().spawn(move || {
            for rate in COMMON_SAMPLE_RATES {
                build_and_cache(rate, (max_delay_seconds * f64::from(rate)).ceil() as u32);
            }
        });
        let deadline = Instant::now() + patience;
        while self.poll(sample_rate).is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// The table for `sample_rate`, if it has arrived. Audio thread: lock-free, no allocation;
    /// a replaced table is only dereferenced here, the cache keeps it alive.
    pub fn poll(&mut self, sample_rate: f32) -> Option<&PrimeTable> {
        if self.current.is_some() {
            // This rate's table is here; nothing the inbox could bring would differ from it.
            return self.current.as_deref();
        }
        while let Some(table) = self.inbox.pop() {
            if table.sample_rate() == sample_rate {
                self.current = Some(table);
                self.ready.store(true, Ordering::Relaxed);
            }
        }
        self.current.as_deref()
    }
}
