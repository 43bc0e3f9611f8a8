//! A gain pass-through as a CLAP plugin, the baseline `benches/clap_process.rs` loads beside
//! PrimeComb: `cargo build --release --example gain_passthrough` makes
//! `libgain_passthrough.so` (or `.dylib`, `.dll`), a CLAP plugin under another name.

mod plugin;

nice_plug::nice_export_clap!(plugin::GainPlugin);
