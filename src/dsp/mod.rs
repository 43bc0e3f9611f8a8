//! Host-free DSP: the delay line, the comb filter, the output stage and the whole-signal
//! library API. Nothing here knows about plugins; tests, benches and other programs use it.

pub mod comb;
pub mod control;
pub mod delay_line;
pub mod denormals;
pub mod glide;
pub mod kernels;
mod lane_shift;
pub mod offline;
pub mod output_stage;
pub mod response;
pub mod safety;
