//! Frame comparison: the loop renders off screen first and writes to the terminal only
//! when the frame differs from the last one written.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::app::App;
use crate::ui::{self, Ctx};

/// Renders off screen and compares with the last frame drawn, so an idle session (or
/// a tick that changes nothing visible) writes no bytes at all to a slow link. Each
/// frame that changed is therefore rendered twice: here, and on the terminal.
pub struct FrameCheck {
    scratch: Terminal<TestBackend>,
    last: Option<Buffer>,
}

impl FrameCheck {
    /// A check for a terminal of `size` (columns, rows) that has drawn nothing yet.
    pub fn new(size: (u16, u16)) -> Self {
        Self {
            scratch: Self::terminal(size),
            last: None,
        }
    }

    fn terminal(size: (u16, u16)) -> Terminal<TestBackend> {
        let Ok(terminal) = Terminal::new(TestBackend::new(size.0, size.1));
        terminal
    }

    /// Whether the app would draw something different from the last frame.
    pub fn changed(&mut self, app: &App, ctx: &Ctx) -> bool {
        let Ok(size) = self.scratch.size();
        if (size.width, size.height) != app.size() {
            self.scratch = Self::terminal(app.size());
            self.last = None;
        }
        let Ok(_) = self.scratch.draw(|frame| ui::render(frame, app, ctx));
        let buffer = self.scratch.backend().buffer().clone();
        let changed = self.last.as_ref() != Some(&buffer);
        self.last = Some(buffer);
        changed
    }

    /// The screen was cleared: the next frame must be drawn in full.
    pub fn forget(&mut self) {
        self.last = None;
    }
}
