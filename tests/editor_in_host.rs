//! The editor as a DAW opens it: through CLAP's gui extension, embedded in a host window on a
//! virtual X display, from the debug bundle whose `process()` aborts on any allocation. It is
//! opened and closed again and again while an audio thread runs; nothing may leak (threads,
//! file descriptors, memory) and `process()` must keep running throughout. A size the host
//! gives the window is saved with the state. Needs Xvfb (see `common::extras`).

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::clap_host::LoadedPlugin;
use common::extras;
use common::xvfb::VirtualDisplay;

/// The colour of the response curve (see the editor's plot).
const CURVE_COLOR: [u8; 3] = [255, 170, 60];

/// Inside the plot, away from its labels: (left, top, right, bottom) in pixels.
const SPECTRUM_AREA: (usize, usize, usize, usize) = (500, 60, 1040, 550);

/// The spectrum's translucent green over the plot's dark background; nothing else drawn in
/// the plot is green.
fn is_spectrum_green(pixel: [u8; 3]) -> bool {
    let [r, g, b] = pixel.map(i32::from);
    g - r > 15 && g - b > 10
}

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// glibc's heap statistics (`mallinfo2(3)`).
#[repr(C)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    hblks: usize,
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}
unsafe extern "C" {
    fn mallinfo2() -> MallInfo2;
}
/// Bytes allocated on the heap and not freed, by every thread of the process.
fn heap_in_use() -> usize {
    // SAFETY: a plain glibc query with no arguments.
    let info = unsafe { mallinfo2() };
    info.uordblks + info.hblkhd
}

/// Keeps the host's main thread going for `duration`: the plugin's callbacks run.
fn pump(plugin: &mut LoadedPlugin, duration: Duration) {
    let end = Instant::now() + duration;
    while Instant::now() < end {
        plugin.service_main_thread();
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits up to `patience` for `done`, pumping the main thread meanwhile.
fn pump_until(plugin: &mut LoadedPlugin, patience: Duration, done: impl Fn() -> bool) -> bool {
    let end = Instant::now() + patience;
    while !done() {
        if Instant::now() > end {
            return false;
        }
        pump(plugin, Duration::from_millis(20));
    }
    true
}

#[test]
fn editor_opens_and_closes_while_audio_runs_without_leaks() {
    let test = "editor_opens_and_closes_while_audio_runs_without_leaks";
    if !extras::available(test, extras::display_missing()) {
        return;
    }
    let display = VirtualDisplay::start();
    // SAFETY: this test binary runs this one test, and no other thread reads the environment
    // while it is set (the plugin connects to the display named here).
    unsafe { std::env::set_var("DISPLAY", &display.name) };
    let (connection, screen) = display.connect();
    let parent = display.parent_window(&connection, screen);

    let mut plugin = LoadedPlugin::new();
    let audio = plugin.start_audio(48_000.0, 64);
    let calls = || audio.stats.calls.load(Ordering::Acquire);

    // The first opening draws the plot, as in a DAW.
    plugin.open_editor(parent).expect("the editor opens");
    assert_eq!(plugin.editor_size(), Some((1100, 660)));
    let drew = pump_until(&mut plugin, Duration::from_secs(60), || {
        display.screenshot().count_near(CURVE_COLOR, 8) > 1000
    });
    assert!(drew, "the embedded editor did not draw its response curve");
    // The audio thread's output reaches the editor: the live spectrum is drawn in green.
    let spectrum = pump_until(&mut plugin, Duration::from_secs(30), || {
        display
            .screenshot()
            .count_in(SPECTRUM_AREA, is_spectrum_green)
            > 500
    });
    assert!(spectrum, "the live spectrum of the output was not drawn");
    // The host resizes the window; the new size is saved with the state, and the next
    // window opens at it.
    plugin
        .resize_editor(1300, 800)
        .expect("the editor takes the host's size");
    let saved_size = r#"{\"width\":1300.0,\"height\":800.0}"#;
    let deadline = Instant::now() + Duration::from_secs(10);
    let state = loop {
        pump(&mut plugin, Duration::from_millis(20));
        let state = String::from_utf8_lossy(&plugin.save()).into_owned();
        if state.contains(saved_size) || Instant::now() > deadline {
            break state;
        }
    };
    assert!(state.contains(saved_size), "{state}");
    assert_eq!(plugin.editor_size(), Some((1300, 800)));
    plugin.resize_editor(1100, 660).expect("and back");
    pump(&mut plugin, Duration::from_millis(100));
    plugin.close_editor();

    let cycle = |plugin: &mut LoadedPlugin| {
        plugin.open_editor(parent).expect("the editor opens again");
        let before = calls();
        pump(plugin, Duration::from_millis(60));
        let progressed = pump_until(plugin, Duration::from_secs(10), || calls() > before + 10);
        assert!(progressed, "process() stalled while the editor was open");
        plugin.close_editor();
        pump(plugin, Duration::from_millis(10));
    };
    for _ in 0..3 {
        cycle(&mut plugin); // warm up: one-time allocations of the GL driver and fonts
    }
    let (threads, files, heap) = (thread_count(), open_files(), heap_in_use());
    let cycles = 30;
    for _ in 0..cycles {
        cycle(&mut plugin);
    }
    // Closing joins the editor's threads; give them a moment to be gone.
    let settled = pump_until(&mut plugin, Duration::from_secs(10), || {
        thread_count() <= threads && open_files() <= files
    });
    let grown_per_cycle_kib = heap_in_use().saturating_sub(heap) / cycles / 1024;
    let longest_ms = audio.stats.longest_call_ns.load(Ordering::Relaxed) as f64 / 1e6;
    eprintln!(
        "{cycles} cycles: threads {threads} -> {}, files {files} -> {}, heap \
         +{grown_per_cycle_kib} KiB a cycle, {} process() calls, longest {longest_ms:.2} ms",
        thread_count(),
        open_files(),
        calls()
    );
    assert!(settled, "threads or file descriptors leaked");
    // Each window leaks about 60 KiB below us: baseview 0.4 never frees its xkbcommon keymap
    // (54 KiB) nor some of the EGL display setup (valgrind shows both). What the editor owns
    // per window is far more (egui with its font atlas: MiBs; the spectra and response
    // curves: 200 KiB and up), so a leak of any of it would break this bound.
    assert!(
        grown_per_cycle_kib < 150,
        "the heap grew by {grown_per_cycle_kib} KiB a cycle"
    );
    // A process() that waited on the editor would take a frame or more (tens of ms); these
    // calls take microseconds, so a quarter second is only ever reached by blocking.
    assert!(longest_ms < 250.0, "a process() call took {longest_ms} ms");
    plugin.stop_audio(audio);
}
