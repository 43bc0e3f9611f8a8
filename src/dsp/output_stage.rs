//! The dry/wet mix and output gain that follow the comb.

use super::control::Control;
use super::kernels;

/// Turns the comb's output `wet` into the plugin's output, in place:
/// `gain * (dry + mix * (wet - dry))`, so mix 0 is the dry input and mix 1 the comb output.
///
/// # Panics
/// If `dry` or a per-sample control is shorter than `wet`.
pub fn mix_and_gain(wet: &mut [f32], dry: &[f32], mix: Control, gain: Control) {
    let dry = &dry[..wet.len()];
    match (mix, gain) {
        (Control::Constant(mix), Control::Constant(gain)) => {
            kernels::mix_and_scale(wet, dry, mix, gain)
        }
        // Only while mix or output glide (10 ms after a change): plain code is fast enough.
        _ => {
            for (i, (out, &dry)) in wet.iter_mut().zip(dry).enumerate() {
                *out = gain.at(i) * (dry + mix.at(i) * (*out - dry));
            }
        }
    }
}

/// Scales `block` by `gain`, in place (the output stage when mix is fully wet).
///
/// # Panics
/// If a per-sample gain is shorter than `block`.
pub fn apply_gain(block: &mut [f32], gain: Control) {
    match gain {
        Control::Constant(gain) => kernels::scale(block, gain),
        Control::PerSample(gains) => kernels::scale_varying(block, &gains[..block.len()]),
    }
}
