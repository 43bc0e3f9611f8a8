//! Linear glides for the controls that must not jump (alpha, mix, output gain), a block at a
//! time.
//!
//! Each value is a function of its position in the glide, `from + step * k`, not the previous
//! value plus a step: the ramp vectorises, and a stream gets the same values however it is
//! split into blocks. (Adding a step per sample, as a framework smoother does, is a chain of
//! dependent additions that cost more than the comb itself while a control moved.)

use super::control::Control;
use super::kernels;

/// A control's value on its way to a target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glide {
    from: f32,
    to: f32,
    /// `(to - from) / length`.
    step: f32,
    /// Values of the glide already produced; it is over at `length`.
    done: u32,
    /// Samples a glide takes, at least 1.
    length: u32,
}

impl Glide {
    /// A control at rest at `value`, whose glides will take `length_samples` (1 to
    /// `i32::MAX`, the ramp kernel's index range).
    pub fn new(value: f32, length_samples: u32) -> Self {
        let length = length_samples.clamp(1, i32::MAX as u32);
        Self {
            from: value,
            to: value,
            step: 0.0,
            done: length,
            length,
        }
    }

    /// The value the glide is heading for (or resting at).
    pub fn target(&self) -> f32 {
        self.to
    }

    /// The value of the last sample produced.
    pub fn value(&self) -> f32 {
        if self.done >= self.length {
            self.to
        } else {
            self.from + self.step * self.done as f32
        }
    }

    /// Moves to `value` at once, as restoring a saved state does.
    pub fn jump(&mut self, value: f32) {
        *self = Self::new(value, self.length);
    }

    /// Heads for `target` from where the control is now. The same target again changes
    /// nothing, so this can be called every block.
    pub fn set_target(&mut self, target: f32) {
        if target == self.to {
            return;
        }
        let from = self.value();
        *self = Self {
            from,
            to: target,
            step: (target - from) / self.length as f32,
            done: 0,
            length: self.length,
        };
    }

    /// The values of the next `values.len()` samples: a constant when at rest, otherwise
    /// written into `values`. The last value of a glide is its target exactly.
    #[inline]
    pub fn next_block<'a>(&mut self, values: &'a mut [f32]) -> Control<'a> {
        if self.done >= self.length {
            return Control::Constant(self.to);
        }
        let gliding = values.len().min((self.length - self.done) as usize);
        let first_index = (self.done + 1) as i32;
        kernels::ramp(&mut values[..gliding], self.from, self.step, first_index);
        self.done += gliding as u32;
        if self.done == self.length && gliding > 0 {
            values[gliding - 1] = self.to;
        }
        values[gliding..].fill(self.to);
        Control::PerSample(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(glide: &mut Glide, block_sizes: &[usize], total: usize) -> Vec<f32> {
        let mut out = Vec::new();
        for &size in block_sizes.iter().cycle() {
            if out.len() >= total {
                break;
            }
            let mut values = vec![0.0; size.min(total - out.len())];
            let len = values.len();
            match glide.next_block(&mut values) {
                Control::Constant(v) => out.extend(std::iter::repeat_n(v, len)),
                Control::PerSample(v) => out.extend_from_slice(v),
            }
        }
        out
    }

    /// By hand: from 0 to 1 over 4 samples is 0.25, 0.5, 0.75, 1, then 1 for good.
    #[test]
    fn ramps_to_the_target_by_hand() {
        let mut glide = Glide::new(0.0, 4);
        assert_eq!(collect(&mut glide, &[3], 3), [0.0; 3]);
        glide.set_target(1.0);
        assert_eq!(
            collect(&mut glide, &[3], 6),
            [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
        );
        let mut values = [0.0; 2];
        assert_eq!(glide.next_block(&mut values), Control::Constant(1.0));
    }

    /// The values do not depend on how the stream is split into blocks, bit for bit, and a
    /// new target mid-glide starts from the value reached, without a jump.
    #[test]
    fn block_size_does_not_matter() {
        let run = |sizes: &[usize]| {
            let mut glide = Glide::new(0.3, 480);
            glide.set_target(-0.7);
            let mut out = collect(&mut glide, sizes, 200);
            glide.set_target(0.9);
            out.extend(collect(&mut glide, sizes, 700));
            out
        };
        let whole = run(&[4096]);
        assert_eq!(run(&[1]), whole);
        assert_eq!(run(&[7, 64, 1, 33]), whole);
        let largest_step = whole
            .windows(2)
            .map(|pair| (pair[1] - pair[0]).abs())
            .fold(0.0, f32::max);
        // The steepest part: from about -0.117 to 0.9 over 480 samples.
        assert!(largest_step < 1.1 / 480.0, "{largest_step}");
        assert_eq!(whole[199], 0.3 + (-1.0 / 480.0) * 200.0);
        assert_eq!(*whole.last().unwrap(), 0.9);
    }

    /// A jump lands at once; the same target again does not restart a glide.
    #[test]
    fn jumps_and_repeated_targets() {
        let mut glide = Glide::new(0.0, 10);
        glide.jump(0.5);
        let mut values = [0.0; 4];
        assert_eq!(glide.next_block(&mut values), Control::Constant(0.5));
        glide.set_target(0.5);
        assert_eq!(glide.next_block(&mut values), Control::Constant(0.5));
        assert_eq!(glide.target(), 0.5);
    }
}
