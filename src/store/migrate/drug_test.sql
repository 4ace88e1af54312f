CREATE TABLE drug_test (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES client (id),
    tested_on TEXT NOT NULL CHECK (date(tested_on, '+0 days') IS tested_on),
    -- Custody tests (trigger offence, inspector's authority), treatment tests, and
    -- voluntary 5-panel tests (000), a kind of their own.
    kind      TEXT NOT NULL CHECK (kind IN ('trigger_offence', 'inspectors_authority', 'treatment', 'voluntary')),
    result    TEXT NOT NULL CHECK (result IN (
                  'negative', 'positive_opiates', 'positive_cocaine', 'positive_both', 'refused')),
    version   INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE INDEX drug_test_client ON drug_test (client_id);
