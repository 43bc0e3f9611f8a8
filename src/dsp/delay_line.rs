//! A ring buffer of past samples, sized once, read at whole or fractional delays.

use std::ops::Range;

use super::kernels::{self, FadeSlices, MAX_LANES, RingPiece, SameModeFadeSlices};

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

    /// How far back a read of this tap may reach, in pushes: two beyond the whole delay,
    /// for the interpolator's oldest point.
    pub fn reach(self) -> usize {
        self.whole + 2
    }

    /// The delay, if it is a whole number of samples.
    pub fn whole_samples(self) -> Option<usize> {
        (self.frac == 0.0).then_some(self.whole)
    }
}

/// The most samples a block operation ([`DelayLine::extend`], [`DelayLine::window`]) moves at
/// once. The line keeps this much room beyond its longest delay, so that a block written
/// ahead never overwrites the oldest samples a delayed window still has to read.
pub const MAX_BLOCK: usize = 512;

/// One voicing of a crossfade: how many pushes back it reads, and in which history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FadeTap {
    pub delay: usize,
    /// The output history (feed-back) rather than the input history (feed-forward).
    pub reads_outputs: bool,
}

/// A power-of-two ring buffer: indices wrap with a mask instead of a division.
///
/// A line can also be moved along without being written ([`skip`](Self::skip)), when nothing
/// reads it for a while; it then remembers how much of its past is still the signal, and
/// [`reach_back`](Self::reach_back) makes the rest silence before it is read again.
#[derive(Debug, Clone, Default)]
pub struct DelayLine {
    /// Past samples; `buffer[write]` is the slot the next pushed sample goes into.
    buffer: Vec<f32>,
    /// `buffer.len() - 1`, for wrapping indices.
    mask: usize,
    /// Index of the slot the next pushed sample is written to.
    write: usize,
    /// How many of the latest slots hold the signal (or silence put there on purpose); the
    /// slots before them hold stale samples from before the last skip.
    filled: usize,
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
            filled: len,
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
        self.filled = self.buffer.len();
    }

    /// Appends the newest sample.
    #[inline]
    pub fn push(&mut self, sample: f32) {
        self.buffer[self.write] = sample;
        self.advance(1);
    }

    /// Moves on by `len` slots without writing them: the line's past is stale from here on,
    /// until [`reach_back`](Self::reach_back) silences what is to be read.
    pub fn skip(&mut self, len: usize) {
        self.write = (self.write + len) & self.mask;
        self.filled = 0;
    }

    /// Makes the last `delay` slots (at most the whole line) readable: those that went stale
    /// in a [`skip`](Self::skip) and were not pushed since become silence. Each stale slot is
    /// cleared at most once, when a read first reaches it.
    pub fn reach_back(&mut self, delay: usize) {
        let delay = delay.min(self.buffer.len());
        if delay <= self.filled {
            return;
        }
        let len = delay - self.filled;
        let start = self.write.wrapping_sub(delay) & self.mask;
        let until_wrap = self.buffer.len() - start;
        self.buffer[start..start + len.min(until_wrap)].fill(0.0);
        self.buffer[..len.saturating_sub(until_wrap)].fill(0.0);
        self.filled = delay;
    }

    /// Counts `len` slots written from `write` on as pushed.
    #[inline]
    fn advance(&mut self, len: usize) {
        self.write = (self.write + len) & self.mask;
        self.filled = (self.filled + len).min(self.buffer.len());
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
        self.advance(samples.len());
    }

    /// One block of a comb that reads this line `delay` pushes back and keeps what it reads
    /// (the output history for feed-back, the input history for feed-forward).
    /// `step(range, piece)` is called on the block's pieces in order: `piece` is the stretch
    /// of this ring holding both the piece's delayed samples and the slots its next pushes go
    /// to (see [`RingPiece`]), and `range` the piece's samples in the block; `step` fills the
    /// slots. Then they count as pushed. The block is split only where the ring wraps and
    /// every [`MAX_BLOCK`] samples, so a host's block is usually one piece, however short the
    /// delay.
    ///
    /// # Panics
    /// If `delay` is under [`MAX_LANES`] or beyond [`max_delay_samples`](Self::max_delay_samples).
    // Inlined, so that the caller's closure and the piece bookkeeping fold into one function:
    // calls are a large part of a small block's cost.
    #[inline(always)]
    pub fn comb_block(
        &mut self,
        delay: usize,
        len: usize,
        mut step: impl FnMut(Range<usize>, RingPiece),
    ) {
        assert!((MAX_LANES..=self.max_delay_samples()).contains(&delay));
        let mut done = 0;
        while done < len {
            let write = (self.write + done) & self.mask;
            let read = write.wrapping_sub(delay) & self.mask;
            let piece = (len - done).min(self.room_after(&[write, read]));
            // Reads trail writes by `delay`, or, where the delay reaches back across the
            // ring's end, lead them by `size - delay`, which is more than `MAX_BLOCK`.
            let (start, end) = if read < write {
                (read, write + piece)
            } else {
                (write, read + piece)
            };
            let ring = RingPiece {
                ring: &mut self.buffer[start..end],
                read: read - start,
                write: write - start,
            };
            step(done..done + piece, ring);
            done += piece;
        }
        self.advance(len);
    }

    /// One block of a comb crossfading between two voicings, `taps[0]` to `taps[1]`, with this
    /// line keeping the inputs and `outputs` (a line of the same size, pushed exactly as
    /// often) the outputs. `step(offset, slices)` is called on the block's pieces in order,
    /// with `slices` holding each voicing's delayed samples and the slots the piece's next
    /// pushes go to in both lines, and `offset` the piece's position in the block; `step`
    /// fills the slots. Then they count as pushed. Pieces are no longer than either delay,
    /// so that they read only samples pushed before them, and end where the ring wraps.
    ///
    /// # Panics
    /// If a delay is under [`MAX_LANES`] or beyond
    /// [`max_delay_samples`](Self::max_delay_samples), or if `outputs` is not in step.
    pub fn fade_block(
        &mut self,
        outputs: &mut DelayLine,
        taps: [FadeTap; 2],
        len: usize,
        mut step: impl FnMut(usize, FadeSlices),
    ) {
        let delays = taps.map(|tap| tap.delay);
        self.assert_fade_delays(delays);
        assert!(outputs.buffer.len() == self.buffer.len() && outputs.write == self.write);
        let mut done = 0;
        while done < len {
            let (write, reads, piece) = self.fade_piece(done, len, delays);
            let (kept_inputs, inputs_around) = split_at_slots(&mut self.buffer, write, piece);
            let (kept_outputs, outputs_around) = split_at_slots(&mut outputs.buffer, write, piece);
            let delayed = [0, 1].map(|voicing| {
                let around = match taps[voicing].reads_outputs {
                    true => outputs_around,
                    false => inputs_around,
                };
                around.read(reads[voicing], piece)
            });
            let slices = FadeSlices {
                delayed,
                kept_inputs,
                kept_outputs,
            };
            step(done, slices);
            done += piece;
        }
        self.advance(len);
        outputs.advance(len);
    }

    /// One block of a comb crossfading between two delays, `delays[0]` to `delays[1]`, that
    /// both read this line, which keeps what they read (a change of delay within one mode).
    /// Otherwise as [`fade_block`](Self::fade_block): `step(offset, slices)` fills each
    /// piece's slots of this line.
    ///
    /// # Panics
    /// If a delay is under [`MAX_LANES`] or beyond
    /// [`max_delay_samples`](Self::max_delay_samples).
    pub fn fade_block_in_line(
        &mut self,
        delays: [usize; 2],
        len: usize,
        mut step: impl FnMut(usize, SameModeFadeSlices),
    ) {
        self.assert_fade_delays(delays);
        let mut done = 0;
        while done < len {
            let (write, reads, piece) = self.fade_piece(done, len, delays);
            let (kept, around) = split_at_slots(&mut self.buffer, write, piece);
            let delayed = reads.map(|read| around.read(read, piece));
            step(done, SameModeFadeSlices { delayed, kept });
            done += piece;
        }
        self.advance(len);
    }

    /// Fade passes read whole vectors, and no further back than the line reaches.
    fn assert_fade_delays(&self, delays: [usize; 2]) {
        for delay in delays {
            assert!((MAX_LANES..=self.max_delay_samples()).contains(&delay));
        }
    }

    /// The piece of a fading block that starts `done` samples into it: the slot it fills
    /// first, the slot each voicing reads first, and its length. Pieces are no longer than
    /// the shorter delay, so that they read only samples pushed before them, and end where
    /// the ring wraps.
    fn fade_piece(
        &self,
        done: usize,
        len: usize,
        delays: [usize; 2],
    ) -> (usize, [usize; 2], usize) {
        let write = (self.write + done) & self.mask;
        let reads = delays.map(|delay| write.wrapping_sub(delay) & self.mask);
        let piece = (len - done)
            .min(delays[0].min(delays[1]))
            .min(self.room_after(&[write, reads[0], reads[1]]));
        (write, reads, piece)
    }

    /// How many slots a piece of a block may span from each of `starts` before one of them
    /// reaches the ring's end: at most [`MAX_BLOCK`].
    fn room_after(&self, starts: &[usize]) -> usize {
        starts.iter().fold(MAX_BLOCK, |room, &start| {
            room.min(self.buffer.len() - start)
        })
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

/// A ring split around the `len` slots from `start` on: those, mutable, and the rest of the
/// ring, readable while they are being filled.
fn split_at_slots(ring: &mut [f32], start: usize, len: usize) -> (&mut [f32], AroundSlots<'_>) {
    let (before, rest) = ring.split_at_mut(start);
    let (slots, after) = rest.split_at_mut(len);
    let around = AroundSlots {
        before,
        after,
        after_start: start + len,
    };
    (slots, around)
}

/// The parts of a ring before and after the slots being filled.
#[derive(Clone, Copy)]
struct AroundSlots<'a> {
    before: &'a [f32],
    after: &'a [f32],
    /// The ring index `after` starts at.
    after_start: usize,
}

impl<'a> AroundSlots<'a> {
    /// The `len` samples from ring index `start` on, which must not reach into the slots.
    fn read(self, start: usize, len: usize) -> &'a [f32] {
        if start < self.before.len() {
            &self.before[start..start + len]
        } else {
            &self.after[start - self.after_start..][..len]
        }
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

    /// A feed-back run block by block through `comb_block` equals the recursion
    /// `y[n] = x[n] + 0.5 y[n - delay]` computed plainly, over many wraps of a small ring,
    /// for delays shorter and longer than the blocks and block lengths that put the pieces'
    /// edges everywhere.
    #[test]
    fn comb_block_is_the_recursion() {
        for delay in [16, 17, 64, 255, 300] {
            for block in [1, 3, 64, 255, 512, 1500] {
                let mut line = DelayLine::new(delay);
                let x: Vec<f32> = (0..5_000).map(|n| ((n * 37 % 101) as f32) - 50.0).collect();
                let mut want = x.clone();
                for n in delay..want.len() {
                    want[n] += 0.5 * want[n - delay];
                }
                let mut got = x.clone();
                for chunk in got.chunks_mut(block) {
                    line.comb_block(delay, chunk.len(), |range, piece| {
                        let RingPiece { ring, read, write } = piece;
                        // One sample at a time, in order: what a vector kernel must equal.
                        for (i, sample) in chunk[range].iter_mut().enumerate() {
                            *sample += 0.5 * ring[read + i];
                            ring[write + i] = *sample;
                        }
                    });
                }
                assert_eq!(got, want, "delay {delay}, block {block}");
            }
        }
    }

    /// A skipped stretch is stale: `reach_back` silences exactly the part of it a read is
    /// about to reach, across the ring's wrap, and leaves what was pushed since and what lies
    /// beyond the reach alone.
    #[test]
    fn reach_back_silences_only_stale_slots() {
        // A 1024-slot ring full of the ramp: slot k holds 1024 + k below 76, k from there.
        let mut line = ramp_line(1100);
        line.skip(1000); // every slot goes stale; the next push goes to slot 52
        let pushed: Vec<f32> = (0..10).map(|n| 5000.0 + n as f32).collect();
        for &sample in &pushed {
            line.push(sample);
        }
        let window = |line: &DelayLine, delay: usize| -> Vec<f32> {
            let (older, newer) = line.window(delay, delay);
            [older, newer].concat()
        };
        let silence_then_pushed = |silent: usize| [vec![0.0; silent], pushed.clone()].concat();
        // Within what was pushed since the skip, nothing is stale.
        line.reach_back(10);
        assert_eq!(window(&line, 10), pushed);
        // 40 back: slots 22..52 held 1046..1076 and become silence; slot 21 is left alone.
        assert_eq!(
            window(&line, 40)[..30],
            (1046..1076).map(|n| n as f32).collect::<Vec<_>>()
        );
        line.reach_back(40);
        assert_eq!(
            window(&line, 41),
            [vec![1045.0], silence_then_pushed(30)].concat()
        );
        // Reaching less far again changes nothing.
        line.reach_back(20);
        assert_eq!(
            window(&line, 41),
            [vec![1045.0], silence_then_pushed(30)].concat()
        );
        // 100 back crosses the ring's end (slots 986..1024 and 0..22); slot 985 is left alone.
        line.reach_back(100);
        assert_eq!(
            window(&line, 101),
            [vec![985.0], silence_then_pushed(90)].concat()
        );
        // A fresh line has nothing stale.
        let mut fresh = ramp_line(3);
        fresh.reach_back(500);
        assert_eq!(window(&fresh, 4), [0.0, 0.0, 1.0, 2.0]);
    }

    /// A two-voicing comb run block by block through `fade_block` equals
    /// `y[n] = x[n] + 0.5 h0[n - d0] + 0.25 h1[n - d1]` computed plainly, where each `h` is
    /// the output or the input history as its tap says: for every pairing of the two
    /// histories, delays shorter and longer than the blocks, over many wraps of a small ring.
    /// A piece reaching past a delay would read slots not filled yet and fail. Where both
    /// taps read one history, `fade_block_in_line` on that line alone must give the same.
    #[test]
    fn fade_block_reads_both_histories() {
        let x: Vec<f32> = (0..5_000).map(|n| ((n * 37 % 101) as f32) - 50.0).collect();
        for delays in [[16, 17], [300, 16], [64, 255]] {
            for reads_outputs in [[true, true], [true, false], [false, true], [false, false]] {
                let mut want = x.clone();
                for n in 0..want.len() {
                    let delayed = |tap: usize| {
                        let history = if reads_outputs[tap] { &want } else { &x };
                        n.checked_sub(delays[tap]).map_or(0.0, |m| history[m])
                    };
                    want[n] += 0.5 * delayed(0) + 0.25 * delayed(1);
                }
                let taps = [0, 1].map(|tap| FadeTap {
                    delay: delays[tap],
                    reads_outputs: reads_outputs[tap],
                });
                for block in [1, 3, 64, 255, 512, 1500] {
                    let (mut inputs, mut outputs) = (DelayLine::new(300), DelayLine::new(300));
                    let mut got = x.clone();
                    for chunk in got.chunks_mut(block) {
                        let len = chunk.len();
                        inputs.fade_block(&mut outputs, taps, len, |at, slices| {
                            let FadeSlices {
                                delayed: [first, second],
                                kept_inputs,
                                kept_outputs,
                            } = slices;
                            let piece = &mut chunk[at..at + kept_inputs.len()];
                            for (i, sample) in piece.iter_mut().enumerate() {
                                kept_inputs[i] = *sample;
                                *sample += 0.5 * first[i] + 0.25 * second[i];
                                kept_outputs[i] = *sample;
                            }
                        });
                    }
                    let case =
                        format!("delays {delays:?}, outputs {reads_outputs:?}, block {block}");
                    assert_eq!(got, want, "{case}");
                    if reads_outputs[0] != reads_outputs[1] {
                        continue;
                    }
                    // Both taps in one history: the one-line pass keeps only that one.
                    let mut line = DelayLine::new(300);
                    let mut got = x.clone();
                    for chunk in got.chunks_mut(block) {
                        line.fade_block_in_line(delays, chunk.len(), |at, slices| {
                            let SameModeFadeSlices {
                                delayed: [first, second],
                                kept,
                            } = slices;
                            let piece = &mut chunk[at..at + kept.len()];
                            for (i, sample) in piece.iter_mut().enumerate() {
                                let input = *sample;
                                *sample += 0.5 * first[i] + 0.25 * second[i];
                                kept[i] = if reads_outputs[0] { *sample } else { input };
                            }
                        });
                    }
                    assert_eq!(got, want, "one line, {case}");
                }
            }
        }
    }
}
