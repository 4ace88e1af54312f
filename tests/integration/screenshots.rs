//! `screenshots/`: one SVG per view, rendered in colour from the same code as the
//! screen, on the demo data with a fixed today. `UPDATE_SCREENSHOTS=1 cargo test
//! screenshots` writes them; otherwise this test fails when they are out of date, so
//! the README never shows a screen the code no longer draws.

use std::fmt::Write as _;

use caseload::app::{App, View};
use caseload::ui::{self, theme::Theme};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::common::demo_store;
use crate::ui::{app_for, press};

const CELL_WIDTH: f32 = 8.4;
const CELL_HEIGHT: f32 = 17.0;
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#c5c8c6";

/// The 16 ANSI colours as a common dark terminal palette draws them.
fn hex(colour: Color) -> Option<&'static str> {
    Some(match colour {
        Color::Black => "#1d1f21",
        Color::Red => "#cc6666",
        Color::Green => "#b5bd68",
        Color::Yellow => "#f0c674",
        Color::Blue => "#81a2be",
        Color::Magenta => "#b294bb",
        Color::Cyan => "#8abeb7",
        Color::Gray => "#c5c8c6",
        Color::DarkGray => "#767876",
        Color::LightRed => "#d54e53",
        Color::LightGreen => "#b9ca4a",
        Color::LightYellow => "#e7c547",
        Color::LightBlue => "#7aa6da",
        Color::LightMagenta => "#c397d8",
        Color::LightCyan => "#70c0b1",
        Color::White => "#eaeaea",
        _ => return None,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Foreground and (if any) background of a cell, with reverse video applied.
fn colours(cell: &ratatui::buffer::Cell) -> (&'static str, Option<&'static str>) {
    let (fg, bg) = (hex(cell.fg).unwrap_or(FOREGROUND), hex(cell.bg));
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg.unwrap_or(BACKGROUND), Some(fg))
    } else {
        (fg, bg)
    }
}

/// Turns a rendered buffer into an SVG: one `<rect>` per background run and one
/// `<text>` per run of equally styled cells.
fn svg(buffer: &Buffer) -> String {
    let area = buffer.area;
    let (width, height) = (
        f32::from(area.width) * CELL_WIDTH,
        f32::from(area.height) * CELL_HEIGHT,
    );
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{BACKGROUND}\"/>\n"
    );
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buffer[(x, y)];
            let (fg, bg) = colours(cell);
            let style = (fg, bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let next = &buffer[(x, y)];
                let (fg, bg) = colours(next);
                if (fg, bg, next.modifier) != style {
                    break;
                }
                text.push_str(next.symbol());
                x += 1;
            }
            let (px, py) = (f32::from(start) * CELL_WIDTH, f32::from(y) * CELL_HEIGHT);
            let run = f32::from(x - start) * CELL_WIDTH;
            if let Some(bg) = bg {
                let _ = writeln!(
                    out,
                    "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{run:.1}\" height=\"{CELL_HEIGHT}\" fill=\"{bg}\"/>"
                );
            }
            if !text.trim().is_empty() {
                let weight = if style.2.contains(Modifier::BOLD) {
                    " font-weight=\"bold\""
                } else {
                    ""
                };
                let underline = if style.2.contains(Modifier::UNDERLINED) {
                    " text-decoration=\"underline\""
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "<text x=\"{px:.1}\" y=\"{:.1}\" fill=\"{fg}\"{weight}{underline} xml:space=\"preserve\" textLength=\"{run:.1}\">{}</text>",
                    py + CELL_HEIGHT - 4.0,
                    escape(&text)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size().0, app.size().1)).unwrap();
    terminal
        .draw(|f| ui::render(f, app, &crate::ui::ctx(Theme::COLOUR)))
        .unwrap();
    svg(terminal.backend().buffer())
}

#[test]
fn screenshots_match_the_screens() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (100, 30));
    let mut shots: Vec<(String, String)> = Vec::new();
    for (key, view) in ['1', '2', '3', '4', '5', '6', '7']
        .into_iter()
        .zip(View::TABS)
    {
        press(&mut store, &mut app, &[KeyCode::Char(key)]);
        shots.push((
            view.title().to_lowercase().replace([' ', '-'], "_"),
            render(&app),
        ));
    }
    // The lead's own area's workers.
    press(&mut store, &mut app, &[KeyCode::Char('2')]);
    let own = app.session().worker.as_ref().and_then(|w| w.area_id);
    let at = app.data().areas.iter().position(|a| Some(a.area.id) == own);
    for _ in 0..at.unwrap() {
        press(&mut store, &mut app, &[KeyCode::Down]);
    }
    press(&mut store, &mut app, &[KeyCode::Enter]);
    shots.push(("workers".to_owned(), render(&app)));
    press(&mut store, &mut app, &[KeyCode::Char('3'), KeyCode::Enter]);
    shots.push(("client".to_owned(), render(&app)));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Esc, KeyCode::Char('1'), KeyCode::Char('e')],
    );
    shots.push(("today_explain".to_owned(), render(&app)));

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let update = std::env::var_os("UPDATE_SCREENSHOTS").is_some();
    for (name, image) in shots {
        let path = dir.join(format!("{name}.svg"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &image).unwrap();
        } else {
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == image,
                "{} is out of date: run `UPDATE_SCREENSHOTS=1 cargo test screenshots`",
                path.display()
            );
        }
    }
}
