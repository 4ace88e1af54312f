-- Schema step 19 (PostgreSQL): open episodes by extension review date, as SQLite's
-- step 19, for the Caseload's first page by next key date.
CREATE INDEX episode_extension_review ON episode (extension_review_date) WHERE closure_date IS NULL;
