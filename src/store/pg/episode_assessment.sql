-- Schema step 18 (PostgreSQL): open episodes by assessment date, as SQLite's step 18,
-- for the Caseload's first page by the 13-week clock.
CREATE INDEX episode_assessment ON episode (assessment_date) WHERE closure_date IS NULL;
