//! Moving rows with the terminal's scroll region instead of rewriting them.
//!
//! When a list moves by a few rows (a `j` at the bottom edge, the mouse wheel), most of
//! the new frame is the previous one shifted. [`Renderer::draw`] finds the band of rows
//! and the shift that save the most cells, tells the terminal to move that band
//! (DECSTBM `ESC[top;bottom r`, then SU `ESC[n S` or SD `ESC[n T`, then `ESC[r` to reset
//! the region), and lets ratatui diff the new frame against the previous frame *as the
//! terminal now shows it*, so only the rows that really changed are written. On a slow
//! SSH link a one-row scroll then costs one row, not the whole list.
//!
//! Scroll regions are full-width, so this only suits a full-screen viewport. Where
//! the terminal may not support them (see [`supported_by`]) or the user turned them
//! off (`scroll_regions = false`), every frame is drawn by ratatui's plain diff.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::Modifier;

/// The most rows one frame may scroll by: beyond a few rows (a page down, a jump) the
/// list has changed rather than moved, and looking further costs time for nothing.
const MOST_ROWS: u16 = 12;

/// What moving a band costs besides its new rows, in cells (a cell costs a byte or
/// more): the three escape sequences, about 15 bytes.
const MOVE_COST: usize = 16;

/// Terminals (by the start of `TERM`) known to support DECSTBM with SU and SD: xterm
/// and the many terminals that say they are one, tmux and GNU screen, and the common
/// emulators that name themselves. The Linux console and `dumb` are not among them.
const SUPPORTED: [&str; 18] = [
    "xterm",
    "screen",
    "tmux",
    "rxvt",
    "alacritty",
    "kitty",
    "foot",
    "wezterm",
    "vte",
    "gnome",
    "konsole",
    "st-",
    "putty",
    "contour",
    "ghostty",
    "iterm",
    "ms-terminal",
    "mintty",
];

/// Whether the terminal named `term` (the `TERM` variable) is known to support scroll
/// regions. Unknown terminals get the plain diff: it is always correct, only longer.
pub fn supported_by(term: Option<&str>) -> bool {
    term.is_some_and(|term| term == "st" || SUPPORTED.iter().any(|name| term.starts_with(name)))
}

/// A band of rows moved by the terminal: rows `top..=bottom` (of the screen, from 0)
/// move up by `rows` when `rows` is positive (SU: what was below comes up, blank rows
/// enter at the bottom), down by `-rows` when it is negative (SD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    /// The first row of the band.
    pub top: u16,
    /// The last row of the band.
    pub bottom: u16,
    /// How far the band moves: up when positive, down when negative.
    pub rows: i16,
}

impl Scroll {
    /// Finds the band and shift that turn most of `shown` (what the screen shows) into
    /// `next` (the frame to draw), if moving it saves more than it costs. Both buffers
    /// must cover the same area.
    pub fn between(shown: &Buffer, next: &Buffer) -> Option<Self> {
        if shown.area != next.area || next.area.height < 2 {
            return None;
        }
        let width = usize::from(next.area.width);
        let height = usize::from(next.area.height);
        let row = |buffer, y| row_of(buffer, width, y);
        let differ = |a: &[Cell], b: &[Cell]| a.iter().zip(b).filter(|(a, b)| a != b).count();
        // What each row costs if left where it is, and if it enters blank.
        let plain: Vec<usize> = (0..height)
            .map(|y| differ(row(shown, y), row(next, y)))
            .collect();
        if plain.iter().all(|&cost| cost == 0) {
            return None;
        }
        let blank: Vec<usize> = (0..height)
            .map(|y| row(next, y).iter().filter(|c| **c != Cell::EMPTY).count())
            .collect();
        let mut best: Option<(usize, Self)> = None;
        for rows in candidates(shown, next, &plain) {
            let shifted: Vec<Option<usize>> = (0..height)
                .map(|y| {
                    let from = y.checked_add_signed(isize::from(rows))?;
                    (from < height).then(|| differ(row(shown, from), row(next, y)))
                })
                .collect();
            if let Some((saved, scroll)) = best_band(rows, &plain, &blank, &shifted)
                && saved > MOVE_COST
                && best.is_none_or(|(most, _)| saved > most)
            {
                best = Some((saved, scroll));
            }
        }
        best.map(|(_, scroll)| scroll)
    }

    /// Writes the escape sequences that move the band (and reset the region after).
    ///
    /// # Errors
    /// The writer's.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let command = if self.rows > 0 { 'S' } else { 'T' };
        let count = self.rows.unsigned_abs();
        // The rows that enter take the current background: ratatui leaves the colours
        // reset after every frame, so they enter blank.
        write!(out, "\x1b[{};{}r", self.top + 1, self.bottom + 1)?;
        if count == 1 {
            write!(out, "\x1b[{command}")?;
        } else {
            write!(out, "\x1b[{count}{command}")?;
        }
        write!(out, "\x1b[r")
    }

    /// Does to `buffer` what [`Scroll::write`] does to the screen: the band's rows move,
    /// and those that enter are blank.
    pub fn apply(&self, buffer: &mut Buffer) {
        let width = usize::from(buffer.area.width);
        let top = usize::from(self.top) * width;
        let end = (usize::from(self.bottom) + 1) * width;
        let moved = usize::from(self.rows.unsigned_abs()) * width;
        let band = &mut buffer.content[top..end];
        if self.rows > 0 {
            band.rotate_left(moved);
            let len = band.len();
            band[len - moved..].fill(Cell::EMPTY);
        } else {
            band.rotate_right(moved);
            band[..moved].fill(Cell::EMPTY);
        }
    }
}

/// Row `y` of `buffer`, whose rows are `width` cells.
fn row_of(buffer: &Buffer, width: usize, y: usize) -> &[Cell] {
    &buffer.content[y * width..(y + 1) * width]
}

/// The shifts worth trying: those under which some changed row of `next` is found,
/// unchanged, elsewhere in `shown` (up to [`MOST_ROWS`] away), most often first.
fn candidates(shown: &Buffer, next: &Buffer, plain: &[usize]) -> Vec<i16> {
    let width = usize::from(next.area.width);
    let state = std::hash::RandomState::new();
    let hash = |cells: &[Cell]| state.hash_one(cells);
    let mut rows_of: HashMap<u64, Vec<usize>> = HashMap::new();
    for (y, cells) in shown.content.chunks(width).enumerate() {
        rows_of.entry(hash(cells)).or_default().push(y);
    }
    let mut votes: HashMap<i16, usize> = HashMap::new();
    for (y, cells) in next.content.chunks(width).enumerate() {
        if plain[y] == 0 {
            continue;
        }
        for &from in rows_of.get(&hash(cells)).into_iter().flatten() {
            let rows = if from >= y {
                i16::try_from(from - y)
            } else {
                i16::try_from(y - from).map(|rows| -rows)
            };
            if let Ok(rows) = rows
                && rows != 0
                && rows.unsigned_abs() <= MOST_ROWS
            {
                *votes.entry(rows).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(i16, usize)> = votes.into_iter().collect();
    ranked.sort_unstable_by_key(|&(rows, count)| (std::cmp::Reverse(count), rows.unsigned_abs()));
    ranked.into_iter().take(4).map(|(rows, _)| rows).collect()
}

/// The band that saves most for a shift of `rows`, with the cells it saves. `plain[y]`
/// is what row `y` costs in place, `blank[y]` what it costs entering blank and
/// `shifted[y]` what it costs brought from `y + rows` (`None` off the screen).
fn best_band(
    rows: i16,
    plain: &[usize],
    blank: &[usize],
    shifted: &[Option<usize>],
) -> Option<(usize, Scroll)> {
    let height = plain.len();
    let count = usize::from(rows.unsigned_abs());
    if count >= height {
        return None;
    }
    // Savings per row (may be negative), as prefix sums. A row with no source is never
    // summed: no band brings a row from off the screen.
    let gain = |cost: Option<usize>, y: usize| {
        cost.map_or(0, |cost| {
            i64::try_from(plain[y]).unwrap_or(0) - i64::try_from(cost).unwrap_or(0)
        })
    };
    let sums = |f: &dyn Fn(usize) -> i64| -> Vec<i64> {
        std::iter::once(0)
            .chain((0..height).scan(0, |sum, y| {
                *sum += f(y);
                Some(*sum)
            }))
            .collect()
    };
    let moved = sums(&|y| gain(shifted[y], y));
    let entered = sums(&|y| gain(Some(blank[y]), y));
    let mut best: Option<(i64, usize, usize)> = None;
    if rows > 0 {
        // Up: rows top..=bottom-count come from below, bottom-count+1..=bottom enter.
        let mut lowest = (i64::MAX, 0);
        for bottom in count..height {
            let top_limit = bottom - count;
            if moved[top_limit] < lowest.0 {
                lowest = (moved[top_limit], top_limit);
            }
            let split = bottom - count + 1;
            let saved = moved[split] - lowest.0 + entered[bottom + 1] - entered[split];
            if best.is_none_or(|(most, ..)| saved > most) {
                best = Some((saved, lowest.1, bottom));
            }
        }
    } else {
        // Down: rows top..top+count enter, top+count..=bottom come from above.
        let mut highest = (i64::MIN, 0);
        for top in (0..height - count).rev() {
            let bottom = top + count;
            if moved[bottom + 1] > highest.0 {
                highest = (moved[bottom + 1], bottom);
            }
            let split = top + count;
            let saved = entered[split] - entered[top] + highest.0 - moved[split];
            if best.is_none_or(|(most, ..)| saved > most) {
                best = Some((saved, top, highest.1));
            }
        }
    }
    let (saved, top, bottom) = best?;
    Some((
        usize::try_from(saved).ok()?,
        Scroll {
            top: u16::try_from(top).ok()?,
            bottom: u16::try_from(bottom).ok()?,
            rows,
        },
    ))
}

/// Marks as changed, in `base` (the screen before the frame), the unchanged cells
/// between two changed cells of a row where writing them costs fewer bytes than the
/// cursor move ratatui would write to skip them: single-byte cells in the style of the
/// changed cell before them, so no colour changes either.
fn bridge_gaps(base: &mut Buffer, next: &Buffer) {
    let width = usize::from(next.area.width);
    for (y, (row, new)) in base
        .content
        .chunks_mut(width)
        .zip(next.content.chunks(width))
        .enumerate()
    {
        let mut last: Option<usize> = None;
        for x in 0..width {
            if row[x] == new[x] {
                continue;
            }
            if let Some(last) = last {
                let gap = last + 1..x;
                // ESC [ row ; column H
                let cursor_move = 4 + digits(y + 1) + digits(x + 1);
                let style = new[last].style();
                if !gap.is_empty()
                    && gap.len() < cursor_move
                    && new[last].symbol().len() == 1
                    && new[gap.clone()]
                        .iter()
                        .all(|cell| cell.symbol().len() == 1 && cell.style() == style)
                {
                    for (cell, new) in row[gap.clone()].iter_mut().zip(&new[gap]) {
                        // Any cell unlike the new one will do; the frame writes it over.
                        cell.clone_from(new);
                        cell.modifier.toggle(Modifier::HIDDEN);
                    }
                }
            }
            last = Some(x);
        }
    }
}

/// How many decimal digits `n` has.
fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Draws frames on a full-screen terminal, moving rows with the scroll region where
/// that writes less. It remembers the last frame drawn: call [`Renderer::forget`]
/// whenever the screen is cleared or written to behind its back.
#[derive(Debug, Default)]
pub struct Renderer {
    scrolls: bool,
    shown: Option<Buffer>,
}

impl Renderer {
    /// A renderer that uses scroll regions if `scrolls`, else ratatui's plain diff.
    pub fn new(scrolls: bool) -> Self {
        Self {
            scrolls,
            shown: None,
        }
    }

    /// Renders a frame with `render` and draws it on `terminal`, with the cursor hidden.
    /// The caller flushes the backend.
    ///
    /// # Errors
    /// The backend's.
    pub fn draw<B>(
        &mut self,
        terminal: &mut Terminal<B>,
        render: impl FnOnce(&mut ratatui::Frame),
    ) -> io::Result<()>
    where
        B: Backend<Error = io::Error> + Write,
    {
        terminal.autoresize()?;
        let mut frame = terminal.get_frame();
        render(&mut frame);
        if self.scrolls
            && let Some(shown) = &self.shown
            && shown.area == terminal.current_buffer_mut().area
        {
            // ratatui diffs against its previous buffer, which only `swap_buffers`
            // reaches: put the screen as it will be in the current one and swap it in.
            let next = std::mem::take(terminal.current_buffer_mut());
            let mut base = shown.clone();
            if let Some(scroll) = Scroll::between(shown, &next) {
                scroll.write(terminal.backend_mut())?;
                scroll.apply(&mut base);
            }
            bridge_gaps(&mut base, &next);
            *terminal.current_buffer_mut() = base;
            terminal.swap_buffers();
            *terminal.current_buffer_mut() = next;
        }
        let done = terminal.apply_buffer()?;
        match &mut self.shown {
            Some(shown) => shown.clone_from(done.buffer),
            None => self.shown = Some(done.buffer.clone()),
        }
        Ok(())
    }

    /// The screen was cleared (or resized, or drawn on by someone else): the next frame
    /// is drawn without scrolling.
    pub fn forget(&mut self) {
        self.shown = None;
    }
}
