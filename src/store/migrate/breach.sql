CREATE TABLE breach (
    id                     INTEGER PRIMARY KEY,
    client_id              INTEGER NOT NULL REFERENCES client (id),
    required_assessment_id INTEGER REFERENCES required_assessment (id),
    -- The breach itself (the missed appointment), which the deadline runs from; not
    -- when it was recorded.
    raised_at              TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', raised_at, '+0 days') IS raised_at),
    rag                    TEXT NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
    -- Computed from raised_at and rag by the domain rule, stored so lists can sort on it.
    deadline               TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', deadline, '+0 days') IS deadline),
    -- Red: arrested within 24 hours; amber and green: put out for arrest (000).
    status                 TEXT NOT NULL DEFAULT 'outstanding'
                           CHECK (status IN ('outstanding', 'put_out_for_arrest', 'arrested', 'withdrawn', 'resolved')),
    resolution_date        TEXT CHECK (resolution_date IS NULL OR date(resolution_date, '+0 days') IS resolution_date),
    version                INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'outstanding') = (resolution_date IS NULL)),
    CHECK (status <> 'put_out_for_arrest' OR rag <> 'red'),
    CHECK (deadline > raised_at)
) STRICT;

CREATE INDEX breach_outstanding ON breach (deadline) WHERE status = 'outstanding';
CREATE INDEX breach_client ON breach (client_id);
