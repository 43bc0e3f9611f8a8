//! One channel of the plugin, input to output: the comb, the dry/wet mix, the output gain
//! and the safety limiter, compiled together for one vector unit.

use super::comb::{CombChannel, CombControls};
use super::control::Control;
use super::kernels::{copy_finite, peak_magnitude};
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

    /// Processes one block in place, all of it compiled for `unit`.
    ///
    /// # Panics
    /// If `block` is longer than the strip was made for, or a per-sample control shorter
    /// than `block`.
    pub fn process(&mut self, unit: VectorUnit, block: &mut [f32], controls: StripControls) {
        unit.run(StripBlock {
            strip: self,
            block,
            controls,
        })
    }
}

/// One block of a strip, as work for a vector unit.
struct StripBlock<'a, 'b> {
    strip: &'a mut ChannelStrip,
    block: &'a mut [f32],
    controls: StripControls<'b>,
}

impl VectorWork for StripBlock<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Self {
            strip,
            block,
            controls: StripControls { comb, mix, gain },
        } = self;
        let needs_dry = !mix.is_constant(1.0);
        let dry = &mut strip.dry[..block.len()];
        if needs_dry {
            // The comb takes non-finite input as silence; so does the dry path.
            copy_finite(dry, block);
        }
        let mut peak = strip.comb.process(block, comb);
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
