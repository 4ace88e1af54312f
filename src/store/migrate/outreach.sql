CREATE TABLE outreach (
    id            INTEGER PRIMARY KEY,
    recorded_on   TEXT NOT NULL CHECK (date(recorded_on, '+0 days') IS recorded_on),
    worker_id     INTEGER NOT NULL REFERENCES worker (id),
    area_id       INTEGER NOT NULL REFERENCES area (id),
    -- The intervention's outcome: the specialist service it signposted the person to, or
    -- NULL where it signposted nowhere.
    signposted_to TEXT CHECK (signposted_to IS NULL
                              OR signposted_to IN ('drugs', 'alcohol', 'housing', 'young_people')),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE INDEX outreach_recorded_on ON outreach (recorded_on);
