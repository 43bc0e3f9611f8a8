//! The loops every block runs, over equal-length slices: reading a delay line, shaping the
//! delayed path, adding it to the input, the output stage.
//!
//! Each is a plain loop marked `#[inline(always)]`: run under [`VectorUnit::run`], it is
//! compiled into the caller for that vector unit and vectorises to its width. The slices are
//! cut to one length first, so that the compiler can drop every bounds check in the loop.
//!
//! [`VectorUnit::run`]: super::simd::VectorUnit::run

use super::damping;
use super::delay_line::TapRead;
use super::saturation;

/// What the comb takes of an input sample (and what its input history stores): NaN or
/// infinity from bad input would otherwise circulate in the feed-back loop forever; taken as
/// silence, it is gone one tau after the bad input stops. Subnormal numbers (below -750 dBFS, so
/// inaudible) become 0 too: on Intel CPUs every arithmetic operation on one takes a microcode
/// assist, many times the cost of a normal one, and nice-plug's flush-to-zero only keeps
/// results from being subnormal, not inputs. Testing the bits rather than the value keeps
/// the test itself free of float arithmetic; a select, not a branch, so loops stay vectorised.
#[inline(always)]
pub fn normal_or_zero(v: f32) -> f32 {
    // Normal magnitudes are the bit patterns from the smallest normal's up to `f32::MAX`'s.
    // Shifted down so that they start at `i32::MIN`, they are the only ones below
    // `i32::MIN + span`: zero and subnormals land near `i32::MAX`, infinities and NaN above
    // the span. One signed comparison, which every vector unit has (SSE2 and AVX2 have no
    // unsigned one: it cost them two instructions more per vector).
    let magnitude = magnitude_bits(v);
    let span = f32::INFINITY.to_bits() - f32::MIN_POSITIVE.to_bits();
    let shift = (1u32 << 31).wrapping_sub(f32::MIN_POSITIVE.to_bits());
    if (magnitude.wrapping_add(shift) as i32) < (i32::MIN as u32 + span) as i32 {
        v
    } else {
        0.0
    }
}

/// `v`, or 0 where it is NaN or infinite: what a comb's output needs before its history
/// keeps it (an input near `f32::MAX` plus its echo overflows to infinity). The output cannot
/// be subnormal: the input was not, and flush-to-zero turns subnormal results into 0. So the
/// upper end of [`normal_or_zero`]'s test is enough, at half its cost.
#[inline(always)]
pub fn finite_or_zero(v: f32) -> f32 {
    if magnitude_bits(v) < f32::INFINITY.to_bits() {
        v
    } else {
        0.0
    }
}

/// The bits of `|v|` (NaN stays NaN, with the sign bit cleared). For non-negative floats the
/// bit patterns sort like the values, and NaN's sort above infinity's, so a peak is one
/// integer maximum: a fold that vectorises fully, with no branch.
#[inline(always)]
pub fn magnitude_bits(v: f32) -> u32 {
    v.to_bits() & !(1 << 31)
}

/// The bits of the largest sample magnitude (0 for an empty block). Read it with
/// [`f32::from_bits`]: NaN if any sample is NaN, so `peak <= limit` is false then.
#[inline(always)]
pub fn peak_magnitude_bits(block: &[f32]) -> u32 {
    block
        .iter()
        .fold(0u32, |largest, &v| largest.max(magnitude_bits(v)))
}

/// The largest sample magnitude of `block`; NaN if any sample is NaN.
#[inline(always)]
pub fn peak_magnitude(block: &[f32]) -> f32 {
    f32::from_bits(peak_magnitude_bits(block))
}

/// Copies `from` into `to` (the shorter of the two), storing NaN, infinities and subnormals
/// as 0 (see [`normal_or_zero`]).
#[inline(always)]
pub fn copy_normal(to: &mut [f32], from: &[f32]) {
    for (to, &from) in to.iter_mut().zip(from) {
        *to = normal_or_zero(from);
    }
}

/// Copies a comb's outputs `from` into `to` (the shorter of the two), storing NaN and
/// infinities as 0 (see [`finite_or_zero`]), as the steady pass keeps them.
#[inline(always)]
pub fn copy_finite(to: &mut [f32], from: &[f32]) {
    for (to, &from) in to.iter_mut().zip(from) {
        *to = finite_or_zero(from);
    }
}

/// The delayed signal at a fractional tap, `out.len()` samples of it, from a window that
/// starts at the tap's oldest point for the first sample (see
/// [`DelayLine::window`](super::delay_line::DelayLine::window)): for sample `j` the window
/// holds the oldest, older, newer and newest points at `j` to `j + 3`. A whole tap needs no
/// interpolation: its window is the delayed signal.
#[inline(always)]
pub fn interpolate(out: &mut [f32], window: &[f32], read: TapRead) {
    let len = out.len();
    match read {
        TapRead::Whole => out.copy_from_slice(&window[..len]),
        TapRead::Linear(t) => {
            let (older, newer) = (&window[1..len + 1], &window[2..len + 2]);
            for j in 0..len {
                out[j] = newer[j] + t * (older[j] - newer[j]);
            }
        }
        TapRead::Cubic(t) => {
            let (oldest, older) = (&window[..len], &window[1..len + 1]);
            let (newer, newest) = (&window[2..len + 2], &window[3..len + 3]);
            for j in 0..len {
                let c1 = 0.5 * (older[j] - newest[j]);
                let c2 = newest[j] - 2.5 * newer[j] + 2.0 * older[j] - 0.5 * oldest[j];
                let c3 = 0.5 * (oldest[j] - newest[j]) + 1.5 * (newer[j] - older[j]);
                out[j] = ((c3 * t + c2) * t + c1) * t + newer[j];
            }
        }
    }
}

/// The controls of one piece, one value per sample.
#[derive(Debug, Clone, Copy)]
pub struct PieceControls<'a> {
    pub alphas: &'a [f32],
    /// Damping, 0 to 1 (read only when the kernel damps).
    pub damps: &'a [f32],
    /// Drive, 0 to 1 (read only when the kernel drives).
    pub drives: &'a [f32],
    /// The controls, where each is the same for every sample (then the slices hold them
    /// too).
    pub steady: Option<SteadyControls>,
}

/// Alpha, damping and drive, each the same for a whole piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteadyControls {
    pub alpha: f32,
    pub damp: f32,
    pub drive: f32,
}

/// What a steady pass holds in registers for a whole piece: alpha (clamped), the damping
/// filter's weights and the drive curve's knee gain.
#[derive(Debug, Clone, Copy, Default)]
struct Held {
    alpha: f32,
    outer: f32,
    centre: f32,
    knee: f32,
}

/// The delayed path of one voicing, `wet[i] = S(a_i * L(delayed))`: the delayed signal
/// through the damping filter `L` when `DAMP` (then `delayed` holds two more samples: the
/// taps one older and one newer than the delay, see [`damping`]), times alpha clamped to
/// `[-alpha_limit, alpha_limit]`, through the drive curve `S` when `DRIVE`. Without `DAMP`
/// and `DRIVE` it is `a_i * delayed[i]`, the plain comb's arithmetic.
#[inline(always)]
pub fn shape_wet<const DAMP: bool, const DRIVE: bool>(
    wet: &mut [f32],
    delayed: &[f32],
    controls: PieceControls,
    alpha_limit: f32,
) {
    shape::<DAMP, DRIVE, false>(wet, delayed, controls, 0, Held::default(), alpha_limit);
}

/// Lanes of the widest vector unit (AVX-512: 16 f32): what [`comb_in_ring`] computes at once.
pub const LANES: usize = 16;

/// A steady comb's whole piece in one pass over its ring, a vector at a time: for sample
/// `i`, the delayed samples at `ring[read + i..]` (three of them with `DAMP`, the oldest
/// first), the wet path as [`shape_wet`] makes it, `block[i] = x + wet` as [`add_wet`], and
/// `ring[write + i]` keeps the output through [`finite_or_zero`] (`FEEDBACK`) or the input.
/// A vector's delayed samples are loaded before its results are stored, and vectors go in
/// order, so with the reads at least a vector behind the writes (a delay of a vector or
/// more: the pass reads what it wrote a delay earlier, however long the piece), or wholly
/// ahead of them, every read sees what the recursion needs. The same arithmetic per sample
/// as the passes [`shape_wet`] and [`add_wet`] make, so the same samples. Returns the bits
/// of the largest output magnitude.
///
/// # Panics
/// If the reads or writes leave `ring`, or the reads neither trail the writes by a vector
/// nor lead them.
#[inline(always)]
pub fn comb_in_ring<const FEEDBACK: bool, const DAMP: bool, const DRIVE: bool>(
    block: &mut [f32],
    ring: &mut [f32],
    reads_writes: [usize; 2],
    controls: PieceControls,
    alpha_limit: f32,
) -> u32 {
    // Steady controls are worked out once and held in registers: loading and clamping alpha
    // for every vector cost a tenth of the pass, loading damping and working out its weights
    // for every vector 27-30 % of the damped pass (measured through CLAP, 512-sample blocks).
    match controls.steady {
        Some(steady) => {
            let outer = damping::outer_tap(steady.damp);
            let held = Held {
                alpha: steady.alpha.clamp(-alpha_limit, alpha_limit),
                outer,
                centre: 1.0 - 2.0 * outer,
                knee: saturation::knee_gain(steady.drive),
            };
            comb_in_ring_with::<FEEDBACK, DAMP, DRIVE, true>(
                block,
                ring,
                reads_writes,
                controls,
                held,
                alpha_limit,
            )
        }
        None => comb_in_ring_with::<FEEDBACK, DAMP, DRIVE, false>(
            block,
            ring,
            reads_writes,
            controls,
            Held::default(),
            alpha_limit,
        ),
    }
}

/// [`comb_in_ring`] with the controls steady at `held` (`STEADY`) or per sample, alpha
/// clamped to `alpha_limit`.
#[inline(always)]
fn comb_in_ring_with<
    const FEEDBACK: bool,
    const DAMP: bool,
    const DRIVE: bool,
    const STEADY: bool,
>(
    block: &mut [f32],
    ring: &mut [f32],
    [read, write]: [usize; 2],
    controls: PieceControls,
    held: Held,
    alpha_limit: f32,
) -> u32 {
    let len = block.len();
    let span = if DAMP { 2 } else { 0 };
    let fits = |start: usize, count: usize| {
        start
            .checked_add(count)
            .is_some_and(|end| end <= ring.len())
    };
    assert!(fits(read, len + span) && fits(write, len));
    assert!(read + span + LANES <= write || read >= write + len);
    let controls = PieceControls {
        alphas: &controls.alphas[..if STEADY { 0 } else { len }],
        damps: &controls.damps[..if DAMP && !STEADY { len } else { 0 }],
        drives: &controls.drives[..if DRIVE && !STEADY { len } else { 0 }],
        steady: None,
    };
    let mut largest = [0u32; LANES];
    let vectors = len / LANES;
    for v in 0..vectors {
        let start = v * LANES;
        // SAFETY, for the three accesses below: `start + LANES <= len`, so the asserts above
        // put this vector's reads (`LANES + span` samples from `read + start`) and writes
        // (`LANES` from `write + start`) inside `ring`, and its samples inside `block`. The
        // reads trail the writes by a vector or lead them, so they do not overlap this
        // vector's writes (and the borrow of `delayed` ends before `kept` is made). Checked
        // indexing cost 12-15 % of `process()` at 512- and 4096-sample blocks (measured
        // through CLAP, interleaved): the compiler did not derive these bounds from the asserts.
        // Read straight from the ring: a copy to the stack would be reloaded at an offset
        // of one and two samples, which the CPU cannot forward from the copy's stores.
        let delayed = unsafe { ring.get_unchecked(read + start..read + start + LANES + span) };
        let mut wet = [0.0f32; LANES];
        shape::<DAMP, DRIVE, STEADY>(&mut wet, delayed, controls, start, held, alpha_limit);
        let samples: &mut [f32; LANES] = unsafe { &mut *block.as_mut_ptr().add(start).cast() };
        let kept: &mut [f32; LANES] = unsafe { &mut *ring.as_mut_ptr().add(write + start).cast() };
        for lane in 0..LANES {
            let x = normal_or_zero(samples[lane]);
            let y = x + wet[lane];
            samples[lane] = y;
            kept[lane] = if FEEDBACK { finite_or_zero(y) } else { x };
            largest[lane] = largest[lane].max(magnitude_bits(y));
        }
    }
    for i in vectors * LANES..len {
        let mut wet = [0.0f32];
        let delayed = &ring[read + i..][..1 + span];
        shape::<DAMP, DRIVE, STEADY>(&mut wet, delayed, controls, i, held, alpha_limit);
        let x = normal_or_zero(block[i]);
        let y = x + wet[0];
        block[i] = y;
        ring[write + i] = if FEEDBACK { finite_or_zero(y) } else { x };
        largest[0] = largest[0].max(magnitude_bits(y));
    }
    // Folded in halves, so that the lanes stay in vector registers: a fold lane by lane (or
    // `Iterator::max`) had them stored to the stack and reloaded in narrower pieces, which
    // the CPU cannot forward from the wide stores (with AVX2, a stall every piece).
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for lane in 0..width {
            largest[lane] = largest[lane].max(largest[lane + width]);
        }
    }
    largest[0]
}

/// [`shape_wet`] for the samples from `start` on, with the controls steady at `held`
/// (`STEADY`) or per sample, alpha clamped to `alpha_limit`.
#[inline(always)]
fn shape<const DAMP: bool, const DRIVE: bool, const STEADY: bool>(
    wet: &mut [f32],
    delayed: &[f32],
    controls: PieceControls,
    start: usize,
    held: Held,
    alpha_limit: f32,
) {
    let len = wet.len();
    let part = |used: bool| if used { start..start + len } else { 0..0 };
    let damps = &controls.damps[part(DAMP && !STEADY)];
    let drives = &controls.drives[part(DRIVE && !STEADY)];
    let (older, at, newer) = if DAMP {
        (&delayed[..len], &delayed[1..len + 1], &delayed[2..len + 2])
    } else {
        (&delayed[..len], &delayed[..len], &delayed[..len])
    };
    let alphas = &controls.alphas[part(!STEADY)];
    for i in 0..len {
        let filtered = if DAMP {
            let (outer, centre) = match STEADY {
                true => (held.outer, held.centre),
                false => {
                    let outer = damping::outer_tap(damps[i]);
                    (outer, 1.0 - 2.0 * outer)
                }
            };
            outer * (older[i] + newer[i]) + centre * at[i]
        } else {
            at[i]
        };
        let alpha = match STEADY {
            true => held.alpha,
            false => alphas[i].clamp(-alpha_limit, alpha_limit),
        };
        let scaled = alpha * filtered;
        wet[i] = if DRIVE {
            let knee = match STEADY {
                true => held.knee,
                false => saturation::knee_gain(drives[i]),
            };
            saturation::saturate(scaled, knee)
        } else {
            scaled
        };
    }
}

/// `block[i] = x + wet[i]`, the input `x = block[i]` taken as silence where it is NaN,
/// infinite or subnormal. Returns the bits of the largest output magnitude, as
/// [`peak_magnitude_bits`] would, so that no second pass is needed to find out whether the
/// limiter has work.
#[inline(always)]
pub fn add_wet(block: &mut [f32], wet: &[f32]) -> u32 {
    let wet = &wet[..block.len()];
    let mut largest = 0;
    for (sample, &wet) in block.iter_mut().zip(wet) {
        *sample = normal_or_zero(*sample) + wet;
        largest = largest.max(magnitude_bits(*sample));
    }
    largest
}

/// The weights of a linear crossfade over one piece: sample `i` gets
/// `(first_index + i) * step` of the voicing faded to. The index is an `i32` because every
/// vector unit converts those to floats in one instruction; 64-bit or unsigned indices would
/// be converted one lane at a time (a fade is far shorter than 2^31 samples).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FadeWeights {
    pub first_index: i32,
    pub step: f32,
}

/// `block[i] = x + from[i] + w_i * (to[i] - from[i])`: [`add_wet`] while the delayed path
/// crossfades between two voicings, with the weights `w_i` of `weights`.
#[inline(always)]
pub fn add_faded_wet(block: &mut [f32], from: &[f32], to: &[f32], weights: FadeWeights) -> u32 {
    let len = block.len();
    let (from, to) = (&from[..len], &to[..len]);
    let mut largest = 0;
    for i in 0..len {
        let weight = (weights.first_index + i as i32) as f32 * weights.step;
        let y = normal_or_zero(block[i]) + from[i] + weight * (to[i] - from[i]);
        block[i] = y;
        largest = largest.max(magnitude_bits(y));
    }
    largest
}

/// `values[i] = from + step * (first_index + i)`: a linear ramp, each value computed from
/// its index rather than from the one before. (`i32`, as in [`FadeWeights`].)
#[inline(always)]
pub fn ramp(values: &mut [f32], from: f32, step: f32, first_index: i32) {
    for (i, value) in values.iter_mut().enumerate() {
        *value = from + step * (first_index + i as i32) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: normal numbers (the smallest and largest included) pass bit for bit; zero,
    /// every kind of subnormal, infinities and NaN become +0.
    #[test]
    fn normal_or_zero_by_hand() {
        for v in [
            1.0,
            -0.25,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::MAX,
            f32::MIN,
        ] {
            assert_eq!(normal_or_zero(v).to_bits(), v.to_bits(), "{v:e}");
        }
        let smallest = f32::from_bits(1);
        let largest_subnormal = f32::from_bits(f32::MIN_POSITIVE.to_bits() - 1);
        for v in [
            0.0,
            -0.0,
            smallest,
            -smallest,
            largest_subnormal,
            -largest_subnormal,
            f32::MIN_POSITIVE / 4.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
        ] {
            assert_eq!(normal_or_zero(v).to_bits(), 0, "{v:e}");
        }
    }

    /// By hand: every finite value (zeros and subnormals included) passes bit for bit;
    /// infinities and NaN become +0.
    #[test]
    fn finite_or_zero_by_hand() {
        let smallest = f32::from_bits(1);
        for v in [
            0.0,
            -0.0,
            smallest,
            -smallest,
            f32::MIN_POSITIVE,
            1.0,
            f32::MAX,
            f32::MIN,
        ] {
            assert_eq!(finite_or_zero(v).to_bits(), v.to_bits(), "{v:e}");
        }
        for v in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN] {
            assert_eq!(finite_or_zero(v).to_bits(), 0, "{v:e}");
        }
    }
}
