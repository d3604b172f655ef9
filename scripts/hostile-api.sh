#!/usr/bin/env bash
# Fuzzes every endpoint of the running server from its own OpenAPI document with
# schemathesis: no 5xx, every status, content type and body as documented. Once logged in
# (the authenticated endpoints get a live session), once without a session. Fails on any
# failure; its counts are printed on their own line (they are generated requests, not tests).
#
#   scripts/hostile-api.sh path/to/netbank-server      (SCHEMATHESIS names the CLI)
set -euo pipefail
server_bin=${1:?the netbank-server binary}
schemathesis=${SCHEMATHESIS:?the schemathesis CLI}
seconds=${NETBANK_FUZZ_SECONDS:-45}
data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Limits raised so fuzzing explores input handling, not the lockout (tested on its own).
"$server_bin" --data-dir "$data" serve --mode development --addr "127.0.0.1:$port" --staff-addr off --demo \
    --auth-requests-per-minute 100000000 --lockout-threshold 100000000 >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.1; done

session=$(curl -fs -D - -o /dev/null -X POST -H 'x-netbank-csrf: 1' -H 'content-type: application/json' \
    -d '{"login_id":"demo01","password":"demo1234"}' "$base/api/login" |
    sed -n 's/^[Ss]et-[Cc]ookie: nb_session=\([^;]*\).*/\1/p')
[ -n "$session" ] || { echo "could not log in the demo customer" >&2; exit 1; }

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
run() {
    "$schemathesis" run "$base/api/openapi.json" --checks "$checks" --max-time "$seconds" \
        --workers 2 --suppress-health-check all -H 'x-netbank-csrf: 1' "$@" 2>&1 | tee -a "$data/fuzz.log"
    return "${PIPESTATUS[0]}"
}
status=0
# Logout and password change would end the session the other operations need: they get the
# second run, without one.
run -H "Cookie: nb_session=$session" --exclude-path /api/logout --exclude-path /api/password || status=1
run || status=1

generated=$(sed -n 's/.* \([0-9]*\) generated.*/\1/p' "$data/fuzz.log" | awk '{ s += $1 } END { print s + 0 }')
failed=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' "$data/fuzz.log" | awk '{ s += $1 } END { print s + 0 }')
[ "$status" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "schemathesis: $generated requests generated, $failed failed"
[ "$failed" = 0 ]
