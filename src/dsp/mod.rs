//! Host-free DSP: one streaming comb engine ([`comb`]) with its delay line, damping and
//! drive, the output stage, the one place that picks the vector unit ([`simd`]), and the
//! whole-signal library API ([`offline`]). Nothing here knows about plugins; tests, benches
//! and other programs use it.

pub mod comb;
pub mod control;
pub mod damping;
pub mod delay_line;
pub mod denormals;
pub mod glide;
pub mod kernels;
pub mod offline;
pub mod output_stage;
pub mod response;
pub mod safety;
pub mod saturation;
pub mod simd;
pub mod strip;
pub mod tuning;
