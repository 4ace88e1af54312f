//! The bytes a terminal sends for keys and the mouse, decoded into crossterm's events
//! as crossterm's own reader decodes them. We read the terminal ourselves (see
//! `terminal.rs`: crossterm's reader spins for ever once its terminal hangs up), so
//! this is the one place that knows the escape sequences: xterm's and VT220's keys
//! (cursor, Home/End, PgUp/PgDn, Insert/Delete, F1-F20, with modifiers), control and
//! Alt combinations, UTF-8 text, and the mouse reports `EnableMouseCapture` asks for
//! (SGR, rxvt and X10).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// The longest escape sequence kept while waiting for the rest of it; anything longer
/// is no key a terminal sends, and is dropped.
const LONGEST_SEQUENCE: usize = 64;

/// Turns the bytes read from the terminal into events, keeping a sequence cut between
/// two reads until its rest arrives.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

/// What the bytes at the start of the buffer are.
enum Step {
    /// `len` bytes make one event, or (`None`) a sequence we do not use.
    Done(Option<Event>, usize),
    /// The start of a sequence whose rest has not arrived.
    Incomplete,
}

impl Decoder {
    /// Decodes `bytes`, just read, into the events they complete. `more` says the read
    /// filled its buffer, so the next bytes may already be there: an Esc at the end is
    /// then taken as the start of a sequence rather than the Esc key.
    pub fn feed(&mut self, bytes: &[u8], more: bool) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut start = 0;
        while start < self.pending.len() {
            match decode(&self.pending[start..], more) {
                Step::Done(event, len) => {
                    events.extend(event);
                    start += len;
                }
                Step::Incomplete if self.pending.len() - start > LONGEST_SEQUENCE => {
                    start = self.pending.len();
                }
                Step::Incomplete => break,
            }
        }
        self.pending.drain(..start);
        events
    }
}

/// Decodes the event at the start of `buf` (never empty).
fn decode(buf: &[u8], more: bool) -> Step {
    match buf[0] {
        0x1b => escape(buf, more),
        b'\r' => key(KeyCode::Enter, KeyModifiers::NONE, 1),
        b'\t' => key(KeyCode::Tab, KeyModifiers::NONE, 1),
        0x7f => key(KeyCode::Backspace, KeyModifiers::NONE, 1),
        // Raw mode: a line feed is Ctrl-J, as crossterm has it.
        c @ 0x01..=0x1a => key(
            KeyCode::Char(char::from(c - 0x01 + b'a')),
            KeyModifiers::CONTROL,
            1,
        ),
        c @ 0x1c..=0x1f => key(
            KeyCode::Char(char::from(c - 0x1c + b'4')),
            KeyModifiers::CONTROL,
            1,
        ),
        0x00 => key(KeyCode::Char(' '), KeyModifiers::CONTROL, 1),
        _ => text(buf),
    }
}

/// A key event of `len` bytes.
fn key(code: KeyCode, modifiers: KeyModifiers, len: usize) -> Step {
    Step::Done(Some(Event::Key(KeyEvent::new(code, modifiers))), len)
}

/// One UTF-8 character (Shift for a capital, as crossterm reports it); a byte that
/// cannot start or continue one is dropped.
fn text(buf: &[u8]) -> Step {
    let len = match buf[0] {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return Step::Done(None, 1),
    };
    let Some(bytes) = buf.get(..len) else {
        return if buf[1..].iter().all(|b| b & 0xc0 == 0x80) {
            Step::Incomplete
        } else {
            Step::Done(None, 1)
        };
    };
    match std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) if c.is_uppercase() => key(KeyCode::Char(c), KeyModifiers::SHIFT, len),
        Some(c) => key(KeyCode::Char(c), KeyModifiers::NONE, len),
        None => Step::Done(None, 1),
    }
}

/// What follows an Esc: a CSI or SS3 sequence, a second Esc, or Alt with a key.
fn escape(buf: &[u8], more: bool) -> Step {
    match buf.get(1) {
        None if more => Step::Incomplete,
        None => key(KeyCode::Esc, KeyModifiers::NONE, 1),
        Some(b'[') => csi(buf),
        Some(b'O') => match buf.get(2) {
            None => Step::Incomplete,
            Some(&last) => Step::Done(cursor_key(last).map(plain), 3),
        },
        Some(0x1b) => key(KeyCode::Esc, KeyModifiers::NONE, 2),
        Some(_) => match decode(&buf[1..], more) {
            Step::Done(Some(Event::Key(mut event)), len) => {
                event.modifiers |= KeyModifiers::ALT;
                Step::Done(Some(Event::Key(event)), len + 1)
            }
            Step::Done(event, len) => Step::Done(event, len + 1),
            Step::Incomplete => Step::Incomplete,
        },
    }
}

/// A key with no modifier, as an event.
fn plain(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The key of a cursor or F1-F4 sequence's last letter (`ESC O A`, `ESC [ 1 ; 5 A`).
fn cursor_key(last: u8) -> Option<KeyCode> {
    Some(match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + last - b'P'),
        _ => return None,
    })
}

/// A control sequence, `ESC [` then parameters and one final byte (`@` to `~`), or
/// an X10 mouse report (`ESC [ M` and three bytes).
fn csi(buf: &[u8]) -> Step {
    match buf.get(2) {
        Some(b'M') => {
            return match buf.get(3..6) {
                Some(&[cb, x, y]) => Step::Done(mouse_x10(cb, x, y), 6),
                _ => Step::Incomplete,
            };
        }
        // The Linux console's F1-F5: `ESC [ [ A` to `ESC [ [ E`.
        Some(b'[') => {
            return match buf.get(3) {
                Some(&last @ b'A'..=b'E') => {
                    Step::Done(Some(plain(KeyCode::F(1 + last - b'A'))), 4)
                }
                Some(_) => Step::Done(None, 4),
                None => Step::Incomplete,
            };
        }
        _ => {}
    }
    let Some(end) = buf.iter().skip(2).position(|b| (0x40..=0x7e).contains(b)) else {
        return Step::Incomplete;
    };
    let end = end + 2;
    let params = std::str::from_utf8(&buf[2..end]).unwrap_or("");
    Step::Done(csi_event(params, buf[end]), end + 1)
}

/// The event of a control sequence with `params` and `last`; `None` for one we do not use.
fn csi_event(params: &str, last: u8) -> Option<Event> {
    if let Some(sgr) = params.strip_prefix('<') {
        return mouse_sgr(sgr, last);
    }
    let mut numbers = params.split(';');
    let first = numbers.next().unwrap_or("");
    let modifiers = match numbers.next() {
        None => KeyModifiers::NONE,
        Some(mask) => modifiers(mask.split(':').next()?.parse().ok()?),
    };
    let code = match last {
        b'~' => special_key(first.parse().ok()?)?,
        b'Z' => {
            return Some(Event::Key(KeyEvent::new(
                KeyCode::BackTab,
                KeyModifiers::SHIFT,
            )));
        }
        b'M' => return mouse_rxvt(params),
        // A cursor position report (F3 comes as `ESC O R`), as crossterm has it.
        b'R' => return None,
        _ => cursor_key(last)?,
    };
    Some(Event::Key(KeyEvent::new(code, modifiers)))
}

/// The key of a VT220 `ESC [ n ~` sequence.
fn special_key(number: u8) -> Option<KeyCode> {
    Some(match number {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        n @ 11..=15 => KeyCode::F(n - 10),
        n @ 17..=21 => KeyCode::F(n - 11),
        n @ 23..=26 => KeyCode::F(n - 12),
        n @ 28..=29 => KeyCode::F(n - 15),
        n @ 31..=34 => KeyCode::F(n - 17),
        _ => return None,
    })
}

/// The modifiers of xterm's parameter (1 + a mask of Shift 1, Alt 2, Ctrl 4, ...).
fn modifiers(parameter: u8) -> KeyModifiers {
    let mask = parameter.saturating_sub(1);
    [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
        (8, KeyModifiers::SUPER),
        (16, KeyModifiers::HYPER),
        (32, KeyModifiers::META),
    ]
    .into_iter()
    .filter(|(bit, _)| mask & bit != 0)
    .fold(KeyModifiers::NONE, |all, (_, modifier)| all | modifier)
}

/// An SGR mouse report, `ESC [ < b ; x ; y` then `M` (press) or `m` (release).
fn mouse_sgr(params: &str, last: u8) -> Option<Event> {
    let (cb, x, y) = mouse_numbers(params)?;
    let (kind, modifiers) = mouse_button(u8::try_from(cb).ok()?)?;
    let kind = match (last, kind) {
        (b'm', MouseEventKind::Down(button)) => MouseEventKind::Up(button),
        (b'M' | b'm', kind) => kind,
        _ => return None,
    };
    mouse(kind, modifiers, x, y)
}

/// An rxvt mouse report, `ESC [ b ; x ; y M`, `b` offset by 32.
fn mouse_rxvt(params: &str) -> Option<Event> {
    let (cb, x, y) = mouse_numbers(params)?;
    let (kind, modifiers) = mouse_button(u8::try_from(cb).ok()?.checked_sub(32)?)?;
    mouse(kind, modifiers, x, y)
}

/// The button byte, column and row of an SGR or rxvt mouse report's `b;x;y`.
fn mouse_numbers(params: &str) -> Option<(u16, u16, u16)> {
    let mut numbers = params.split(';').map(|n| n.parse::<u16>().ok());
    Some((numbers.next()??, numbers.next()??, numbers.next()??))
}

/// An X10 mouse report's three bytes, each offset by 32.
fn mouse_x10(cb: u8, x: u8, y: u8) -> Option<Event> {
    let (kind, modifiers) = mouse_button(cb.checked_sub(32)?)?;
    mouse(
        kind,
        modifiers,
        u16::from(x.checked_sub(32)?),
        u16::from(y.checked_sub(32)?),
    )
}

/// A mouse event at the terminal's 1-based column `x` and row `y`.
fn mouse(kind: MouseEventKind, modifiers: KeyModifiers, x: u16, y: u16) -> Option<Event> {
    Some(Event::Mouse(MouseEvent {
        kind,
        column: x.checked_sub(1)?,
        row: y.checked_sub(1)?,
        modifiers,
    }))
}

/// What a mouse report's button byte says: the button and whether it is dragged
/// (bits 0-1, 6-7 and 5), and Shift, Alt and Ctrl (bits 2-4).
fn mouse_button(cb: u8) -> Option<(MouseEventKind, KeyModifiers)> {
    let button = (cb & 0b11) | ((cb & 0b1100_0000) >> 4);
    let dragging = cb & 0b10_0000 != 0;
    let kind = match (button, dragging) {
        (0, false) => MouseEventKind::Down(MouseButton::Left),
        (1, false) => MouseEventKind::Down(MouseButton::Middle),
        (2, false) => MouseEventKind::Down(MouseButton::Right),
        (0, true) => MouseEventKind::Drag(MouseButton::Left),
        (1, true) => MouseEventKind::Drag(MouseButton::Middle),
        (2, true) => MouseEventKind::Drag(MouseButton::Right),
        (3, false) => MouseEventKind::Up(MouseButton::Left),
        (3..=5, true) => MouseEventKind::Moved,
        (4, false) => MouseEventKind::ScrollUp,
        (5, false) => MouseEventKind::ScrollDown,
        (6, false) => MouseEventKind::ScrollLeft,
        (7, false) => MouseEventKind::ScrollRight,
        _ => return None,
    };
    let modifiers = [
        (0b100, KeyModifiers::SHIFT),
        (0b1000, KeyModifiers::ALT),
        (0b1_0000, KeyModifiers::CONTROL),
    ]
    .into_iter()
    .filter(|(bit, _)| cb & bit != 0)
    .fold(KeyModifiers::NONE, |all, (_, modifier)| all | modifier);
    Some((kind, modifiers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(events: Vec<Event>) -> Vec<(KeyCode, KeyModifiers)> {
        events
            .into_iter()
            .map(|event| match event {
                Event::Key(key) => (key.code, key.modifiers),
                other => panic!("not a key: {other:?}"),
            })
            .collect()
    }

    fn decoded(bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        keys(Decoder::default().feed(bytes, false))
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const ALT: KeyModifiers = KeyModifiers::ALT;

    #[test]
    fn keys_decode_as_crossterm_reports_them() {
        let cases: &[(&[u8], (KeyCode, KeyModifiers))] = &[
            (b"j", (KeyCode::Char('j'), NONE)),
            (b"G", (KeyCode::Char('G'), SHIFT)),
            ("é".as_bytes(), (KeyCode::Char('é'), NONE)),
            (b"\r", (KeyCode::Enter, NONE)),
            (b"\t", (KeyCode::Tab, NONE)),
            (b"\x7f", (KeyCode::Backspace, NONE)),
            (b"\x03", (KeyCode::Char('c'), CTRL)),
            (b"\x0c", (KeyCode::Char('l'), CTRL)),
            (b"\n", (KeyCode::Char('j'), CTRL)),
            (b"\x1c", (KeyCode::Char('4'), CTRL)),
            (b"\x00", (KeyCode::Char(' '), CTRL)),
            (b"\x1b", (KeyCode::Esc, NONE)),
            (b"\x1b\x1b", (KeyCode::Esc, NONE)),
            (b"\x1bx", (KeyCode::Char('x'), ALT)),
            (b"\x1b[A", (KeyCode::Up, NONE)),
            (b"\x1b[B", (KeyCode::Down, NONE)),
            (b"\x1b[C", (KeyCode::Right, NONE)),
            (b"\x1b[D", (KeyCode::Left, NONE)),
            (b"\x1bOA", (KeyCode::Up, NONE)),
            (b"\x1b[H", (KeyCode::Home, NONE)),
            (b"\x1bOF", (KeyCode::End, NONE)),
            (b"\x1b[1~", (KeyCode::Home, NONE)),
            (b"\x1b[4~", (KeyCode::End, NONE)),
            (b"\x1b[5~", (KeyCode::PageUp, NONE)),
            (b"\x1b[6~", (KeyCode::PageDown, NONE)),
            (b"\x1b[3~", (KeyCode::Delete, NONE)),
            (b"\x1b[3;5~", (KeyCode::Delete, CTRL)),
            (b"\x1b[Z", (KeyCode::BackTab, SHIFT)),
            (b"\x1bOP", (KeyCode::F(1), NONE)),
            (b"\x1b[[B", (KeyCode::F(2), NONE)),
            (b"\x1b[15~", (KeyCode::F(5), NONE)),
            (b"\x1b[24~", (KeyCode::F(12), NONE)),
            (b"\x1b[1;5A", (KeyCode::Up, CTRL)),
            (b"\x1b[1;2D", (KeyCode::Left, SHIFT)),
            (b"\x1bOR", (KeyCode::F(3), NONE)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decoded(bytes), vec![*expected], "{bytes:?}");
        }
    }

    #[test]
    fn several_keys_in_one_read_are_each_an_event() {
        assert_eq!(
            decoded(b"n\x1b[Bab\x1b[6~\r"),
            vec![
                (KeyCode::Char('n'), NONE),
                (KeyCode::Down, NONE),
                (KeyCode::Char('a'), NONE),
                (KeyCode::Char('b'), NONE),
                (KeyCode::PageDown, NONE),
                (KeyCode::Enter, NONE),
            ]
        );
    }

    #[test]
    fn a_sequence_cut_between_reads_waits_for_its_rest() {
        let mut decoder = Decoder::default();
        assert!(decoder.feed(b"j\x1b[", false).len() == 1);
        assert_eq!(keys(decoder.feed(b"1;5", false)), vec![]);
        assert_eq!(
            keys(decoder.feed(b"Bk", false)),
            vec![(KeyCode::Down, CTRL), (KeyCode::Char('k'), NONE)]
        );
        // Half a character, then the rest.
        let e = "é".as_bytes();
        assert_eq!(keys(decoder.feed(&e[..1], false)), vec![]);
        assert_eq!(
            keys(decoder.feed(&e[1..], false)),
            vec![(KeyCode::Char('é'), NONE)]
        );
        // An Esc at the end of a full read may be the start of a sequence.
        assert_eq!(keys(decoder.feed(b"\x1b", true)), vec![]);
        assert_eq!(keys(decoder.feed(b"[A", false)), vec![(KeyCode::Up, NONE)]);
    }

    #[test]
    fn sequences_we_do_not_use_and_stray_bytes_are_dropped() {
        // A cursor position report, focus, a kitty key, a bad byte, a runaway sequence.
        assert_eq!(
            decoded(b"\x1b[12;40R\x1b[I\x1b[97u\xffq"),
            vec![(KeyCode::Char('q'), NONE)]
        );
        let mut decoder = Decoder::default();
        let mut runaway = b"\x1b[".to_vec();
        runaway.extend([b'1'; 100]);
        assert_eq!(keys(decoder.feed(&runaway, false)), vec![]);
        assert_eq!(
            keys(decoder.feed(b"q", false)),
            vec![(KeyCode::Char('q'), NONE)]
        );
    }

    #[test]
    fn mouse_reports_decode_in_every_encoding() {
        let event = |bytes: &[u8]| Decoder::default().feed(bytes, false);
        let at = |kind, column, row, modifiers| {
            vec![Event::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers,
            })]
        };
        let left = MouseEventKind::Down(MouseButton::Left);
        assert_eq!(event(b"\x1b[<0;10;5M"), at(left, 9, 4, NONE));
        assert_eq!(
            event(b"\x1b[<0;10;5m"),
            at(MouseEventKind::Up(MouseButton::Left), 9, 4, NONE)
        );
        assert_eq!(
            event(b"\x1b[<64;1;1M"),
            at(MouseEventKind::ScrollUp, 0, 0, NONE)
        );
        assert_eq!(
            event(b"\x1b[<65;3;2M"),
            at(MouseEventKind::ScrollDown, 2, 1, NONE)
        );
        assert_eq!(event(b"\x1b[<16;3;2M"), at(left, 2, 1, CTRL));
        assert_eq!(
            event(b"\x1b[<35;3;2M"),
            at(MouseEventKind::Moved, 2, 1, NONE)
        );
        assert_eq!(event(b"\x1b[32;10;5M"), at(left, 9, 4, NONE));
        assert_eq!(event(b"\x1b[M *%"), at(left, 9, 4, NONE));
    }
}
