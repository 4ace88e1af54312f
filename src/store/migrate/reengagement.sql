CREATE TABLE reengagement (
    id           INTEGER PRIMARY KEY,
    breach_id    INTEGER NOT NULL REFERENCES breach (id),
    attempted_at TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', attempted_at, '+0 days') IS attempted_at),
    how          TEXT NOT NULL CHECK (how IN ('phone', 'text', 'letter', 'home_visit', 'via_partner', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE UNIQUE INDEX reengagement_natural_key ON reengagement (breach_id, attempted_at, how);
