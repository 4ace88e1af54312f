-- Schema step 17 (PostgreSQL): the Areas view's counts of the open episodes per area,
-- clock rule and day the 13-week clock started, kept by triggers, as SQLite's
-- `migrate/area_count.sql`. The triggers' function runs as its owner, so a change
-- keeps the counts right whatever row security lets the worker see.
--
-- Row security: a worker reads the counts of the area they may read (an admin every
-- area), never another area's: a count of an area is a count of its clients, and a
-- care co-ordinator or support worker may not read those. A team leader reads sampled
-- clients in other areas, but not the rest of those areas, so they too see only their
-- own area's counts; the Areas view shows the other areas with no one counted.
CREATE TABLE area_count (
    area_id        bigint NOT NULL REFERENCES area (id),
    clock          text NOT NULL CHECK (clock IN ('care-plan', 'assessment')),
    started        text NOT NULL CHECK (caseload_is_date(started)),
    active         bigint NOT NULL,
    iom            bigint NOT NULL,
    ppo            bigint NOT NULL,
    in_custody     bigint NOT NULL,
    ppo_in_custody bigint NOT NULL,
    PRIMARY KEY (area_id, clock, started)
);

-- Adds (`sign` 1) or takes away (-1) what `clients` add to area_count as they stand:
-- their open episodes (with their open custody, if any), once under each clock rule.
CREATE FUNCTION caseload_count_clients(clients bigint[], sign bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO area_count AS t
    SELECT c.area_id, k.clock,
           coalesce(CASE WHEN k.clock = 'care-plan' OR e.care_plan_date IS NULL
                           OR e.assessment_date IS NULL OR e.care_plan_date <= e.assessment_date
                         THEN e.care_plan_date ELSE e.assessment_date END,
                    '9999-12-31'),
           sign * count(*), sign * sum(c.iom), sign * sum(c.ppo),
           sign * count(cu.id), sign * sum(CASE WHEN cu.id IS NULL THEN 0 ELSE c.ppo END)
      FROM episode e
      JOIN client c ON c.id = e.client_id
      LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL
     CROSS JOIN (VALUES ('care-plan'), ('assessment')) AS k (clock)
     WHERE e.closure_date IS NULL AND c.id = ANY (clients)
     GROUP BY 1, 2, 3
        ON CONFLICT (area_id, clock, started) DO UPDATE SET
           active = t.active + excluded.active, iom = t.iom + excluded.iom,
           ppo = t.ppo + excluded.ppo, in_custody = t.in_custody + excluded.in_custody,
           ppo_in_custody = t.ppo_in_custody + excluded.ppo_in_custody
$$;

-- Before a change, takes the clients it touches out of the counts; after it, puts them
-- back as they then stand.
CREATE FUNCTION caseload_keep_area_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    clients bigint[];
BEGIN
    IF TG_TABLE_NAME = 'client' THEN
        IF TG_OP = 'UPDATE' THEN
            clients := ARRAY[OLD.id, NEW.id];
        ELSIF TG_OP = 'DELETE' THEN
            clients := ARRAY[OLD.id];
        ELSE
            clients := ARRAY[NEW.id];
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        clients := ARRAY[OLD.client_id, NEW.client_id];
    ELSIF TG_OP = 'DELETE' THEN
        clients := ARRAY[OLD.client_id];
    ELSE
        clients := ARRAY[NEW.client_id];
    END IF;
    PERFORM caseload_count_clients(clients, CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END);
    IF TG_WHEN = 'AFTER' THEN
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER area_count_client_out BEFORE UPDATE OF id, area_id, iom, ppo OR DELETE
    ON client FOR EACH ROW EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_client_in AFTER UPDATE OF id, area_id, iom, ppo
    ON client FOR EACH ROW EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_episode_out BEFORE UPDATE OF client_id, closure_date, care_plan_date,
    assessment_date ON episode FOR EACH ROW EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_episode_in AFTER UPDATE OF client_id, closure_date, care_plan_date,
    assessment_date ON episode FOR EACH ROW EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_episode_added_out BEFORE INSERT ON episode FOR EACH ROW
    WHEN (NEW.closure_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_episode_added_in AFTER INSERT ON episode FOR EACH ROW
    WHEN (NEW.closure_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_episode_removed_out BEFORE DELETE ON episode FOR EACH ROW
    WHEN (OLD.closure_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_episode_removed_in AFTER DELETE ON episode FOR EACH ROW
    WHEN (OLD.closure_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_custody_out BEFORE UPDATE OF client_id, actual_release_date
    ON custody FOR EACH ROW EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_custody_in AFTER UPDATE OF client_id, actual_release_date
    ON custody FOR EACH ROW EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_custody_added_out BEFORE INSERT ON custody FOR EACH ROW
    WHEN (NEW.actual_release_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_custody_added_in AFTER INSERT ON custody FOR EACH ROW
    WHEN (NEW.actual_release_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_custody_removed_out BEFORE DELETE ON custody FOR EACH ROW
    WHEN (OLD.actual_release_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();
CREATE TRIGGER area_count_custody_removed_in AFTER DELETE ON custody FOR EACH ROW
    WHEN (OLD.actual_release_date IS NULL) EXECUTE FUNCTION caseload_keep_area_count();

-- The open episodes already there, for a database upgraded from step 16.
SELECT caseload_count_clients(array_agg(id), 1) FROM client;

GRANT SELECT ON area_count TO caseload_worker;

ALTER TABLE area_count ENABLE ROW LEVEL SECURITY;
CREATE POLICY area_count_read ON area_count FOR SELECT
    USING (caseload_role() = 'admin' OR area_id = caseload_area());
