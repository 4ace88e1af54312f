-- Schema step 16 (PostgreSQL): each client's last contact that was not a
-- did-not-attend, kept by triggers, and the indexes of the Today queue's first screen,
-- as SQLite's `migrate/last_contact.sql`. The triggers' function runs as its owner, so
-- a contact keeps the row right whatever row security lets the worker see; workers
-- only read the table, with the client.
CREATE TABLE client_last_contact (
    client_id  bigint PRIMARY KEY REFERENCES client (id),
    contact_at text CHECK (contact_at IS NULL OR caseload_is_minute(contact_at))
);

CREATE INDEX client_last_contact_at ON client_last_contact (contact_at);

CREATE INDEX episode_waiting ON episode (referral_date) WHERE closure_date IS NULL AND assessment_date IS NULL;
CREATE INDEX episode_review_due ON episode (next_review_date) WHERE closure_date IS NULL;
CREATE INDEX episode_care_plan ON episode (care_plan_date) WHERE closure_date IS NULL;

-- Client `c`'s last contact that was not a did-not-attend.
CREATE FUNCTION caseload_last_contact(c bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT max(contact_at) FROM contact WHERE client_id = c AND kind <> 'did_not_attend'
$$;

-- Keeps client_last_contact as a client is added or removed and a contact is added,
-- changed or removed.
CREATE FUNCTION caseload_keep_last_contact() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF TG_TABLE_NAME = 'client' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO client_last_contact (client_id) VALUES (NEW.id);
            RETURN NEW;
        END IF;
        DELETE FROM client_last_contact WHERE client_id = OLD.id;
        RETURN OLD;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE client_last_contact SET contact_at = caseload_last_contact(OLD.client_id)
         WHERE client_id = OLD.client_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE client_last_contact SET contact_at = caseload_last_contact(NEW.client_id)
         WHERE client_id = NEW.client_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER client_last_contact_new_client AFTER INSERT ON client
    FOR EACH ROW EXECUTE FUNCTION caseload_keep_last_contact();
CREATE TRIGGER client_last_contact_client_gone BEFORE DELETE ON client
    FOR EACH ROW EXECUTE FUNCTION caseload_keep_last_contact();
CREATE TRIGGER client_last_contact_contact AFTER INSERT OR DELETE OR UPDATE OF client_id, contact_at, kind
    ON contact FOR EACH ROW EXECUTE FUNCTION caseload_keep_last_contact();

-- A row copied in (caseload migrate) replaces the one the client's trigger made.
CREATE FUNCTION caseload_replace_last_contact() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    DELETE FROM client_last_contact WHERE client_id = NEW.client_id;
    RETURN NEW;
END $$;

CREATE TRIGGER client_last_contact_replaced BEFORE INSERT ON client_last_contact
    FOR EACH ROW EXECUTE FUNCTION caseload_replace_last_contact();

-- Existing contacts, for a database upgraded from step 15.
INSERT INTO client_last_contact (client_id, contact_at)
SELECT id, caseload_last_contact(id) FROM client;

GRANT SELECT ON client_last_contact TO caseload_worker;

ALTER TABLE client_last_contact ENABLE ROW LEVEL SECURITY;
CREATE POLICY client_last_contact_read ON client_last_contact FOR SELECT
    USING (caseload_sees_client(client_id));
