-- A court order or licence and every date it may end on (003, "Completing a court
-- sentence and DIP": "find out when they are likely to finish it (all potential dates)
-- and arrange to check prior to that date"; schema step 15). It ends on `end_date` as
-- made; it may end earlier (`early_end_date`: early revocation for good progress) or
-- later (`late_end_date`: an extension, or supervision after a licence). `ended_on`
-- once it has ended.
CREATE TABLE court_order (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    kind           TEXT NOT NULL CHECK (kind IN (
                       'drr_high', 'drr_low', 'atr', 'licence', 'community_order', 'suspended_sentence')),
    court          TEXT NOT NULL CHECK (length(trim(court)) > 0),
    start_date     TEXT NOT NULL CHECK (date(start_date, '+0 days') IS start_date),
    end_date       TEXT NOT NULL CHECK (date(end_date, '+0 days') IS end_date),
    early_end_date TEXT CHECK (early_end_date IS NULL OR date(early_end_date, '+0 days') IS early_end_date),
    late_end_date  TEXT CHECK (late_end_date IS NULL OR date(late_end_date, '+0 days') IS late_end_date),
    ended_on       TEXT CHECK (ended_on IS NULL OR date(ended_on, '+0 days') IS ended_on),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (end_date > start_date),
    CHECK (early_end_date IS NULL OR (early_end_date > start_date AND early_end_date < end_date)),
    CHECK (late_end_date IS NULL OR late_end_date > end_date),
    CHECK (ended_on IS NULL OR ended_on >= start_date)
) STRICT;

-- A client has at most one order or licence in force at a time.
CREATE UNIQUE INDEX court_order_one_in_force ON court_order (client_id) WHERE ended_on IS NULL;
-- An order's natural key: one of a kind made on a day per client.
CREATE UNIQUE INDEX court_order_natural_key ON court_order (client_id, kind, start_date);

-- The court's reviews of an order (003: "the sentencing magistrate or Judge will want
-- to know how the service user is progressing"), and whether the progress report went.
CREATE TABLE court_review (
    id             INTEGER PRIMARY KEY,
    court_order_id INTEGER NOT NULL REFERENCES court_order (id),
    review_on      TEXT NOT NULL CHECK (date(review_on, '+0 days') IS review_on),
    report_sent    INTEGER NOT NULL DEFAULT 0 CHECK (report_sent IN (0, 1)),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (court_order_id, review_on)
) STRICT;
