//! The music a delay can be set from: pitches and note names, and note values of a tempo.

pub mod pitch;
pub mod tempo;
