-- Fields an admin adds to customers, reps and opportunities without an
-- engineer. Values live in each row's `custom` column as a JSON object
-- keyed by the field's key, validated against these definitions on write.
CREATE TABLE custom_fields (
    id          INTEGER PRIMARY KEY,
    entity      TEXT    NOT NULL CHECK (entity IN ('customer', 'rep', 'opportunity')),
    key         TEXT    NOT NULL,
    label_zh    TEXT    NOT NULL,
    label_en    TEXT    NOT NULL,
    field_type  TEXT    NOT NULL CHECK (field_type IN ('text', 'number', 'date', 'choice')),
    required    BOOLEAN NOT NULL,
    -- JSON array of the allowed values of a choice field.
    choices     TEXT    NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (entity, key)
);

ALTER TABLE customers ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE reps ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE opportunities ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
