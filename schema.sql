-- caseload: the whole data model.
--
-- Conventions
--   * Dates are ISO text `YYYY-MM-DD`; date-times are `YYYY-MM-DD HH:MM` (local time
--     of the service). CHECKs reject anything that does not survive normalisation by
--     SQLite's date functions (`'+0 days'` turns 31 February into 3 March).
--   * Every editable row carries `version`, bumped by each update; writers compare it
--     to the version they read so no change silently overwrites a newer one.
--   * Vocabularies are fixed by CHECK constraints and mirrored in `src/domain/model.rs`.
--   * `audit` is append-only: triggers refuse UPDATE and DELETE.
--
-- Applied by `Store::open` on an empty file, then `PRAGMA user_version` records the
-- schema version; later changes are numbered steps in `src/store/migrate.rs`.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE area (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    intensive INTEGER NOT NULL DEFAULT 0 CHECK (intensive IN (0, 1)),
    version   INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE worker (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL CHECK (length(trim(name)) > 0),
    login   TEXT UNIQUE CHECK (login IS NULL OR length(login) > 0),
    role    TEXT NOT NULL CHECK (role IN ('care_coordinator', 'team_leader', 'support', 'admin')),
    area_id INTEGER REFERENCES area (id),
    active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE client (
    id                  INTEGER PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE CHECK (length(trim(reference)) > 0),
    given_name          TEXT NOT NULL CHECK (length(trim(given_name)) > 0),
    family_name         TEXT NOT NULL CHECK (length(trim(family_name)) > 0),
    date_of_birth       TEXT NOT NULL CHECK (date(date_of_birth, '+0 days') IS date_of_birth),
    sex                 TEXT NOT NULL DEFAULT 'not_stated'
                        CHECK (sex IN ('female', 'male', 'other', 'not_stated')),
    ethnicity           TEXT NOT NULL DEFAULT 'not_stated'
                        CHECK (ethnicity IN ('white', 'mixed', 'asian', 'black', 'other', 'not_stated')),
    nhs_number          TEXT CHECK (nhs_number IS NULL
                                    OR (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*')),
    area_id             INTEGER NOT NULL REFERENCES area (id),
    care_coordinator_id INTEGER REFERENCES worker (id),
    consent_to_share    INTEGER NOT NULL DEFAULT 0 CHECK (consent_to_share IN (0, 1)),
    consent_date        TEXT CHECK (consent_date IS NULL OR date(consent_date, '+0 days') IS consent_date),
    substance_1         TEXT,
    substance_2         TEXT,
    substance_3         TEXT,
    iom                 INTEGER NOT NULL DEFAULT 0 CHECK (iom IN (0, 1)),
    ppo                 INTEGER NOT NULL DEFAULT 0 CHECK (ppo IN (0, 1)),
    mappa               INTEGER NOT NULL DEFAULT 0 CHECK (mappa IN (0, 1)),
    marac               INTEGER NOT NULL DEFAULT 0 CHECK (marac IN (0, 1)),
    matac               INTEGER NOT NULL DEFAULT 0 CHECK (matac IN (0, 1)),
    approved_premises   INTEGER NOT NULL DEFAULT 0 CHECK (approved_premises IN (0, 1)),
    drr                 INTEGER NOT NULL DEFAULT 0 CHECK (drr IN (0, 1)),
    atr                 INTEGER NOT NULL DEFAULT 0 CHECK (atr IN (0, 1)),
    licence_condition   INTEGER NOT NULL DEFAULT 0 CHECK (licence_condition IN (0, 1)),
    version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    gp_practice         TEXT,
    prescriber          TEXT,
    domestic_abuse      INTEGER NOT NULL DEFAULT 0 CHECK (domestic_abuse IN (0, 1)),
    CHECK (consent_to_share = 0 OR consent_date IS NOT NULL),
    -- Substances are ranked: no gaps, no repeats, all from the vocabulary.
    CHECK (substance_2 IS NULL OR substance_1 IS NOT NULL),
    CHECK (substance_3 IS NULL OR substance_2 IS NOT NULL),
    CHECK (substance_2 IS NULL OR substance_2 <> substance_1),
    CHECK (substance_3 IS NULL OR (substance_3 <> substance_1 AND substance_3 <> substance_2)),
    CHECK (coalesce(substance_1, 'heroin') IN (
        'heroin', 'cocaine', 'crack', 'cannabis', 'amphetamines', 'mephedrone', 'alcohol',
        'illicit_subutex', 'benzodiazepines', 'prescribed_methadone', 'illicit_methadone',
        'illicit_dihydrocodeine', 'chemical_highs', 'ketamine', 'methamphetamine', 'solvents',
        'synthetic_cannabinoids', 'other', 'unknown')),
    CHECK (coalesce(substance_2, 'heroin') IN (
        'heroin', 'cocaine', 'crack', 'cannabis', 'amphetamines', 'mephedrone', 'alcohol',
        'illicit_subutex', 'benzodiazepines', 'prescribed_methadone', 'illicit_methadone',
        'illicit_dihydrocodeine', 'chemical_highs', 'ketamine', 'methamphetamine', 'solvents',
        'synthetic_cannabinoids', 'other', 'unknown')),
    CHECK (coalesce(substance_3, 'heroin') IN (
        'heroin', 'cocaine', 'crack', 'cannabis', 'amphetamines', 'mephedrone', 'alcohol',
        'illicit_subutex', 'benzodiazepines', 'prescribed_methadone', 'illicit_methadone',
        'illicit_dihydrocodeine', 'chemical_highs', 'ketamine', 'methamphetamine', 'solvents',
        'synthetic_cannabinoids', 'other', 'unknown'))
) STRICT;

CREATE INDEX client_area ON client (area_id);
CREATE INDEX client_care_coordinator ON client (care_coordinator_id);
CREATE INDEX client_name_dob ON client (family_name COLLATE NOCASE, given_name COLLATE NOCASE, date_of_birth);

CREATE TABLE episode (
    id                    INTEGER PRIMARY KEY,
    client_id             INTEGER NOT NULL REFERENCES client (id),
    referral_date         TEXT NOT NULL CHECK (date(referral_date, '+0 days') IS referral_date),
    referral_source       TEXT NOT NULL
                          CHECK (referral_source IN ('police', 'probation', 'prison', 'court', 'self', 'other')),
    assessment_date       TEXT CHECK (assessment_date IS NULL OR date(assessment_date, '+0 days') IS assessment_date),
    -- Whether the assessment found a need for the caseload (KPI 4's denominator); 0 when
    -- it found none and the person was signposted elsewhere.
    assessed_need         INTEGER NOT NULL DEFAULT 1 CHECK (assessed_need IN (0, 1)),
    -- The care-plan date is the caseload start: the 13-week clock runs from it.
    care_plan_date        TEXT CHECK (care_plan_date IS NULL OR date(care_plan_date, '+0 days') IS care_plan_date),
    next_review_date      TEXT CHECK (next_review_date IS NULL OR date(next_review_date, '+0 days') IS next_review_date),
    engaged               INTEGER NOT NULL DEFAULT 0 CHECK (engaged IN (0, 1)),
    prescribed            INTEGER NOT NULL DEFAULT 0 CHECK (prescribed IN (0, 1)),
    tier                  INTEGER NOT NULL DEFAULT 2 CHECK (tier BETWEEN 1 AND 4),
    exit_plan             TEXT,
    extension_reason      TEXT CHECK (extension_reason IS NULL OR length(trim(extension_reason)) > 0),
    extension_review_date TEXT CHECK (extension_review_date IS NULL
                                      OR date(extension_review_date, '+0 days') IS extension_review_date),
    closure_date          TEXT CHECK (closure_date IS NULL OR date(closure_date, '+0 days') IS closure_date),
    exit_reason           TEXT CHECK (exit_reason IS NULL OR exit_reason IN (
                              'completed_drug_and_crime_free', 'completed_drug_free',
                              'completed_crime_free', 'transferred_to_treatment',
                              'transferred_to_area', 'custody', 'disengaged', 'deceased', 'other')),
    version               INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The day engagement was evidenced (DIR section 9 completed; KPI 5), kept when the
    -- flag is later cleared, so a past quarter's return does not change (schema step 5;
    -- older engaged episodes were dated at their care plan).
    engaged_on            TEXT CHECK (engaged_on IS NULL OR date(engaged_on, '+0 days') IS engaged_on),
    -- The DAN 24/7 helpline number given at assessment (003; schema step 13).
    dan_advised           INTEGER NOT NULL DEFAULT 0 CHECK (dan_advised IN (0, 1)),
    -- The court order this episode is the aftercare of (schema step 15).
    follows_order_id      INTEGER REFERENCES court_order (id),
    CHECK ((extension_reason IS NULL) = (extension_review_date IS NULL)),
    CHECK ((closure_date IS NULL) = (exit_reason IS NULL)),
    CHECK (assessment_date IS NULL OR assessment_date >= referral_date),
    CHECK (care_plan_date IS NULL OR care_plan_date >= referral_date),
    CHECK (closure_date IS NULL OR closure_date >= referral_date)
) STRICT;

-- A client has at most one open episode at a time.
CREATE UNIQUE INDEX episode_one_open_per_client ON episode (client_id) WHERE closure_date IS NULL;
CREATE INDEX episode_client ON episode (client_id);

CREATE TABLE custody (
    id                      INTEGER PRIMARY KEY,
    client_id               INTEGER NOT NULL REFERENCES client (id),
    prison                  TEXT NOT NULL CHECK (length(trim(prison)) > 0),
    reception_date          TEXT NOT NULL CHECK (date(reception_date, '+0 days') IS reception_date),
    expected_release_date   TEXT CHECK (expected_release_date IS NULL
                                        OR date(expected_release_date, '+0 days') IS expected_release_date),
    earliest_release_date   TEXT CHECK (earliest_release_date IS NULL
                                        OR date(earliest_release_date, '+0 days') IS earliest_release_date),
    release_type            TEXT CHECK (release_type IS NULL OR release_type IN (
                                'licence', 'home_detention_curfew', 'parole', 'end_of_sentence',
                                'court', 'other')),
    appointment_booked      INTEGER NOT NULL DEFAULT 0 CHECK (appointment_booked IN (0, 1)),
    prescriber_confirmed    INTEGER NOT NULL DEFAULT 0 CHECK (prescriber_confirmed IN (0, 1)),
    naloxone_given          INTEGER NOT NULL DEFAULT 0 CHECK (naloxone_given IN (0, 1)),
    accommodation_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (accommodation_confirmed IN (0, 1)),
    prison_team_contacted   INTEGER NOT NULL DEFAULT 0 CHECK (prison_team_contacted IN (0, 1)),
    actual_release_date     TEXT CHECK (actual_release_date IS NULL
                                        OR date(actual_release_date, '+0 days') IS actual_release_date),
    version                 INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    handover_with           TEXT,
    handover_on             TEXT CHECK (handover_on IS NULL OR date(handover_on, '+0 days') IS handover_on),
    handover_prescribing    INTEGER NOT NULL DEFAULT 0 CHECK (handover_prescribing IN (0, 1)),
    handover_consent        INTEGER NOT NULL DEFAULT 0 CHECK (handover_consent IN (0, 1)),
    handover_waived         TEXT,
    -- Remanded (awaiting trial or sentence) or sentenced; NULL where not recorded
    -- (schema step 13), as for custody recorded before it.
    reception_kind          TEXT CHECK (reception_kind IS NULL OR reception_kind IN ('remand', 'sentence')),
    -- The DAN 24/7 helpline number given before release (003; schema step 13).
    dan_advised             INTEGER NOT NULL DEFAULT 0 CHECK (dan_advised IN (0, 1)),
    CHECK (earliest_release_date IS NULL OR expected_release_date IS NULL
           OR earliest_release_date <= expected_release_date),
    CHECK (actual_release_date IS NULL OR actual_release_date >= reception_date)
) STRICT;

-- A client is in custody at most once at a time.
CREATE UNIQUE INDEX custody_one_open_per_client ON custody (client_id) WHERE actual_release_date IS NULL;
CREATE INDEX custody_expected_release ON custody (expected_release_date) WHERE actual_release_date IS NULL;

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
-- A test's natural key is all of it (schema step 10): the same test twice is one test.
CREATE UNIQUE INDEX drug_test_natural_key ON drug_test (client_id, tested_on, kind, result);

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

-- Each attempt to re-engage a client after a breach, during the team's cooling-off
-- period (002: "'cooling-off' period (in which re-engagement with the client is
-- sought)"): when and how (schema step 13). The same attempt twice is one attempt.
CREATE TABLE reengagement (
    id           INTEGER PRIMARY KEY,
    breach_id    INTEGER NOT NULL REFERENCES breach (id),
    attempted_at TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', attempted_at, '+0 days') IS attempted_at),
    how          TEXT NOT NULL CHECK (how IN ('phone', 'text', 'letter', 'home_visit', 'via_partner', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE UNIQUE INDEX reengagement_natural_key ON reengagement (breach_id, attempted_at, how);

CREATE TABLE contact (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES client (id),
    worker_id  INTEGER NOT NULL REFERENCES worker (id),
    contact_at TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', contact_at, '+0 days') IS contact_at),
    kind       TEXT NOT NULL CHECK (kind IN ('face_to_face', 'phone', 'letter', 'did_not_attend', 'other')),
    note       TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE INDEX contact_client_at ON contact (client_id, contact_at);
-- "Last contact" ignores did-not-attend: this makes it one index probe per client.
CREATE INDEX contact_seen ON contact (client_id, contact_at) WHERE kind <> 'did_not_attend';

-- Each client's last contact that was not a did-not-attend (schema step 16), kept by
-- triggers in the transaction that changes a contact or adds a client, so the two can
-- never disagree. The Today queue's first screen finds the clients longest without
-- contact from its index, instead of probing every client's contacts.
CREATE TABLE client_last_contact (
    client_id  INTEGER PRIMARY KEY REFERENCES client (id),
    contact_at TEXT
) STRICT;

CREATE INDEX client_last_contact_at ON client_last_contact (contact_at);

CREATE TRIGGER client_last_contact_new_client AFTER INSERT ON client BEGIN
    INSERT INTO client_last_contact (client_id) VALUES (new.id);
END;

CREATE TRIGGER client_last_contact_client_gone BEFORE DELETE ON client BEGIN
    DELETE FROM client_last_contact WHERE client_id = old.id;
END;

CREATE TRIGGER client_last_contact_added AFTER INSERT ON contact
WHEN new.kind <> 'did_not_attend' BEGIN
    UPDATE client_last_contact SET contact_at = new.contact_at
     WHERE client_id = new.client_id AND (contact_at IS NULL OR contact_at < new.contact_at);
END;

CREATE TRIGGER client_last_contact_removed AFTER DELETE ON contact
WHEN old.kind <> 'did_not_attend' BEGIN
    UPDATE client_last_contact
       SET contact_at = (SELECT max(k.contact_at) FROM contact k
                          WHERE k.client_id = old.client_id AND k.kind <> 'did_not_attend')
     WHERE client_id = old.client_id;
END;

CREATE TRIGGER client_last_contact_changed AFTER UPDATE OF client_id, contact_at, kind ON contact
BEGIN
    UPDATE client_last_contact
       SET contact_at = (SELECT max(k.contact_at) FROM contact k
                          WHERE k.client_id = client_last_contact.client_id
                            AND k.kind <> 'did_not_attend')
     WHERE client_id IN (old.client_id, new.client_id);
END;

-- Open episodes still waiting for an assessment, oldest referral first; with a review
-- due; by the day the care plan was made: the Today queue's first screen finds the
-- referrals waiting longest, the reviews most overdue and the clients near 13 weeks
-- without reading the rest.
CREATE INDEX episode_waiting ON episode (referral_date) WHERE closure_date IS NULL AND assessment_date IS NULL;
CREATE INDEX episode_review_due ON episode (next_review_date) WHERE closure_date IS NULL;
CREATE INDEX episode_care_plan ON episode (care_plan_date) WHERE closure_date IS NULL;

-- Natural keys (schema step 2): what makes two rows the same record, so that an
-- import run twice, or by two people at once, can never store a second copy. An import
-- that meets one of these reports the row as unchanged.
CREATE UNIQUE INDEX episode_natural_key ON episode (client_id, referral_date);
CREATE UNIQUE INDEX custody_natural_key ON custody (client_id, reception_date);
CREATE UNIQUE INDEX contact_natural_key ON contact (client_id, contact_at, kind, worker_id, note);
CREATE UNIQUE INDEX breach_natural_key ON breach (client_id, raised_at);

-- One row per client: the twin key (`domain::twin::key`: names ignoring case, surrounding
-- and zero-width whitespace and Unicode normal form, and date of birth). Its primary key
-- makes a second client with the same name and date of birth impossible. Twins stored
-- before step 2 keep their records; only the oldest of them has a row here.
CREATE TABLE client_twin (
    key       TEXT PRIMARY KEY,
    client_id INTEGER NOT NULL UNIQUE REFERENCES client (id)
) STRICT;

CREATE TABLE modality (
    id         INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episode (id),
    kind       TEXT NOT NULL CHECK (kind IN (
                   'prescribing', 'structured_psychosocial', 'day_programme', 'harm_reduction',
                   'residential', 'other')),
    started_on TEXT NOT NULL CHECK (date(started_on, '+0 days') IS started_on),
    ended_on   TEXT CHECK (ended_on IS NULL OR date(ended_on, '+0 days') IS ended_on),
    completed  INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (ended_on IS NULL OR ended_on >= started_on),
    CHECK (completed = 0 OR ended_on IS NOT NULL)
) STRICT;

CREATE INDEX modality_episode ON modality (episode_id);
-- A modality's natural key (schema step 12): one of a kind started on a day per episode.
CREATE UNIQUE INDEX modality_natural_key ON modality (episode_id, kind, started_on);

CREATE TABLE positive_outcome (
    id          INTEGER PRIMARY KEY,
    episode_id  INTEGER NOT NULL REFERENCES episode (id),
    recorded_on TEXT NOT NULL CHECK (date(recorded_on, '+0 days') IS recorded_on),
    kind        TEXT NOT NULL CHECK (kind IN (
                    'negative_treatment_test', 'housing_secured', 'employment_or_training',
                    'family_contact_restored', 'reduced_use', 'other')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE INDEX positive_outcome_episode ON positive_outcome (episode_id);
-- An outcome's natural key is all of it (schema step 11): the same outcome twice is one.
CREATE UNIQUE INDEX positive_outcome_natural_key ON positive_outcome (episode_id, recorded_on, kind);

-- Brief interventions with people who are not on the caseload: tallied, not tied to a
-- client. Signposting into a specialist service is an outcome of a brief intervention,
-- not a tally of its own (000: 388 signposted of 2,450 brief interventions). Schema
-- step 14 made each older signposting row a brief intervention signposted there.
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

-- The quarterly random sample of closed clients whose offending is compared.
CREATE TABLE reoffending_sample (
    id                 INTEGER PRIMARY KEY,
    period             TEXT NOT NULL CHECK (length(period) > 0),
    episode_id         INTEGER NOT NULL REFERENCES episode (id),
    offences_before    INTEGER CHECK (offences_before IS NULL OR offences_before >= 0),
    offences_during    INTEGER CHECK (offences_during IS NULL OR offences_during >= 0),
    offences_after_3m  INTEGER CHECK (offences_after_3m IS NULL OR offences_after_3m >= 0),
    offences_after_12m INTEGER CHECK (offences_after_12m IS NULL OR offences_after_12m >= 0),
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (period, episode_id)
) STRICT;

-- One row per drawn quarter: the seed and who drew it, so a quarter is never redrawn.
CREATE TABLE reoffending_draw (
    period    TEXT PRIMARY KEY CHECK (length(period) > 0),
    seed      INTEGER NOT NULL,
    eligible  INTEGER NOT NULL CHECK (eligible >= 0),
    drawn_at  TEXT NOT NULL,
    drawn_by  TEXT NOT NULL CHECK (length(drawn_by) > 0)
) STRICT;

-- Custody-suite counts per area and day for KPIs 1 and 2: adults charged with a
-- trigger offence, how many of them were drug tested, and how many tested positive
-- (schema step 5). Most are never clients, so only numbers are kept, no names.
CREATE TABLE custody_tally (
    id          INTEGER PRIMARY KEY,
    area_id     INTEGER NOT NULL REFERENCES area (id),
    recorded_on TEXT NOT NULL CHECK (date(recorded_on, '+0 days') IS recorded_on),
    charged     INTEGER NOT NULL CHECK (charged >= 0),
    tested      INTEGER NOT NULL CHECK (tested >= 0 AND tested <= charged),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    positive    INTEGER NOT NULL DEFAULT 0 CHECK (positive >= 0 AND positive <= tested),
    UNIQUE (area_id, recorded_on)
) STRICT;

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

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    who       TEXT NOT NULL CHECK (length(who) > 0),
    entity    TEXT NOT NULL,
    row_id    INTEGER,
    action    TEXT NOT NULL CHECK (length(action) > 0),
    before    TEXT,
    after     TEXT
) STRICT;

CREATE INDEX audit_entity_row ON audit (entity, row_id);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

-- Who looked at what (schema step 4), for an information-governance review: one row
-- per client record opened, per export written and per report listing clients. Like
-- `audit` it is append-only; `caseload export access` lists it.
CREATE TABLE access_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M:%S', at, '+0 days') IS at),
    login     TEXT NOT NULL CHECK (length(login) > 0),
    what      TEXT NOT NULL CHECK (what IN ('record', 'export', 'report')),
    detail    TEXT NOT NULL DEFAULT '',
    client_id INTEGER REFERENCES client (id),
    row_count INTEGER CHECK (row_count IS NULL OR row_count >= 0),
    CHECK ((what = 'record') = (client_id IS NOT NULL)),
    CHECK ((what = 'record') = (row_count IS NULL))
) STRICT;

CREATE INDEX access_log_client ON access_log (client_id, at) WHERE client_id IS NOT NULL;

CREATE TRIGGER access_log_is_append_only_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access log rows are append-only');
END;

CREATE TRIGGER access_log_is_append_only_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access log rows are append-only');
END;

-- An open form's typed values, saved every few seconds and on hang-up, and offered
-- back on the next start. One draft per login, form and client; not audited, since
-- nothing in it has been saved to a record yet.
CREATE TABLE draft (
    id        INTEGER PRIMARY KEY,
    login     TEXT NOT NULL CHECK (length(login) > 0),
    form      TEXT NOT NULL CHECK (length(form) > 0),
    client_id INTEGER REFERENCES client (id),
    fields    TEXT NOT NULL CHECK (json_valid(fields)),
    saved_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', saved_at, '+0 days') IS saved_at)
) STRICT;

CREATE UNIQUE INDEX draft_key ON draft (login, form, coalesce(client_id, 0));

-- The Areas view's counts of the open episodes (schema step 17), kept by triggers in
-- the transaction that changes a client, an episode or a custody episode, so that the
-- view sums a few thousand rows instead of joining every open episode with its client.
-- One row per area, clock rule and day the 13-week clock started under that rule
-- (`care-plan`: the care plan; `assessment`: the assessment if earlier), '9999-12-31'
-- while it has not: the clients at or past 13 weeks on any day are a sum over a range
-- of `started`, so no count here depends on today.
CREATE TABLE area_count (
    area_id        INTEGER NOT NULL REFERENCES area (id),
    clock          TEXT NOT NULL CHECK (clock IN ('care-plan', 'assessment')),
    started        TEXT NOT NULL,
    active         INTEGER NOT NULL,
    iom            INTEGER NOT NULL,
    ppo            INTEGER NOT NULL,
    in_custody     INTEGER NOT NULL,
    ppo_in_custody INTEGER NOT NULL,
    PRIMARY KEY (area_id, clock, started)
) STRICT;

-- What each client adds to area_count: its open episodes (with its open custody, if
-- any), once under each clock rule.
CREATE VIEW area_count_row AS
SELECT c.id AS client_id, e.id AS episode_id, c.area_id, k.clock,
       coalesce(CASE WHEN k.clock = 'care-plan' OR e.care_plan_date IS NULL
                       OR e.assessment_date IS NULL OR e.care_plan_date <= e.assessment_date
                     THEN e.care_plan_date ELSE e.assessment_date END,
                '9999-12-31') AS started,
       c.iom, c.ppo, CASE WHEN cu.id IS NULL THEN 0 ELSE 1 END AS in_custody
  FROM episode e
  JOIN client c ON c.id = e.client_id
  LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL
  CROSS JOIN (SELECT 'care-plan' AS clock UNION ALL SELECT 'assessment') k
 WHERE e.closure_date IS NULL;

-- Each change takes the clients it touches out of the counts before it (`-`) and puts
-- them back after it (`+`), as they then stand.
CREATE TRIGGER area_count_client_out BEFORE UPDATE OF id, area_id, iom, ppo ON client BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id IN (old.id, new.id) GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_client_in AFTER UPDATE OF id, area_id, iom, ppo ON client BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
           sum(ppo * in_custody)
      FROM area_count_row WHERE client_id IN (old.id, new.id) GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_client_gone BEFORE DELETE ON client BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = old.id GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_episode_out BEFORE UPDATE OF client_id, closure_date, care_plan_date,
    assessment_date ON episode BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id IN (old.client_id, new.client_id)
     GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_episode_in AFTER UPDATE OF client_id, closure_date, care_plan_date,
    assessment_date ON episode BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
           sum(ppo * in_custody)
      FROM area_count_row WHERE client_id IN (old.client_id, new.client_id)
     GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

-- An open episode added or removed adds or removes its own row, and its client's other
-- open episodes are unchanged: a count of the one episode's rows is enough.
CREATE TRIGGER area_count_episode_added AFTER INSERT ON episode
WHEN new.closure_date IS NULL BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
           sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = new.client_id AND episode_id = new.id
     GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_episode_removed BEFORE DELETE ON episode
WHEN old.closure_date IS NULL BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = old.client_id AND episode_id = old.id
     GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_custody_out BEFORE UPDATE OF client_id, actual_release_date ON custody
BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id IN (old.client_id, new.client_id)
     GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_custody_in AFTER UPDATE OF client_id, actual_release_date ON custody
BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
           sum(ppo * in_custody)
      FROM area_count_row WHERE client_id IN (old.client_id, new.client_id)
     GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

-- Custody added or removed while open: its client's rows gain or lose it.
CREATE TRIGGER area_count_custody_added_out BEFORE INSERT ON custody
WHEN new.actual_release_date IS NULL BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = new.client_id GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_custody_added_in AFTER INSERT ON custody
WHEN new.actual_release_date IS NULL BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
           sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = new.client_id GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_custody_removed_out BEFORE DELETE ON custody
WHEN old.actual_release_date IS NULL BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, -count(*), -sum(iom), -sum(ppo), -sum(in_custody),
           -sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = old.client_id GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

CREATE TRIGGER area_count_custody_removed_in AFTER DELETE ON custody
WHEN old.actual_release_date IS NULL BEGIN
    INSERT INTO area_count
    SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
           sum(ppo * in_custody)
      FROM area_count_row WHERE client_id = old.client_id GROUP BY area_id, clock, started
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = active + excluded.active, iom = iom + excluded.iom, ppo = ppo + excluded.ppo,
           in_custody = in_custody + excluded.in_custody,
           ppo_in_custody = ppo_in_custody + excluded.ppo_in_custody;
END;

-- Schema step 18: open episodes by assessment date, so that the Caseload's first page by
-- the 13-week clock finds the clocks that started at an assessment before the care plan
-- without reading every open episode.
CREATE INDEX episode_assessment ON episode (assessment_date) WHERE closure_date IS NULL;

-- Schema step 19: open episodes by extension review date, so that the Caseload's first
-- page by next key date finds the first extension reviews without reading every open
-- episode.
CREATE INDEX episode_extension_review ON episode (extension_review_date) WHERE closure_date IS NULL;
