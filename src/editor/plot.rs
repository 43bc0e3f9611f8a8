//! The plot: each channel's response in dB over a log frequency axis from 20 Hz to Nyquist,
//! the live spectrum (dBFS, its own scale on the right) behind it, and a marker on the first
//! peak with its note.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke};

use super::readouts::ChannelReadout;
use super::response_curve::{ColumnRange, PlotCurves, ResponseCurve, column_ranges};
use super::spectrum::{FLOOR_DB, FRAME_SAMPLES};

const LOW_HZ: f32 = 20.0;

/// The spectrum's scale: 0 dBFS at the top.
const SPECTRUM_FLOOR_DB: f32 = -96.0;

const CHANNEL_COLORS: [Color32; 2] = [
    Color32::from_rgb(255, 170, 60),
    Color32::from_rgb(90, 200, 255),
];
const GRID: Color32 = Color32::from_gray(55);
const LABEL: Color32 = Color32::from_gray(150);

pub struct PlotData<'a> {
    pub curves: Option<&'a PlotCurves>,
    pub readouts: &'a [ChannelReadout],
    pub input_spectrum: &'a [f32],
    pub output_spectrum: &'a [f32],
    pub sample_rate: f32,
}

/// Maps frequency and level to the screen.
struct Axes {
    rect: Rect,
    high_hz: f32,
    top_db: f32,
    bottom_db: f32,
}

impl Axes {
    fn x(&self, hz: f32) -> f32 {
        let t = (hz / LOW_HZ).ln() / (self.high_hz / LOW_HZ).ln();
        self.rect.left() + self.rect.width() * t
    }

    fn y(&self, db: f32) -> f32 {
        let t = (self.top_db - db) / (self.top_db - self.bottom_db);
        self.rect.top() + self.rect.height() * unit_fraction(t)
    }

    fn spectrum_y(&self, dbfs: f32) -> f32 {
        self.rect.top() + self.rect.height() * unit_fraction(dbfs / SPECTRUM_FLOOR_DB)
    }

    fn columns(&self) -> usize {
        self.rect.width().max(1.0) as usize
    }
}

/// `t` limited to 0..=1, NaN to 1 (the bottom of the plot): egui refuses to draw NaN.
fn unit_fraction(t: f32) -> f32 {
    if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) }
}

pub fn draw(ui: &mut egui::Ui, data: PlotData) {
    let (outer, _) = ui.allocate_exact_size(ui.available_size(), egui::Sense::hover());
    let painter = ui.painter_at(outer);
    painter.rect_filled(outer, 4.0, Color32::from_gray(18));
    // Room for the axis labels: dB left, dBFS right, Hz below.
    let rect = Rect::from_min_max(
        outer.min + egui::vec2(40.0, 10.0),
        outer.max - egui::vec2(44.0, 22.0),
    );
    if rect.width() < 50.0 || rect.height() < 50.0 {
        return;
    }
    let curves = data
        .curves
        .filter(|curves| curves.request.sample_rate == data.sample_rate);
    let (top_db, bottom_db) = db_range(curves.map_or(&[][..], |c| &c.curves));
    let axes = Axes {
        rect,
        high_hz: data.sample_rate / 2.0,
        top_db,
        bottom_db,
    };
    draw_grid(&painter, &axes);
    draw_spectrum(
        &painter,
        &axes,
        data.input_spectrum,
        Color32::from_gray(70),
        false,
    );
    let output_color = Color32::from_rgba_unmultiplied(120, 220, 140, 70);
    draw_spectrum(&painter, &axes, data.output_spectrum, output_color, true);
    if let Some(curves) = curves {
        let distinct = if curves.curves.len() == 2 && curves.curves[0] == curves.curves[1] {
            1
        } else {
            curves.curves.len()
        };
        for (curve, color) in curves.curves[..distinct].iter().zip(CHANNEL_COLORS) {
            draw_curve(&painter, &axes, curve, color);
        }
        if distinct == 2 {
            for (row, (name, color)) in [("Left", CHANNEL_COLORS[0]), ("Right", CHANNEL_COLORS[1])]
                .into_iter()
                .enumerate()
            {
                painter.text(
                    Pos2::new(
                        axes.rect.left() + 4.0,
                        axes.rect.top() + 18.0 + 14.0 * row as f32,
                    ),
                    Align2::LEFT_TOP,
                    name,
                    FontId::proportional(12.0),
                    color,
                );
            }
        }
    }
    if let Some(first) = data.readouts.first() {
        draw_peak_marker(&painter, &axes, first);
    }
}

/// The dB range to show: from a little above the highest peak to a little below the deepest
/// notch, in 6 dB steps, at least +12 to -24 dB and at most 90 dB tall.
fn db_range(curves: &[ResponseCurve]) -> (f32, f32) {
    let all = curves.iter().flat_map(|curve| curve.db.iter().copied());
    let (low, high) = all.fold((0.0f32, 0.0f32), |(lo, hi), db| (lo.min(db), hi.max(db)));
    let top = ((high + 1.0) / 6.0).ceil() * 6.0;
    let top = top.max(12.0);
    let bottom = ((low - 1.0) / 6.0).floor() * 6.0;
    (top, bottom.clamp(top - 90.0, -24.0))
}

fn draw_grid(painter: &egui::Painter, axes: &Axes) {
    let font = FontId::proportional(11.0);
    let decades = [
        20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5,
    ];
    for hz in decades.into_iter().filter(|&hz| hz <= axes.high_hz) {
        let x = axes.x(hz);
        painter.line_segment(
            [
                Pos2::new(x, axes.rect.top()),
                Pos2::new(x, axes.rect.bottom()),
            ],
            Stroke::new(1.0, GRID),
        );
        let label = if hz >= 1000.0 {
            format!("{}k", hz / 1000.0)
        } else {
            format!("{hz}")
        };
        painter.text(
            Pos2::new(x, axes.rect.bottom() + 3.0),
            Align2::CENTER_TOP,
            label,
            font.clone(),
            LABEL,
        );
    }
    let step = if axes.top_db - axes.bottom_db > 48.0 {
        12.0
    } else {
        6.0
    };
    let mut db = axes.top_db;
    while db >= axes.bottom_db {
        let y = axes.y(db);
        let stroke = if db == 0.0 {
            Stroke::new(1.0, Color32::from_gray(95))
        } else {
            Stroke::new(1.0, GRID)
        };
        painter.line_segment(
            [
                Pos2::new(axes.rect.left(), y),
                Pos2::new(axes.rect.right(), y),
            ],
            stroke,
        );
        painter.text(
            Pos2::new(axes.rect.left() - 4.0, y),
            Align2::RIGHT_CENTER,
            format!("{db:+.0}"),
            font.clone(),
            LABEL,
        );
        db -= step;
    }
    for dbfs in [0.0, -24.0, -48.0, -72.0, -96.0] {
        painter.text(
            Pos2::new(axes.rect.right() + 4.0, axes.spectrum_y(dbfs)),
            Align2::LEFT_CENTER,
            format!("{dbfs:.0}"),
            font.clone(),
            Color32::from_rgb(100, 170, 110),
        );
    }
    painter.text(
        Pos2::new(axes.rect.left() + 4.0, axes.rect.top() + 2.0),
        Align2::LEFT_TOP,
        "response dB",
        font.clone(),
        LABEL,
    );
    painter.text(
        Pos2::new(axes.rect.right() - 4.0, axes.rect.top() + 2.0),
        Align2::RIGHT_TOP,
        "spectrum dBFS",
        font,
        Color32::from_rgb(100, 170, 110),
    );
}

/// The spectrum, one column of the plot at a time (the loudest bin in the column), filled
/// down to the floor or drawn as a line.
fn draw_spectrum(painter: &egui::Painter, axes: &Axes, db: &[f32], color: Color32, filled: bool) {
    let hz_per_bin = axes.high_hz * 2.0 / FRAME_SAMPLES as f32;
    let columns = column_ranges(db, hz_per_bin, LOW_HZ, axes.high_hz, axes.columns());
    let x0 = axes.rect.left();
    if filled {
        for (c, range) in columns.iter().enumerate() {
            if range.max_db > FLOOR_DB {
                let x = x0 + c as f32 + 0.5;
                painter.line_segment(
                    [
                        Pos2::new(x, axes.spectrum_y(range.max_db)),
                        Pos2::new(x, axes.rect.bottom()),
                    ],
                    Stroke::new(1.0, color),
                );
            }
        }
    } else {
        let points = columns
            .iter()
            .enumerate()
            .map(|(c, range)| Pos2::new(x0 + c as f32 + 0.5, axes.spectrum_y(range.max_db)))
            .collect();
        painter.line(points, Stroke::new(1.0, color));
    }
}

/// A response curve: where a column holds many peaks and notches, the band between them is
/// shaded; the top of the curve is drawn as a line.
fn draw_curve(painter: &egui::Painter, axes: &Axes, curve: &ResponseCurve, color: Color32) {
    let columns: Vec<ColumnRange> = curve.columns(LOW_HZ, axes.high_hz, axes.columns());
    let band = color.gamma_multiply(0.35);
    let x0 = axes.rect.left();
    for (c, range) in columns.iter().enumerate() {
        let (top, bottom) = (axes.y(range.max_db), axes.y(range.min_db));
        if bottom - top > 1.5 {
            let x = x0 + c as f32 + 0.5;
            painter.line_segment(
                [Pos2::new(x, top), Pos2::new(x, bottom)],
                Stroke::new(1.0, band),
            );
        }
    }
    let line = columns
        .iter()
        .enumerate()
        .map(|(c, range)| Pos2::new(x0 + c as f32 + 0.5, axes.y(range.max_db)))
        .collect();
    painter.line(line, Stroke::new(1.5, color));
}

/// A dashed line at the first peak, labelled with its frequency and note.
fn draw_peak_marker(painter: &egui::Painter, axes: &Axes, readout: &ChannelReadout) {
    let hz = readout.first_peak_hz;
    if !(LOW_HZ..=axes.high_hz).contains(&hz) {
        return;
    }
    let x = axes.x(hz);
    let color = Color32::from_rgb(240, 240, 140);
    painter.add(egui::Shape::dashed_line(
        &[
            Pos2::new(x, axes.rect.top()),
            Pos2::new(x, axes.rect.bottom()),
        ],
        Stroke::new(1.0, color),
        4.0,
        4.0,
    ));
    let text = format!("{hz:.1} Hz  {}", readout.note);
    let (anchor, offset) = if x > axes.rect.center().x {
        (Align2::RIGHT_TOP, -6.0)
    } else {
        (Align2::LEFT_TOP, 6.0)
    };
    painter.text(
        Pos2::new(x + offset, axes.rect.top() + 18.0),
        anchor,
        text,
        FontId::proportional(13.0),
        color,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_always_on_the_plot() {
        let axes = Axes {
            rect: Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(100.0, 100.0)),
            high_hz: 24_000.0,
            top_db: 12.0,
            bottom_db: -24.0,
        };
        for db in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -1e30] {
            assert!((0.0..=100.0).contains(&axes.y(db)), "{db}");
            assert!((0.0..=100.0).contains(&axes.spectrum_y(db)), "{db}");
        }
        assert_eq!(axes.y(12.0), 0.0);
        assert_eq!(axes.y(-6.0), 50.0);
        assert_eq!(axes.spectrum_y(-48.0), 50.0);
        assert!((axes.x(20.0) - 0.0).abs() < 1e-4 && (axes.x(24_000.0) - 100.0).abs() < 1e-3);
    }

    #[test]
    fn db_range_fits_peaks_and_notches_in_6_db_steps() {
        let curve = |db: Vec<f32>| ResponseCurve {
            hz_per_bin: 1.0,
            db,
        };
        assert_eq!(db_range(&[]), (12.0, -24.0));
        assert_eq!(db_range(&[curve(vec![3.5, -6.0])]), (12.0, -24.0));
        assert_eq!(db_range(&[curve(vec![20.0, -40.0])]), (24.0, -42.0));
        assert_eq!(db_range(&[curve(vec![60.0, -200.0])]), (66.0, -24.0));
    }
}
