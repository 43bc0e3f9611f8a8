//! A ring buffer of past samples, sized once, read a piece at a time at whole or fractional
//! delays.

/// A delay expressed in samples, split once into its whole and fractional parts so that the
/// reads do not redo the split.
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

    /// The same tap `samples` further back.
    pub fn further(self, samples: usize) -> Self {
        Self {
            whole: self.whole + samples,
            ..self
        }
    }

    /// How the tap is read: exactly, or by which interpolator.
    pub fn read(self) -> TapRead {
        match self.frac {
            0.0 => TapRead::Whole,
            frac if self.whole >= 2 => TapRead::Cubic(frac),
            frac => TapRead::Linear(frac),
        }
    }
}

/// How a tap is read.
///
/// Whole-sample taps are read exactly. Fractional taps use a 4-point, 3rd-order Hermite
/// (Catmull-Rom) interpolator: it keeps the top octave far brighter than linear
/// interpolation, and unlike an allpass interpolator it has no internal state, so it cannot
/// ring or click when the delay changes, which a live tau knob does all the time. Its newest
/// point is one sample newer than the tap, so below two samples of delay (where that point
/// would be the sample being computed) it falls back to linear interpolation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TapRead {
    Whole,
    /// Catmull-Rom, by the fraction.
    Cubic(f32),
    /// Linear, by the fraction.
    Linear(f32),
}

/// How a piece of a block reads a delayed signal: `len + extra` samples of it, the first
/// `whole` (and a fraction) samples before the piece's first sample, read as `read` says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub whole: usize,
    pub read: TapRead,
    /// Samples read beyond the piece's length (the damping filter's two outer taps).
    pub extra: usize,
}

impl Reading {
    /// The delayed signal at `tap`, one sample per sample of the piece.
    pub fn at(tap: Tap) -> Self {
        Self {
            whole: tap.whole,
            read: tap.read(),
            extra: 0,
        }
    }

    /// The three taps the damping filter needs around `centre` (at least two samples): the
    /// signal one sample older than `centre`, `len + 2` samples of it, so that sample `i`'s
    /// taps are `i`, `i + 1` and `i + 2`. It is interpolated as the newest tap would be on
    /// its own (linearly below three samples), so that it reads no sample not yet computed.
    pub fn around(centre: Tap) -> Self {
        debug_assert!(centre.whole >= 2);
        let read = match Tap::new(centre.delay_samples() - 1.0).read() {
            TapRead::Whole => TapRead::Whole,
            TapRead::Cubic(_) => TapRead::Cubic(centre.frac),
            TapRead::Linear(_) => TapRead::Linear(centre.frac),
        };
        Self {
            whole: centre.whole + 1,
            read,
            extra: 2,
        }
    }

    /// How many samples before the piece's first sample the oldest point read lies.
    pub fn oldest(self) -> usize {
        match self.read {
            TapRead::Whole => self.whole,
            _ => self.whole + 2,
        }
    }

    /// How many samples before each sample the newest point its delayed signal uses lies.
    fn newest(self) -> usize {
        match self.read {
            TapRead::Cubic(_) => self.whole - 1,
            _ => self.whole,
        }
    }

    /// The length of the window a piece of `len` samples reads.
    pub fn window_len(self, len: usize) -> usize {
        len + self.extra + self.oldest() - self.newest()
    }

    /// The longest piece that reads only samples from before it: what a feed-back comb, which
    /// reads its own output, can compute at once.
    pub fn causal_piece(self) -> usize {
        self.newest() - self.extra
    }
}

/// The most samples one piece of a block moves. The line keeps this much room beyond its
/// longest delay, so that inputs written ahead of a piece never overwrite the oldest samples
/// the piece still has to read.
pub const MAX_PIECE: usize = 512;

/// The ring that reads `delay_samples` back with room for a piece and the guard.
fn ring_len(delay_samples: usize) -> usize {
    (delay_samples + MAX_PIECE + GUARD).next_power_of_two()
}

/// Slots past the end of the ring that mirror its first slots, so that every read window
/// (a piece plus the few samples an interpolator and the damping filter reach beyond it) is
/// one contiguous slice, wherever it starts.
const GUARD: usize = 8;

/// A power-of-two ring buffer: indices wrap with a mask instead of a division.
///
/// Its memory is allocated once, for the longest delay it will ever need, but the ring uses
/// only as much of it as the longest delay asked for so far ([`reserve`](Self::reserve)
/// doubles it, keeping its past): a short comb then cycles through a ring that stays in the
/// cache, rather than through seconds of memory.
///
/// A line can also be moved along without being written ([`skip`](Self::skip)), when nothing
/// reads it for a while; it then remembers how much of its past is still the signal, and
/// [`reach_back`](Self::reach_back) makes the rest silence before it is read again.
#[derive(Debug, Clone, Default)]
pub struct DelayLine {
    /// Past samples: the ring, then [`GUARD`] slots mirroring its start, within room for the
    /// longest ring and its guard.
    buffer: Vec<f32>,
    /// The ring's length, a power of two.
    len: usize,
    /// Index of the slot the next sample is written to.
    write: usize,
    /// How many of the latest slots hold the signal (or silence put there on purpose); the
    /// slots before them hold stale samples from before the last skip.
    filled: usize,
}

impl DelayLine {
    /// A zeroed line that can be read up to `max_delay_samples` back (plus what
    /// interpolation and damping reach). Allocates: call it outside the audio thread.
    pub fn new(max_delay_samples: usize) -> Self {
        let longest = ring_len(max_delay_samples);
        let len = ring_len(0);
        Self {
            buffer: vec![0.0; longest + GUARD],
            len: len.min(longest),
            write: 0,
            filled: len.min(longest),
        }
    }

    /// The longest delay, in whole samples, that can be read with any interpolation and
    /// damping.
    pub fn max_delay_samples(&self) -> usize {
        self.buffer.len() - GUARD - MAX_PIECE - GUARD
    }

    /// Makes the ring long enough to read `delay_samples` back (at most
    /// [`max_delay_samples`](Self::max_delay_samples)), keeping every sample at its age:
    /// each doubling moves the slots from the write index to the ring's end to the end of
    /// the doubled ring. The slots between are older than the ring reached, so stale (see
    /// [`reach_back`](Self::reach_back)): a delay longer than the ring was hears silence for
    /// the part of its past the ring did not hold. Does not allocate; copies up to half the
    /// new ring.
    pub fn reserve(&mut self, delay_samples: usize) {
        let wanted = ring_len(delay_samples.min(self.max_delay_samples()));
        while self.len < wanted {
            let old = self.len;
            self.buffer.copy_within(self.write..old, self.write + old);
            self.len = 2 * old;
            self.buffer.copy_within(..GUARD, self.len);
        }
    }

    /// Forgets the past: every delayed read returns zero until new samples are written.
    pub fn clear(&mut self) {
        self.buffer.fill(0.0);
        self.write = 0;
        self.filled = self.len;
    }

    /// How many samples a piece starting now may have so that neither its writes nor a read
    /// window starting `oldest` samples back for each of `reaches` cross the ring's end
    /// (at most [`MAX_PIECE`]).
    #[inline(always)]
    pub fn room(&self, reaches: &[usize]) -> usize {
        reaches
            .iter()
            .map(|&oldest| self.len - self.index_back(oldest))
            .fold((self.len - self.write).min(MAX_PIECE), usize::min)
    }

    /// The `len` samples from `oldest` samples before the next write on: what a piece
    /// reads (see [`Reading`]). The piece must fit [`room`](Self::room) for `oldest`.
    #[inline(always)]
    pub fn window(&self, oldest: usize, len: usize) -> &[f32] {
        let start = self.index_back(oldest);
        &self.buffer[start..start + len]
    }

    /// The ring, for a piece of up to `len` samples that reads `len + extra` samples from
    /// `oldest` back and writes as many slots as it computes, in one pass, where neither the
    /// reads nor the writes cross the ring's end (so the guard is not read): the ring, where
    /// the reads start, where the writes start, and the piece's length. `None` where the
    /// reads straddle the end. Call [`written`](Self::written) and
    /// [`advance`](Self::advance) once the slots are filled.
    #[inline(always)]
    pub fn ring_piece(
        &mut self,
        oldest: usize,
        extra: usize,
        len: usize,
    ) -> Option<(&mut [f32], usize, usize, usize)> {
        let read = self.index_back(oldest);
        let len = len
            .min(self.len - self.write)
            .min((self.len - read).checked_sub(extra)?);
        (len > 0).then(|| (&mut self.buffer[..self.len], read, self.write, len))
    }

    /// The slots the next `len` samples go to (within [`room`](Self::room)); call
    /// [`written`](Self::written) once they are filled, before any read.
    #[inline(always)]
    pub fn slots(&mut self, len: usize) -> &mut [f32] {
        &mut self.buffer[self.write..self.write + len]
    }

    /// The `len` slots [`slots`](Self::slots) gave are filled: those at the ring's start
    /// are mirrored into the guard, where windows that cross the ring's end read them.
    #[inline(always)]
    pub fn written(&mut self, len: usize) {
        if self.write < GUARD {
            let end = (self.write + len).min(GUARD);
            self.buffer
                .copy_within(self.write..end, self.len + self.write);
        }
    }

    /// Moves on by `len` written slots.
    #[inline(always)]
    pub fn advance(&mut self, len: usize) {
        self.write = (self.write + len) & (self.len - 1);
        self.filled = (self.filled + len).min(self.len);
    }

    /// Moves on by `len` slots without writing them: the line's past is stale from here on,
    /// until [`reach_back`](Self::reach_back) silences what is to be read.
    #[inline(always)]
    pub fn skip(&mut self, len: usize) {
        self.write = (self.write + len) & (self.len - 1);
        self.filled = 0;
    }

    /// Makes the last `delay` slots (at most the whole line) readable: those that went stale
    /// in a [`skip`](Self::skip) and were not written since become silence. Each stale slot
    /// is cleared at most once, when a read first reaches it.
    pub fn reach_back(&mut self, delay: usize) {
        let delay = delay.min(self.len);
        if delay <= self.filled {
            return;
        }
        let stale = delay - self.filled;
        let start = self.index_back(delay);
        let until_wrap = self.len - start;
        self.buffer[start..start + stale.min(until_wrap)].fill(0.0);
        self.buffer[..stale.saturating_sub(until_wrap)].fill(0.0);
        self.buffer.copy_within(..GUARD, self.len);
        self.filled = delay;
    }

    /// The index of the slot written `back` samples ago.
    #[inline(always)]
    fn index_back(&self, back: usize) -> usize {
        self.write.wrapping_sub(back) & (self.len - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `samples` one at a time, as the comb does with pieces of one sample.
    fn push_all(line: &mut DelayLine, samples: impl IntoIterator<Item = f32>) {
        for sample in samples {
            line.slots(1)[0] = sample;
            line.written(1);
            line.advance(1);
        }
    }

    /// The `len` samples from `back` samples ago (reading the guard where that crosses the
    /// ring's end).
    fn whole_window(line: &DelayLine, back: usize, len: usize) -> Vec<f32> {
        line.window(back, len).to_vec()
    }

    /// Whole-tap windows hold exactly the samples written that many samples ago, also where
    /// they reach across the ring's end (200 writes into a 1024-slot ring, then 1000 more).
    #[test]
    fn windows_are_exact_across_the_wrap() {
        let mut line = DelayLine::new(64);
        push_all(&mut line, (0..1200).map(|n| n as f32));
        // The next write goes to slot 176; 300 back starts at slot 900 and runs into the
        // guard past slot 1023 for a window of 200 < 300 - 176 + 124.
        for back in [1, 5, 64, 176, 177, 300] {
            let room = line.room(&[back]).min(back);
            let window = whole_window(&line, back, room);
            let want: Vec<f32> = (0..room).map(|i| (1200 - back + i) as f32).collect();
            assert_eq!(window, want, "{back} back");
        }
    }

    /// A fractional tap's window runs from two samples beyond the tap to one sample newer
    /// than it (cubic), or to the tap itself (linear, below two samples).
    #[test]
    fn taps_know_their_reach() {
        let reach = |reading: Reading| (reading.oldest(), reading.window_len(10));
        let cubic = Reading::at(Tap::new(40.25));
        assert_eq!(cubic.read, TapRead::Cubic(0.25));
        assert_eq!((reach(cubic), cubic.causal_piece()), ((42, 13), 39));
        let linear = Reading::at(Tap::new(1.5));
        assert_eq!(linear.read, TapRead::Linear(0.5));
        assert_eq!((reach(linear), linear.causal_piece()), ((3, 12), 1));
        let whole = Reading::at(Tap::whole(7));
        assert_eq!((reach(whole), whole.causal_piece()), ((7, 10), 7));
        // Damping around 7 reads 8 back, 12 long, and can go 6 at once; around 2.5 it reads
        // linearly (its newest tap, 1.5, would), around 3.5 cubically.
        let damped = Reading::around(Tap::whole(7));
        assert_eq!((reach(damped), damped.causal_piece()), ((8, 12), 6));
        let low = Reading::around(Tap::new(2.5));
        assert_eq!(
            (low.read, reach(low), low.causal_piece()),
            (TapRead::Linear(0.5), (5, 14), 1)
        );
        let high = Reading::around(Tap::new(3.5));
        assert_eq!(
            (high.read, reach(high), high.causal_piece()),
            (TapRead::Cubic(0.5), (6, 15), 1)
        );
        assert_eq!(Tap::new(2.5).further(2), Tap::new(4.5));
    }

    /// A tap below one sample, or NaN, is clamped to one sample rather than reading the future.
    #[test]
    fn taps_clamp_to_one_sample() {
        assert_eq!(Tap::new(0.0), Tap::whole(1));
        assert_eq!(Tap::new(f32::NAN), Tap::whole(1));
        assert_eq!(Tap::new(-3.0).delay_samples(), 1.0);
    }

    /// `clear` forgets everything.
    #[test]
    fn reserving_keeps_the_past() {
        let mut line = DelayLine::new(100_000);
        assert_eq!(line.len, 1024);
        // 1500 samples in: the write index is 476, so the ring holds 1024 back.
        push_all(&mut line, (0..1500).map(|n| n as f32));
        line.reserve(3000);
        assert_eq!(line.len, 4096);
        for back in [1, 2, 476, 477, 1000, 1024] {
            let want = (1500 - back) as f32;
            assert_eq!(line.window(back, 1), [want], "{back} back");
        }
        // Reads older than the ring reached are stale until reached back to.
        assert_eq!(line.filled, 1024);
        line.reach_back(1500);
        assert_eq!(line.window(1500, 1), [0.0]);
        assert_eq!(line.window(1024, 1), [476.0]);
        // Writing on, every window across the new ring's end is exact.
        push_all(&mut line, (1500..10_000).map(|n| n as f32));
        for back in [1, 100, 3000, 4096 - MAX_PIECE - GUARD] {
            let len = back.min(8);
            let window = line.window(back, len).to_vec();
            let want: Vec<f32> = (0..len).map(|k| (10_000 - back + k) as f32).collect();
            assert_eq!(window, want, "{back} back");
        }
        // Never past the memory it has.
        line.reserve(usize::MAX / 4);
        assert_eq!(line.max_delay_samples(), 131_072 - MAX_PIECE - GUARD);
        assert_eq!(line.len, 131_072);
    }

    #[test]
    fn clear_zeroes_the_past() {
        let mut line = DelayLine::new(64);
        push_all(&mut line, (0..10).map(|n| n as f32 + 1.0));
        line.clear();
        assert_eq!(whole_window(&line, 3, 3), [0.0; 3]);
    }

    /// A skipped stretch is stale: `reach_back` silences exactly the part of it a read is
    /// about to reach, across the ring's wrap and in the guard that mirrors the ring's start,
    /// and leaves what was written since and what lies beyond the reach alone.
    #[test]
    fn reach_back_silences_only_stale_slots() {
        // A 1024-slot ring full of the ramp: slot k holds 1024 + k below 76, k from there.
        let mut line = DelayLine::new(64);
        push_all(&mut line, (0..1100).map(|n| n as f32));
        line.skip(1000); // every slot goes stale; the next write goes to slot 52
        let pushed: Vec<f32> = (0..10).map(|n| 5000.0 + n as f32).collect();
        push_all(&mut line, pushed.iter().copied());
        let silence_then_pushed = |silent: usize| [vec![0.0; silent], pushed.clone()].concat();
        // Within what was written since the skip, nothing is stale.
        line.reach_back(10);
        assert_eq!(whole_window(&line, 10, 10), pushed);
        // 40 back: slots 22..52 held 1046..1076 and become silence; slot 21 is left alone.
        line.reach_back(40);
        assert_eq!(
            whole_window(&line, 41, 41),
            [vec![1045.0], silence_then_pushed(30)].concat()
        );
        // Reaching less far again changes nothing.
        line.reach_back(20);
        assert_eq!(
            whole_window(&line, 41, 41),
            [vec![1045.0], silence_then_pushed(30)].concat()
        );
        // 100 back crosses the ring's end (slots 986..1024 and 0..22); slot 985 is left
        // alone, and the guard mirrors the silenced start of the ring.
        line.reach_back(100);
        let room = line.room(&[101]);
        assert_eq!(room, 1024 - 985);
        let window = line.window(101, room + GUARD);
        assert_eq!(window[0], 985.0);
        assert!(window[1..].iter().all(|&v| v == 0.0), "{window:?}");
        // A fresh line has nothing stale.
        let mut fresh = DelayLine::new(64);
        push_all(&mut fresh, [1.0, 2.0]);
        fresh.reach_back(500);
        assert_eq!(whole_window(&fresh, 4, 4), [0.0, 0.0, 1.0, 2.0]);
    }
}
