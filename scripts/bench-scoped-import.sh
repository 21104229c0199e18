#!/usr/bin/env bash
# What the scope check of an import costs: the same sales file, naming only
# one region's hospitals, uploaded through POST /imports by that region's
# manager (scoped: every upsert guarded, every untouched key looked up) and by
# a company-wide admin, first as new rows and then again unchanged, on SQLite
# and on PostgreSQL (release build, demo company). Prints seconds per upload.
# Usage: scripts/bench-scoped-import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-200000}
PG=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${BENCH_PORT:-18111}
BASE=http://127.0.0.1:$PORT/api/v1
WORK=$PWD/target/bench-scoped-import
BIN=target/release/cascade
PASSWORD=Cascade-demo-2026
cargo build -q --release -p cascade-server
rm -rf "$WORK" && mkdir -p "$WORK"

pid=
stop() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap stop EXIT

token() {
    curl -fsS "$BASE/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# Uploads the file PREFIX-named as USER and prints the seconds it took.
upload() {
    local user=$1 prefix=$2 t
    sed "s/^BENCH-/$prefix-/" "$WORK/sales.csv" >"$WORK/upload.csv"
    t=$(token "$user")
    python3 - "$BASE" "$t" "$WORK/upload.csv" <<'PY'
import sys, time, urllib.request
base, token, path = sys.argv[1:]
body = open(path, "rb").read()
req = urllib.request.Request(f"{base}/imports?kind=sales_records&wait=true", data=body, method="POST",
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
start = time.monotonic()
with urllib.request.urlopen(req) as r:
    assert r.status == 200, r.status
    r.read()
print(f"{time.monotonic() - start:.2f}")
PY
}

run_on() {
    local name=$1 url=$2
    "$BIN" --database-url "$url" demo --today 2026-11-27 >/dev/null
    CASCADE__SERVER__WORK_DIR=$WORK/uploads \
        "$BIN" serve --port "$PORT" --database-url "$url" >"$WORK/server-$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
    if [[ ! -s $WORK/sales.csv ]]; then
        curl -fsS "$BASE/exports/customers?format=csv" -H "Authorization: Bearer $(token rm.hn)" -o "$WORK/customers.csv"
        python3 scripts/sales-csv.py "$WORK/customers.csv" "$WORK/sales.csv" "$ROWS"
    fi
    local rm_new rm_again admin_new admin_again
    rm_new=$(upload rm.hn RM)
    rm_again=$(upload rm.hn RM)
    admin_new=$(upload admin.hrbp1 ADM)
    admin_again=$(upload admin.hrbp1 ADM)
    printf '%-10s %s rows: region manager new %ss, again %ss; admin new %ss, again %ss\n' \
        "$name" "$ROWS" "$rm_new" "$rm_again" "$admin_new" "$admin_again"
    stop
}

run_on SQLite "sqlite:$WORK/cascade.db"
DB=cascade_bench_scoped_import
psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB"
run_on PostgreSQL "${PG%/*}/$DB"
psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
