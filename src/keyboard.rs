//! The keyboard as the comb follows it: which notes are held, which one sounds (the last
//! pressed of those still held; the last one played once all are released), the pitch bend,
//! and the glide from one note's pitch to the next. Fixed-size, so the audio thread neither
//! allocates nor frees.

/// How far a full pitch bend moves the pitch, in semitones, either way.
pub const BEND_RANGE_SEMITONES: f32 = 2.0;

/// Notes held, in the order they were pressed, and the bend.
#[derive(Debug, Clone)]
pub struct Keyboard {
    /// The keys held, oldest first: `held[..count]`.
    held: [u8; 128],
    count: usize,
    /// The key that sounds: the newest held, or the last one released.
    sounding: Option<u8>,
    /// The pitch bend, in semitones.
    bend: f32,
}

impl Default for Keyboard {
    fn default() -> Self {
        Self {
            held: [0; 128],
            count: 0,
            sounding: None,
            bend: 0.0,
        }
    }
}

impl Keyboard {
    /// A key went down: it sounds now. Keys above 127 are ignored.
    pub fn press(&mut self, key: u8) {
        if key > 127 {
            return;
        }
        self.remove(key);
        self.held[self.count] = key;
        self.count += 1;
        self.sounding = Some(key);
    }

    /// A key came up: if it was sounding, the newest key still held sounds instead; with
    /// none held the released key keeps sounding (the comb keeps its pitch).
    pub fn release(&mut self, key: u8) {
        self.remove(key);
        if self.sounding == Some(key) && self.count > 0 {
            self.sounding = Some(self.held[self.count - 1]);
        }
    }

    /// A MIDI pitch bend, normalised: 0 is fully down, 0.5 the centre, 1 fully up.
    pub fn bend_to(&mut self, normalized: f32) {
        if normalized.is_finite() {
            self.bend = (normalized.clamp(0.0, 1.0) - 0.5) * 2.0 * BEND_RANGE_SEMITONES;
        }
    }

    /// The key that sounds, if any key was played since the plugin was reset.
    pub fn sounding(&self) -> Option<u8> {
        self.sounding
    }

    /// The pitch bend, in semitones.
    pub fn bend(&self) -> f32 {
        self.bend
    }

    /// Lets go of every key and centres the bend; the last key played keeps sounding.
    pub fn release_all(&mut self) {
        self.count = 0;
        self.bend = 0.0;
    }

    fn remove(&mut self, key: u8) {
        let held = &mut self.held[..self.count];
        if let Some(at) = held.iter().position(|&k| k == key) {
            held.copy_within(at + 1.., at);
            self.count -= 1;
        }
    }
}

/// A pitch, in (fractional) MIDI keys, that moves to a new one at a constant rate in
/// semitones, so that every octave of a glide takes the same time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchGlide {
    key: f64,
    target: f64,
    /// Semitones per sample, towards the target.
    rate: f64,
}

impl PitchGlide {
    /// Resting at `key`.
    pub fn at(key: f64) -> Self {
        Self {
            key,
            target: key,
            rate: 0.0,
        }
    }

    /// Glides from where it is to `target` in `samples` samples (at once for 0).
    pub fn glide_to(&mut self, target: f64, samples: f64) {
        self.target = target;
        if samples < 1.0 {
            self.key = target;
            self.rate = 0.0;
        } else {
            self.rate = (target - self.key).abs() / samples;
        }
    }

    /// Whether it is still on its way.
    pub fn is_gliding(&self) -> bool {
        self.key != self.target
    }

    /// The pitch `samples` from now, without moving.
    pub fn key_after(&self, samples: f64) -> f64 {
        let step = self.rate * samples;
        if (self.target - self.key).abs() <= step {
            self.target
        } else {
            self.key + step.copysign(self.target - self.key)
        }
    }

    /// Moves on by `samples`.
    pub fn advance(&mut self, samples: f64) {
        self.key = self.key_after(samples);
    }

    pub fn key(&self) -> f64 {
        self.key
    }

    /// Where it is going (where it is, once there).
    pub fn target(&self) -> f64 {
        self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_held_note_sounds_and_the_last_released_stays() {
        let mut keys = Keyboard::default();
        assert_eq!(keys.sounding(), None);
        keys.press(60);
        keys.press(64);
        keys.press(67);
        assert_eq!(keys.sounding(), Some(67));
        // Releasing a key that is not sounding changes nothing.
        keys.release(64);
        assert_eq!(keys.sounding(), Some(67));
        // Releasing the sounding one falls back to the newest still held.
        keys.release(67);
        assert_eq!(keys.sounding(), Some(60));
        keys.release(60);
        assert_eq!(keys.sounding(), Some(60));
        // A key pressed twice is held once; odd input is ignored.
        keys.press(62);
        keys.press(62);
        keys.release(62);
        assert_eq!(keys.sounding(), Some(62));
        keys.press(200);
        keys.release(200);
        assert_eq!(keys.sounding(), Some(62));
        for key in 0..128 {
            keys.press(key);
        }
        assert_eq!(keys.sounding(), Some(127));
    }

    #[test]
    fn bend_by_hand() {
        let mut keys = Keyboard::default();
        keys.bend_to(1.0);
        assert_eq!(keys.bend(), 2.0);
        keys.bend_to(0.25);
        assert_eq!(keys.bend(), -1.0);
        keys.bend_to(f32::NAN);
        assert_eq!(keys.bend(), -1.0);
        keys.bend_to(0.5);
        assert_eq!(keys.bend(), 0.0);
    }

    /// An octave up in 100 samples: half-way at 50, there at 100, and no further.
    #[test]
    fn glide_by_hand() {
        let mut glide = PitchGlide::at(57.0);
        glide.glide_to(69.0, 100.0);
        assert_eq!(glide.key_after(50.0), 63.0);
        glide.advance(50.0);
        assert!(glide.is_gliding());
        assert_eq!(glide.key_after(80.0), 69.0);
        glide.advance(50.0);
        assert_eq!(glide.key(), 69.0);
        assert!(!glide.is_gliding());
        glide.glide_to(60.0, 0.0);
        assert_eq!(glide.key(), 60.0);
    }
}
