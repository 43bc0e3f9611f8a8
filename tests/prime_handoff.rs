//! Processing before the prime table has arrived: with the pool held busy, a plugin activated
//! at a new rate runs with unsnapped delays (after waiting its bounded 100 ms, not longer),
//! and snaps as soon as the pool delivers. A test binary of its own, since it blocks the
//! process-wide pool for a moment.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::harness::Harness;
use common::impulse;

/// The index of the first non-zero sample after the impulse itself.
fn echo_at(output: &[f32]) -> usize {
    (1..output.len())
        .find(|&n| output[n] != 0.0)
        .expect("an echo")
}

#[test]
fn unsnapped_until_the_table_arrives() {
    // Both pool threads wait on a message that comes only when the test says so.
    let (release, wait) = mpsc::channel::<()>();
    let wait = Arc::new(Mutex::new(wait));
    for _ in 0..2 {
        let wait = wait.clone();
        primecomb::primes::pool::pool().spawn(move || {
            let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(30));
        });
    }
    std::thread::sleep(Duration::from_millis(50));

    // A rate no other test uses, so no table for it can be cached. tau = 48 samples.
    let sample_rate = 23_456.0;
    let started = Instant::now();
    let mut harness = Harness::new(sample_rate, 1, 256);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "activation must not wait for the pool"
    );
    harness.set_now("mode", 0.0);
    harness.set_now("tau", 48.0 * 1000.0 / sample_rate);
    harness.plugin_reset();
    let before = harness.run(&[impulse(256)], &[256]);
    assert_eq!(
        echo_at(&before[0]),
        48,
        "unsnapped while the table is building"
    );

    drop(release);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        std::thread::sleep(Duration::from_millis(10));
        harness.plugin_reset();
        let after = harness.run(&[impulse(256)], &[256]);
        if echo_at(&after[0]) == 47 {
            break;
        }
        assert!(Instant::now() < deadline, "the table never arrived");
    }
}
