//! A ring buffer of past samples, sized once, read at whole or fractional delays.

use super::kernels;

/// A delay expressed in samples, split once into its whole and fractional parts so that the
/// per-sample read does not redo the split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tap {
    /// Whole samples of delay, at least 1.
    whole: usize,
    /// Fraction of a sample on top of `whole`, in `[0, 1)`.
    frac: f32,
}

impl Tap {
    /// The shortest delay a causal comb can have: one sample.
    pub const MIN_DELAY_SAMPLES: f32 = 1.0;

    /// A tap `delay_samples` behind the newest sample, clamped to at least one sample (a delay
    /// of zero would read the sample being computed). NaN is treated as the minimum.
    pub fn new(delay_samples: f32) -> Self {
        let delay = if delay_samples >= Self::MIN_DELAY_SAMPLES {
            delay_samples
        } else {
            Self::MIN_DELAY_SAMPLES
        };
        let whole = delay.floor();
        Self {
            whole: whole as usize,
            frac: delay - whole,
        }
    }

    /// A tap at a whole number of samples (at least 1).
    pub fn whole(delay_samples: usize) -> Self {
        Self {
            whole: delay_samples.max(1),
            frac: 0.0,
        }
    }

    /// The delay in samples.
    pub fn delay_samples(self) -> f32 {
        self.whole as f32 + self.frac
    }

    /// The delay, if it is a whole number of samples.
    pub fn whole_samples(self) -> Option<usize> {
        (self.frac == 0.0).then_some(self.whole)
    }
}

/// The most samples a block operation ([`DelayLine::extend`], [`DelayLine::window`]) moves at
/// once. The line keeps this much room beyond its longest delay, so that a block written
/// ahead never overwrites the oldest samples a delayed window still has to read.
pub const MAX_BLOCK: usize = 256;

/// A power-of-two ring buffer: indices wrap with a mask instead of a division.
#[derive(Debug, Clone, Default)]
pub struct DelayLine {
    /// Past samples; `buffer[write]` is the slot the next pushed sample goes into.
    buffer: Vec<f32>,
    /// `buffer.len() - 1`, for wrapping indices.
    mask: usize,
    /// Index of the slot the next pushed sample is written to.
    write: usize,
}

impl DelayLine {
    /// A zeroed line that can be read up to `max_delay_samples` back (plus the extra samples
    /// cubic interpolation and block operations reach). Allocates: call it outside the audio
    /// thread.
    pub fn new(max_delay_samples: usize) -> Self {
        let len = (max_delay_samples + MAX_BLOCK + 4).next_power_of_two();
        Self {
            buffer: vec![0.0; len],
            mask: len - 1,
            write: 0,
        }
    }

    /// The longest delay, in whole samples, that can be read with any interpolation.
    pub fn max_delay_samples(&self) -> usize {
        self.buffer.len() - MAX_BLOCK - 4
    }

    /// Forgets the past: every delayed read returns zero until new samples are pushed.
    pub fn clear(&mut self) {
        self.buffer.fill(0.0);
        self.write = 0;
    }

    /// Appends the newest sample.
    #[inline]
    pub fn push(&mut self, sample: f32) {
        self.buffer[self.write] = sample;
        self.write = (self.write + 1) & self.mask;
    }

    /// Appends up to [`MAX_BLOCK`] samples, oldest first; non-finite ones are stored as 0
    /// when `finite_only` is set (see [`CombChannel`](super::comb::CombChannel)).
    ///
    /// # Panics
    /// If `samples` is longer than [`MAX_BLOCK`].
    #[inline]
    pub fn extend(&mut self, samples: &[f32], finite_only: bool) {
        assert!(samples.len() <= MAX_BLOCK);
        let until_wrap = self.buffer.len() - self.write;
        let (first, second) = samples.split_at(samples.len().min(until_wrap));
        let store = |to: &mut [f32], from: &[f32]| {
            if finite_only {
                kernels::copy_finite(to, from);
            } else {
                to.copy_from_slice(from);
            }
        };
        store(
            &mut self.buffer[self.write..self.write + first.len()],
            first,
        );
        store(&mut self.buffer[..second.len()], second);
        self.write = (self.write + samples.len()) & self.mask;
    }

    /// Appends `len` samples (at most [`MAX_BLOCK`]) that `fill(offset, slots)` writes
    /// straight into the slots they go to: one or two pieces (two where the ring wraps),
    /// `offset` being the piece's position among the `len`.
    ///
    /// # Panics
    /// If `len` exceeds [`MAX_BLOCK`].
    #[inline]
    pub fn extend_with(&mut self, len: usize, mut fill: impl FnMut(usize, &mut [f32])) {
        assert!(len <= MAX_BLOCK);
        let first = len.min(self.buffer.len() - self.write);
        fill(0, &mut self.buffer[self.write..self.write + first]);
        fill(first, &mut self.buffer[..len - first]);
        self.write = (self.write + len) & self.mask;
    }

    /// One block of a comb that reads this line `delay` pushes back (the output history for
    /// feed-back, the input history for feed-forward), with `other` (the comb's other
    /// history: a line of the same size, pushed exactly as often) kept in step.
    /// `step(offset, delayed, slots, other_slots)` is called on matching pieces of the `len`
    /// samples from `delay` pushes ago (`delayed`) and of the `len` slots of each line that
    /// the next pushes go to, which `step` fills; `offset` is the piece's position in the
    /// block. Then the slots count as pushed. The pieces are where no range wraps around the
    /// ring (at most three).
    ///
    /// # Panics
    /// If `len > delay` (the block would read its own slots), if `delay + len` exceeds the
    /// line, or if `other` is not in step.
    pub fn delayed_block(
        &mut self,
        other: &mut DelayLine,
        delay: usize,
        len: usize,
        mut step: impl FnMut(usize, &[f32], &mut [f32], &mut [f32]),
    ) {
        let size = self.buffer.len();
        assert!(len <= delay && delay + len <= size);
        assert!(other.buffer.len() == size && other.write == self.write);
        let mut done = 0;
        while done < len {
            let write = (self.write + done) & self.mask;
            let read = write.wrapping_sub(delay) & self.mask;
            let piece = (len - done).min(size - read).min(size - write);
            // The two ranges are disjoint: `delay` apart one way, `size - delay` the other.
            let (delayed, outputs) = if read < write {
                let (before, from_write) = self.buffer.split_at_mut(write);
                (&before[read..read + piece], &mut from_write[..piece])
            } else {
                let (before, from_read) = self.buffer.split_at_mut(read);
                (&from_read[..piece], &mut before[write..write + piece])
            };
            step(
                done,
                delayed,
                outputs,
                &mut other.buffer[write..write + piece],
            );
            done += piece;
        }
        self.write = (self.write + len) & self.mask;
        other.write = self.write;
    }

    /// The `len` samples that were pushed from `delay` pushes ago onwards, oldest first, as
    /// one or two slices (two where the ring wraps).
    ///
    /// # Panics
    /// If `len > delay` (the window would reach samples not pushed yet) or `delay` exceeds
    /// the line.
    #[inline]
    pub fn window(&self, delay: usize, len: usize) -> (&[f32], &[f32]) {
        assert!(len <= delay && delay <= self.buffer.len());
        let start = self.write.wrapping_sub(delay) & self.mask;
        let until_wrap = self.buffer.len() - start;
        if len <= until_wrap {
            (&self.buffer[start..start + len], &[])
        } else {
            (&self.buffer[start..], &self.buffer[..len - until_wrap])
        }
    }

    /// The sample pushed `delay` pushes ago (1 = the newest one).
    #[inline]
    fn at(&self, delay: usize) -> f32 {
        self.buffer[self.write.wrapping_sub(delay) & self.mask]
    }

    /// The signal `tap` samples ago.
    ///
    /// Whole-sample taps are read exactly. Fractional taps use a 4-point, 3rd-order Hermite
    /// (Catmull-Rom) interpolator: it keeps the top octave far brighter than linear
    /// interpolation, and unlike an allpass interpolator it has no internal state, so it
    /// cannot ring or click when the delay changes, which a live tau knob does all the time.
    /// Its newest point is one sample newer than the tap, so below two samples of delay (where
    /// that point would be the sample being computed) it falls back to linear interpolation.
    #[inline]
    pub fn read(&self, tap: Tap) -> f32 {
        let newer = self.at(tap.whole);
        if tap.frac == 0.0 {
            return newer;
        }
        let older = self.at(tap.whole + 1);
        let t = tap.frac;
        if tap.whole < 2 {
            return newer + t * (older - newer);
        }
        let newest = self.at(tap.whole - 1);
        let oldest = self.at(tap.whole + 2);
        let c1 = 0.5 * (older - newest);
        let c2 = newest - 2.5 * newer + 2.0 * older - 0.5 * oldest;
        let c3 = 0.5 * (oldest - newest) + 1.5 * (newer - older);
        ((c3 * t + c2) * t + c1) * t + newer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp_line(len: usize) -> DelayLine {
        let mut line = DelayLine::new(64);
        for n in 0..len {
            line.push(n as f32);
        }
        line
    }

    /// Whole taps return exactly the sample pushed that many pushes ago, also across the wrap
    /// of the ring (200 pushes into a 128-slot buffer).
    #[test]
    fn whole_taps_are_exact_across_the_wrap() {
        let line = ramp_line(200);
        for delay in 1..=64 {
            assert_eq!(line.read(Tap::whole(delay)), (200 - delay) as f32);
        }
    }

    /// Both interpolators reproduce a straight line exactly (a ramp is a polynomial of degree
    /// one, which linear and cubic Hermite interpolation both represent without error; the
    /// tolerance only covers f32 rounding of values near 200).
    #[test]
    fn fractional_taps_interpolate_a_ramp() {
        let line = ramp_line(200);
        for delay in [1.25_f32, 1.5, 2.5, 3.75, 40.125] {
            let got = line.read(Tap::new(delay));
            assert!((got - (200.0 - delay)).abs() < 1e-4, "{delay}: {got}");
        }
    }

    /// A tap below one sample, or NaN, is clamped to one sample rather than reading the future.
    #[test]
    fn taps_clamp_to_one_sample() {
        assert_eq!(Tap::new(0.0), Tap::whole(1));
        assert_eq!(Tap::new(f32::NAN), Tap::whole(1));
        assert_eq!(Tap::new(-3.0).delay_samples(), 1.0);
    }

    /// Block writes and windows see the same samples as single pushes and reads, across the
    /// wrap of the ring, and non-finite samples are stored as 0 when asked.
    #[test]
    fn blocks_match_single_samples() {
        let mut line = DelayLine::new(300);
        let mut reference = DelayLine::new(300);
        let mut next = 0.0;
        for round in 0..20 {
            let block: Vec<f32> = (0..(37 * round) % MAX_BLOCK + 1)
                .map(|_| {
                    next += 1.0;
                    next
                })
                .collect();
            line.extend(&block, false);
            for &sample in &block {
                reference.push(sample);
            }
            let (first, second) = line.window(250, 200);
            let window: Vec<f32> = first.iter().chain(second).copied().collect();
            let want: Vec<f32> = (0..200)
                .map(|i| reference.read(Tap::whole(250 - i)))
                .collect();
            assert_eq!(window, want);
        }
        line.extend(&[f32::NAN, f32::INFINITY, 2.0], true);
        let (first, second) = line.window(3, 3);
        assert_eq!([first, second].concat(), [0.0, 0.0, 2.0]);
    }

    /// `clear` forgets everything.
    #[test]
    fn clear_zeroes_the_past() {
        let mut line = ramp_line(10);
        line.clear();
        assert_eq!(line.read(Tap::whole(3)), 0.0);
    }

    /// A feed-back run block by block through `delayed_block` equals the recursion
    /// `y[n] = x[n] + 0.5 y[n - delay]` computed plainly, over many wraps of a small ring,
    /// for delays and block lengths that put the pieces' edges everywhere.
    #[test]
    fn delayed_block_is_the_recursion() {
        for delay in [1, 2, 7, 64, 255, 300] {
            for block in [1, 3, 64, 255] {
                let block = block.min(delay);
                let (mut line, mut inputs) = (DelayLine::new(delay), DelayLine::new(delay));
                let x: Vec<f32> = (0..5_000).map(|n| ((n * 37 % 101) as f32) - 50.0).collect();
                let mut want = x.clone();
                for n in delay..want.len() {
                    want[n] += 0.5 * want[n - delay];
                }
                let mut got = x.clone();
                for chunk in got.chunks_mut(block) {
                    let len = chunk.len();
                    line.delayed_block(&mut inputs, delay, len, |at, delayed, outputs, kept| {
                        for (i, &d) in delayed.iter().enumerate() {
                            kept[i] = chunk[at + i];
                            chunk[at + i] += 0.5 * d;
                            outputs[i] = chunk[at + i];
                        }
                    });
                }
                assert_eq!(got, want, "delay {delay}, block {block}");
                // The input line kept the inputs: the last `delay` of them, in order.
                let (older, newer) = inputs.window(delay, delay);
                let kept: Vec<f32> = older.iter().chain(newer).copied().collect();
                assert_eq!(kept, x[x.len() - delay..], "delay {delay}, block {block}");
            }
        }
    }
}
