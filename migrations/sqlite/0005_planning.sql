-- Target planning (domain spec §2–3). A plan splits one unit's target for a
-- period (optionally one product line) over its children: sub-units, or the
-- unit's reps when it has none. Lines carry the suggestion, the final value
-- and why; every change is a numbered revision whose changed lines are kept,
-- so any revision can be rebuilt and any two compared. Plans and lines carry
-- a version for optimistic concurrency (If-Match).
CREATE TABLE plans (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES org_units (id),
    period           TEXT    NOT NULL,
    product_line_id  INTEGER REFERENCES product_lines (id),
    -- The parent plan's line this plan splits; NULL for a top plan.
    parent_line_id   INTEGER,
    child_kind       TEXT    NOT NULL CHECK (child_kind IN ('unit', 'rep')),
    total_fen        BIGINT  NOT NULL CHECK (total_fen >= 0),
    -- Percentages as exact decimal text.
    weight_market    TEXT    NOT NULL,
    weight_staffing  TEXT    NOT NULL,
    weight_priority  TEXT    NOT NULL,
    history_percent  TEXT    NOT NULL,
    band_percent     TEXT    NOT NULL,
    unit_fen         BIGINT  NOT NULL CHECK (unit_fen > 0),
    -- JSON object of stage → probability overriding the defaults.
    probabilities    TEXT    NOT NULL DEFAULT '{}',
    status           TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    comment          TEXT,
    -- What the last generation did with all-zero factors (JSON).
    split_meta       TEXT,
    version          BIGINT  NOT NULL DEFAULT 1,
    revision         BIGINT  NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX plans_unit_period ON plans (unit_id, period, COALESCE(product_line_id, 0));
CREATE INDEX plans_parent_line ON plans (parent_line_id);

CREATE TABLE plan_lines (
    id                   INTEGER PRIMARY KEY,
    plan_id              INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    child_unit_id        INTEGER REFERENCES org_units (id),
    rep_id               INTEGER REFERENCES reps (id),
    suggested_fen        BIGINT  NOT NULL,
    final_fen            BIGINT  NOT NULL,
    -- A manager set the final value; rebalance leaves it alone.
    pinned               BOOLEAN NOT NULL DEFAULT FALSE,
    reason               TEXT,
    notes                TEXT    NOT NULL DEFAULT '',
    -- HQ's promotion-plan points (decimal text).
    priority             TEXT    NOT NULL DEFAULT '1',
    -- Scores, shares and composite of the last generation (JSON).
    explanation          TEXT    NOT NULL DEFAULT '{}',
    -- Sales credited to (or, negative, away from) this line by calibration:
    -- achievement stays with whoever earned it when customers move.
    achieved_credit_fen  BIGINT  NOT NULL DEFAULT 0,
    version              BIGINT  NOT NULL DEFAULT 1,
    updated_by           INTEGER REFERENCES users (id),
    updated_at           TEXT    NOT NULL,
    CHECK ((child_unit_id IS NULL) <> (rep_id IS NULL))
);
CREATE UNIQUE INDEX plan_lines_unit ON plan_lines (plan_id, child_unit_id) WHERE child_unit_id IS NOT NULL;
CREATE UNIQUE INDEX plan_lines_rep ON plan_lines (plan_id, rep_id) WHERE rep_id IS NOT NULL;
CREATE INDEX plan_lines_rep_id ON plan_lines (rep_id);

CREATE TABLE plan_revisions (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number         BIGINT  NOT NULL,
    kind           TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    -- The calibration event or relief, as submitted (JSON).
    event          TEXT,
    total_fen      BIGINT  NOT NULL,
    actor_user_id  INTEGER,
    actor          TEXT    NOT NULL,
    at             TEXT    NOT NULL,
    UNIQUE (plan_id, number)
);

-- The lines a revision changed, with their values after it.
CREATE TABLE plan_line_changes (
    revision_id    INTEGER NOT NULL REFERENCES plan_revisions (id) ON DELETE CASCADE,
    line_id        INTEGER NOT NULL REFERENCES plan_lines (id) ON DELETE CASCADE,
    suggested_fen  BIGINT  NOT NULL,
    final_fen      BIGINT  NOT NULL,
    PRIMARY KEY (revision_id, line_id)
);

-- Evidence files, stored once per content (SHA-256).
CREATE TABLE evidence_blobs (
    sha256        TEXT    PRIMARY KEY,
    content_type  TEXT    NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    bytes         BLOB    NOT NULL
);

CREATE TABLE plan_evidence (
    id           INTEGER PRIMARY KEY,
    line_id      INTEGER NOT NULL REFERENCES plan_lines (id) ON DELETE CASCADE,
    sha256       TEXT    NOT NULL REFERENCES evidence_blobs (sha256),
    file_name    TEXT    NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id),
    uploaded_at  TEXT    NOT NULL
);
CREATE INDEX plan_evidence_line ON plan_evidence (line_id);

-- A rep's 0–10 answer to "is my target fair?", once per quarter.
CREATE TABLE fairness_scores (
    id          INTEGER PRIMARY KEY,
    rep_id      INTEGER NOT NULL REFERENCES reps (id),
    quarter     TEXT    NOT NULL,
    score       BIGINT  NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment     TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    UNIQUE (rep_id, quarter)
);

-- Companies whose permission matrix already exists get the planning rights
-- of the default matrix; a new company is seeded whole at start-up.
INSERT INTO role_permissions (role, permission)
SELECT v.role, v.permission FROM (
    SELECT 'admin' AS role, 'plans.read' AS permission
    UNION ALL SELECT 'admin', 'plans.write' UNION ALL SELECT 'admin', 'plans.approve'
    UNION ALL SELECT 'admin', 'plans.calibrate' UNION ALL SELECT 'admin', 'plans.relief'
    UNION ALL SELECT 'admin', 'fairness.submit' UNION ALL SELECT 'admin', 'metrics.read'
    UNION ALL SELECT 'hq', 'metrics.read' UNION ALL SELECT 'region_manager', 'metrics.read'
    UNION ALL SELECT 'province_manager', 'metrics.read'
    UNION ALL SELECT 'hq', 'plans.read' UNION ALL SELECT 'hq', 'plans.write'
    UNION ALL SELECT 'hq', 'plans.approve' UNION ALL SELECT 'hq', 'plans.calibrate'
    UNION ALL SELECT 'hq', 'plans.relief'
    UNION ALL SELECT 'region_manager', 'plans.read' UNION ALL SELECT 'region_manager', 'plans.write'
    UNION ALL SELECT 'region_manager', 'plans.approve' UNION ALL SELECT 'region_manager', 'plans.calibrate'
    UNION ALL SELECT 'province_manager', 'plans.read' UNION ALL SELECT 'province_manager', 'plans.write'
    UNION ALL SELECT 'rep', 'plans.read' UNION ALL SELECT 'rep', 'fairness.submit'
) v
WHERE EXISTS (SELECT 1 FROM role_permissions);
