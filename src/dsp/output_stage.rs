//! The dry/wet mix and output gain that follow the comb.

use super::control::Control;

/// Turns the comb's output `wet` into the plugin's output, in place:
/// `gain * (dry + mix * (wet - dry))`, so mix 0 is the dry input and mix 1 the comb output.
///
/// # Panics
/// If `dry` or a per-sample control is shorter than `wet`.
#[inline(always)]
pub fn mix_and_gain(wet: &mut [f32], dry: &[f32], mix: Control, gain: Control) {
    let dry = &dry[..wet.len()];
    match (mix, gain) {
        (Control::Constant(mix), Control::Constant(gain)) => {
            for (out, &dry) in wet.iter_mut().zip(dry) {
                *out = gain * (dry + mix * (*out - dry));
            }
        }
        // Only while mix or output glide (10 ms after a change).
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
#[inline(always)]
pub fn apply_gain(block: &mut [f32], gain: Control) {
    match gain {
        Control::Constant(gain) => block.iter_mut().for_each(|sample| *sample *= gain),
        Control::PerSample(gains) => {
            let gains = &gains[..block.len()];
            for (sample, gain) in block.iter_mut().zip(gains) {
                *sample *= *gain;
            }
        }
    }
}
