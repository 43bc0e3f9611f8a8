//! The test harness: the library's [`OfflineHost`] with allocation in `process()` forbidden
//! (an allocation aborts the test process in debug builds), and whole-signal helpers.

use std::ops::{Deref, DerefMut};

use nice_plug::prelude::*;
use primecomb::PrimeComb;
use primecomb::offline_host::OfflineHost;

/// The harness for PrimeComb.
pub type Harness = PluginHarness<PrimeComb>;

/// A plugin in an [`OfflineHost`], processed under the allocation guard.
pub struct PluginHarness<P: Plugin>(OfflineHost<P>);

impl<P: Plugin> Deref for PluginHarness<P> {
    type Target = OfflineHost<P>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<P: Plugin> DerefMut for PluginHarness<P> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<P: Plugin> PluginHarness<P> {
    /// A plugin activated at `sample_rate` with `channels` channels and blocks of at most
    /// `max_block` samples, its parameters at their defaults.
    pub fn new(sample_rate: f32, channels: u32, max_block: usize) -> Self {
        Self(OfflineHost::new(sample_rate, channels, max_block).expect("the plugin activates"))
    }

    /// Processes one block in place with allocation forbidden.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) -> ProcessStatus {
        let host = &mut self.0;
        nice_assert_no_alloc::assert_no_alloc(|| host.process(channels))
    }

    /// Processes whole signals (one per channel) split into blocks of the given sizes
    /// (repeated cyclically), and returns the output.
    pub fn run(&mut self, input: &[Vec<f32>], block_sizes: &[usize]) -> Vec<Vec<f32>> {
        let mut output = input.to_vec();
        let len = input[0].len();
        let mut start = 0;
        for &size in block_sizes.iter().cycle() {
            if start >= len {
                break;
            }
            let end = (start + size).min(len);
            let mut blocks: Vec<&mut [f32]> =
                output.iter_mut().map(|c| &mut c[start..end]).collect();
            self.process(&mut blocks);
            start = end;
        }
        output
    }
}
