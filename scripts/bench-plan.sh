#!/usr/bin/env bash
# Target planning through the REST API, as HQ and a province manager use it,
# on PostgreSQL with the demo company at a given scale: the whole company's
# plan (POST …/generate reads every sale, deal and rep of three years), the
# lines with their explanations, a what-if, and a province's plan over its
# reps. Prints the median of RUNS calls of each, in seconds.
# Usage: scripts/bench-plan.sh [SCALE] [RUNS]   (REUSE=1 keeps a seeded database)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1}
RUNS=${2:-5}
PG=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB=cascade_bench_plan_s$SCALE
URL="${PG%/*}/$DB"
PORT=${PORT:-18089}
BIN=${CARGO_TARGET_DIR:-target}/release/cascade
API="http://127.0.0.1:$PORT/api/v1"
cargo build -q --release -p cascade-server

if [ "${REUSE:-0}" != 1 ] || ! psql "$PG" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB"
    start=$(date +%s)
    "$BIN" --database-url "$URL" demo --scale "$SCALE" --today 2026-11-27 >/dev/null 2>&1
    echo "seeded scale $SCALE in $(( $(date +%s) - start )) s"
fi
# Every run starts from no plans.
psql "$URL" -qc "DELETE FROM plans"
psql "$URL" -qc "ANALYZE"

"$BIN" --database-url "$URL" serve --port "$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
login() { curl -sf "$API/auth/login" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"Cascade-demo-2026\"}" | json 'd["access_token"]'; }
HQ=$(login hq.ceo)
PM=$(login pm.gd)
# call TOKEN METHOD PATH [IF-MATCH] [BODY]: prints "seconds status" and keeps the body in $WORK/body.
WORK=$(mktemp -d)
call() {
    local args=(-s -o "$WORK/body" -w '%{time_total} %{http_code}' -X "$2" "$API$3" -H "authorization: Bearer $1")
    [ -n "${4:-}" ] && args+=(-H "if-match: \"$4\"")
    [ -n "${5:-}" ] && args+=(-H 'content-type: application/json' -d "$5")
    curl "${args[@]}"
}
body() { json "$1" <"$WORK/body"; }
expect() { local out; out=$("$@"); [ "${out#* }" -lt 300 ] || { echo "failed: $* -> $out: $(cat "$WORK/body")" >&2; exit 1; }; echo "${out% *}"; }
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }

ROOT=$(call "$HQ" GET "/org-units?kind=company" >/dev/null; body 'd["items"][0]["id"]')
GD=$(call "$HQ" GET "/org-units?q=GD" >/dev/null; body '[u for u in d["items"] if u["kind"] == "province"][0]["id"]')
expect call "$HQ" POST /plans "" "{\"unit_id\": $ROOT, \"period\": \"2026-Q4\", \"total\": \"3000000000.00\"}" >/dev/null
PLAN=$(body 'd["id"]')
gen=(); lines=(); whatif=()
for i in $(seq "$RUNS"); do
    gen+=("$(expect call "$HQ" POST "/plans/$PLAN/generate" "$i")")
    lines+=("$(expect call "$HQ" GET "/plans/$PLAN/lines")")
    whatif+=("$(expect call "$HQ" POST "/plans/$PLAN/what-if" "" '{"weights": {"market": "70", "staffing": "20", "priority": "10"}}')")
done
echo "company plan, generate:  $(median "${gen[@]}") s"
echo "company plan, lines:     $(median "${lines[@]}") s"
echo "company plan, what-if:   $(median "${whatif[@]}") s"

# Approve down to the region and province of Guangdong, then its reps' plan.
v=$((RUNS + 1))
expect call "$HQ" POST "/plans/$PLAN/submit" "$v" >/dev/null
expect call "$HQ" POST "/plans/$PLAN/approve" "$((v + 1))" >/dev/null
REGION=$(call "$HQ" GET "/org-units/$GD" >/dev/null; body 'd["parent_id"]')
expect call "$HQ" POST /plans "" "{\"unit_id\": $REGION, \"period\": \"2026-Q4\"}" >/dev/null
RP=$(body 'd["id"]')
expect call "$HQ" POST "/plans/$RP/generate" 1 >/dev/null
expect call "$HQ" POST "/plans/$RP/submit" 2 >/dev/null
expect call "$HQ" POST "/plans/$RP/approve" 3 >/dev/null
expect call "$PM" POST /plans "" "{\"unit_id\": $GD, \"period\": \"2026-Q4\"}" >/dev/null
PP=$(body 'd["id"]')
pgen=(); plines=()
for i in $(seq "$RUNS"); do
    pgen+=("$(expect call "$PM" POST "/plans/$PP/generate" "$i")")
    plines+=("$(expect call "$PM" GET "/plans/$PP/lines")")
done
REPS=$(body 'len(d)')
echo "province plan ($REPS reps), generate: $(median "${pgen[@]}") s"
echo "province plan ($REPS reps), lines:    $(median "${plines[@]}") s"
