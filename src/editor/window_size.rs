//! The editor window's size, kept with the plugin's saved state (a `#[persist]` field), so
//! that a session reopens the editor at the size the user left it.

use std::sync::Arc;

use nice_plug::editor::dpi::{LogicalSize, Size};
use nice_plug::params::persist::PersistentField;
use nice_plug_egui::EguiEditorState;
use serde::{Deserialize, Serialize};

use super::{DEFAULT_SIZE, MIN_SIZE};

/// The largest size a saved state may ask for, in logical pixels: beyond any screen, so a
/// corrupt state cannot ask for a window the size of a city.
const MAX_SIDE: f32 = 16_384.0;

/// A window size in logical pixels, as saved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SavedSize {
    pub width: f32,
    pub height: f32,
}

/// The editor's state, shared by the plugin (which asks whether a window is open) and every
/// window the editor opens (which reports its size), and saved as a [`SavedSize`].
pub struct EditorWindow(Arc<EguiEditorState>);

impl Default for EditorWindow {
    /// The state of an editor that opens at its default size.
    fn default() -> Self {
        let size = LogicalSize::new(DEFAULT_SIZE.0, DEFAULT_SIZE.1);
        Self(EguiEditorState::from_size(size, 1.0))
    }
}

impl EditorWindow {
    /// The state the editor's windows share.
    pub fn state(&self) -> Arc<EguiEditorState> {
        self.0.clone()
    }
}

impl<'a> PersistentField<'a, SavedSize> for EditorWindow {
    /// Restores a saved size for the next window. A size that is not finite is ignored; one
    /// outside the editor's limits is brought inside them.
    fn set(&self, saved: SavedSize) {
        if saved.width.is_finite() && saved.height.is_finite() {
            let width = saved.width.clamp(MIN_SIZE.0, MAX_SIDE);
            let height = saved.height.clamp(MIN_SIZE.1, MAX_SIDE);
            let size = LogicalSize::new(f64::from(width), f64::from(height));
            self.0.set_size(Size::Logical(size));
        }
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&SavedSize) -> R,
    {
        let size = self.0.logical_size();
        f(&SavedSize {
            width: size.width,
            height: size.height,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(window: &EditorWindow) -> SavedSize {
        window.map(|size| *size)
    }

    /// A new window is at the default size; a restored size is what the next window opens
    /// at; sizes out of the editor's limits are clamped and non-finite ones ignored.
    #[test]
    fn restores_sizes_within_limits() {
        let window = EditorWindow::default();
        let size = |width, height| SavedSize { width, height };
        assert_eq!(saved(&window), size(1100.0, 660.0));
        window.set(size(1400.0, 900.0));
        assert_eq!(saved(&window), size(1400.0, 900.0));
        assert_eq!(
            window.state().logical_size(),
            LogicalSize::new(1400.0, 900.0)
        );
        window.set(size(10.0, 1e9));
        assert_eq!(saved(&window), size(MIN_SIZE.0, MAX_SIDE));
        window.set(size(f32::NAN, 700.0));
        assert_eq!(saved(&window), size(MIN_SIZE.0, MAX_SIDE));
    }
}
