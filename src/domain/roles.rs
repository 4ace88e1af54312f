//! Who may do what. Pure: the store asks these rules inside the write transaction,
//! with the acting worker and the client as they are in the database at that moment.
//!
//! [`reach`] is the rule table, the one source for every write path (forms, undo,
//! tallies, the re-offending sample, staff changes; the store asks it through one
//! function, `authorise`); the README's "Who may do what" table says the same in words.
//! In short:
//!
//! - Care co-ordinators change their own clients, and record contacts, appointments,
//!   referrals, outreach and custody-suite tallies in their area.
//! - Team leaders do everything in their area, including reassign, extend and close,
//!   and keep the service's re-offending sample (it spans areas).
//! - Support staff view, and record contacts, appointments and outreach in their area.
//! - Admins manage areas and workers, nothing else.
//! - An OS login with no (active) worker record may only look.

use super::model::{Role, Worker};

/// Something a person might try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Record a contact or a did-not-attend.
    RecordContact,
    /// Book a Required Assessment, or record whether it was attended.
    RecordAppointment,
    /// Change a client's record or episode (dates, flags, custody, breaches...).
    EditClient,
    /// Take a new referral onto the caseload.
    Refer,
    /// Record a 13-week extension.
    Extend,
    /// Close an episode.
    Close,
    /// Move a client to another care co-ordinator or area.
    Reassign,
    /// Tally outreach work (not tied to a client).
    Outreach,
    /// Record (or replace) a custody suite's day: adults charged, and tested.
    CustodyTally,
    /// Draw the quarter's re-offending sample.
    DrawSample,
    /// Record offence counts for a client in the re-offending sample.
    RecordOffences,
    /// Add areas and workers, or change a worker's role.
    ManageStaff,
}

impl Operation {
    /// The words used in a refusal: "not {verb}".
    #[must_use]
    pub const fn verb(self) -> &'static str {
        match self {
            Self::RecordContact => "record contacts",
            Self::RecordAppointment => "record Required Assessment appointments",
            Self::EditClient => "change this client's record",
            Self::Refer => "take referrals onto the caseload",
            Self::Extend => "record 13-week extensions",
            Self::Close => "close episodes",
            Self::Reassign => "reassign clients",
            Self::Outreach => "record outreach",
            Self::CustodyTally => "record custody-suite tallies",
            Self::DrawSample => "draw the re-offending sample",
            Self::RecordOffences => "record re-offending counts",
            Self::ManageStaff => "manage areas and workers",
        }
    }

    /// Whether the operation concerns an area as a whole rather than one client.
    const fn is_area_work(self) -> bool {
        matches!(self, Self::Outreach | Self::CustodyTally)
    }
}

/// How far a role's permission for an operation reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Not at all.
    Nowhere,
    /// Clients whose care co-ordinator the worker is.
    OwnClients,
    /// Clients (or area work) in the worker's own area.
    OwnArea,
    /// The whole service, every area.
    Service,
}

/// The rule table: how far `role` may do `op`. Every write path asks this, through
/// [`check`]; change a rule here and in the README's table, nowhere else.
#[must_use]
pub const fn reach(role: Role, op: Operation) -> Reach {
    use Operation as Op;
    match role {
        Role::CareCoordinator => match op {
            Op::EditClient => Reach::OwnClients,
            Op::RecordContact
            | Op::RecordAppointment
            | Op::Refer
            | Op::Outreach
            | Op::CustodyTally => Reach::OwnArea,
            _ => Reach::Nowhere,
        },
        Role::TeamLeader => match op {
            Op::DrawSample | Op::RecordOffences => Reach::Service,
            Op::ManageStaff => Reach::Nowhere,
            _ => Reach::OwnArea,
        },
        Role::Support => match op {
            Op::RecordContact | Op::RecordAppointment | Op::Outreach => Reach::OwnArea,
            _ => Reach::Nowhere,
        },
        Role::Admin => match op {
            Op::ManageStaff => Reach::Service,
            _ => Reach::Nowhere,
        },
    }
}

/// A role's rule in words, as a refusal names it.
const fn rule(role: Role) -> &'static str {
    match role {
        Role::CareCoordinator => {
            "care co-ordinators may change their own clients' records, and record contacts, \
             appointments, referrals, outreach and custody-suite tallies in their area"
        }
        Role::TeamLeader => {
            "team leaders may do everything in their own area, and keep the re-offending sample"
        }
        Role::Support => {
            "support workers may record contacts, appointments and outreach in their area"
        }
        Role::Admin => "admins may manage areas and workers",
    }
}

/// The facts about a client that decide who may change it (for area work such as a
/// tally, the area with no care co-ordinator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientScope {
    /// The client's area.
    pub area_id: i64,
    /// The client's care co-ordinator, if allocated.
    pub care_coordinator_id: Option<i64>,
}

/// Why an action was refused: one sentence naming the rule and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The sentence shown to a login with no worker record.
#[must_use]
pub fn no_worker_message(login: &str) -> String {
    format!(
        "{login} has no worker record, so this session is read-only: ask an admin to run \
         `caseload worker add --login {login} ...`"
    )
}

/// The sentence shown to a login whose worker record is no longer active.
#[must_use]
pub fn inactive_worker_message(login: &str) -> String {
    format!(
        "{login}'s worker record is inactive, so this session is read-only: ask an admin to \
         make it active again"
    )
}

/// Whether `worker` may see who opened client records (the access log, on a record
/// and in `caseload export access`): team leaders and admins, who answer for
/// information governance.
#[must_use]
pub fn may_review_access(worker: Option<&Worker>) -> bool {
    worker.is_some_and(|w| matches!(w.role, Role::TeamLeader | Role::Admin))
}

/// Whether `worker` (`None`: no worker record) may do `op`, to the client `client`
/// where the operation concerns one (`None` for service-wide work such as staff or the
/// re-offending sample; for area work and new clients, the area with no co-ordinator).
///
/// # Errors
/// A [`Refusal`] naming the rule that refuses it and what to do instead.
pub fn check(
    worker: Option<&Worker>,
    op: Operation,
    client: Option<ClientScope>,
) -> Result<(), Refusal> {
    let Some(worker) = worker else {
        return Err(Refusal(
            "this session is read-only: there is no worker record for your login".to_owned(),
        ));
    };
    let in_area = client.is_none_or(|c| worker.area_id == Some(c.area_id));
    let own = client.is_some_and(|c| c.care_coordinator_id == Some(worker.id));
    let rule = rule(worker.role);
    let why = match reach(worker.role, op) {
        Reach::Service => return Ok(()),
        Reach::OwnArea if in_area => return Ok(()),
        Reach::OwnClients if own => return Ok(()),
        Reach::Nowhere => {
            let ask = match (worker.role, op) {
                (_, Operation::ManageStaff) => "ask an admin",
                (Role::Admin, _) => "ask a worker in the team",
                _ => "ask your team leader",
            };
            format!("{rule}, not {}: {ask}", op.verb())
        }
        Reach::OwnClients => format!(
            "this client is not on your caseload ({rule}): ask their care co-ordinator or \
             your team leader"
        ),
        Reach::OwnArea if op.is_area_work() => {
            format!("that is another area's work ({rule}): ask that area's team leader")
        }
        Reach::OwnArea => {
            format!("this client is in another area ({rule}): ask that area's team leader")
        }
    };
    Err(Refusal(why))
}
