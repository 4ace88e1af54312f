//! Every colour and style in one place. Semantic roles map to the 16 ANSI colours, so
//! the terminal's own palette decides the shades; with `NO_COLOR` set only bold,
//! reverse and underline remain (meaning is never carried by colour alone).

use ratatui::style::{Color, Modifier, Style};

use crate::domain::clock::Stage;
use crate::domain::model::Rag;

/// The styles the views use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours are used at all.
    pub colour: bool,
}

impl Theme {
    /// 16-colour theme.
    pub const COLOUR: Self = Self { colour: true };
    /// No colour: for `NO_COLOR` and monochrome terminals.
    pub const MONO: Self = Self { colour: false };

    /// The theme the environment asks for: `NO_COLOR` (any value) turns colour off.
    #[must_use]
    pub fn from_env() -> Self {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Self::MONO
        } else {
            Self::COLOUR
        }
    }

    fn fg(self, colour: Color) -> Style {
        if self.colour {
            Style::new().fg(colour)
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
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The selected row in a pane without focus.
    #[must_use]
    pub fn selected_unfocused(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Border of the focused pane.
    #[must_use]
    pub fn focused_border(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Border of other panes.
    #[must_use]
    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Secondary text (hints, units).
    #[must_use]
    pub fn dim(self) -> Style {
        if self.colour {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// Key names in the footer and help.
    #[must_use]
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// IOM / PPO / priority flags.
    #[must_use]
    pub fn flag(self) -> Style {
        self.fg(Color::Magenta)
    }

    /// A RAG marker (always shown with its letter too).
    #[must_use]
    pub fn rag(self, rag: Rag) -> Style {
        match rag {
            Rag::Red => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Rag::Amber => self.fg(Color::Yellow),
            Rag::Green => self.fg(Color::Green),
        }
    }

    /// The 13-week clock, by stage (the stage word is shown too).
    #[must_use]
    pub fn stage(self, stage: Stage) -> Style {
        match stage {
            Stage::OnTrack => Style::new(),
            Stage::Approaching => self.fg(Color::Yellow),
            Stage::Due | Stage::Overdue => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Stage::Extended => self.fg(Color::Cyan),
        }
    }

    /// Warnings, such as "terminal too small".
    #[must_use]
    pub fn warning(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
}
