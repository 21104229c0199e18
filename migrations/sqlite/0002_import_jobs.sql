-- File imports run as jobs a client polls. `scope_path` is the org subtree
-- of whoever submitted the job: only callers who see that subtree see it.
CREATE TABLE import_jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL,
    format        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    file_name     TEXT,
    scope_path    TEXT    NOT NULL,
    rows_total    BIGINT  NOT NULL DEFAULT 0,
    rows_done     BIGINT  NOT NULL DEFAULT 0,
    rows_changed  BIGINT  NOT NULL DEFAULT 0,
    errors        TEXT    NOT NULL DEFAULT '[]',
    total_errors  BIGINT  NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    finished_at   TEXT
);
CREATE INDEX import_jobs_created ON import_jobs (created_at);
