//! `cargo xtask bundle primecomb --release`: builds the CLAP and VST3 bundles.

fn main() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::main()
}
