//! A ring buffer of past samples, sized once, read at whole or fractional delays.

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

    /// The longest delay, in whole samples, that reading this tap touches.
    pub fn reach_samples(self) -> usize {
        if self.frac == 0.0 {
            self.whole
        } else {
            self.whole + 2
        }
    }
}

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
    /// A zeroed line that can be read up to `max_delay_samples` back (plus the three extra
    /// samples cubic interpolation reaches). Allocates: call it outside the audio thread.
    pub fn new(max_delay_samples: usize) -> Self {
        let len = (max_delay_samples + 4).next_power_of_two();
        Self {
            buffer: vec![0.0; len],
            mask: len - 1,
            write: 0,
        }
    }

    /// The longest delay, in whole samples, that can be read with any interpolation.
    pub fn max_delay_samples(&self) -> usize {
        self.buffer.len().saturating_sub(4)
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

    /// `clear` forgets everything.
    #[test]
    fn clear_zeroes_the_past() {
        let mut line = ramp_line(10);
        line.clear();
        assert_eq!(line.read(Tap::whole(3)), 0.0);
    }
}
