#!/usr/bin/env bash
# `keywarden run` start-up cost: an environment of N secrets (100), served
# on loopback by a fresh `keywarden serve` (SQLite), measured with
# hyperfine against running the child directly, in the same run:
#
#   baseline   /bin/true
#   run        keywarden run --env live -- /bin/true     (fetch + start)
#   cached     the same with the server stopped           (offline cache)
#
# Prints hyperfine's table and the median of each. The issue's bar: the
# child starts within 50 ms (p50) with 100 secrets.
#
#   benches/run-startup.sh
#   N=1000 KEYWARDEN_BIN=target/debug/keywarden benches/run-startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100}
if [ -n "${KEYWARDEN_BIN:-}" ]; then
  bin=$KEYWARDEN_BIN
else
  cargo build --release -q -p keywarden
  bin=$PWD/target/release/keywarden
fi
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
KEYWARDEN_DATA_DIR="$work/data" KEYWARDEN_MASTER_KEY=$(head -c 32 /dev/urandom | base64) \
  "$bin" serve --listen "127.0.0.1:$port" > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 100); do
  grep -q "root key:" "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
export KEYWARDEN_URL="http://127.0.0.1:$port"
KEYWARDEN_TOKEN=$(sed -n 's/^root key: //p' "$work/serve.out")
export KEYWARDEN_TOKEN KEYWARDEN_CACHE_DIR="$work/cache"
# N secrets of 40 bytes, one .env file, one import.
python3 - "$N" > "$work/secrets.env" <<'PY'
import secrets, sys
for i in range(int(sys.argv[1])):
    print(f"SECRET_{i:04d}={secrets.token_urlsafe(30)}")
PY
"$bin" secrets import "$work/secrets.env" --env live > /dev/null
hyperfine -N --warmup 5 --runs 100 --export-json "$work/online.json" \
  -n baseline /bin/true \
  -n run "$bin run --env live -- /bin/true"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
hyperfine -N --warmup 5 --runs 100 --export-json "$work/offline.json" \
  -n cached "$bin run --env live -- /bin/true"
python3 - "$work/online.json" "$work/offline.json" "$N" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
base = rows[0]["median"]
for r in rows:
    print(f"{r['command']:>9}: median {r['median']*1000:7.2f} ms  ({r['median']/base:6.1f}x /bin/true)")
run = rows[1]["median"] * 1000
print(f"keywarden run with {sys.argv[3]} secrets starts its child in {run:.1f} ms (p50); bar: 50 ms")
PY
