#!/usr/bin/env bash
# Import benchmark: N keys known by their old SHA-512 hash (drf-api-key's
# form), as a JSON Lines file, through `keywarden key import` into a fresh
# server; prints the wall time and keys per second.
#
#   benches/import.sh              # SQLite, 100,000 keys
#   benches/import.sh postgres     # PostgreSQL at KEYWARDEN_TEST_DATABASE_URL
#   N=10000 KEYWARDEN_BIN=target/debug/keywarden benches/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
N=${N:-100000}
if [ -n "${KEYWARDEN_BIN:-}" ]; then
  bin=$KEYWARDEN_BIN
else
  cargo build --release -q -p keywarden
  bin=$PWD/target/release/keywarden
fi
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 - "$N" > "$work/keys.jsonl" <<'PY'
import hashlib, json, sys
for i in range(int(sys.argv[1])):
    text = f"Pfx{i:05d}.secret-{i:012d}-abcdefghijklmnop"
    print(json.dumps({"hash": {"algorithm": "sha512", "encoding": "hex",
        "value": hashlib.sha512(text.encode()).hexdigest()}, "external_id": f"drf-{i}"}))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env=(KEYWARDEN_DATA_DIR="$work/data")
if [ "$backend" = postgres ]; then
  : "${KEYWARDEN_TEST_DATABASE_URL:?set KEYWARDEN_TEST_DATABASE_URL}"
  schema="kwb_import_$$"
  psql -q "$KEYWARDEN_TEST_DATABASE_URL" -c "CREATE SCHEMA $schema"
  sep='?'; case "$KEYWARDEN_TEST_DATABASE_URL" in *\?*) sep='&';; esac
  env+=(KEYWARDEN_DATABASE_URL="${KEYWARDEN_TEST_DATABASE_URL}${sep}options=-c%20search_path%3D$schema"
        KEYWARDEN_PEPPER="1:$(printf 'ab%.0s' $(seq 32))")
fi
env "${env[@]}" "$bin" serve --listen "127.0.0.1:$port" > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
root=$(sed -n 's/^root key: //p' "$work/serve.out")
start=$(date +%s.%N)
KEYWARDEN_URL="http://127.0.0.1:$port" KEYWARDEN_TOKEN="$root" "$bin" key import "$work/keys.jsonl" --json
end=$(date +%s.%N)
python3 -c "t=$end-$start; print(f'$backend: $N keys in {t:.1f} s ({$N/t:,.0f} keys/s)')"
if [ "$backend" = postgres ]; then psql -q "$KEYWARDEN_TEST_DATABASE_URL" -c "DROP SCHEMA $schema CASCADE"; fi
