-- Runs of scheduled jobs (alerts, the Monday reports, connector syncs) and
-- of jobs started by hand. A scheduled run's `slot_key` names its job and
-- slot, unique, so two servers on one database never run a slot twice: the
-- second insert fails and that server skips. `slot` is the slot in the
-- company's local time; NULL for a run by hand.
CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL,
    slot_key     TEXT    NOT NULL UNIQUE,
    slot         TEXT,
    trigger      TEXT    NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    started_at   TEXT    NOT NULL,
    finished_at  TEXT,
    outcome      TEXT    CHECK (outcome IN ('succeeded', 'failed')),
    counts       TEXT    NOT NULL DEFAULT '{}',
    error        TEXT
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);
