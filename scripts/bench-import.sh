#!/usr/bin/env bash
# Import throughput of a 1,000,000-row sales CSV through `cascade import`
# (full validation, reference resolution, upsert, one transaction) beside
# the raw loaders of the same file on the same machine: sqlite3 `.import`
# into a bare table and PostgreSQL `COPY`. Prints seconds, rows/s, the ratio
# and cascade's peak memory. Usage: scripts/bench-import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
PG=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=target/bench-import
BIN=target/release/cascade
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build -q --release -p cascade-server
rm -rf "$WORK" && mkdir -p "$WORK"

seconds() { python3 -c 'import sys,time; s=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(f"{time.monotonic()-s:.2f}")' "$@"; }
peak_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'; }

# Customers and product lines to refer to: the demo company (3,000 hospitals).
seed() { "$BIN" --database-url "$1" demo --today 2026-11-27 >/dev/null; }
seed "sqlite:$WORK/gen.db"
"$BIN" --database-url "sqlite:$WORK/gen.db" export customers -o "$WORK/customers.csv" 2>/dev/null
python3 scripts/sales-csv.py "$WORK/customers.csv" "$WORK/sales.csv" "$ROWS"
echo "file: $ROWS rows, $(du -m "$WORK/sales.csv" | cut -f1) MB"

report() { python3 -c "import sys; r,c,raw=map(float,sys.argv[1:4]); print(f'{sys.argv[4]}: cascade {c:.2f}s ({r/c:,.0f} rows/s), raw {raw:.2f}s ({r/raw:,.0f} rows/s), ratio {raw/c:.2f} of raw speed, peak {sys.argv[5]} MB')" "$ROWS" "$@"; }

# SQLite
seed "sqlite:$WORK/cascade.db"
rm -f "$WORK/raw.db"
sqlite3 "$WORK/raw.db" 'CREATE TABLE raw (doc_id TEXT, customer_code TEXT, product_line_code TEXT, booked_on TEXT, amount TEXT);'
raw_s=$(seconds sqlite3 "$WORK/raw.db" -cmd '.mode csv' ".import --skip 1 $WORK/sales.csv raw")
cp "$WORK/cascade.db" "$WORK/cascade-mem.db"
ours_s=$(seconds "$BIN" --database-url "sqlite:$WORK/cascade.db" import sales-records "$WORK/sales.csv")
peak=$(peak_mb "$BIN" --database-url "sqlite:$WORK/cascade-mem.db" import sales-records "$WORK/sales.csv")
report "$ours_s" "$raw_s" "SQLite    " "$peak"

# PostgreSQL
DB=cascade_bench_import
psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB"
URL="${PG%/*}/$DB"
seed "$URL"
psql "$URL" -qc 'CREATE TABLE raw (doc_id TEXT, customer_code TEXT, product_line_code TEXT, booked_on TEXT, amount TEXT)'
raw_s=$(seconds psql "$URL" -qc "\\copy raw FROM '$WORK/sales.csv' CSV HEADER")
ours_s=$(seconds "$BIN" --database-url "$URL" import sales-records "$WORK/sales.csv")
psql "$URL" -qc "DELETE FROM sales_records WHERE doc_id LIKE 'BENCH-%'"
peak=$(peak_mb "$BIN" --database-url "$URL" import sales-records "$WORK/sales.csv")
report "$ours_s" "$raw_s" "PostgreSQL" "$peak"
psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
