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
