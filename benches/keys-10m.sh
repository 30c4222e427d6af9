#!/usr/bin/env bash
# Verification against 10 million keys in PostgreSQL, on two nodes.
#
#   benches/keys-10m.sh              # 10 thousand, then 10 million keys
#   KEYS=1000000 benches/keys-10m.sh # a smaller second size
#
# What it does:
# 1. Makes a fresh schema, starts node A (migrations, bootstrap), and creates
#    SAMPLE (2,000) real keys through the API: the keys verified below.
# 2. Fills the key table with generated rows up to 10,000 keys (random
#    32-byte digests, like real ones; bulk INSERT … SELECT).
# 3. Measures forward-auth with wrk on two nodes at once (one wrk per node,
#    CONNECTIONS each, DURATION):
#    - uncached: both nodes run with cache_ttl = 1ms, and every request
#      presents the next of the 2,000 keys, so every verification looks
#      its key up in PostgreSQL;
#    - cached: default cache, 100 keys, after a warm-up.
# 4. Fills the table up to KEYS (10,000,000), reporting the load time, then
#    ANALYZE, and measures again.
# 5. Reports the database size per million keys and the 10M/10k ratios of
#    the uncached p50 and p99 (the goal: at most 2×).
#
# Needs wrk and PostgreSQL (KEYWARDEN_TEST_DATABASE_URL, or it starts the
# machine's own with scripts/postgres.sh). Takes about 10 minutes and about
# 4 GB of disk; the schema is dropped at the end (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-10000000}
SAMPLE=${SAMPLE:-2000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-4}

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
if [ -z "${KEYWARDEN_TEST_DATABASE_URL:-}" ]; then eval "$(scripts/postgres.sh)"; fi
base=$KEYWARDEN_TEST_DATABASE_URL
cargo build --release -q -p keywarden
bin=$PWD/target/release/keywarden
work=$(mktemp -d)
schema=kw10m_$(date +%s)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$base" -qc "CREATE SCHEMA $schema" >/dev/null
sep='?'; [[ $base == *\?* ]] && sep='&'
db_url="${base}${sep}options=-c%20search_path%3D${schema}"
pepper="1:$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sql() { psql "$base" -qAt -c "SET search_path=$schema" -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_node() { # name, extra env… → sets NODE_URL (not a subshell: pids must stay here)
  local name=$1; shift
  local port; port=$(free_port)
  env KEYWARDEN_DATABASE_URL="$db_url" KEYWARDEN_PEPPER="$pepper" KEYWARDEN_LOG=warn \
      KEYWARDEN_NODE_ID="$name" KEYWARDEN_DATA_DIR="$work/$name" "$@" \
      "$bin" serve --listen "127.0.0.1:$port" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  NODE_URL="http://127.0.0.1:$port"
}
stop_nodes() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

# 1. Node A: migrations, bootstrap, the sample keys.
start_node boot; url=$NODE_URL
root=$(sed -n 's/^root key: //p' "$work/boot.out")
[ -n "$root" ] || { echo "no root key: $(cat "$work/boot.err")" >&2; exit 2; }
python3 - "$url" "$root" "$SAMPLE" "$work/keys" <<'PY'
import http.client, json, sys, urllib.parse
url, root, n, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(u.hostname, u.port)
with open(path, "w") as out:
    for i in range(n):
        c.request("POST", "/v1/keys", json.dumps({"environment": "live", "owner": f"sample{i % 50}"}),
                  {"Authorization": f"Bearer {root}", "Content-Type": "application/json"})
        r = c.getresponse(); body = json.loads(r.read())
        assert r.status == 201, body
        out.write(body["key"] + "\n")
PY
head -100 "$work/keys" >"$work/hot"
stop_nodes

fill() { # up to N keys in all, in batches of a million
  local target=$1 have
  have=$(sql "SELECT count(*) FROM api_keys")
  while [ "$have" -lt "$target" ]; do
    local upto=$(( have + 1000000 < target ? have + 1000000 : target ))
    sql "INSERT INTO api_keys (id, digest, pepper_version, hint, prefix, environment, owner, scopes,
           metadata, created_at, updated_at, ip_allowlist)
         SELECT 'key_' || lpad(to_hex(i), 16, '0'), sha256(('filler ' || i)::bytea), 1,
                'kw_live_…' || lpad(to_hex(i % 65536), 4, '0'), 'kw', 'live', 'owner' || (i % 100000),
                '[]', '{}', 1700000000000 + i, 1700000000000 + i, '[]'
         FROM generate_series($((have + 1)), $upto) AS i" >/dev/null
    have=$upto
  done
}

cat >"$work/cycle.lua" <<'LUA'
local keys = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do keys[#keys + 1] = line end
  i = math.random(#keys)
end
request = function()
  i = i % #keys + 1
  return wrk.format("GET", "/v1/forward-auth", { ["X-API-Key"] = keys[i] })
end
LUA

measure() { # label, key file, node env… → lines "label node rps p50 p99 non2xx"
  local label=$1 keys=$2; shift 2
  local a b node
  start_node a "$@"; a=$NODE_URL
  start_node b "$@"; b=$NODE_URL
  # Warm up: connections, PostgreSQL's plan cache, and (cached runs) the caches.
  wrk -t1 -c"$CONNECTIONS" -d3s -s "$work/cycle.lua" "$a" -- "$keys" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d3s -s "$work/cycle.lua" "$b" -- "$keys" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/cycle.lua" "$a" -- "$keys" >"$work/wrk-a" &
  local wa=$!
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/cycle.lua" "$b" -- "$keys" >"$work/wrk-b"
  wait "$wa"
  stop_nodes
  for node in a b; do
    python3 - "$label" "$node" "$work/wrk-$node" <<'PY'
import re, sys
label, node, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s*50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(label, node, rps, p50, p99, bad.group(1) if bad else 0)
PY
  done
}

run_size() { # keys in the table
  local n=$1
  measure "$n uncached" "$work/keys" KEYWARDEN_CACHE_TTL=1ms >>"$work/results"
  measure "$n cached" "$work/hot" >>"$work/results"
}

echo "cores=$(nproc) sample=$SAMPLE duration=$DURATION connections=$CONNECTIONS per node"
: >"$work/results"
fill 10000
sql "ANALYZE api_keys" >/dev/null
run_size 10000
small_size=$(sql "SELECT pg_total_relation_size('api_keys')")

started=$(date +%s.%N)
fill "$KEYS"
sql "ANALYZE api_keys" >/dev/null
load_s=$(python3 -c "import time; print(f'{time.time() - $started:.0f}')")
total=$(sql "SELECT count(*) FROM api_keys")
size=$(sql "SELECT pg_total_relation_size('api_keys')")
run_size "$KEYS"

python3 - "$work/results" "$total" "$size" "$small_size" "$load_s" "$KEYS" <<'PY'
import sys
from collections import defaultdict
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
total, size, small, load_s, big = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
print()
print("| keys | cache | node | requests/s | p50 | p99 | non-2xx |")
print("|---|---|---|---|---|---|---|")
by = defaultdict(dict)
for n, kind, node, rps, p50, p99, bad in rows:
    print(f"| {int(n):,} | {kind} | {node} | {float(rps):,.0f} | {float(p50):.2f} ms | {float(p99):.2f} ms | {bad} |")
    by[(n, kind)][node] = (float(p50), float(p99))
print()
per_million = (size - small) / ((total - 10000) / 1e6) if total > 10000 else 0
print(f"keys loaded: {total:,} in {load_s:.0f} s ({(total - 10000) / max(load_s, 1):,.0f} keys/s, bulk INSERT … SELECT)")
print(f"key table with its indexes: {size / 2**30:.2f} GiB, {per_million / 2**20:.0f} MiB per million keys")
for kind in ("uncached", "cached"):
    for node in ("a", "b"):
        s, l = by[("10000", kind)][node], by[(big, kind)][node]
        print(f"{kind} node {node}: p50 {l[0] / s[0]:.2f}×, p99 {l[1] / s[1]:.2f}× from 10,000 to {int(big):,} keys")
PY
