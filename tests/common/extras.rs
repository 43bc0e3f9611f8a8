//! The tests that need more than Rust and a C compiler: the editor tests need a virtual X
//! display (Xvfb) and Mesa's OpenGL, the standalone app the ALSA and JACK headers, the
//! Python host test a Python with pedalboard and numpy. Where
//! those are missing, such a test says so on the terminal and passes; with
//! `PRIMECOMB_REQUIRE_EXTRAS=1` in the environment (as CI sets it), it fails instead, so that
//! a machine that should run everything cannot quietly run less.

use std::io::Write;
use std::process::{Command, Stdio};

/// Set to `1` to make a missing extra fail the tests that need it.
pub const REQUIRE_EXTRAS: &str = "PRIMECOMB_REQUIRE_EXTRAS";

/// The shared libraries the editor opens on an X display (Mesa's EGL and what X and
/// keyboard handling need), by the names the dynamic loader knows them by.
const DISPLAY_LIBRARIES: [&str; 4] = [
    "libEGL.so.1",
    "libEGL_mesa.so.0",
    "libX11-xcb.so.1",
    "libxkbcommon-x11.so.0",
];

/// What is missing for the editor tests, if anything.
pub fn display_missing() -> Option<String> {
    let mut missing: Vec<String> = Vec::new();
    if !runs("Xvfb", &["-help"]) {
        missing.push("Xvfb".into());
    }
    let known = loader_cache();
    missing.extend(
        DISPLAY_LIBRARIES
            .iter()
            .filter(|library| !known.contains(&format!("{library} ")))
            .map(|library| library.to_string()),
    );
    (!missing.is_empty()).then(|| {
        format!(
            "{} (Debian/Ubuntu: apt-get install -y xvfb libegl1 libegl-mesa0 \
             libgl1-mesa-dri libx11-xcb1 libxkbcommon-x11-0)",
            missing.join(", ")
        )
    })
}

/// What is missing to build the standalone app, if anything.
pub fn standalone_missing() -> Option<String> {
    let found = runs("pkg-config", &["--exists", "alsa", "jack"]);
    (!found).then(|| {
        "the ALSA and JACK headers (Debian/Ubuntu: apt-get install -y pkg-config \
         libasound2-dev libjack-jackd2-dev)"
            .to_owned()
    })
}

/// The Python the host test runs: `PRIMECOMB_PYTHON`, or `python3`.
pub fn python() -> String {
    std::env::var("PRIMECOMB_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// What is missing for the Python host test, if anything.
pub fn python_missing() -> Option<String> {
    let found = runs(&python(), &["-c", "import pedalboard, numpy"]);
    (!found).then(|| {
        format!(
            "a Python ({}) with pedalboard and numpy (python3 -m venv venv && \
             venv/bin/pip install pedalboard numpy, then PRIMECOMB_PYTHON=venv/bin/python)",
            python()
        )
    })
}

/// Whether a test that needs `what` can run: true if nothing is missing. Otherwise it tells
/// the terminal (past the test harness's capture, so that it shows in a passing run) and
/// returns false, or fails the test where [`REQUIRE_EXTRAS`] asks for every test to run.
pub fn available(test: &str, missing: Option<String>) -> bool {
    let Some(missing) = missing else {
        return true;
    };
    let required = std::env::var(REQUIRE_EXTRAS).is_ok_and(|value| value == "1");
    assert!(
        !required,
        "{test}: {REQUIRE_EXTRAS}=1, but this machine lacks {missing}"
    );
    let line = format!("\nSKIPPED {test}: this machine lacks {missing}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    false
}

/// Whether `program` starts and exits successfully with `args`.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The dynamic loader's list of the libraries it knows (`ldconfig -p`), or nothing.
fn loader_cache() -> String {
    ["ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"]
        .iter()
        .find_map(|ldconfig| Command::new(ldconfig).arg("-p").output().ok())
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default()
}
