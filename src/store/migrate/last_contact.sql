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
