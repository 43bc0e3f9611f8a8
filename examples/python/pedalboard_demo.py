"""PrimeComb from Python, through pedalboard (Spotify's JUCE-based plugin host).

Loads the VST3 bundle, sets parameters by number and by text, renders a file, and saves and
restores the plugin's state (`preset_data`, read before any audio has run). With --check it also holds the output to the comb formula and
the restored state to what was set, and exits non-zero if either is off.

    pip install pedalboard numpy
    python examples/python/pedalboard_demo.py [--plugin target/bundled/primecomb.vst3] [--check]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pedalboard
from pedalboard.io import AudioFile

SAMPLE_RATE = 48_000


def load(path: Path) -> pedalboard.VST3Plugin:
    plugin = pedalboard.load_plugin(str(path))
    assert isinstance(plugin, pedalboard.VST3Plugin), f"{path} is no VST3 plugin"
    return plugin


def impulse_response(plugin, length: int) -> np.ndarray:
    """The plugin's response to a unit impulse, in stereo, at SAMPLE_RATE."""
    impulse = np.zeros((2, length), dtype=np.float32)
    impulse[:, 0] = 1.0
    return plugin(impulse, SAMPLE_RATE, reset=True)


def set_exactly(plugin, name: str, text: str) -> None:
    """Sets a parameter through PrimeComb's own text entry, as a user types it: "1 ms",
    "240 smp", "-6 dB". `plugin.name = value` instead searches the 1001 values pedalboard
    sampled when it loaded the plugin and, for a value nearer the next one up, lands on that
    sample: fine for alpha, mix, output and spread (round values are samples), but it moves
    tau by up to a sample's spacing there (`plugin.tau = 1.0` gives 1.0029 ms)."""
    parameter = plugin.parameters[name]
    parameter.raw_value = parameter.get_raw_value_for_text(text)


def echo_by_number(plugin) -> np.ndarray:
    """Feed-forward, tau 1 ms, alpha 0.5, no prime snap: at 48 kHz one echo at 48 samples,
    half as loud. Everything by number (the mode by its label), tau by its text."""
    plugin.mode = "Feed-forward"
    plugin.alpha = 0.5
    plugin.prime_snap = False
    plugin.mix = 100
    plugin.output = 0
    plugin.stereo_spread = 0
    set_exactly(plugin, "tau", "1 ms")
    return impulse_response(plugin, 4800)


def settings_by_text(plugin) -> None:
    """Other settings as a user types them, with their units."""
    set_exactly(plugin, "tau", "12.5 ms")
    plugin.alpha = "-0.25"
    plugin.mix = "40 %"
    plugin.output = "-6 dB"
    plugin.stereo_spread = "30 %"


def render(plugin, out_path: Path) -> None:
    """One second of a decaying 220 Hz tone through the current settings, to a WAV file."""
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 220 * t) * np.exp(-3 * t)).astype(np.float32)
    stereo = np.stack([tone, tone])
    with AudioFile(str(out_path), "w", SAMPLE_RATE, num_channels=2) as f:
        f.write(plugin(stereo, SAMPLE_RATE))


def check_echo(response: np.ndarray) -> list:
    """Where the impulse response departs from 1 at 0 and 0.5 at 48, to 1e-6."""
    want = np.zeros_like(response)
    want[:, 0] = 1.0
    want[:, 48] = 0.5
    error = float(np.max(np.abs(response - want)))
    return [] if error <= 1e-6 else [f"echo: off by {error:g} from 1 at 0, 0.5 at 48"]


def main() -> int:
    default = Path(__file__).resolve().parents[2] / "target" / "bundled" / "primecomb.vst3"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", type=Path, default=default, help="the VST3 bundle")
    parser.add_argument("--out", type=Path, default=Path("primecomb-demo.wav"))
    parser.add_argument("--check", action="store_true", help="check against the formula")
    args = parser.parse_args()

    plugin = load(args.plugin)
    print("parameters:", ", ".join(plugin.parameters))
    problems = check_echo(echo_by_number(plugin))

    settings_by_text(plugin)
    expected = {name: getattr(plugin, name) for name in plugin.parameters}
    # The state right after setting parameters, before any audio: what a host saves.
    state = plugin.preset_data
    render(plugin, args.out)
    print(f"rendered {args.out} with", {name: str(value) for name, value in expected.items()})

    fresh = load(args.plugin)
    fresh.preset_data = state
    restored = {name: getattr(fresh, name) for name in fresh.parameters}
    for name, value in expected.items():
        if restored[name] != value:
            problems.append(f"state: {name} came back as {restored[name]}, not {value}")

    for problem in problems:
        print("FAILED", problem, file=sys.stderr)
    if args.check:
        print("checked:", "failed" if problems else "the echo and the restored state are right")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
