//! One channel of the plugin, input to output: the comb, the dry/wet mix, the output gain
//! and the safety limiter, compiled together for one vector unit.

use std::ops::Range;

use super::comb::{CombChannel, CombControls};
use super::control::Control;
use super::kernels::{copy_normal, peak_magnitude};
use super::output_stage::{apply_gain, mix_and_gain};
use super::safety;
use super::simd::{VectorUnit, VectorWork};

/// The controls of one block of a channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StripControls<'a> {
    pub comb: CombControls<'a>,
    /// Dry/wet, 0 to 1.
    pub mix: Control<'a>,
    /// Output gain (linear).
    pub gain: Control<'a>,
}

/// A channel's comb and the output stage after it.
#[derive(Debug, Clone)]
pub struct ChannelStrip {
    comb: CombChannel,
    /// A copy of the input, for the dry part of the mix.
    dry: Vec<f32>,
}

impl ChannelStrip {
    /// A strip around `comb` for blocks of up to `max_block_samples`. Allocates.
    pub fn new(comb: CombChannel, max_block_samples: usize) -> Self {
        Self {
            comb,
            dry: vec![0.0; max_block_samples],
        }
    }

    /// The comb, to retarget or reset it.
    pub fn comb_mut(&mut self) -> &mut CombChannel {
        &mut self.comb
    }
}

/// Processes `range` of each channel in place with its strip (channel `i` with strip `i`),
/// all of it compiled for `unit`: one choice of unit for the whole block.
///
/// # Panics
/// If `range` is longer than the strips were made for or lies outside a channel, or a
/// per-sample control is shorter than `range`.
pub fn process_strips(
    unit: VectorUnit,
    strips: &mut [ChannelStrip],
    channels: &mut [&mut [f32]],
    range: Range<usize>,
    controls: StripControls,
) {
    unit.run(StripsBlock {
        strips,
        channels,
        range,
        controls: &controls,
    })
}

/// One block of every channel's strip, as work for a vector unit. The controls go by
/// reference: moved by value through the unit's trampoline, their 120 bytes cost 2-3 % of
/// `process()` at 64-sample blocks.
struct StripsBlock<'a, 'b, 'c> {
    strips: &'a mut [ChannelStrip],
    channels: &'a mut [&'c mut [f32]],
    range: Range<usize>,
    controls: &'a StripControls<'b>,
}

impl VectorWork for StripsBlock<'_, '_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        for (strip, channel) in self.strips.iter_mut().zip(self.channels.iter_mut()) {
            strip.run(&mut channel[self.range.clone()], *self.controls);
        }
    }
}

impl ChannelStrip {
    /// One block of this strip, compiled for the unit of the [`VectorWork`] it is called in.
    #[inline(always)]
    fn run(&mut self, block: &mut [f32], controls: StripControls) {
        let StripControls { comb, mix, gain } = controls;
        let needs_dry = !mix.is_constant(1.0);
        let dry = &mut self.dry[..block.len()];
        if needs_dry {
            // The comb takes non-finite and subnormal input as silence; so does the dry path.
            copy_normal(dry, block);
        }
        let mut peak = self.comb.process(block, comb);
        if needs_dry {
            mix_and_gain(block, dry, mix, gain);
            peak = peak_magnitude(block);
        } else if !gain.is_constant(1.0) {
            apply_gain(block, gain);
            peak = peak_magnitude(block);
        }
        safety::limit(block, peak);
    }
}
