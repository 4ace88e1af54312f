//! Every colour and style in one place. Semantic roles map to the 16 ANSI colours by
//! default, so the terminal's own palette decides the shades; the config's `palette`
//! opts in to fixed 256-colour or 24-bit shades for the same roles. With `NO_COLOR`
//! set (or `colour = false`) only bold, reverse and underline remain, whatever the
//! palette (meaning is never carried by colour alone).

use ratatui::style::{Color, Modifier, Style};

use crate::config::{Palette, Settings};
use crate::domain::clock::Stage;
use crate::domain::model::Rag;

/// A meaning a colour stands for; each palette gives it a shade.
#[derive(Clone, Copy)]
enum Role {
    Red,
    Amber,
    Green,
    /// Keys, the focused border, extended clocks.
    Accent,
    Border,
    Dim,
    Flag,
}

/// The styles the views use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours are used at all.
    pub colour: bool,
    /// Which shades the roles get when colour is on.
    pub palette: Palette,
}

impl Theme {
    /// 16-colour theme.
    pub const COLOUR: Self = Self {
        colour: true,
        palette: Palette::Ansi16,
    };
    /// No colour: for `NO_COLOR` and monochrome terminals.
    pub const MONO: Self = Self {
        colour: false,
        palette: Palette::Ansi16,
    };

    /// The theme the settings and the environment ask for: `NO_COLOR` (any non-empty
    /// value) turns colour off, as `colour = false` does, whatever the palette.
    #[must_use]
    pub fn from_settings(settings: &Settings) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self::chosen(settings, no_color)
    }

    /// The theme for `settings`, with `no_color` standing for the `NO_COLOR` variable.
    #[must_use]
    pub fn chosen(settings: &Settings, no_color: bool) -> Self {
        if no_color || !settings.colour {
            Self::MONO
        } else {
            Self {
                colour: true,
                palette: settings.palette,
            }
        }
    }

    /// The palette's shade for `role`. The 256-colour indices are from the fixed part
    /// of the table (16-255), which terminals do not restyle. Each shade is bright
    /// enough to read on a dark background, a light one and the selection bar.
    fn shade(self, role: Role) -> Color {
        match self.palette {
            Palette::Ansi16 => match role {
                Role::Red => Color::Red,
                Role::Amber => Color::Yellow,
                Role::Green => Color::Green,
                Role::Accent => Color::Cyan,
                Role::Border | Role::Dim => Color::DarkGray,
                Role::Flag => Color::Magenta,
            },
            Palette::Ansi256 => Color::Indexed(match role {
                Role::Red => 203,
                Role::Amber => 208,
                Role::Green => 71,
                Role::Accent => 37,
                Role::Border => 242,
                Role::Dim => 245,
                Role::Flag => 170,
            }),
            Palette::Truecolor => {
                let (r, g, b) = match role {
                    Role::Red => (0xf8, 0x51, 0x49),
                    Role::Amber => (0xff, 0x8c, 0x1a),
                    Role::Green => (0x3f, 0xb9, 0x50),
                    Role::Accent => (0x39, 0xc5, 0xcf),
                    Role::Border => (0x6e, 0x76, 0x81),
                    Role::Dim => (0x8b, 0x94, 0x9e),
                    Role::Flag => (0xc6, 0x78, 0xdd),
                };
                Color::Rgb(r, g, b)
            }
        }
    }

    fn fg(self, role: Role) -> Style {
        if self.colour {
            Style::new().fg(self.shade(role))
        } else {
            Style::new()
        }
    }

    /// Title bar.
    #[must_use]
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Table headers.
    #[must_use]
    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected row in the focused pane.
    #[must_use]
    pub fn selected(self) -> Style {
        // A fixed light-on-slate bar where the palette has the shades: the row's own
        // colours (RAG, flags) stay as they are on it, where reverse video would turn
        // them into blocks.
        let bar = match self.palette {
            Palette::Ansi16 => None,
            Palette::Ansi256 => Some((Color::Indexed(255), Color::Indexed(238))),
            Palette::Truecolor => {
                Some((Color::Rgb(0xec, 0xef, 0xf4), Color::Rgb(0x3b, 0x42, 0x52)))
            }
        };
        match bar {
            Some((fg, bg)) if self.colour => Style::new().fg(fg).bg(bg),
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The selected row in a pane without focus.
    #[must_use]
    pub fn selected_unfocused(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Border of the focused pane.
    #[must_use]
    pub fn focused_border(self) -> Style {
        self.fg(Role::Accent).add_modifier(Modifier::BOLD)
    }

    /// Border of other panes.
    #[must_use]
    pub fn border(self) -> Style {
        self.fg(Role::Border)
    }

    /// Secondary text (hints, units).
    #[must_use]
    pub fn dim(self) -> Style {
        if self.colour {
            Style::new().fg(self.shade(Role::Dim))
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// Key names in the footer and help.
    #[must_use]
    pub fn key(self) -> Style {
        self.fg(Role::Accent).add_modifier(Modifier::BOLD)
    }

    /// IOM / PPO / priority flags.
    #[must_use]
    pub fn flag(self) -> Style {
        self.fg(Role::Flag)
    }

    /// A RAG marker (always shown with its letter too).
    #[must_use]
    pub fn rag(self, rag: Rag) -> Style {
        match rag {
            Rag::Red => self.fg(Role::Red).add_modifier(Modifier::BOLD),
            Rag::Amber => self.fg(Role::Amber),
            Rag::Green => self.fg(Role::Green),
        }
    }

    /// The 13-week clock, by stage (the stage word is shown too).
    #[must_use]
    pub fn stage(self, stage: Stage) -> Style {
        match stage {
            Stage::OnTrack => Style::new(),
            Stage::Approaching => self.fg(Role::Amber),
            Stage::Due | Stage::Overdue => self.fg(Role::Red).add_modifier(Modifier::BOLD),
            Stage::Extended => self.fg(Role::Accent),
        }
    }

    /// Warnings, such as "terminal too small".
    #[must_use]
    pub fn warning(self) -> Style {
        self.fg(Role::Amber).add_modifier(Modifier::BOLD)
    }
}
