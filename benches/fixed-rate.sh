#!/usr/bin/env bash
# Latency at a fixed request rate, measured from outside with oha (open
# loop, --latency-correction: a late request counts from when it was due).
# forward-auth with a rate-limited key (the limiter runs on every request,
# and never refuses) next to /healthz on the same server at the same rate,
# alternating, ROUNDS times each; medians of p50, p99 and p99.9.
#
#   benches/fixed-rate.sh            # one node, SQLite (the embedded default)
#   benches/fixed-rate.sh postgres   # two nodes on one PostgreSQL, half the
#                                    # rate each, cluster rate limits
#
# Knobs: RATES ("10000 30000 50000"), ROUNDS (3), DURATION (10s),
# CONNECTIONS (32, per oha). Needs oha (`cargo install oha`).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
RATES=${RATES:-10000 30000 50000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}

command -v oha >/dev/null || { echo "needs oha (cargo install oha)" >&2; exit 2; }
# KEYWARDEN_BIN=<path> measures that binary instead of building this tree.
if [ -n "${KEYWARDEN_BIN:-}" ]; then
  bin=$KEYWARDEN_BIN
else
  cargo build --release -q -p keywarden
  bin=$PWD/target/release/keywarden
fi
work=$(mktemp -d)
pids=()
schema=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$schema" ] && psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

env_args=(KEYWARDEN_LOG=warn)
nodes=1
if [ "$backend" = postgres ]; then
  if [ -z "${KEYWARDEN_TEST_DATABASE_URL:-}" ]; then eval "$(scripts/postgres.sh)"; fi
  base=$KEYWARDEN_TEST_DATABASE_URL
  schema=kwrate_$(date +%s)
  psql "$base" -qc "CREATE SCHEMA $schema" >/dev/null
  sep='?'; [[ $base == *\?* ]] && sep='&'
  env_args+=(KEYWARDEN_DATABASE_URL="${base}${sep}options=-c%20search_path%3D${schema}"
             KEYWARDEN_PEPPER="1:$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')")
  nodes=2
fi
urls=()
for n in $(seq 1 "$nodes"); do
  port=$(free_port)
  env "${env_args[@]}" KEYWARDEN_DATA_DIR="$work/data$n" KEYWARDEN_NODE_ID="node$n" \
      "$bin" serve --listen "127.0.0.1:$port" >"$work/out$n" 2>"$work/err$n" &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  urls+=("http://127.0.0.1:$port")
  # The first node bootstraps; the second must wait for it.
done
root=$(sed -n 's/^root key: //p' "$work/out1")
[ -n "$root" ] || { echo "no root key: $(cat "$work/err1")" >&2; exit 2; }
# Limited, never refused: a million a second.
key=$(KEYWARDEN_URL=${urls[0]} KEYWARDEN_TOKEN=$root "$bin" key create --env live \
      --scope orders:read --rate-limit 1000000/1s --json \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
for u in "${urls[@]}"; do
  curl -fs -H "X-API-Key: $key" "$u/v1/forward-auth" -o /dev/null || { echo "forward-auth refused the key on $u" >&2; exit 2; }
done

one() { # rate, path, label → appends "label rate p50 p99 p999 achieved non2xx" per node
  local rate=$1 path=$2 label=$3 per=$(( $1 / nodes )) i=0
  local jobs=()
  for u in "${urls[@]}"; do
    i=$((i + 1))
    local hdr=()
    [ "$label" = forward-auth ] && hdr=(-H "X-API-Key: $key")
    oha --no-tui --output-format json -z "$DURATION" -q "$per" -c "$CONNECTIONS" --latency-correction \
        "${hdr[@]}" "$u$path" >"$work/oha$i.json" 2>/dev/null &
    jobs+=($!)
  done
  for j in "${jobs[@]}"; do wait "$j"; done
  for n in $(seq 1 "$nodes"); do
    python3 - "$work/oha$n.json" "$label" "$rate" "$n" >>"$work/results" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["latencyPercentiles"]
codes = d.get("statusCodeDistribution", {})
bad = sum(v for k, v in codes.items() if not k.startswith("2"))
print(sys.argv[2], sys.argv[3], sys.argv[4], p["p50"] * 1000, p["p99"] * 1000, p["p99.9"] * 1000,
      d["summary"]["requestsPerSec"], bad)
PY
  done
}

echo "backend=$backend nodes=$nodes rounds=$ROUNDS duration=$DURATION connections=$CONNECTIONS per node cores=$(nproc)"
: >"$work/results"
for rate in $RATES; do
  oha --no-tui -z 2s -q "$rate" -c "$CONNECTIONS" "${urls[0]}/healthz" >/dev/null 2>&1 # warm-up
  for r in $(seq 1 "$ROUNDS"); do
    one "$rate" /healthz healthz
    one "$rate" /v1/forward-auth forward-auth
  done
  echo "rate $rate done"
done

python3 - "$work/results" "$backend" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(list)
for line in open(sys.argv[1]):
    label, rate, node, p50, p99, p999, rps, bad = line.split()
    runs[(int(rate), label, node)].append((float(p50), float(p99), float(p999), float(rps), int(bad)))
med = {k: [statistics.median(c) for c in zip(*v)] for k, v in runs.items()}
print()
print(f"| {sys.argv[2]} | rate | node | p50 | p99 | p99.9 | achieved req/s | non-2xx |")
print("|---|---|---|---|---|---|---|---|")
for (rate, label, node), m in sorted(med.items()):
    print(f"| {label} | {rate:,} | {node} | {m[0]:.3f} ms | {m[1]:.3f} ms | {m[2]:.3f} ms | {m[3]:,.0f} | {m[4]:.0f} |")
print()
for rate in sorted({k[0] for k in med}):
    for node in sorted({k[2] for k in med}):
        f, h = med[(rate, "forward-auth", node)], med[(rate, "healthz", node)]
        print(f"{rate:,} req/s node {node}: forward-auth p99 {f[1]:.3f} ms = {f[1] / h[1]:.2f}× /healthz's {h[1]:.3f} ms; p50 {f[0] / h[0]:.2f}×; p99.9 {f[2] / h[2]:.2f}×")
PY
