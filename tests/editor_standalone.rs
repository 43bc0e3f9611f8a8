//! The editor, opened by the standalone build (`primecomb standalone`) on a virtual X display:
//! it must draw its controls and the response plot. Needs Xvfb and the standalone app's
//! build packages (see README and `common::extras`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::clap_host::bundled_dir;
use common::extras;
use common::xvfb::{Screenshot, VirtualDisplay};

/// The colour of the left (or only) channel's response curve in the plot.
const CURVE_COLOR: [u8; 3] = [255, 170, 60];

/// The editor's default size, in pixels (at a scale of 1).
const EDITOR_SIZE: (usize, usize) = (1100, 660);

/// Waits until `check` accepts a screenshot, or `patience` has passed; returns the last one.
fn screenshot_until(
    display: &VirtualDisplay,
    patience: Duration,
    check: impl Fn(&Screenshot) -> bool,
) -> Screenshot {
    let deadline = Instant::now() + patience;
    loop {
        let shot = display.screenshot();
        if check(&shot) || Instant::now() > deadline {
            return shot;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The standalone editor opens and draws: many colours (text, sliders, grid) where an empty
/// screen has one, and the response curve's colour along a curve's length.
#[test]
fn standalone_editor_draws_its_controls_and_plot() {
    let test = "standalone_editor_draws_its_controls_and_plot";
    let missing = [extras::display_missing(), extras::standalone_missing()];
    let missing = missing
        .into_iter()
        .flatten()
        .reduce(|a, b| format!("{a}; and {b}"));
    if !extras::available(test, missing) {
        return;
    }
    let display = VirtualDisplay::start();
    let blank = display.screenshot();
    assert_eq!(blank.distinct_colors(EDITOR_SIZE.0, EDITOR_SIZE.1), 1);

    // The test bundle's `primecomb`, built with the standalone app (the one `cargo test`
    // builds has none, so that the tests build on a machine without the ALSA headers).
    let mut editor = Command::new(bundled_dir().join("primecomb"))
        .args(["standalone", "--backend", "dummy"])
        .env("DISPLAY", &display.name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the standalone starts");
    let drawn = |shot: &Screenshot| {
        shot.distinct_colors(EDITOR_SIZE.0, EDITOR_SIZE.1) > 200
            && shot.count_near(CURVE_COLOR, 8) > 1000
    };
    let shot = screenshot_until(&display, Duration::from_secs(60), drawn);
    let still_running = editor.try_wait().unwrap().is_none();
    let _ = editor.kill();
    let _ = editor.wait();

    let saved = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("editor.ppm");
    shot.save_ppm(&saved);
    assert!(still_running, "the standalone exited early");
    let colors = shot.distinct_colors(EDITOR_SIZE.0, EDITOR_SIZE.1);
    let curve = shot.count_near(CURVE_COLOR, 8);
    assert!(
        drawn(&shot),
        "the editor did not draw: {colors} colours, {curve} curve pixels (see {})",
        saved.display()
    );
    // Nothing is drawn outside the editor's window.
    let outside = shot.pixels[EDITOR_SIZE.1 * shot.width..].iter();
    assert!(
        outside
            .clone()
            .all(|p| *p == outside.clone().next().copied().unwrap())
    );
}
