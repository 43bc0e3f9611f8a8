//! Flush-to-zero while a kernel runs. A feed-back tail decays through the denormal range, where
//! x86 arithmetic is many times slower; with FTZ and DAZ set such values become 0 instead,
//! which is inaudible (they are below -750 dBFS). The plugin gets flush-to-zero from nice-plug
//! in `process()` and takes subnormal input as zero itself (`kernels::normal_or_zero`); the
//! library functions set both modes themselves, once a call.

/// Sets FTZ and DAZ on this thread until dropped, then restores the previous state.
pub struct FlushDenormals {
    #[cfg(target_arch = "x86_64")]
    previous_mxcsr: u32,
}

#[cfg(target_arch = "x86_64")]
impl FlushDenormals {
    /// MXCSR bit 15 (flush to zero) and bit 6 (denormals are zero).
    const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);

    pub fn new() -> Self {
        let mut previous_mxcsr = 0u32;
        // SAFETY: `stmxcsr` stores the SSE control register into the u32 it points to;
        // SSE is part of x86-64.
        unsafe { std::arch::asm!("stmxcsr [{}]", in(reg) &mut previous_mxcsr) };
        let flushing = previous_mxcsr | Self::FTZ_DAZ;
        // SAFETY: `ldmxcsr` loads a value read from the register with two mode bits set,
        // which changes only how denormals are treated.
        unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &flushing) };
        Self { previous_mxcsr }
    }
}

#[cfg(target_arch = "x86_64")]
impl Drop for FlushDenormals {
    fn drop(&mut self) {
        // SAFETY: restores the exact value `new` read.
        unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &self.previous_mxcsr) };
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl FlushDenormals {
    /// Elsewhere a no-op: the kernels are correct either way, only slower on denormals.
    pub fn new() -> Self {
        Self {}
    }
}

impl Default for FlushDenormals {
    fn default() -> Self {
        Self::new()
    }
}
