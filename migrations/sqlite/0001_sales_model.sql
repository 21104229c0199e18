-- The sales data model. Money is integer fen; business dates are ISO dates
-- (TEXT); instants are UTC RFC 3339 (TEXT). Same numbering and meaning as
-- migrations/postgres.

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('company', 'region', 'province', 'district', 'team')),
    parent_id   INTEGER REFERENCES org_units (id),
    -- Materialised path '/1/7/23/': a subtree is one prefix range.
    path        TEXT    NOT NULL UNIQUE,
    depth       INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id);
-- At most one root (the company).
CREATE UNIQUE INDEX org_units_one_root ON org_units ((parent_id IS NULL)) WHERE parent_id IS NULL;

CREATE TABLE reps (
    id            INTEGER PRIMARY KEY,
    employee_no   TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES org_units (id),
    status        TEXT    NOT NULL CHECK (status IN ('active', 'on_leave', 'departed')),
    status_since  TEXT    NOT NULL,
    rating        TEXT    NOT NULL CHECK (rating IN ('A', 'B', 'C')),
    hire_date     TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX reps_unit ON reps (unit_id);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    username         TEXT    NOT NULL UNIQUE,
    display_name     TEXT    NOT NULL,
    rep_id           INTEGER UNIQUE REFERENCES reps (id),
    dingtalk_userid  TEXT    UNIQUE,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

CREATE TABLE product_lines (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,
    code              TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    grade             TEXT    NOT NULL,
    province          TEXT    NOT NULL,
    city              TEXT    NOT NULL,
    unit_id           INTEGER NOT NULL REFERENCES org_units (id),
    owner_rep_id      INTEGER REFERENCES reps (id),
    stage             TEXT    NOT NULL,
    stage_changed_at  TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX customers_unit ON customers (unit_id);
CREATE INDEX customers_owner ON customers (owner_rep_id);

CREATE TABLE customer_stage_history (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    from_stage   TEXT,
    to_stage     TEXT    NOT NULL,
    changed_at   TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX customer_stage_history_customer ON customer_stage_history (customer_id, changed_at);

CREATE TABLE opportunities (
    id                INTEGER PRIMARY KEY,
    external_id       TEXT    UNIQUE,
    name              TEXT    NOT NULL,
    customer_id       INTEGER NOT NULL REFERENCES customers (id),
    owner_rep_id      INTEGER NOT NULL REFERENCES reps (id),
    product_line_id   INTEGER NOT NULL REFERENCES product_lines (id),
    amount_fen        BIGINT  NOT NULL CHECK (amount_fen >= 0),
    expected_close    TEXT    NOT NULL,
    stage             TEXT    NOT NULL CHECK (stage IN ('lead', 'quote', 'contract', 'payment', 'lost')),
    lost_reason       TEXT,
    stage_changed_at  TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX opportunities_customer ON opportunities (customer_id);
CREATE INDEX opportunities_owner ON opportunities (owner_rep_id);
CREATE INDEX opportunities_close ON opportunities (expected_close);

CREATE TABLE opportunity_history (
    id              INTEGER PRIMARY KEY,
    opportunity_id  INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    from_stage      TEXT,
    to_stage        TEXT    NOT NULL,
    from_close      TEXT,
    to_close        TEXT    NOT NULL,
    changed_at      TEXT    NOT NULL
);
CREATE INDEX opportunity_history_opportunity ON opportunity_history (opportunity_id, changed_at);

CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    external_id  TEXT    UNIQUE,
    rep_id       INTEGER NOT NULL REFERENCES reps (id),
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    visit_date   TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('on_site', 'phone', 'online', 'meeting')),
    notes        TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);
CREATE INDEX visits_rep_customer ON visits (rep_id, customer_id, visit_date);
CREATE INDEX visits_customer ON visits (customer_id);

CREATE TABLE sales_records (
    id               INTEGER PRIMARY KEY,
    doc_id           TEXT    NOT NULL UNIQUE,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    product_line_id  INTEGER NOT NULL REFERENCES product_lines (id),
    booked_on        TEXT    NOT NULL,
    amount_fen       BIGINT  NOT NULL,
    created_at       TEXT    NOT NULL
);
CREATE INDEX sales_records_customer_date ON sales_records (customer_id, booked_on);
CREATE INDEX sales_records_date ON sales_records (booked_on);
