-- Sales per calendar quarter, summed by what plans group them by: the
-- customer's unit and current owner, and the product line. Triggers keep it
-- exact in the same statement as every write to sales_records, and re-key a
-- customer's sales when the customer changes unit or owner (achievement
-- follows the customer's current owner; calibration credits correct it).
-- Plans read whole quarters and years of history: at --scale 100 a quarter
-- plan reads 0.75 M rows here instead of joining 3.7 M sales lines to their
-- customers (docs/benchmarks.md). Months are finer than this table and are
-- read from sales_records.
-- No foreign keys: every row is derived from sales_records and customers,
-- which have them.
CREATE TABLE sales_quarters (
    -- year * 10 + quarter: 20264 is 2026-Q4.
    quarter          INTEGER NOT NULL,
    unit_id          BIGINT  NOT NULL,
    -- 0 for customers without an owner: key columns cannot be NULL.
    owner_rep_id     BIGINT  NOT NULL,
    product_line_id  BIGINT  NOT NULL,
    amount_fen       BIGINT  NOT NULL,
    -- Sales lines summed; the row goes when the last one does.
    lines            BIGINT  NOT NULL,
    PRIMARY KEY (quarter, unit_id, owner_rep_id, product_line_id)
);

CREATE FUNCTION sales_quarter(d DATE) RETURNS INTEGER LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (EXTRACT(YEAR FROM d) * 10 + EXTRACT(QUARTER FROM d))::INTEGER $$;

-- The statements that merge deltas into the summary. `delta` is a query of
-- rows (k, u, o, p, a, n): quarter, unit, owner, product line, amount and
-- lines. It is SQL text because it reads the calling trigger's transition
-- tables, which only statements run by the trigger function itself can see.
-- Deltas are merged in key order so that concurrent writers lock summary
-- rows in the same order; rows whose last line went are deleted.
--
-- Bulk writers (imports) would update the same summary row once per
-- 2,000-row statement, and PostgreSQL keeps every version of a row that a
-- transaction updated: a 1 M-row import then walks chains of dead versions
-- and takes minutes. So an import calls sales_quarters_defer() first; while
-- its temporary table exists the deltas are appended to it, and
-- sales_quarters_fold() merges them once, before the import commits.
CREATE FUNCTION sales_quarters_merge_sql(delta TEXT, may_empty BOOLEAN) RETURNS TEXT[] LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN to_regclass('pg_temp.sales_quarters_pending') IS NOT NULL THEN ARRAY[
        'INSERT INTO pg_temp.sales_quarters_pending SELECT k, u, o, p, SUM(a), SUM(n) FROM (' || delta || ') d GROUP BY k, u, o, p'
    ] ELSE ARRAY[
        'INSERT INTO sales_quarters AS q (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines) '
        'SELECT k, u, o, p, SUM(a), SUM(n) FROM (' || delta || ') d GROUP BY k, u, o, p '
        'HAVING SUM(a) <> 0 OR SUM(n) <> 0 ORDER BY k, u, o, p '
        'ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id) '
        'DO UPDATE SET amount_fen = q.amount_fen + excluded.amount_fen, lines = q.lines + excluded.lines'
    ] || CASE WHEN may_empty THEN ARRAY[
        'DELETE FROM sales_quarters q USING (SELECT DISTINCT k, u, o, p FROM (' || delta || ') d) d '
        'WHERE q.quarter = d.k AND q.unit_id = d.u AND q.owner_rep_id = d.o AND q.product_line_id = d.p AND q.lines = 0'
    ] ELSE ARRAY[]::TEXT[] END END
$$;

CREATE FUNCTION sales_quarters_defer() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMPORARY TABLE sales_quarters_pending (
        k INTEGER, u BIGINT, o BIGINT, p BIGINT, a BIGINT, n BIGINT
    ) ON COMMIT DROP;
END $$;

CREATE FUNCTION sales_quarters_fold() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    stmt TEXT;
BEGIN
    IF to_regclass('pg_temp.sales_quarters_pending') IS NULL THEN
        RETURN;
    END IF;
    ALTER TABLE pg_temp.sales_quarters_pending RENAME TO sales_quarters_folding;
    FOREACH stmt IN ARRAY sales_quarters_merge_sql('SELECT * FROM pg_temp.sales_quarters_folding', true) LOOP
        EXECUTE stmt;
    END LOOP;
    DROP TABLE pg_temp.sales_quarters_folding;
END $$;

-- Statement-level with transition tables, so a 2,000-row import batch costs
-- one grouped statement, not 2,000.
CREATE FUNCTION sales_quarters_of_sales() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added CONSTANT TEXT := 'SELECT sales_quarter(s.booked_on) AS k, c.unit_id AS u, COALESCE(c.owner_rep_id, 0) AS o, '
        's.product_line_id AS p, s.amount_fen AS a, 1 AS n FROM new_rows s JOIN customers c ON c.id = s.customer_id';
    removed CONSTANT TEXT := 'SELECT sales_quarter(s.booked_on) AS k, c.unit_id AS u, COALESCE(c.owner_rep_id, 0) AS o, '
        's.product_line_id AS p, -s.amount_fen AS a, -1 AS n FROM old_rows s JOIN customers c ON c.id = s.customer_id';
    stmt TEXT;
BEGIN
    FOREACH stmt IN ARRAY sales_quarters_merge_sql(
        CASE TG_OP WHEN 'INSERT' THEN added WHEN 'DELETE' THEN removed ELSE added || ' UNION ALL ' || removed END,
        TG_OP <> 'INSERT') LOOP
        EXECUTE stmt;
    END LOOP;
    RETURN NULL;
END $$;

-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER sales_quarters_insert AFTER INSERT ON sales_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_quarters_of_sales();
CREATE TRIGGER sales_quarters_update AFTER UPDATE ON sales_records
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_quarters_of_sales();
CREATE TRIGGER sales_quarters_delete AFTER DELETE ON sales_records
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_quarters_of_sales();

-- A customer that changes unit or owner takes its sales along.
CREATE FUNCTION sales_quarters_of_customers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved CONSTANT TEXT := 'SELECT o.id, o.unit_id AS old_unit, COALESCE(o.owner_rep_id, 0) AS old_owner, '
        'n.unit_id AS new_unit, COALESCE(n.owner_rep_id, 0) AS new_owner '
        'FROM old_rows o JOIN new_rows n ON n.id = o.id '
        'WHERE o.unit_id <> n.unit_id OR o.owner_rep_id IS DISTINCT FROM n.owner_rep_id';
    stmt TEXT;
BEGIN
    -- Most customer updates (stage, name, custom fields) move nothing.
    IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE o.unit_id <> n.unit_id OR o.owner_rep_id IS DISTINCT FROM n.owner_rep_id) THEN
        RETURN NULL;
    END IF;
    FOREACH stmt IN ARRAY sales_quarters_merge_sql(
        'SELECT sales_quarter(s.booked_on) AS k, m.new_unit AS u, m.new_owner AS o, s.product_line_id AS p, '
        's.amount_fen AS a, 1 AS n FROM (' || moved || ') m JOIN sales_records s ON s.customer_id = m.id '
        'UNION ALL SELECT sales_quarter(s.booked_on), m.old_unit, m.old_owner, s.product_line_id, -s.amount_fen, -1 '
        'FROM (' || moved || ') m JOIN sales_records s ON s.customer_id = m.id', true) LOOP
        EXECUTE stmt;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_quarters_customers AFTER UPDATE ON customers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sales_quarters_of_customers();

CREATE FUNCTION sales_quarters_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE sales_quarters;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_quarters_truncate AFTER TRUNCATE ON sales_records
    FOR EACH STATEMENT EXECUTE FUNCTION sales_quarters_clear();

INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
SELECT sales_quarter(s.booked_on), c.unit_id, COALESCE(c.owner_rep_id, 0), s.product_line_id, SUM(s.amount_fen), COUNT(*)
FROM sales_records s JOIN customers c ON c.id = s.customer_id
GROUP BY 1, 2, 3, 4;
