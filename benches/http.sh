#!/usr/bin/env bash
# HTTP benchmark: wrk on loopback, GET /v1/forward-auth with a valid key
# against GET /healthz on the same server (same threads, connections and
# duration, alternating runs), with the usage log on. Reports requests/s,
# p50/p99 latency, the forward-auth/healthz ratio, and whether the usage log
# dropped any event, and the server's own CPU time per request (from
# /proc/<pid>/stat), which the load generator's share of the cores does
# not disturb.
#
#   benches/http.sh                 # embedded default (SQLite)
#   benches/http.sh postgres        # PostgreSQL at KEYWARDEN_TEST_DATABASE_URL
#
# Also measures POST /v1/verify (JSON body, root key) the same way, and
# forward-auth with a rate-limited key (a million a second: never refused) against the unlimited
# one: the limiter's cost (on PostgreSQL the cluster limiter's).
#
# The usage log folds identical verifications of one second into one row, so
# a single wrk client is its best case. DISTINCT_CLIENTS=1 is the worst case:
# keywarden trusts loopback as a proxy and every forward-auth request carries
# a random X-Forwarded-For, so no two requests fold (and each new address of the
# key is a new-address anomaly candidate).
# Knobs: ROUNDS (3), DURATION (10s), CONNECTIONS (32), THREADS (1), KEYWARDEN_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}

command -v wrk >/dev/null || { echo "benches/http.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
# KEYWARDEN_BIN=<path> measures that binary (e.g. a build of an older commit)
# instead of building this tree.
if [ -n "${KEYWARDEN_BIN:-}" ]; then
  bin=$KEYWARDEN_BIN
else
  cargo build --release -q -p keywarden
  bin=$PWD/target/release/keywarden
fi
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
env_args=(KEYWARDEN_DATA_DIR="$work/data" KEYWARDEN_LOG=warn)
if [ "$backend" = postgres ]; then
  base=${KEYWARDEN_TEST_DATABASE_URL:?set KEYWARDEN_TEST_DATABASE_URL for the PostgreSQL run}
  schema=kwbench_$(date +%s)
  psql "$base" -qc "CREATE SCHEMA $schema" >/dev/null
  sep='?'; [[ $base == *\?* ]] && sep='&'
  env_args+=(KEYWARDEN_DATABASE_URL="${base}${sep}options=-c%20search_path%3D${schema}"
             KEYWARDEN_PEPPER="1:$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')")
fi
serve_args=(--listen "127.0.0.1:$port")
[ -n "${DISTINCT_CLIENTS:-}" ] && serve_args+=(--trusted-proxies 127.0.0.1/32)
env "${env_args[@]}" "$bin" serve "${serve_args[@]}" >"$work/out" 2>"$work/err" &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
root=$(sed -n 's/^root key: //p' "$work/out")
[ -n "$root" ] || { echo "no root key: $(cat "$work/err")" >&2; exit 2; }
key=$(KEYWARDEN_URL=$url KEYWARDEN_TOKEN=$root "$bin" key create --env live --scope orders:read --json \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
# A rate-limited key that is never refused (a million a second): the
# limiter's cost (on PostgreSQL, the cluster limiter's leases).
limited=$(KEYWARDEN_URL=$url KEYWARDEN_TOKEN=$root "$bin" key create --env live --scope orders:read \
      --rate-limit 1000000/1s --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

cat >"$work/verify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"key":"$key","environment":"live","scopes":["orders:read"],"client_ip":"192.0.2.1"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $root"
LUA

cat >"$work/distinct.lua" <<LUA
math.randomseed(os.time())
request = function()
  local ip = math.random(1, 223) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("GET", nil, { ["X-API-Key"] = "$key", ["X-Forwarded-For"] = ip })
end
LUA

# The server's CPU time (user + system, clock ticks) so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

run() { # path, extra header or "script" → "rps p50_ms p99_ms non2xx server_cpu_us_per_request"
  local out before after
  before=$(cpu_ticks)
  if [ "${2:-}" = script ]; then
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/verify.lua" "$url$1")
  elif [ -n "${DISTINCT_CLIENTS:-}" ] && [ "$1" != /healthz ]; then
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/distinct.lua" "$url$1")
  else
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${2:+-H "$2"} "$url$1")
  fi
  after=$(cpu_ticks)
  python3 - "$out" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = sys.argv[1]
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
# Anchored: "+/- Stdev" columns such as "47.50%" also end in "50%".
p50 = ms(re.search(r"^\s*50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
total = int(re.search(r"(\d+) requests in", text).group(1))
print(rps, p50, p99, non2xx.group(1) if non2xx else 0, ticks / hz * 1e6 / max(total, 1))
PY
}

echo "distinct-clients=${DISTINCT_CLIENTS:-0} backend=$backend rounds=$ROUNDS duration=$DURATION connections=$CONNECTIONS wrk-threads=$THREADS cores=$(nproc)"
curl -fs -H "X-API-Key: $key" "$url/v1/forward-auth?scopes=orders:read" -o /dev/null || { echo "forward-auth refused the key" >&2; exit 2; }
: >"$work/health"; : >"$work/fa"; : >"$work/verify"; : >"$work/limited"
for r in $(seq 1 "$ROUNDS"); do
  # Odd rounds measure /healthz first, even rounds forward-auth first: a
  # machine whose load drifts during a round favours neither.
  if [ $((r % 2)) = 1 ]; then
    run /healthz "" >>"$work/health"
    run "/v1/forward-auth?scopes=orders:read" "X-API-Key: $key" >>"$work/fa"
  else
    run "/v1/forward-auth?scopes=orders:read" "X-API-Key: $key" >>"$work/fa"
    run /healthz "" >>"$work/health"
  fi
  run "/v1/forward-auth?scopes=orders:read" "X-API-Key: $limited" >>"$work/limited"
  run /v1/verify script >>"$work/verify"
  echo "round $r: healthz $(tail -1 "$work/health" | cut -d' ' -f1) rps, forward-auth $(tail -1 "$work/fa" | cut -d' ' -f1) rps, rate-limited key $(tail -1 "$work/limited" | cut -d' ' -f1) rps, verify $(tail -1 "$work/verify" | cut -d' ' -f1) rps"
done

# Let the usage log drain, then read what it did.
for _ in $(seq 1 100); do
  depth=$(curl -fs "$url/metrics" | awk '/^keywarden_usage_queue_depth /{print $2}')
  [ "${depth:-1}" = 0 ] && break; sleep 0.2
done
metrics=$(curl -fs "$url/metrics")

python3 - "$work/health" "$work/fa" "$metrics" "$backend" "$work/verify" "$work/limited" <<'PY'
import statistics, sys
def rows(p):
    return [list(map(float, l.split())) for l in open(p) if l.strip()]
def load(p):
    return [statistics.median(c) for c in zip(*rows(p))]
h, f, v, l = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[5]), load(sys.argv[6])
# Each round's two routes ran back to back: their ratio is free of the
# machine's drift between rounds.
paired = [fr[0] / hr[0] for hr, fr in zip(rows(sys.argv[1]), rows(sys.argv[2]))]
paired_cpu = [fr[4] / hr[4] for hr, fr in zip(rows(sys.argv[1]), rows(sys.argv[2]))]
metrics = {l.split()[0]: l.split()[1] for l in sys.argv[3].splitlines() if l and not l.startswith("#")}
valid = int(float(metrics.get('keywarden_verifications_total{code="VALID"}', 0)))
written = int(float(metrics.get("keywarden_usage_events_written_total", 0)))
dropped = int(float(metrics.get("keywarden_usage_events_dropped_total", 0)))
print()
print(f"| {sys.argv[4]} | requests/s (median) | p50 | p99 | non-2xx | server CPU per request |")
print("|---|---|---|---|---|---|")
print(f"| GET /healthz | {h[0]:,.0f} | {h[1]:.2f} ms | {h[2]:.2f} ms | {h[3]:.0f} | {h[4]:.1f} µs |")
print(f"| GET /v1/forward-auth (valid key) | {f[0]:,.0f} | {f[1]:.2f} ms | {f[2]:.2f} ms | {f[3]:.0f} | {f[4]:.1f} µs |")
print(f"| GET /v1/forward-auth (rate-limited key) | {l[0]:,.0f} | {l[1]:.2f} ms | {l[2]:.2f} ms | {l[3]:.0f} | {l[4]:.1f} µs |")
print(f"| POST /v1/verify (valid key, root key auth) | {v[0]:,.0f} | {v[1]:.2f} ms | {v[2]:.2f} ms | {v[3]:.0f} | {v[4]:.1f} µs |")
print(f"\nforward-auth / healthz throughput ratio: {f[0]/h[0]:.2f}; verify / healthz: {v[0]/h[0]:.2f}")
print(f"forward-auth / healthz, each round's pair: {' '.join(f'{r:.2f}' for r in paired)}; median {statistics.median(paired):.2f}"
      f" (server CPU: {' '.join(f'{r:.2f}' for r in paired_cpu)}; median {statistics.median(paired_cpu):.2f})")
print(f"rate-limited key / unlimited key (forward-auth): {l[0]/f[0]:.2f}")
print(f"server CPU per request, forward-auth / healthz: {f[4]/h[4]:.2f} (less noisy than throughput: the load generator shares the cores)")
print(f"usage log: {valid:,} valid verifications, {written:,} events written, {dropped:,} dropped")
PY
