-- caseload on PostgreSQL: who may read and change what, enforced by the database.
--
-- Each worker connects as their own PostgreSQL role, named as their login (`worker.login`),
-- a member of the group role `caseload_worker`. The role that runs `caseload migrate`
-- owns the tables (and, as owner, is not limited by the policies below: keep it for
-- set-up and backups). Workers get:
--   * SELECT and INSERT on `audit` and `access_log`, never UPDATE or DELETE (and the
--     tables' triggers refuse those even to their owner);
--   * SELECT on `meta` and `schema_version`; SELECT, INSERT, UPDATE and DELETE on the rest,
--     limited row by row by the policies below, which follow README's role table:
--       care co-ordinator: reads their area; edits their own clients; in their area records
--         contacts, appointments, referrals, outreach and custody-suite tallies;
--       team leader: reads and changes everything in their area, and keeps the
--         re-offending sample for the whole service (so reads sampled episodes and their
--         clients in every area);
--       support: reads their area; records contacts, appointments and outreach there;
--       admin: reads every area (they have none); changes areas and workers only;
--       no active worker record: nothing.
--     Each writes drafts and access-log rows only as themselves, and audit rows only in
--     their own name. The program asks the finer rules (who may close or extend) itself.

DO $$
BEGIN
    CREATE ROLE caseload_worker NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- one cluster may hold several caseload databases: the group is shared
END $$;

-- The connected worker (by login, active only): role, area and id. SECURITY DEFINER reads
-- `worker` as the owner, so the policies below do not recurse into its own policy.
CREATE FUNCTION caseload_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT role FROM worker WHERE login = session_user AND active = 1
$$;

CREATE FUNCTION caseload_area() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT area_id FROM worker WHERE login = session_user AND active = 1
$$;

CREATE FUNCTION caseload_worker_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT id FROM worker WHERE login = session_user AND active = 1
$$;

-- Whether the connected worker may read client `c`.
CREATE FUNCTION caseload_sees_client(c bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT caseload_role() = 'admin'
        OR (SELECT area_id FROM client WHERE id = c) = caseload_area()
        OR (caseload_role() = 'team_leader' AND EXISTS (
               SELECT 1 FROM reoffending_sample s JOIN episode e ON e.id = s.episode_id
                WHERE e.client_id = c))
$$;

-- Whether the connected worker may change client `c`'s record: a team leader in their
-- area, a care co-ordinator their own clients.
CREATE FUNCTION caseload_edits_client(c bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (
        SELECT 1 FROM client
         WHERE id = c AND area_id = caseload_area()
           AND (caseload_role() = 'team_leader'
                OR (caseload_role() = 'care_coordinator'
                    AND care_coordinator_id = caseload_worker_id())))
$$;

-- Whether the connected worker, in one of `roles`, works in client `c`'s area.
CREATE FUNCTION caseload_in_area(c bigint, roles text[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT caseload_role() = ANY (roles)
       AND (SELECT area_id FROM client WHERE id = c) = caseload_area()
$$;

-- The client of breach `b`.
CREATE FUNCTION caseload_breach_client(b bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT client_id FROM breach WHERE id = b
$$;

-- The client of episode `e`.
CREATE FUNCTION caseload_episode_client(e bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT client_id FROM episode WHERE id = e
$$;

-- Whether the connected worker may read audit rows of `entity` row `row_id`: those of a
-- row they may read (asked as themselves, through that table's own policy); rows of
-- removed records and of no row only team leaders and admins.
CREATE FUNCTION caseload_audit_visible(entity text, row_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public AS $$
DECLARE
    seen boolean;
BEGIN
    IF caseload_role() = 'admin' THEN
        RETURN true;
    END IF;
    IF row_id IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', entity)
           INTO seen USING row_id;
        IF seen THEN
            RETURN true;
        END IF;
    END IF;
    RETURN caseload_role() = 'team_leader';
EXCEPTION WHEN undefined_table OR undefined_column THEN
    RETURN caseload_role() = 'team_leader';
END $$;

-- Makes `login` a PostgreSQL role that may log in, in the group `caseload_worker`;
-- true if the role was created here. Run by `caseload migrate` for each worker's login.
CREATE FUNCTION caseload_enrol(login text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    created boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', login);
            created := true;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT pg_has_role(login, 'caseload_worker', 'MEMBER') THEN
        EXECUTE format('GRANT caseload_worker TO %I', login);
    END IF;
    RETURN created;
END $$;
REVOKE ALL ON FUNCTION caseload_enrol(text) FROM PUBLIC;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO caseload_worker;
GRANT INSERT, UPDATE, DELETE ON area, worker, client, episode, custody, drug_test,
    required_assessment, breach, reengagement, contact, client_twin, modality, positive_outcome, outreach,
    reoffending_sample, reoffending_draw, custody_tally, draft TO caseload_worker;
GRANT INSERT ON audit, access_log TO caseload_worker;

ALTER TABLE area ENABLE ROW LEVEL SECURITY;
CREATE POLICY area_read ON area FOR SELECT USING (true);
CREATE POLICY area_admin ON area FOR ALL
    USING (caseload_role() = 'admin') WITH CHECK (caseload_role() = 'admin');

ALTER TABLE worker ENABLE ROW LEVEL SECURITY;
CREATE POLICY worker_read ON worker FOR SELECT USING (true);
CREATE POLICY worker_admin ON worker FOR ALL
    USING (caseload_role() = 'admin') WITH CHECK (caseload_role() = 'admin');

-- The client's own columns, not caseload_sees_client: a row being inserted (read back by
-- RETURNING) is not yet visible to a function's query.
ALTER TABLE client ENABLE ROW LEVEL SECURITY;
CREATE POLICY client_read ON client FOR SELECT
    USING (caseload_role() = 'admin' OR area_id = caseload_area()
           OR (caseload_role() = 'team_leader' AND caseload_sees_client(id)));
CREATE POLICY client_refer ON client FOR INSERT
    WITH CHECK (caseload_role() IN ('care_coordinator', 'team_leader')
                AND area_id = caseload_area());
CREATE POLICY client_edit ON client FOR UPDATE
    USING (area_id = caseload_area()
           AND (caseload_role() = 'team_leader'
                OR (caseload_role() = 'care_coordinator'
                    AND care_coordinator_id = caseload_worker_id())))
    -- A team leader may move a client to another area (a reassignment); a care
    -- co-ordinator's client stays theirs, in their area.
    WITH CHECK (caseload_role() = 'team_leader'
                OR (area_id = caseload_area() AND care_coordinator_id = caseload_worker_id()));
CREATE POLICY client_undo ON client FOR DELETE
    USING (caseload_role() IN ('care_coordinator', 'team_leader') AND area_id = caseload_area());

-- Rows of a client's record: read with the client; changed by whoever may change the
-- record; referrals (a new episode, the twin key) by co-ordinators and leaders in the
-- area; contacts and appointments by anyone working in the area.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['episode', 'custody', 'drug_test', 'breach', 'client_twin',
                             'contact', 'required_assessment'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %s_read ON %I FOR SELECT
                            USING (caseload_sees_client(client_id))', t, t);
        EXECUTE format('CREATE POLICY %s_edit ON %I FOR ALL
                            USING (caseload_edits_client(client_id))
                            WITH CHECK (caseload_edits_client(client_id))', t, t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['episode', 'client_twin'] LOOP
        EXECUTE format('CREATE POLICY %s_refer ON %I FOR INSERT WITH CHECK
                            (caseload_in_area(client_id,
                                ARRAY[''care_coordinator'', ''team_leader'']))', t, t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['contact', 'required_assessment'] LOOP
        EXECUTE format('CREATE POLICY %s_record ON %I FOR ALL
                            USING (caseload_in_area(client_id,
                                ARRAY[''care_coordinator'', ''team_leader'', ''support'']))
                            WITH CHECK (caseload_in_area(client_id,
                                ARRAY[''care_coordinator'', ''team_leader'', ''support'']))',
                       t, t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['modality', 'positive_outcome'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %s_read ON %I FOR SELECT
                            USING (caseload_sees_client(caseload_episode_client(episode_id)))',
                       t, t);
        EXECUTE format('CREATE POLICY %s_edit ON %I FOR ALL
                            USING (caseload_edits_client(caseload_episode_client(episode_id)))
                            WITH CHECK (caseload_edits_client(caseload_episode_client(episode_id)))',
                       t, t);
    END LOOP;
END $$;

-- Attempts to re-engage a client after a breach: read with the client; recorded by
-- whoever may change the record (as breaches are).
ALTER TABLE reengagement ENABLE ROW LEVEL SECURITY;
CREATE POLICY reengagement_read ON reengagement FOR SELECT
    USING (caseload_sees_client(caseload_breach_client(breach_id)));
CREATE POLICY reengagement_edit ON reengagement FOR ALL
    USING (caseload_edits_client(caseload_breach_client(breach_id)))
    WITH CHECK (caseload_edits_client(caseload_breach_client(breach_id)));

ALTER TABLE reoffending_sample ENABLE ROW LEVEL SECURITY;
CREATE POLICY reoffending_sample_read ON reoffending_sample FOR SELECT
    USING (caseload_sees_client(caseload_episode_client(episode_id)));
CREATE POLICY reoffending_sample_keep ON reoffending_sample FOR ALL
    USING (caseload_role() = 'team_leader') WITH CHECK (caseload_role() = 'team_leader');

ALTER TABLE reoffending_draw ENABLE ROW LEVEL SECURITY;
CREATE POLICY reoffending_draw_read ON reoffending_draw FOR SELECT USING (true);
CREATE POLICY reoffending_draw_keep ON reoffending_draw FOR ALL
    USING (caseload_role() = 'team_leader') WITH CHECK (caseload_role() = 'team_leader');

ALTER TABLE outreach ENABLE ROW LEVEL SECURITY;
CREATE POLICY outreach_area ON outreach FOR ALL
    USING (caseload_role() = 'admin' OR area_id = caseload_area())
    WITH CHECK (caseload_role() IN ('care_coordinator', 'team_leader', 'support')
                AND area_id = caseload_area());

ALTER TABLE custody_tally ENABLE ROW LEVEL SECURITY;
CREATE POLICY custody_tally_area ON custody_tally FOR ALL
    USING (caseload_role() = 'admin' OR area_id = caseload_area())
    WITH CHECK (caseload_role() IN ('care_coordinator', 'team_leader')
                AND area_id = caseload_area());

ALTER TABLE draft ENABLE ROW LEVEL SECURITY;
CREATE POLICY draft_own ON draft FOR ALL
    USING (login = session_user) WITH CHECK (login = session_user);

ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_read ON audit FOR SELECT USING (caseload_audit_visible(entity, row_id));
CREATE POLICY audit_own ON audit FOR INSERT
    WITH CHECK (who = session_user AND caseload_role() IS NOT NULL);

ALTER TABLE access_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY access_log_read ON access_log FOR SELECT
    USING (caseload_role() IN ('team_leader', 'admin')
           AND (client_id IS NULL OR caseload_sees_client(client_id)));
CREATE POLICY access_log_own ON access_log FOR INSERT WITH CHECK (login = session_user);
