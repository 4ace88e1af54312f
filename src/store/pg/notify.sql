-- Live refresh (PostgreSQL only): every statement that changes a caseload table
-- notifies the channel `caseload_changed` (store/sql/notify.rs, CHANNEL), so that each
-- open session, listening there, notices a colleague's commit without asking the
-- server. PostgreSQL sends a transaction's notifications at commit, alike ones once,
-- and none if it rolls back. Any role may LISTEN and call pg_notify: workers need no
-- grant for this.
--
-- Written to be run again (store/pg/migrate.rs runs it after creating or upgrading a
-- database, and whenever a table lacks its trigger): it replaces the function, and
-- gives the trigger to every table of the schema that has none, tables added by later
-- steps included.
CREATE OR REPLACE FUNCTION caseload_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('caseload_changed', '');
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                AND NOT EXISTS (SELECT 1 FROM pg_trigger g
                                 WHERE g.tgrelid = c.oid AND g.tgname = 'caseload_changed')
    LOOP
        EXECUTE format('CREATE TRIGGER caseload_changed
                            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                            FOR EACH STATEMENT EXECUTE FUNCTION caseload_changed()', t);
    END LOOP;
END $$;
