//! A virtual X display (Xvfb) for the editor tests, and what they need from it: a window to
//! embed the editor in, and screenshots.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ConnectionExt, CreateWindowAux, ImageFormat, Window as XWindow, WindowClass,
};
use x11rb::rust_connection::RustConnection;

/// An Xvfb server, stopped when dropped.
pub struct VirtualDisplay {
    server: Child,
    /// `:N`, for `DISPLAY`.
    pub name: String,
}

impl VirtualDisplay {
    /// Starts Xvfb on a free display number (Xvfb picks it and reports it).
    pub fn start() -> Self {
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts (the editor tests need it: apt-get install -y xvfb)");
        let mut line = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("Xvfb reports its display number");
        let number: u32 = line.trim().parse().expect("a display number");
        Self {
            server,
            name: format!(":{number}"),
        }
    }

    pub fn connect(&self) -> (RustConnection, usize) {
        x11rb::connect(Some(&self.name)).expect("the virtual display accepts connections")
    }

    /// The whole screen, as rows of RGB pixels.
    pub fn screenshot(&self) -> Screenshot {
        let (connection, screen) = self.connect();
        let root = connection.setup().roots[screen].root;
        let (width, height) = (1280u16, 800u16);
        let image = connection
            .get_image(ImageFormat::Z_PIXMAP, root, 0, 0, width, height, !0)
            .unwrap()
            .reply()
            .expect("the screen can be read");
        // 24-bit depth comes as 32 bits per pixel, blue green red pad (little-endian server).
        let pixels = image
            .data
            .chunks_exact(4)
            .map(|bgrx| [bgrx[2], bgrx[1], bgrx[0]])
            .collect();
        Screenshot {
            width: usize::from(width),
            height: usize::from(height),
            pixels,
        }
    }

    /// A mapped top-level window for a plugin to embed its editor in.
    pub fn parent_window(&self, connection: &RustConnection, screen: usize) -> XWindow {
        let root = &connection.setup().roots[screen];
        let window = connection.generate_id().unwrap();
        connection
            .create_window(
                root.root_depth,
                window,
                root.root,
                0,
                0,
                1100,
                700,
                0,
                WindowClass::INPUT_OUTPUT,
                root.root_visual,
                &CreateWindowAux::new().background_pixel(root.black_pixel),
            )
            .unwrap();
        connection.map_window(window).unwrap();
        connection.flush().unwrap();
        window
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

pub struct Screenshot {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<[u8; 3]>,
}

impl Screenshot {
    /// How many different colours the rectangle from (0, 0) to (`width`, `height`) holds.
    pub fn distinct_colors(&self, width: usize, height: usize) -> usize {
        let mut colors: Vec<[u8; 3]> = (0..height.min(self.height))
            .flat_map(|y| &self.pixels[y * self.width..y * self.width + width.min(self.width)])
            .copied()
            .collect();
        colors.sort_unstable();
        colors.dedup();
        colors.len()
    }

    /// How many pixels are within `tolerance` of `color` in every component.
    pub fn count_near(&self, color: [u8; 3], tolerance: u8) -> usize {
        self.pixels
            .iter()
            .filter(|p| (0..3).all(|i| p[i].abs_diff(color[i]) <= tolerance))
            .count()
    }

    /// How many pixels of the rectangle (left, top, right, bottom) `accept` accepts.
    pub fn count_in(
        &self,
        (left, top, right, bottom): (usize, usize, usize, usize),
        accept: impl Fn([u8; 3]) -> bool,
    ) -> usize {
        (top..bottom)
            .flat_map(|y| &self.pixels[y * self.width + left..y * self.width + right])
            .filter(|&&pixel| accept(pixel))
            .count()
    }

    /// Writes a binary PPM, for looking at.
    pub fn save_ppm(&self, path: &std::path::Path) {
        let mut bytes = format!("P6\n{} {}\n255\n", self.width, self.height).into_bytes();
        bytes.extend(self.pixels.iter().flatten());
        std::fs::write(path, bytes).expect("the screenshot is written");
    }
}
