//! The `primecomb` command-line renderer, run as a user runs it, on WAV files the tests make.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use hound::{SampleFormat, WavSpec};

fn primecomb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_primecomb"))
        .args(args)
        .output()
        .expect("the renderer runs")
}

/// Runs the renderer and checks that it succeeded.
fn render_ok(args: &[&str]) {
    let result = primecomb(args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// A fresh, empty folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec(channels: u16, bits: u16, format: SampleFormat) -> WavSpec {
    WavSpec {
        channels,
        sample_rate: 48_000,
        bits_per_sample: bits,
        sample_format: format,
    }
}

/// Writes channels (samples in [-1, 1)) as a WAV file.
fn write_wav(path: &Path, spec: WavSpec, channels: &[Vec<f32>]) {
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..channels[0].len() {
        for channel in channels {
            match spec.sample_format {
                SampleFormat::Float => writer.write_sample(channel[n]).unwrap(),
                SampleFormat::Int => {
                    let full = (1i64 << (spec.bits_per_sample - 1)) as f32;
                    writer
                        .write_sample((channel[n] * full).round() as i32)
                        .unwrap()
                }
            }
        }
    }
    writer.finalize().unwrap();
}

/// Reads a WAV file as channels of samples in [-1, 1), and its spec.
fn read_wav(path: &Path) -> (WavSpec, Vec<Vec<f32>>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let interleaved: Vec<f32> = match spec.sample_format {
        SampleFormat::Float => reader.samples::<f32>().map(Result::unwrap).collect(),
        SampleFormat::Int => {
            let full = (1i64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.unwrap() as f32 / full)
                .collect()
        }
    };
    let count = usize::from(spec.channels);
    let channels = (0..count)
        .map(|c| interleaved.iter().skip(c).step_by(count).copied().collect())
        .collect();
    (spec, channels)
}

fn stereo_noise() -> Vec<Vec<f32>> {
    vec![quiet_noise(20_000, 1), quiet_noise(20_000, 2)]
}

/// 32-bit float in, 32-bit float out: bit for bit what the library kernels give, in both
/// modes, each channel on its own (the stereo file keeps its channels apart). tau 240 samples
/// with prime snap off, so both use the same delay; no tail, so the lengths match.
#[test]
fn float_files_match_the_library_bit_for_bit() {
    let dir = folder("cli-float");
    let input = stereo_noise();
    write_wav(
        &dir.join("in.wav"),
        spec(2, 32, SampleFormat::Float),
        &input,
    );
    for (mode, kernel) in [
        (
            "ff",
            primecomb::feed_forward as fn(&mut [f32], usize, f32) -> _,
        ),
        ("fb", primecomb::feed_backward),
    ] {
        let out = dir.join(format!("{mode}.wav"));
        render_ok(&[
            "render",
            dir.join("in.wav").to_str().unwrap(),
            out.to_str().unwrap(),
            "--mode",
            mode,
            "--tau",
            "240smp",
            "--alpha",
            "0.5",
            "--prime",
            "off",
            "--no-tail",
        ]);
        let (spec, output) = read_wav(&out);
        assert_eq!(
            (spec.bits_per_sample, spec.sample_format),
            (32, SampleFormat::Float)
        );
        for (x, y) in input.iter().zip(&output) {
            let mut want = x.clone();
            kernel(&mut want, 240, 0.5).unwrap();
            assert_eq!(y, &want, "{mode}");
        }
    }
}

/// 16- and 24-bit files keep their format and come out within one step (LSB) of the library
/// kernel applied to the samples as read.
#[test]
fn integer_files_are_within_one_lsb() {
    let dir = folder("cli-int");
    for bits in [16, 24] {
        let input_path = dir.join(format!("in{bits}.wav"));
        write_wav(
            &input_path,
            spec(1, bits, SampleFormat::Int),
            &[quiet_noise(10_000, 3)],
        );
        let (_, read) = read_wav(&input_path);
        let out = dir.join(format!("out{bits}.wav"));
        render_ok(&[
            "render",
            input_path.to_str().unwrap(),
            out.to_str().unwrap(),
            "--mode",
            "fb",
            "--tau",
            "5ms",
            "--alpha",
            "0.5",
            "--prime",
            "off",
            "--no-tail",
        ]);
        let (spec, output) = read_wav(&out);
        assert_eq!((spec.bits_per_sample, spec.channels), (bits, 1));
        let mut want = read[0].clone();
        primecomb::feed_backward(&mut want, 240, 0.5).unwrap();
        let lsb = 1.0 / (1u32 << (bits - 1)) as f32;
        let worst = output[0]
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst <= lsb, "{bits}-bit: {worst} > {lsb}");
    }
}

/// Feed-back gets a tail: the output is longer than the input by the time the echoes need to
/// fall 90 dB (alpha 0.5: 15 round trips of 240 samples, plus the 20 ms crossfade), and ends
/// below -90 dB of the input level. --no-tail keeps the input's length.
#[test]
fn feed_back_gets_a_tail() {
    let dir = folder("cli-tail");
    let input = dir.join("in.wav");
    write_wav(&input, spec(1, 32, SampleFormat::Float), &[impulse(1000)]);
    let out = dir.join("out.wav");
    let args = [
        "--mode", "fb", "--tau", "5ms", "--alpha", "0.5", "--prime", "off",
    ];
    let run = |extra: &[&str]| {
        let mut all = vec!["render", input.to_str().unwrap(), out.to_str().unwrap()];
        all.extend_from_slice(&args);
        all.extend_from_slice(extra);
        assert!(primecomb(&all).status.success());
        read_wav(&out).1.remove(0)
    };
    let with_tail = run(&[]);
    assert!(with_tail.len() > 1000 + 14 * 240, "{}", with_tail.len());
    let end_level = with_tail[with_tail.len() - 480..]
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(end_level < 10f32.powf(-90.0 / 20.0), "{end_level}");
    assert_eq!(run(&["--no-tail"]).len(), 1000);
}

/// Several files at once, in parallel, give exactly the files rendered one at a time, and a
/// preset applies.
#[test]
fn parallel_batch_equals_serial() {
    let dir = folder("cli-batch");
    let batch_dir = dir.join("batch");
    std::fs::create_dir_all(&batch_dir).unwrap();
    let names: Vec<String> = (0..4).map(|i| format!("take{i}.wav")).collect();
    for (i, name) in names.iter().enumerate() {
        write_wav(
            &dir.join(name),
            spec(2, 24, SampleFormat::Int),
            &[
                quiet_noise(30_000, i as u64),
                quiet_noise(30_000, 10 + i as u64),
            ],
        );
    }
    let mut batch = vec![
        "render",
        "--preset",
        "dub-echo",
        "--out-dir",
        batch_dir.to_str().unwrap(),
    ];
    let inputs: Vec<String> = names
        .iter()
        .map(|n| dir.join(n).to_string_lossy().into_owned())
        .collect();
    batch.extend(inputs.iter().map(String::as_str));
    let result = primecomb(&batch);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(String::from_utf8_lossy(&result.stderr).contains("rendered 4 of 4 files"));
    for (name, input) in names.iter().zip(&inputs) {
        let single = dir.join(format!("single-{name}"));
        let result = primecomb(&[
            "render",
            "--preset",
            "dub-echo",
            input,
            single.to_str().unwrap(),
        ]);
        assert!(result.status.success());
        assert_eq!(
            std::fs::read(&single).unwrap(),
            std::fs::read(batch_dir.join(name)).unwrap()
        );
    }
}

/// Every error is clear, and leaves nothing behind: a missing input, an unsupported format
/// (8-bit and 32-bit integer), tau out of range, an unknown preset, and an output that would
/// overwrite its input (which stays untouched).
#[test]
fn errors_are_clear_and_leave_nothing_behind() {
    let dir = folder("cli-errors");
    let good = dir.join("good.wav");
    write_wav(
        &good,
        spec(1, 16, SampleFormat::Int),
        &[quiet_noise(1000, 1)],
    );
    let original = std::fs::read(&good).unwrap();
    let out = dir.join("out.wav");
    let (good_str, out_str) = (good.to_str().unwrap(), out.to_str().unwrap());

    let missing = dir.join("missing.wav");
    let result = primecomb(&["render", missing.to_str().unwrap(), out_str]);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("missing.wav"));

    for (bits, name) in [(8, "u8.wav"), (32, "i32.wav")] {
        let path = dir.join(name);
        write_wav(&path, spec(1, bits, SampleFormat::Int), &[vec![0.0; 100]]);
        let result = primecomb(&["render", path.to_str().unwrap(), out_str]);
        assert!(!result.status.success());
        assert!(String::from_utf8_lossy(&result.stderr).contains("unsupported sample format"));
    }

    for tau in ["2000ms", "0.01ms", "0smp", "fast", "-3"] {
        let result = primecomb(&["render", good_str, out_str, "--tau", tau]);
        assert_eq!(result.status.code(), Some(2), "tau {tau}");
        assert!(
            String::from_utf8_lossy(&result.stderr).contains("tau"),
            "tau {tau}"
        );
    }
    let result = primecomb(&["render", good_str, out_str, "--alpha", "1.5"]);
    assert!(String::from_utf8_lossy(&result.stderr).contains("alpha 1.5 is out of range"));
    let result = primecomb(&["render", good_str, out_str, "--preset", "nothing"]);
    assert!(String::from_utf8_lossy(&result.stderr).contains("no preset 'nothing'"));

    let result = primecomb(&["render", good_str, good_str]);
    assert!(String::from_utf8_lossy(&result.stderr).contains("refusing to overwrite the input"));
    assert_eq!(std::fs::read(&good).unwrap(), original);

    // Nothing was written by any failed run: no output, no partial file.
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["good.wav", "i32.wav", "u8.wav"]);
}

/// `primecomb primes` prints the tutorial's sums: 1060 below 100, and 0 0 0 2 5 5 10 10 17 17
/// for n = 0..9.
#[test]
fn prime_sums_from_the_command_line() {
    let result = primecomb(&["primes", "100"]);
    assert_eq!(String::from_utf8_lossy(&result.stdout).trim(), "1060");
    let result = primecomb(&["primes", "10", "--each"]);
    let sums: Vec<String> = String::from_utf8_lossy(&result.stdout)
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(sums, ["0", "0", "0", "2", "5", "5", "10", "10", "17", "17"]);
    let result = primecomb(&["presets"]);
    assert!(String::from_utf8_lossy(&result.stdout).contains("metallic-resonator"));
}

/// A `primecomb` built without the standalone app (as `cargo build` and `cargo test` build
/// it) says how to get one, and fails, rather than opening nothing.
#[test]
fn standalone_without_the_feature_says_how_to_build_it() {
    let result = primecomb(&["standalone", "--backend", "dummy"]);
    assert_eq!(result.status.code(), Some(2));
    let said = String::from_utf8_lossy(&result.stderr);
    assert!(said.contains("--features standalone"), "{said}");
    assert!(said.contains("libasound2-dev"), "{said}");
}

/// `--damp` and `--drive` reach the comb: an impulse through feed-back at 240 samples with
/// damping 100 % equals the damped formula; with drive as well, the echoes stay under the
/// drive curve's ceiling (1/8 at 100 %), where undriven the first echo is 0.5.
#[test]
fn damp_and_drive_from_the_command_line() {
    let dir = folder("cli-damp-drive");
    let input = dir.join("in.wav");
    write_wav(&input, spec(1, 32, SampleFormat::Float), &[impulse(4800)]);
    let render = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut args = vec![
            "render",
            input.to_str().unwrap(),
            out.to_str().unwrap(),
            "--mode",
            "fb",
            "--tau",
            "240smp",
            "--alpha",
            "0.5",
            "--prime",
            "off",
            "--no-tail",
        ];
        args.extend_from_slice(extra);
        render_ok(&args);
        read_wav(&out).1.remove(0)
    };
    let damped = render("damped.wav", &["--damp", "100%"]);
    let formula = common::reference::CombFormula {
        damp: 1.0,
        ..common::reference::CombFormula::plain(true, 240, 0.5)
    };
    let want = formula.run(&impulse(4800));
    assert!(max_error(&damped, &want) < 1e-6);
    assert!((damped[239] - 0.125).abs() < 1e-7 && (damped[240] - 0.25).abs() < 1e-7);
    let driven = render("driven.wav", &["--damp", "1", "--drive", "100%"]);
    assert!(driven[1..].iter().all(|v| v.abs() <= 0.125));
    assert!(driven[240] > 0.1);
}

/// `--tau` by note and by note value (feed-forward, alpha ±0.5, 48 kHz): A4 is a delay of
/// 48000 / 440 = 109.09 samples, half of it with alpha negative; `1/8.` at 100 BPM is 0.45 s,
/// 21600 samples, and `1/8` without `--bpm` is 120 BPM's 12000. Bad notes and tempos fail.
#[test]
fn tau_by_note_and_note_value_from_the_command_line() {
    let dir = folder("cli-music");
    let input = dir.join("in.wav");
    write_wav(&input, spec(1, 32, SampleFormat::Float), &[impulse(24_000)]);
    let out = dir.join("out.wav");
    let render = |alpha: &str, extra: &[&str]| {
        let mut args = vec![
            "render",
            input.to_str().unwrap(),
            out.to_str().unwrap(),
            "--mode",
            "ff",
            "--alpha",
            alpha,
            "--prime",
            "off",
            "--no-tail",
        ];
        args.extend_from_slice(extra);
        render_ok(&args);
        echo_centre(&read_wav(&out).1.remove(0))
    };
    let a4 = 48_000.0 / 440.0;
    assert!((render("0.5", &["--tau", "A4"]) - a4).abs() < 1e-3);
    assert!((render("-0.5", &["--tau", "A4"]) - a4 / 2.0).abs() < 1e-3);
    assert!((render("0.5", &["--tau", "440Hz"]) - a4).abs() < 1e-3);
    assert!((render("0.5", &["--tau", "1/8.", "--bpm", "100"]) - 21_600.0).abs() < 1e-3);
    assert!((render("0.5", &["--tau", "1/8"]) - 12_000.0).abs() < 1e-3);
    for bad in [&["--tau", "H4"][..], &["--tau", "1/8", "--bpm", "0"]] {
        let mut args = vec!["render", input.to_str().unwrap(), out.to_str().unwrap()];
        args.extend_from_slice(bad);
        assert!(!primecomb(&args).status.success(), "{bad:?}");
    }
}
