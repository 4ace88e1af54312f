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
