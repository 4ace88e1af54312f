//! The app's side of updates: the menu of forms, the open form, marks for bulk
//! reassignment, undo, and the offer to restore a draft. Pure: what needs the store
//! comes back as an [`Effect`].

use crossterm::event::KeyEvent;

use super::{App, DraftOffer, Mode, View};
use crate::action::Effect;
use crate::domain::model::{CaseloadRow, Role};
use crate::domain::roles::{self, ClientScope};
use crate::domain::substances::AlcoholRule;
use crate::domain::write::{Receipt, RowBase, Value, Versioned};
use crate::form::Menu as Offered;
use crate::form::{FormContext, FormKind, Outcome, Target};

/// The menu of updates (`u`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    /// The forms offered.
    pub items: Vec<FormKind>,
    /// Selected item.
    pub cursor: usize,
    /// The client they are about, if any.
    pub client_id: Option<i64>,
}

impl App {
    /// The client the updates are about: the open record, else the selected row.
    #[must_use]
    pub fn update_target(&self) -> Option<i64> {
        match self.view {
            View::Client => self.client.as_ref().map(|c| c.profile.id),
            _ => self.selected_client_id(),
        }
    }

    /// What every form opens with before the store is read: the time, the areas
    /// and the care co-ordinators (and team leaders) offered, where a new client of
    /// this user goes, and whether alcohol may be primary.
    #[must_use]
    pub fn form_seed(&self) -> FormContext {
        let home = self.session.worker.as_ref().and_then(|worker| {
            let area = worker
                .area_id
                .or_else(|| self.data.areas.first().map(|a| a.area.id));
            let coordinator = (worker.role == Role::CareCoordinator).then_some(worker.id);
            area.map(|a| (a, coordinator))
        });
        FormContext {
            now: self.now,
            areas: self
                .data
                .areas
                .iter()
                .map(|a| (a.area.id, a.area.name.clone()))
                .collect(),
            workers: self
                .data
                .workers
                .iter()
                .filter(|w| w.active && matches!(w.role, Role::CareCoordinator | Role::TeamLeader))
                .map(|w| (w.id, w.name.clone()))
                .collect(),
            home,
            alcohol: if self.rules.alcohol_may_be_primary {
                AlcoholRule::MayBePrimary
            } else {
                AlcoholRule::NotPrimary
            },
            clock_starts: self.rules.triage.clock_starts,
            ..FormContext::default()
        }
    }

    pub(super) fn refuse_if_read_only(&mut self) -> bool {
        if self.session.read_only {
            self.message = Some(if self.session.worker.is_none() {
                format!(
                    "read-only: no worker record for login '{}' (an admin adds you with `caseload worker add`)",
                    self.session.login
                )
            } else {
                "read-only session (--readonly): nothing can be changed".to_owned()
            });
        }
        self.session.read_only
    }

    /// Opens the menu of updates for the selected client (or the general ones).
    pub(super) fn open_menu(&mut self) -> Option<Effect> {
        if self.refuse_if_read_only() {
            return None;
        }
        let client_id = self.update_target();
        let marked = !self.marked.is_empty();
        let offered = |kind: &FormKind| match kind.spec().menu {
            Offered::Client => client_id.is_some(),
            Offered::Always => true,
            Offered::ClientOrMarked => client_id.is_some() || marked,
        };
        let items: Vec<FormKind> = FormKind::ALL.into_iter().filter(offered).collect();
        self.menu = Some(Menu {
            items,
            cursor: 0,
            client_id,
        });
        self.mode = Mode::Menu;
        None
    }

    /// Moves in the menu, or picks from it.
    pub(super) fn menu_step(&mut self, delta: isize) {
        if let Some(menu) = &mut self.menu {
            menu.cursor = menu
                .cursor
                .saturating_add_signed(delta)
                .min(menu.items.len().saturating_sub(1));
        }
    }

    /// Opens the chosen form (a store read gives its context).
    pub(super) fn menu_choose(&mut self) -> Option<Effect> {
        let menu = self.menu.take()?;
        self.mode = Mode::Normal;
        let kind = *menu.items.get(menu.cursor)?;
        Some(self.open_form(kind, menu.client_id))
    }

    /// The effect that opens a form of `kind` about `client_id`: none for a form
    /// the menu always offers (it is about no client), and the marked clients for
    /// a form that changes several.
    fn open_form(&self, kind: FormKind, client_id: Option<i64>) -> Effect {
        let spec = kind.spec();
        let clients: Vec<i64> = if spec.target == Target::Clients {
            self.marked.keys().copied().collect()
        } else {
            Vec::new()
        };
        let client_id = if spec.menu == Offered::Always {
            None
        } else {
            client_id
        };
        let mut seed = self.form_seed();
        if spec.target == Target::Clients && self.view != View::Client {
            let chosen: Vec<i64> = if clients.is_empty() {
                client_id.into_iter().collect()
            } else {
                clients.clone()
            };
            seed.bases = self.shown_bases(&chosen);
        }
        Effect::OpenForm {
            kind,
            client_id,
            clients,
            seed: Box::new(seed),
        }
    }

    /// A form opened straight from a key (`n` contact, `N` referral, `T` outreach).
    pub(super) fn quick_form(&mut self, kind: FormKind) -> Option<Effect> {
        if self.refuse_if_read_only() {
            return None;
        }
        let client_id = self.update_target();
        if kind.spec().menu == Offered::Client && client_id.is_none() {
            self.message = Some(format!(
                "select a client first (the {} is about them)",
                kind.title()
            ));
            return None;
        }
        Some(self.open_form(kind, client_id))
    }

    /// A key for the open form.
    pub(super) fn form_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let form = self.form.as_mut()?;
        match form.handle_key(key, self.now) {
            Outcome::Open => None,
            Outcome::Cancelled => {
                let form_key = form.kind.draft_key();
                let client_id = form.context.client.map(|c| c.id);
                self.close_form();
                Some(Effect::DiscardDraft {
                    form: form_key,
                    client_id,
                })
            }
            Outcome::Unchanged => {
                let kind = form.kind;
                let client_id = form.context.client.map(|c| c.id);
                self.close_form();
                self.message = Some(kind.nothing_changed());
                Some(Effect::DiscardDraft {
                    form: kind.draft_key(),
                    client_id,
                })
            }
            Outcome::Submit(change) => Some(Effect::save(change, form)),
        }
    }

    /// Shows a form that has been opened with its context.
    pub(super) fn show_form(&mut self, form: crate::form::Form) {
        self.form = Some(form);
        self.mode = Mode::Form;
    }

    /// Closes the form without saving.
    pub(super) fn close_form(&mut self) {
        self.form = None;
        self.mode = Mode::Normal;
    }

    /// After a successful save: close the form, keep the receipt for undo, and reload
    /// (the record behind too, when one is open).
    pub(super) fn saved(&mut self, receipt: Receipt, title: &str) {
        self.close_form();
        self.receipt = Some(receipt);
        self.marked.clear();
        self.message = Some(format!("Saved: {title}. U undoes it."));
    }

    /// The undo effect for the last change saved in this session.
    pub(super) fn undo(&mut self) -> Option<Effect> {
        if self.refuse_if_read_only() {
            return None;
        }
        if let Some(receipt) = self.receipt.take() {
            Some(Effect::Undo(Box::new(receipt)))
        } else {
            self.message = Some("nothing to undo: no change saved in this session".to_owned());
            None
        }
    }

    /// Marks or unmarks the selected caseload client for a bulk reassign, keeping the
    /// area and care co-ordinator the list shows, which the reassign merges against: a
    /// colleague's move in between is then a question, not overwritten. Refused, with
    /// the rule's sentence, where the role may not reassign the client.
    pub(super) fn toggle_mark(&mut self) {
        if self.view != View::Caseload || self.refuse_if_read_only() {
            return;
        }
        let Some(row) = self
            .selected_client_id()
            .and_then(|id| self.data.row_of_client(id))
        else {
            return;
        };
        let (id, shown) = (row.client_id, shown(row));
        if self.marked.remove(&id).is_none() {
            let allowed = roles::check(
                self.session.worker.as_ref(),
                roles::Operation::Reassign,
                Some(shown),
            );
            if let Err(refusal) = allowed {
                self.message = Some(format!("Not marked: {refusal}."));
                return;
            }
            self.marked.insert(id, shown);
        }
        self.message = Some(format!("{} marked: u, then reassign", self.marked.len()));
    }

    /// The client rows a reassign of `clients` starts from: the area and care
    /// co-ordinator each had when marked (or, for the one client selected, as the
    /// list shows them now).
    fn shown_bases(&self, clients: &[i64]) -> Vec<RowBase> {
        clients
            .iter()
            .filter_map(|id| {
                let scope = self
                    .marked
                    .get(id)
                    .copied()
                    .or_else(|| self.data.row_of_client(*id).map(shown))?;
                Some(RowBase {
                    table: "client",
                    row: Versioned {
                        id: *id,
                        version: 0,
                    },
                    values: vec![
                        ("area_id".to_owned(), Value::Integer(scope.area_id)),
                        (
                            "care_coordinator_id".to_owned(),
                            scope
                                .care_coordinator_id
                                .map_or(Value::Null, Value::Integer),
                        ),
                    ],
                })
            })
            .collect()
    }

    /// Offers a draft found at start-up.
    pub(super) fn offer_draft(&mut self, offer: DraftOffer) {
        self.draft_offer = Some(offer);
        self.mode = Mode::DraftOffer;
    }

    /// The answer to the draft offer.
    pub(super) fn answer_draft(&mut self, restore: bool) -> Option<Effect> {
        let offer = self.draft_offer.take()?;
        self.mode = Mode::Normal;
        Some(if restore {
            Effect::RestoreDraft {
                draft: Box::new(offer.draft),
                seed: Box::new(self.form_seed()),
            }
        } else {
            Effect::DiscardDraft {
                form: FormKind::from_draft_key(&offer.draft.form)?.stored_name(&offer.draft.form),
                client_id: offer.draft.client_id,
            }
        })
    }
}

/// The area and care co-ordinator a list row shows.
fn shown(row: &CaseloadRow) -> ClientScope {
    ClientScope {
        area_id: row.area_id,
        care_coordinator_id: row.care_coordinator_id,
    }
}
