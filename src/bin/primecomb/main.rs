//! `primecomb`: PrimeComb's filters on audio files, from the command line.
//!
//! `primecomb render IN.wav OUT.wav [options]` renders one file;
//! `primecomb render --out-dir DIR a.wav b.wav ...` renders many, in parallel;
//! `primecomb primes N` prints the sums of the primes below N; `primecomb presets` lists the
//! factory presets; `primecomb standalone` opens the editor without a DAW. The audio goes through the plugin's own `process()`, so a file sounds
//! exactly as it would through the plugin in a DAW.

mod render;
mod wav;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

#[cfg(feature = "standalone")]
use nice_plug::wrapper::standalone::nice_export_standalone_with_args;
#[cfg(feature = "standalone")]
use primecomb::PrimeComb;
use primecomb::music::pitch::parse_note;
use primecomb::music::tempo::NoteValue;
use primecomb::params::{TAU_MAX_MS, TAU_MIN_MS};
use primecomb::presets;
use primecomb::primes::{prime_sums_below, sum_primes_below};
use primecomb::value_text;
use render::RenderSettings;
use wav::Format;

#[derive(Parser)]
#[command(
    name = "primecomb",
    version,
    about = "PrimeComb comb filters on WAV files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render WAV files through PrimeComb.
    // Boxed: its options are large beside the other commands' (clippy: large_enum_variant).
    Render(Box<RenderArgs>),
    /// Print the sum of the primes below N (with --each, for every n below N).
    Primes {
        n: u32,
        #[arg(long)]
        each: bool,
    },
    /// List the factory presets.
    Presets,
    /// Open the editor in its own window, with audio from JACK or ALSA (or none, with
    /// `--backend dummy`). `primecomb standalone --help` lists the audio options.
    #[command(disable_help_flag = true)]
    Standalone {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<String>,
    },
}

#[derive(Args)]
struct RenderArgs {
    /// IN.wav OUT.wav; or, with --out-dir, any number of input files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write each input to this folder, under its own file name.
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Start from a factory preset (see `primecomb presets`); other options override it.
    #[arg(long)]
    preset: Option<String>,
    /// ff (feed-forward) or fb (feed-back).
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// The delay: 5ms, 0.5s, 240smp (samples); a pitch for the comb's first peak, 200Hz or
    /// a note (A3, C#4, Eb2+12); or a note value of the tempo, 1/8, 1/8. (dotted), 1/8T.
    #[arg(long, allow_hyphen_values = true)]
    tau: Option<String>,
    /// The tempo for a tau in note values, in BPM (without it: 120).
    #[arg(long)]
    bpm: Option<f64>,
    /// Gain of the delayed path, -1 to 1 (feed-back limits it to 0.999).
    #[arg(long, allow_negative_numbers = true)]
    alpha: Option<f32>,
    /// Dry/wet, 0 to 1 or 0% to 100%.
    #[arg(long)]
    mix: Option<String>,
    /// Output gain, -24 to 24 dB (e.g. -6 or -6dB).
    #[arg(long, allow_hyphen_values = true)]
    output: Option<String>,
    /// Snap delays to prime numbers of samples.
    #[arg(long, value_enum)]
    prime: Option<OnOff>,
    /// Stereo spread, 0 to 1 or 0% to 100%.
    #[arg(long)]
    spread: Option<String>,
    /// Damping in the delayed path (highs die faster), 0 to 1 or 0% to 100%.
    #[arg(long)]
    damp: Option<String>,
    /// Soft saturation of the delayed path, 0 to 1 or 0% to 100%.
    #[arg(long)]
    drive: Option<String>,
    /// Output sample format; by default the input's.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Do not append the feed-back tail after the input ends.
    #[arg(long)]
    no_tail: bool,
    /// The longest tail appended, in seconds.
    #[arg(long, default_value_t = 30.0)]
    max_tail: f32,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Ff,
    Fb,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

/// Runs the editor as an application, with the audio options in `options`.
#[cfg(feature = "standalone")]
fn run_standalone(options: Vec<String>) -> ExitCode {
    let args = std::iter::once("primecomb standalone".to_owned()).chain(options);
    if nice_export_standalone_with_args::<PrimeComb, _>(args) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// This build has no standalone app: says how to get one.
#[cfg(not(feature = "standalone"))]
fn run_standalone(_options: Vec<String>) -> ExitCode {
    eprintln!(
        "primecomb: this build has no standalone app. Build it with `cargo xtask bundle \
         primecomb --release --features standalone` (it needs the ALSA and JACK \
         headers: on Debian or Ubuntu, `apt-get install -y pkg-config libasound2-dev \
         libjack-jackd2-dev`)."
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Primes { n, each } => {
            if each {
                for (k, sum) in prime_sums_below(n).iter().enumerate() {
                    println!("{k}\t{sum}");
                }
            } else {
                println!("{}", sum_primes_below(n));
            }
            ExitCode::SUCCESS
        }
        Command::Presets => {
            for preset in presets::factory_presets() {
                println!("{}", preset.name);
            }
            ExitCode::SUCCESS
        }
        Command::Standalone { options } => run_standalone(options),
        Command::Render(args) => match run_render(&args) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("primecomb: {message}");
                ExitCode::from(2)
            }
        },
    }
}

/// Checks the options, renders every job, prints a summary. Errors in the options stop
/// everything; errors in one file are reported and the others still render.
fn run_render(args: &RenderArgs) -> Result<ExitCode, String> {
    let settings = settings(args)?;
    let jobs = jobs(args)?;
    let total_frames: u64 = jobs.iter().map(|(input, _)| frames_in(input)).sum();
    let progress = ProgressBar::new(total_frames);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
            .expect("a valid progress template"),
    );
    let started = Instant::now();
    let rendered_frames = AtomicUsize::new(0);
    let results: Vec<Result<(), String>> = jobs
        .par_iter()
        .map(|(input, output)| {
            render_file(input, output, &settings, args.format, &|frames| {
                progress.inc(frames)
            })
            .map(|frames| {
                rendered_frames.fetch_add(frames, Ordering::Relaxed);
            })
            .map_err(|message| format!("{}: {message}", input.display()))
        })
        .collect();
    progress.finish_and_clear();
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for message in &failed {
        eprintln!("primecomb: {message}");
    }
    eprintln!(
        "rendered {} of {} files ({} frames) in {:.2} s",
        jobs.len() - failed.len(),
        jobs.len(),
        rendered_frames.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// (input, output) pairs: `IN OUT`, or every input into `--out-dir`. The input is never
/// overwritten.
fn jobs(args: &RenderArgs) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let jobs: Vec<(PathBuf, PathBuf)> = match &args.out_dir {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(format!("--out-dir {} is not a folder", dir.display()));
            }
            args.files
                .iter()
                .map(|input| {
                    let name = input
                        .file_name()
                        .ok_or(format!("{} is not a file", input.display()))?;
                    Ok((input.clone(), dir.join(name)))
                })
                .collect::<Result<_, String>>()?
        }
        None => match args.files.as_slice() {
            [input, output] => vec![(input.clone(), output.clone())],
            _ => return Err("give IN.wav OUT.wav, or --out-dir DIR with the inputs".into()),
        },
    };
    for (input, output) in &jobs {
        if same_file(input, output) {
            return Err(format!(
                "refusing to overwrite the input {}",
                input.display()
            ));
        }
    }
    Ok(jobs)
}

/// Whether two paths name the same file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |path: &Path| {
        path.canonicalize().ok().or_else(|| {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(parent.canonicalize().ok()?.join(path.file_name()?))
        })
    };
    matches!((canonical(a), canonical(b)), (Some(a), Some(b)) if a == b)
}

/// Frames in a WAV file according to its header, 0 if it cannot be read.
fn frames_in(path: &Path) -> u64 {
    hound::WavReader::open(path).map_or(0, |r| u64::from(r.duration()))
}

fn render_file(
    input: &Path,
    output: &Path,
    settings: &RenderSettings,
    format: Option<Format>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<usize, String> {
    let audio = wav::read(input)?;
    if let Some(samples) = settings.tau_samples {
        check_range(
            "tau",
            samples * 1000.0 / audio.sample_rate as f32,
            TAU_MIN_MS,
            TAU_MAX_MS,
        )?;
    }
    let mut rendered = render::render(&audio, settings, progress)?;
    if let Some(format) = format {
        rendered.format = format;
    }
    wav::write(output, &rendered)?;
    Ok(rendered.channels[0].len())
}

/// The options as parameter values, checked against the parameters' ranges.
fn settings(args: &RenderArgs) -> Result<RenderSettings, String> {
    let mut texts = Vec::new();
    if let Some(name) = &args.preset {
        let preset = presets::find(name)
            .ok_or_else(|| format!("no preset '{name}' (see `primecomb presets`)"))?;
        texts = preset
            .settings
            .iter()
            .map(|&(id, text)| (id.to_owned(), text.to_owned()))
            .collect();
    }
    let mut values = Vec::new();
    let mut tau_samples = None;
    let mut pitch = None;
    if let Some(mode) = args.mode {
        values.push((
            "mode",
            if matches!(mode, ModeArg::Ff) {
                0.0
            } else {
                1.0
            },
        ));
    }
    if let Some(tau) = &args.tau {
        match parse_tau(tau)? {
            Tau::NoteValue(value) => texts.push(("sync".to_owned(), value.to_string())),
            Tau::Pitch(text) => pitch = Some(text),
            Tau::Ms(ms) => values.push(("tau", check_range("tau", ms, TAU_MIN_MS, TAU_MAX_MS)?)),
            Tau::Samples(samples) if samples >= 1.0 => tau_samples = Some(samples),
            Tau::Samples(samples) => {
                return Err(format!(
                    "tau {samples} samples is out of range (at least 1)"
                ));
            }
        }
    }
    if let Some(alpha) = args.alpha {
        values.push(("alpha", check_range("alpha", alpha, -1.0, 1.0)?));
    }
    if let Some(mix) = &args.mix {
        values.push(("mix", check_range("mix", parse_fraction(mix)?, 0.0, 1.0)?));
    }
    if let Some(output) = &args.output {
        let db = match split_number(&output.to_ascii_lowercase()) {
            Some((db, "" | "db")) => db,
            _ => return Err(format!("output '{output}' is not a level in dB")),
        };
        values.push(("output", check_range("output", db, -24.0, 24.0)?));
    }
    if let Some(prime) = args.prime {
        values.push(("prime", if matches!(prime, OnOff::On) { 1.0 } else { 0.0 }));
    }
    for (id, text) in [
        ("spread", &args.spread),
        ("damp", &args.damp),
        ("drive", &args.drive),
    ] {
        if let Some(text) = text {
            values.push((id, check_range(id, parse_fraction(text)?, 0.0, 1.0)?));
        }
    }
    let bpm = match args.bpm {
        Some(bpm) if !(bpm.is_finite() && (1.0..=999.0).contains(&bpm)) => {
            return Err(format!("bpm {bpm} is out of range (1 to 999)"));
        }
        bpm => bpm,
    };
    Ok(RenderSettings {
        texts,
        values,
        tau_samples,
        pitch,
        bpm,
        tail: !args.no_tail,
        max_tail_seconds: args.max_tail,
    })
}

enum Tau {
    Ms(f32),
    Samples(f32),
    /// A frequency or a note, for the plugin's own text entry to read once alpha is set
    /// (its sign decides the delay).
    Pitch(String),
    NoteValue(NoteValue),
}

/// `5ms`, `5 ms`, `5` (ms), `0.5s`, `240smp`, `240 samples`; `200Hz`, `A3`, `C#4 +12`;
/// `1/8`, `1/8.`, `1/8T`.
fn parse_tau(text: &str) -> Result<Tau, String> {
    let lower = text.to_ascii_lowercase();
    let bad = || format!("tau '{text}' is not a delay (try 5ms, 240smp, 200Hz, A3 or 1/8)");
    if let Some(value) = NoteValue::parse(text) {
        return Ok(Tau::NoteValue(value));
    }
    if parse_note(text).is_some() {
        return Ok(Tau::Pitch(text.to_owned()));
    }
    let (value, unit) = split_number(&lower).ok_or_else(bad)?;
    Ok(match unit {
        "" | "ms" => Tau::Ms(value),
        "s" => Tau::Ms(value * 1000.0),
        "smp" | "samples" | "sample" => Tau::Samples(value),
        "hz" | "khz" if value > 0.0 => Tau::Pitch(text.to_owned()),
        _ => return Err(bad()),
    })
}

/// `0.4` or `40%`.
fn parse_fraction(text: &str) -> Result<f32, String> {
    match split_number(text) {
        Some((value, "")) => Ok(value),
        Some((percent, "%")) => Ok(percent / 100.0),
        _ => Err(format!("'{text}' is not a fraction (try 0.4 or 40%)")),
    }
}

fn check_range(name: &str, value: f32, min: f32, max: f32) -> Result<f32, String> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{name} {value} is out of range ({min} to {max})"))
    }
}

/// The leading number of an option's text and its unit, as the plugin's text entry reads them.
fn split_number(text: &str) -> Option<(f32, &str)> {
    value_text::split_number(text).map(|(value, unit)| (value as f32, unit))
}
