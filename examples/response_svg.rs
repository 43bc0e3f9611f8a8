//! Draws the magnitude response of the comb filters as an SVG, for the README: measured from
//! an impulse through the filter kernel (the same one the plugin runs), by FFT.
//! `cargo run --example response_svg > plugin-assets/response.svg`

use primecomb::dsp::response::{ResponseAnalyzer, fft_len_for};
use primecomb::{CombCoefficients, CombMode};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const SAMPLE_RATE: f64 = 48_000.0;
const MIN_HZ: f64 = 20.0;
const MAX_HZ: f64 = 2_000.0;
const MIN_DB: f64 = -30.0;
const MAX_DB: f64 = 30.0;

fn x_of(hz: f64) -> f64 {
    WIDTH * (hz / MIN_HZ).ln() / (MAX_HZ / MIN_HZ).ln()
}

fn y_of(db: f64) -> f64 {
    HEIGHT * (MAX_DB - db.clamp(MIN_DB, MAX_DB)) / (MAX_DB - MIN_DB)
}

/// An SVG polyline of `coefficients`' measured response in dB over a log frequency axis.
fn curve(coefficients: CombCoefficients, colour: &str) -> String {
    let fft_len = fft_len_for(coefficients, 1 << 16);
    let mut analyzer = ResponseAnalyzer::new(fft_len);
    let mut db = vec![0.0; analyzer.bins()];
    analyzer.measure(coefficients, &mut db);
    let points: Vec<String> = (0..=2000)
        .map(|i| {
            let hz = MIN_HZ * (MAX_HZ / MIN_HZ).powf(f64::from(i) / 2000.0);
            let bin = (hz / SAMPLE_RATE * fft_len as f64).round() as usize;
            format!("{:.1},{:.1}", x_of(hz), y_of(f64::from(db[bin])))
        })
        .collect();
    format!(
        r#"<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{}"/>"#,
        points.join(" ")
    )
}

fn main() {
    let comb = |mode, alpha| CombCoefficients::plain(mode, 240.0, alpha);
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#111"/>"##,
        h = HEIGHT + 40.0
    );
    for db in [-30, -20, -10, 0, 10, 20, 30] {
        let y = y_of(f64::from(db));
        svg += &format!(
            r##"<line x1="0" x2="{WIDTH}" y1="{y}" y2="{y}" stroke="#333"/><text x="4" y="{}" fill="#888">{db} dB</text>"##,
            (y - 2.0).max(12.0)
        );
    }
    for hz in [50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0] {
        let x = x_of(hz);
        svg += &format!(
            r##"<line x1="{x}" x2="{x}" y1="0" y2="{HEIGHT}" stroke="#333"/><text x="{}" y="{}" fill="#888">{hz} Hz</text>"##,
            x - 40.0,
            HEIGHT + 14.0
        );
    }
    svg += &curve(comb(CombMode::FeedForward, 0.5), "#4cc9f0");
    svg += &curve(comb(CombMode::FeedBack, 0.5), "#f72585");
    svg += &curve(comb(CombMode::FeedBack, 0.9), "#ffbe0b");
    svg += &format!(
        r##"<text x="10" y="{y}" fill="#4cc9f0">feed-forward, alpha 0.5</text><text x="200" y="{y}" fill="#f72585">feed-back, alpha 0.5</text><text x="380" y="{y}" fill="#ffbe0b">feed-back, alpha 0.9</text><text x="560" y="{y}" fill="#ccc">tau 5 ms at 48 kHz</text></svg>"##,
        y = HEIGHT + 32.0
    );
    println!("{svg}");
}
