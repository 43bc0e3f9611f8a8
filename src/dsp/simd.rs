//! The one place that chooses the vector unit: once per block (or per whole-signal call),
//! never per kernel.
//!
//! The kernels in [`super::kernels`] are plain loops, marked `#[inline(always)]`; run inside
//! [`VectorUnit::run`] (as a [`VectorWork`]), the whole block (comb, output stage, limiter) is
//! compiled again for that unit and the loops vectorise to its width. `pulp` does the dispatch: it is the crate
//! made for exactly this (run-time detection, and a safe `#[target_feature]` trampoline that
//! the caller's code is inlined into), and unlike `multiversion`'s attribute, its levels are
//! values that can be asked for by name, so tests and benchmarks can force each one.
//!
//! Results are bit-identical whichever unit runs: Rust never fuses `a * b + c` into an FMA
//! on its own, and division and square root are exact in every unit, so the vector and
//! scalar code round the same way.

use std::fmt;

use pulp::Arch;

/// A vector unit the DSP can be compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimdLevel {
    /// What the target always has: SSE2 on x86-64, NEON on aarch64 (Apple Silicon).
    Portable,
    /// x86-64-v3: AVX2 and FMA (most desktop CPUs since 2013).
    Avx2,
    /// x86-64-v4: AVX-512 F/BW/CD/DQ/VL (server CPUs, recent desktop AMD).
    Avx512,
}

impl SimdLevel {
    /// Every level, slowest first.
    pub const ALL: [SimdLevel; 3] = [SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512];

    /// The name benchmark reports use.
    pub fn name(self) -> &'static str {
        match self {
            SimdLevel::Portable if cfg!(target_arch = "x86_64") => "SSE2",
            SimdLevel::Portable if cfg!(target_arch = "aarch64") => "NEON",
            SimdLevel::Portable => "portable",
            SimdLevel::Avx2 => "AVX2",
            SimdLevel::Avx512 => "AVX-512",
        }
    }
}

impl fmt::Display for SimdLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A vector unit this CPU has, ready to run code on.
#[derive(Debug, Clone, Copy)]
pub struct VectorUnit {
    arch: Arch,
}

impl VectorUnit {
    /// The widest unit this CPU has. Detection costs a few CPUID reads: call it when a comb
    /// is made, not per block.
    pub fn best() -> Self {
        SimdLevel::ALL
            .into_iter()
            .rev()
            .find_map(Self::forced)
            .unwrap_or(Self { arch: Arch::Scalar })
    }

    /// The unit the environment variable `PRIMECOMB_SIMD` names (`sse2` or `portable`,
    /// `avx2`, `avx512`), if it names one this CPU has; else the [`best`](Self::best). For
    /// comparing the units in a host, and for working round a CPU whose wide unit is slow.
    pub fn from_environment() -> Self {
        let level = match std::env::var("PRIMECOMB_SIMD").as_deref() {
            Ok("sse2" | "portable" | "neon") => Some(SimdLevel::Portable),
            Ok("avx2") => Some(SimdLevel::Avx2),
            Ok("avx512") => Some(SimdLevel::Avx512),
            _ => None,
        };
        level.and_then(Self::forced).unwrap_or_else(Self::best)
    }

    /// The unit `level`, if this CPU has it.
    pub fn forced(level: SimdLevel) -> Option<Self> {
        let arch = match level {
            SimdLevel::Portable => Some(Arch::Scalar),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx2 => pulp::x86::V3::try_new().map(Arch::V3),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx512 => pulp::x86::V4::try_new().map(Arch::V4),
            #[cfg(not(target_arch = "x86_64"))]
            _ => None,
        };
        arch.map(|arch| Self { arch })
    }

    /// Every level this CPU has, slowest first.
    pub fn available() -> Vec<SimdLevel> {
        SimdLevel::ALL
            .into_iter()
            .filter(|&level| Self::forced(level).is_some())
            .collect()
    }

    /// Which unit this is.
    pub fn level(self) -> SimdLevel {
        match self.arch {
            #[cfg(target_arch = "x86_64")]
            Arch::V4(_) => SimdLevel::Avx512,
            #[cfg(target_arch = "x86_64")]
            Arch::V3(_) => SimdLevel::Avx2,
            _ => SimdLevel::Portable,
        }
    }

    /// Runs `work` compiled for this unit.
    #[inline(always)]
    pub fn run<W: VectorWork>(self, work: W) -> W::Output {
        self.arch.dispatch(Trampoline(work))
    }
}

/// Work to compile for a vector unit and run on it ([`VectorUnit::run`]).
///
/// Implementations must mark [`run`](Self::run) `#[inline(always)]`, and so must everything
/// it calls that should vectorise: that is what puts the code inside the function compiled
/// for the unit. (A closure would not do: it is compiled on its own, for the baseline, and
/// called, so nothing in it would use the wider unit.)
pub trait VectorWork {
    type Output;
    fn run(self) -> Self::Output;
}

/// What pulp calls inside the function it compiles for the unit.
struct Trampoline<W>(W);

impl<W: VectorWork> pulp::NullaryFnOnce for Trampoline<W> {
    type Output = W::Output;

    #[inline(always)]
    fn call(self) -> W::Output {
        self.0.run()
    }
}

impl Default for VectorUnit {
    fn default() -> Self {
        Self::best()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The portable level is everywhere; the best is one of those available, and is the
    /// widest of them; a level is reported as what it was forced to.
    #[test]
    fn levels_are_what_they_say() {
        let available = VectorUnit::available();
        assert_eq!(available[0], SimdLevel::Portable);
        assert_eq!(VectorUnit::best().level(), *available.last().unwrap());
        for level in available {
            assert_eq!(VectorUnit::forced(level).unwrap().level(), level);
        }
    }
}
