//! The built `primecomb.vst3` in a VST3 host nobody here wrote: pedalboard, Spotify's
//! JUCE-based Python library, running `examples/python/pedalboard_demo.py --check`. It sets
//! parameters by number and by text, holds the impulse response to the comb formula (one
//! echo at 48 samples for 1 ms at 48 kHz, to 1e-6), and restores in a fresh instance the
//! state read right after setting the parameters, before any audio. Needs a Python with
//! `pedalboard` and `numpy` (see README); `PRIMECOMB_PYTHON` names it, else `python3`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::clap_host::bundled_dir;
use common::extras;

#[test]
fn pedalboard_sets_renders_and_restores_the_vst3() {
    let test = "pedalboard_sets_renders_and_restores_the_vst3";
    if !extras::available(test, extras::python_missing()) {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rendered = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pedalboard-demo.wav");
    let output = Command::new(extras::python())
        .arg(root.join("examples/python/pedalboard_demo.py"))
        .arg("--plugin")
        .arg(bundled_dir().join("primecomb.vst3"))
        .arg("--out")
        .arg(&rendered)
        .arg("--check")
        .output()
        .expect("python runs");
    let said = String::from_utf8_lossy(&output.stdout);
    let complained = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}\n{complained}");
    assert!(
        said.contains("the echo and the restored state are right"),
        "{said}"
    );
    assert!(
        rendered
            .metadata()
            .is_ok_and(|file| file.len() > 48_000 * 2 * 2)
    );
}
