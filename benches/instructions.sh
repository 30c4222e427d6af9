#!/usr/bin/env bash
# Instructions the server executes per request, counted by valgrind's
# callgrind (repeatable for a binary and inputs, whatever else the machine
# does): a run of 500 and one of 2,500 sequential keep-alive requests,
# the difference divided by 2,000 (start-up and shutdown cancel out).
#
#   benches/instructions.sh [BIN]      # /healthz and forward-auth
#
# BIN defaults to target/release/keywarden (build it first). Needs
# valgrind, python3 and curl. Compare two builds in one sitting.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/keywarden}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }

# Total instructions of a server run that answered $2 requests for path $1.
run() {
  local path=$1 n=$2 dir port vp root key=""
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  KEYWARDEN_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" \
    "$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir/data" >"$dir/out" 2>"$dir/err" &
  vp=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  root=$(sed -n 's/^root key: //p' "$dir/out")
  if [ "$path" != /healthz ]; then
    key=$(curl -fs -X POST "http://127.0.0.1:$port/v1/keys" -H "authorization: Bearer $root" \
      -H 'content-type: application/json' -d '{"environment":"live","scopes":["orders:read"]}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  fi
  python3 - "$port" "$path" "$n" "$key" <<'PY'
import http.client, sys
port, path, n, key = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
headers = {"x-api-key": key} if key else {}
c = http.client.HTTPConnection("127.0.0.1", port)
for i in range(n):
    c.request("GET", path, headers=headers)
    r = c.getresponse(); r.read()
    if r.status >= 300:
        sys.exit(f"{path}: {r.status}")
    if i % 900 == 899:  # below max_requests_per_connection
        c.close(); c = http.client.HTTPConnection("127.0.0.1", port)
PY
  kill -TERM "$vp"; wait "$vp" 2>/dev/null || true
  grep -E '^(summary|totals):' "$dir/cg.out" | head -1 | awk '{print $2}'
  rm -rf "$dir"
}

for path in /healthz '/v1/forward-auth?scopes=orders:read'; do
  small=$(run "$path" 500)
  large=$(run "$path" 2500)
  echo "$path: $(( (large - small) / 2000 )) instructions per request"
done
