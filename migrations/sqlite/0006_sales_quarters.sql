-- Sales per calendar quarter, summed by what plans group them by: the
-- customer's unit and current owner, and the product line. Triggers keep it
-- exact in the same statement as every write to sales_records, and re-key a
-- customer's sales when the customer changes unit or owner (achievement
-- follows the customer's current owner; calibration credits correct it).
-- Plans read whole quarters and years of history: at --scale 100 a quarter
-- plan reads 0.8 M rows here instead of joining 3.7 M sales lines to their
-- customers (docs/benchmarks.md). Months are finer than this table and are
-- read from sales_records.
-- No foreign keys: every row is derived from sales_records and customers,
-- which have them. `quarter` is year * 10 + quarter (20264 is 2026-Q4),
-- computed from the ISO date text sales_records keeps; `owner_rep_id` is 0
-- for customers without an owner, so that the key has no NULL.
CREATE TABLE sales_quarters (
    quarter          INTEGER NOT NULL,
    unit_id          INTEGER NOT NULL,
    owner_rep_id     INTEGER NOT NULL,
    product_line_id  INTEGER NOT NULL,
    amount_fen       BIGINT  NOT NULL,
    -- Sales lines summed; the row goes when the last one does.
    lines            BIGINT  NOT NULL,
    PRIMARY KEY (quarter, unit_id, owner_rep_id, product_line_id)
) WITHOUT ROWID;

CREATE TRIGGER sales_quarters_insert AFTER INSERT ON sales_records BEGIN
    INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
    SELECT CAST(substr(NEW.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(NEW.booked_on, 6, 2) AS INTEGER) + 2) / 3, c.unit_id, COALESCE(c.owner_rep_id, 0), NEW.product_line_id, NEW.amount_fen, 1
    FROM customers c WHERE c.id = NEW.customer_id
    ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id)
    DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines;
END;

CREATE TRIGGER sales_quarters_delete AFTER DELETE ON sales_records BEGIN
    INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
    SELECT CAST(substr(OLD.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(OLD.booked_on, 6, 2) AS INTEGER) + 2) / 3, c.unit_id, COALESCE(c.owner_rep_id, 0), OLD.product_line_id, -OLD.amount_fen, -1
    FROM customers c WHERE c.id = OLD.customer_id
    ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id)
    DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines;
    DELETE FROM sales_quarters
    WHERE quarter = CAST(substr(OLD.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(OLD.booked_on, 6, 2) AS INTEGER) + 2) / 3 AND product_line_id = OLD.product_line_id AND lines = 0
      AND (unit_id, owner_rep_id) = (SELECT c.unit_id, COALESCE(c.owner_rep_id, 0) FROM customers c WHERE c.id = OLD.customer_id);
END;

-- SQLite triggers cannot call one another, so an update repeats the delete's
-- statements for the old row and the insert's for the new one.
CREATE TRIGGER sales_quarters_update AFTER UPDATE OF customer_id, product_line_id, booked_on, amount_fen ON sales_records BEGIN
    INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
    SELECT CAST(substr(OLD.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(OLD.booked_on, 6, 2) AS INTEGER) + 2) / 3, c.unit_id, COALESCE(c.owner_rep_id, 0), OLD.product_line_id, -OLD.amount_fen, -1
    FROM customers c WHERE c.id = OLD.customer_id
    ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id)
    DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines;
    DELETE FROM sales_quarters
    WHERE quarter = CAST(substr(OLD.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(OLD.booked_on, 6, 2) AS INTEGER) + 2) / 3 AND product_line_id = OLD.product_line_id AND lines = 0
      AND (unit_id, owner_rep_id) = (SELECT c.unit_id, COALESCE(c.owner_rep_id, 0) FROM customers c WHERE c.id = OLD.customer_id);
    INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
    SELECT CAST(substr(NEW.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(NEW.booked_on, 6, 2) AS INTEGER) + 2) / 3, c.unit_id, COALESCE(c.owner_rep_id, 0), NEW.product_line_id, NEW.amount_fen, 1
    FROM customers c WHERE c.id = NEW.customer_id
    ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id)
    DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines;
END;

-- A customer that changes unit or owner takes its sales along.
CREATE TRIGGER sales_quarters_customers AFTER UPDATE OF unit_id, owner_rep_id ON customers
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.owner_rep_id IS NOT NEW.owner_rep_id BEGIN
    INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
    SELECT CAST(substr(s.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(s.booked_on, 6, 2) AS INTEGER) + 2) / 3, OLD.unit_id, COALESCE(OLD.owner_rep_id, 0), s.product_line_id, -SUM(s.amount_fen), -COUNT(*)
    FROM sales_records s WHERE s.customer_id = NEW.id GROUP BY 1, 4
    ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id)
    DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines;
    DELETE FROM sales_quarters
    WHERE lines = 0 AND (quarter, unit_id, owner_rep_id, product_line_id) IN (
        SELECT CAST(substr(s.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(s.booked_on, 6, 2) AS INTEGER) + 2) / 3, OLD.unit_id, COALESCE(OLD.owner_rep_id, 0), s.product_line_id
        FROM sales_records s WHERE s.customer_id = OLD.id);
    INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
    SELECT CAST(substr(s.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(s.booked_on, 6, 2) AS INTEGER) + 2) / 3, NEW.unit_id, COALESCE(NEW.owner_rep_id, 0), s.product_line_id, SUM(s.amount_fen), COUNT(*)
    FROM sales_records s WHERE s.customer_id = NEW.id GROUP BY 1, 4
    ON CONFLICT (quarter, unit_id, owner_rep_id, product_line_id)
    DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines;
END;

INSERT INTO sales_quarters (quarter, unit_id, owner_rep_id, product_line_id, amount_fen, lines)
SELECT CAST(substr(s.booked_on, 1, 4) AS INTEGER) * 10 + (CAST(substr(s.booked_on, 6, 2) AS INTEGER) + 2) / 3, c.unit_id, COALESCE(c.owner_rep_id, 0), s.product_line_id, SUM(s.amount_fen), COUNT(*)
FROM sales_records s JOIN customers c ON c.id = s.customer_id
GROUP BY 1, 2, 3, 4;
