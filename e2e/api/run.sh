#!/usr/bin/env bash
# The API contract checks of `make test`:
#   1. openapi/openapi.json is a valid OpenAPI 3.1 document;
#   2. Schemathesis runs over the whole document against the real server on a
#      fresh demo company, signed in as a region manager and then as an
#      admin, on SQLite and on PostgreSQL (schemathesis.toml, hooks.py).
#
# Usage: e2e/api/run.sh SERVER_BINARY VENV_DIR WORK_DIR PG_ADMIN_URL
set -euo pipefail

abs() { mkdir -p "$1" && cd "$1" && pwd; }
server=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") venv=$(abs "$2") work=$(abs "$3") pg_admin=$4
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
document=$root/openapi/openapi.json
port=${CASCADE_CONTRACT_PORT:-18090}
base=http://127.0.0.1:$port
password=Cascade-demo-2026

"$venv/bin/openapi-spec-validator" "$document"

pid=
stop() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap stop EXIT

run_on() {
    local name=$1 url=$2
    stop
    echo "== API contract on $name"
    # The fuzzer's failed sign-ins must not lock the checks' own sign-in
    # out: the throttle's limits are lifted for this server only.
    CASCADE__AUTH__MAX_FAILURES_PER_CLIENT=1000000000 CASCADE__AUTH__MAX_FAILURES_PER_ACCOUNT=1000000000 \
        CASCADE__SERVER__WORK_DIR=$work/uploads \
        "$server" serve --port "$port" --demo-if-empty --database-url "$url" >"$work/server-$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
        curl -fs "$base/readyz" >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/server-$name.log"; exit 1; }
        sleep 0.5
    done
    curl -fs "$base/readyz" >/dev/null
    # The region manager first: the admin's run may change roles and users.
    # The admin's run leaves the operations that change who may do what
    # (users, the permission matrix) to the end, so the rest runs signed in
    # as the admin it started as.
    local identity='^/api/v1/(users/\{id\}|roles/\{role\}/permissions)$'
    fuzz "$name" rm.hn all
    fuzz "$name" admin.hrbp1 all-but-identity --exclude-path-regex "$identity"
    fuzz "$name" admin.hrbp1 identity --include-path-regex "$identity"
    stop
}

fuzz() {
    local name=$1 user=$2 part=$3
    shift 3
    local log=$work/schemathesis-$name-$user-$part.log
    echo "-- $name as $user: $part"
    (cd "$here" && CASCADE_BASE_URL=$base CASCADE_USER=$user CASCADE_PASSWORD=$password SCHEMATHESIS_HOOKS=hooks \
        "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$document" --url "$base" "$@" \
        >"$log" 2>&1) || {
        cat "$log"
        echo "API contract: Schemathesis found problems on $name as $user (log: $log)"
        exit 1
    }
    grep -A1 '^Test cases:' "$log" | tail -1
}

rm -f "$work"/contract.db*
run_on sqlite "sqlite:$work/contract.db"
pg_db=cascade_api_contract
quiet_psql() { PGOPTIONS="--client-min-messages=warning" psql "$pg_admin" -q "$@" >/dev/null; }
quiet_psql -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" -c "CREATE DATABASE $pg_db"
run_on postgres "${pg_admin%/*}/$pg_db"
quiet_psql -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)"
echo "API contract: the document is valid and Schemathesis found nothing on SQLite and PostgreSQL"
