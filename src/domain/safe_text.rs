//! Text from the data, made safe for where it goes. Pure.
//!
//! - [`visible`]: for a person's eyes (the TUI and every command's printed output).
//!   Control characters (C0, DEL, C1), bidirectional overrides, isolates and marks,
//!   and invisible characters (zero-width spaces and joiners, the byte-order mark,
//!   Unicode tags) are shown escaped, `\u{202E}`, never emitted: nothing stored can
//!   move the cursor, set a window title, write the clipboard (OSC 52) or reorder
//!   what is shown. Tab, carriage return and line feed show as `\t`, `\r`, `\n`.
//!   [`visible_lines`] keeps line breaks; [`visible_json`] uses JSON's own escapes.
//! - [`is_formula_like`]: for a spreadsheet. A cell that a spreadsheet would run as a
//!   formula, including one hidden behind leading spaces or written with fullwidth
//!   signs, is neutralised on export and refused on import.
//! - [`refused_text`]: for storing. Why a typed or imported value is refused (control
//!   or bidirectional characters, too long, only invisible characters): the one rule
//!   the import and the forms both apply.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must never reach a terminal as itself.
#[must_use]
pub const fn is_hidden(c: char) -> bool {
    matches!(c,
        // C0 controls, DEL and C1 controls (including CSI U+009B and OSC U+009D).
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        // Bidirectional marks, embeddings, overrides and isolates.
        | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        // Zero-width and invisible: spaces, joiners, word joiner and invisible operators,
        // soft hyphen, combining grapheme joiner, Mongolian vowel separator, fillers.
        | '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{3164}'
        | '\u{FEFF}' | '\u{FFA0}'
        // Line and paragraph separators, interlinear annotations, Unicode tags.
        | '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'
    )
}

/// `text` with every [hidden](is_hidden) character shown escaped; borrowed, with no
/// copy, when there is none.
#[must_use]
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`visible`], keeping line feeds as line breaks: for printed text whose lines are
/// its structure (an import's list of problems).
#[must_use]
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// JSON text (as serialised, with its line breaks) with every other hidden character
/// written as a JSON `\uXXXX` escape: safe on a terminal, and the same data to a
/// program that parses it. (Serialisers escape C0 controls already; not DEL, C1,
/// bidirectional or invisible characters.)
#[must_use]
pub fn visible_json(json: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden(c) && c != '\n';
    if !json.contains(hidden) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if hidden(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{unit:04X}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn escape(text: &str, keep_line_feeds: bool) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden(c) && !(keep_line_feeds && c == '\n');
    let Some(first) = text.find(hidden) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match c {
            c if !hidden(c) => out.push(c),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

/// The signs that start a spreadsheet formula, in ASCII and fullwidth forms.
const FORMULA_SIGNS: [char; 8] = [
    '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// Whether a spreadsheet could read `cell` as a formula (OWASP CSV injection): it
/// starts with a tab or carriage return, or with a formula sign (`= + - @` or their
/// fullwidth forms `＝ ＋ － ＠`) after any leading whitespace (space, tab, CR, LF,
/// no-break and other Unicode spaces) or invisible characters.
#[must_use]
pub fn is_formula_like(cell: &str) -> bool {
    if cell.starts_with(['\t', '\r']) {
        return true;
    }
    cell.chars()
        .find(|c| !c.is_whitespace() && !is_hidden(*c))
        .is_some_and(|c| FORMULA_SIGNS.contains(&c))
}

/// `cell` prefixed with `'` if it is [formula-like](is_formula_like), so spreadsheets
/// show it as text; the data itself is kept.
#[must_use]
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// How much free text a value may hold: room for any real value, and no more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    /// A reference: 40 characters.
    Reference,
    /// A name (of a person, area, worker, prison, team or practice): 100 characters.
    Name,
    /// A note (or a plan or reason written out): 4,000 characters, line breaks allowed.
    Note,
    /// Any other value: 60 characters.
    Short,
}

impl Room {
    /// The most characters a value may hold.
    #[must_use]
    pub const fn max_chars(self) -> usize {
        match self {
            Self::Reference => 40,
            Self::Name => 100,
            Self::Note => 4000,
            Self::Short => 60,
        }
    }
}

/// Why `text` is refused as a value with `room`, if it is: a control character (C0,
/// DEL, C1; line breaks are allowed in notes only), a bidirectional control (which
/// reorders what is shown), a Unicode tag or separator, more than
/// [`Room::max_chars`], or nothing visible at all (only invisible characters). The
/// sentence follows the name of the field or column.
#[must_use]
pub fn refused_text(room: Room, text: &str) -> Option<String> {
    let length = text.chars().count();
    let max = room.max_chars();
    if length > max {
        return Some(format!(
            "is {length} characters long, and at most {max} fit this column: shorten it"
        ));
    }
    let multiline = room == Room::Note;
    let bad = text.chars().find(|&c| match c {
        '\n' | '\r' => !multiline,
        c => {
            is_bidi_control(c)
                || matches!(c,
                    '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}'
                    | '\u{E0000}'..='\u{E007F}' | '\u{FFF9}'..='\u{FFFB}')
        }
    });
    if let Some(c) = bad {
        let code = format!("U+{:04X}", u32::from(c));
        return Some(match c {
            '\n' | '\r' => format!(
                "holds a line break ({code}); only notes may have several lines: put it on one line"
            ),
            c if is_bidi_control(c) => format!(
                "holds a bidirectional control ({code}), which makes text show in another order than it is stored: remove it"
            ),
            _ => format!(
                "holds a control character ({code}), which is not text (it can drive a terminal): remove it"
            ),
        });
    }
    let visible = text.chars().any(|c| !c.is_whitespace() && !is_hidden(c));
    if !text.is_empty() && !visible && !text.chars().all(char::is_whitespace) {
        return Some(
            "is made only of invisible characters (zero-width spaces or joiners): type the value, or leave the cell empty".to_owned(),
        );
    }
    None
}

/// Whether `c` is a bidirectional control: a mark, embedding, override or isolate.
const fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
