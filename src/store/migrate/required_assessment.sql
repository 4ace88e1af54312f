CREATE TABLE required_assessment (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    -- RA-IA and RA-FU, and Restriction on Bail appointments, breached the same way
    -- (002, Recommendation 6; schema step 6).
    kind           TEXT NOT NULL CHECK (kind IN ('ra_ia', 'ra_fu', 'restriction_on_bail')),
    appointment_at TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', appointment_at, '+0 days') IS appointment_at),
    outcome        TEXT CHECK (outcome IS NULL OR outcome IN ('attended', 'failed_to_attend', 'rescheduled')),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE INDEX required_assessment_client ON required_assessment (client_id);
