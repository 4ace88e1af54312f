//! Who may do what. Pure: the store asks these rules inside the write transaction,
//! with the acting worker and the client as they are in the database at that moment.
//!
//! - Care co-ordinators change their own clients, and record contacts and appointments
//!   for anyone in their area.
//! - Team leaders do everything in their area, including reassign, extend and close.
//! - Support staff view, and record contacts and appointments; nothing else.
//! - Admins manage areas and workers.
//! - An OS login with no worker record may only look.

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
    /// Add areas and workers, or change a worker's role.
    ManageStaff,
}

impl Operation {
    /// The words used in a refusal: "you may not {verb}".
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
            Self::ManageStaff => "manage areas and workers",
        }
    }
}

/// The facts about a client that decide who may change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientScope {
    /// The client's area.
    pub area_id: i64,
    /// The client's care co-ordinator, if allocated.
    pub care_coordinator_id: Option<i64>,
}

/// Why an action was refused: one sentence saying what and why.
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

/// Whether `worker` (`None`: no worker record) may do `op`, to the client `client`
/// where the operation concerns one (`None` for outreach, staff or a new client, where
/// the area is in `area_id`).
///
/// # Errors
/// A [`Refusal`] naming the role and what it may not do.
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
    let allowed = match (worker.role, op) {
        (Role::Admin, Operation::ManageStaff) => true,
        (Role::Admin, _) | (_, Operation::ManageStaff) => false,
        (Role::TeamLeader, _)
        | (
            Role::CareCoordinator | Role::Support,
            Operation::RecordContact | Operation::RecordAppointment | Operation::Outreach,
        )
        | (Role::CareCoordinator, Operation::Refer) => in_area,
        (Role::CareCoordinator, Operation::EditClient) => own,
        (Role::CareCoordinator | Role::Support, _) => false,
    };
    if allowed {
        return Ok(());
    }
    let role = match worker.role {
        Role::CareCoordinator => "a care co-ordinator",
        Role::TeamLeader => "a team leader",
        Role::Support => "support staff",
        Role::Admin => "an admin",
    };
    let why = match (worker.role, op) {
        (Role::Admin, _) => "admins manage areas and workers only".to_owned(),
        (_, Operation::ManageStaff) => "only an admin can".to_owned(),
        (Role::Support, _)
            if !matches!(op, Operation::RecordContact | Operation::RecordAppointment) =>
        {
            "support staff record contacts and appointments only".to_owned()
        }
        (Role::CareCoordinator, Operation::Extend | Operation::Close | Operation::Reassign) => {
            "ask a team leader".to_owned()
        }
        (Role::CareCoordinator, Operation::EditClient) if in_area => {
            "this client is not on your caseload".to_owned()
        }
        _ => "this client is in another area".to_owned(),
    };
    Err(Refusal(format!(
        "as {role} you may not {}: {why}",
        op.verb()
    )))
}
