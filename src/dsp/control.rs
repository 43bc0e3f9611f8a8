//! A control signal for one block: a constant, or one value per sample while it glides.

/// The value of a control (alpha, mix, gain) for each sample of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Control<'a> {
    /// The same value for every sample: the common case, and the fast one.
    Constant(f32),
    /// `values[i]` belongs to sample `i`; at least as long as the block.
    PerSample(&'a [f32]),
}

impl<'a> Control<'a> {
    /// The value at sample `i`.
    ///
    /// # Panics
    /// If a per-sample control is shorter than `i + 1`.
    #[inline(always)]
    pub fn at(self, i: usize) -> f32 {
        match self {
            Control::Constant(value) => value,
            Control::PerSample(values) => values[i],
        }
    }

    /// Whether every sample has exactly `value`.
    pub fn is_constant(self, value: f32) -> bool {
        self == Control::Constant(value)
    }
}
