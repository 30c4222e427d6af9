#!/usr/bin/env bash
# Throughput and memory of `keywarden scan` over a large tree of real source,
# against ripgrep on the same tree (the practical limit) and detect-secrets
# (the most common peer). A benchmark, not a test: it prints figures.
#
#   benches/scan.sh              # corpus: /usr/include + Python's library (stdlib and site-packages)
#   benches/scan.sh DIR          # any tree
#   RUNS=9 benches/scan.sh       # more runs per measurement (median is reported)
#   SKIP_DETECT_SECRETS=1 benches/scan.sh   # leave out the (slow) detect-secrets row
#   SKIP_RG_UNION=1 benches/scan.sh         # leave out ripgrep over the union of the
#                                           # rules' regexes (minutes per run with 270 rules)
#
# Needs ripgrep, GNU time and detect-secrets; installs them when missing
# (apt-get, pip). Work files go to $KEYWARDEN_BENCH_DIR (default
# /tmp/keywarden-bench). Every tool runs on a warm page cache, on all cores.
set -euo pipefail
cd "$(dirname "$0")/.."

work=${KEYWARDEN_BENCH_DIR:-/tmp/keywarden-bench}
runs=${RUNS:-5}
mkdir -p "$work"

command -v rg >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
skip_ds=${SKIP_DETECT_SECRETS:-}
[ -n "$skip_ds" ] || command -v detect-secrets >/dev/null || pip install -q detect-secrets

cargo build --release -p keywarden --quiet
kw=${CARGO_TARGET_DIR:-$PWD/target}/release/keywarden

# The corpus: a copy, so no .gitignore or cache directory changes what is scanned.
if [ $# -ge 1 ]; then
  corpus=$(cd "$1" && pwd)
else
  corpus=$work/corpus
  if [ ! -d "$corpus" ]; then
    stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    mkdir -p "$corpus"
    cp -r /usr/include "$corpus/include"
    cp -r "$stdlib" "$corpus/python"
    find "$corpus" -name __pycache__ -type d -prune -exec rm -rf {} +
  fi
fi
# detect-secrets is ~1000x slower: it gets a subset (keywarden is timed on it too).
subset=$work/subset
if [ ! -d "$subset" ]; then
  mkdir -p "$subset"
  if [ -d "$corpus/include/linux" ]; then cp -r "$corpus/include/linux" "$subset/"; else
    find "$corpus" -type f -name '*.py' | head -300 | xargs -I{} cp --parents {} "$subset/"; fi
fi

# Rule regexes (named groups removed: one union) and keywords, from the binary.
"$kw" scan --list-rules --format json > "$work/rules.json"
python3 - "$work" <<'EOF'
import json, re, sys
work = sys.argv[1]
rules = json.load(open(f"{work}/rules.json"))
pats = set()
for r in rules:
    rx = r["regex"]
    if not rx:
        continue
    if r["multiline"]:
        rx = r"-----BEGIN[ A-Z0-9]*PRIVATE[ ]KEY( BLOCK)?-----"  # rg: one line at a time
    pats.add(re.sub(r"\(\?P<[a-z]+>", "(?:", rx))
open(f"{work}/patterns.txt", "w").write("\n".join(sorted(pats)) + "\n")
# One literal per line: a keyword holding a line break (`data:\n`) is
# looked for up to it.
kws = sorted({k.split("\n")[0].rstrip("\r") for r in rules for k in r["keywords"]} - {""})
open(f"{work}/keywords.txt", "w").write("\n".join(kws) + "\n")
EOF

warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
bytes_of() { "$kw" scan "$@" --format json --quiet | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["bytes"])' || true; }

# measure NAME CMD...: median wall seconds and max RSS (KiB) over $runs runs.
# Output goes to a file, not /dev/null (ripgrep stops at the first match per
# file when it sees /dev/null).
measure() {
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out.txt" 2>/dev/null || true
    read -r t m < <(tail -n 1 "$work/time.txt")
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name $med $rss"
}

warm "$corpus"; warm "$subset"
bytes=$(bytes_of "$corpus")
sub_bytes=$(bytes_of "$subset")
echo "corpus: $corpus, $bytes bytes of text in $(find "$corpus" -type f | wc -l) files; subset: $sub_bytes bytes; load: $(cut -d" " -f1-3 /proc/loadavg)" >&2

{
  measure keywarden "$kw" scan "$corpus" --quiet --format json
  if [ -z "${SKIP_RG_UNION:-}" ]; then
    measure rg-union rg -f "$work/patterns.txt" "$corpus"
  fi
  measure rg-keywords rg -F -f "$work/keywords.txt" "$corpus"
  measure keywarden-subset "$kw" scan "$subset" --quiet --format json
  if [ -z "$skip_ds" ]; then
    (cd "$subset" && measure detect-secrets-subset detect-secrets scan --all-files .)
  fi
  # Memory against tree size: the same tree given 1, 2 and 4 times.
  measure keywarden-1x "$kw" scan "$corpus" --quiet
  measure keywarden-2x "$kw" scan "$corpus" "$corpus" --quiet
  measure keywarden-4x "$kw" scan "$corpus" "$corpus" "$corpus" "$corpus" --quiet
} > "$work/raw.txt"

nrules=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/rules.json")
python3 - "$work/raw.txt" "$bytes" "$sub_bytes" "$(nproc)" "$runs" "$nrules" <<'EOF' | tee "$work/results.md"
import sys
raw, full, sub, cores, runs, nrules = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
m = {}
for line in open(raw):
    name, t, rss = line.split()
    m[name] = (max(float(t), 0.01), int(rss))
mbs = lambda name, b: b / 1e6 / m[name][0]
kw, rgk = mbs("keywarden", full), mbs("rg-keywords", full)
rgu = mbs("rg-union", full) if "rg-union" in m else None
kws = mbs("keywarden-subset", sub)
ds = mbs("detect-secrets-subset", sub) if "detect-secrets-subset" in m else None
print(f"Corpus {full/1e6:.0f} MB of text ({cores} cores, median of {runs} runs, warm cache); detect-secrets subset {sub/1e6:.1f} MB.\n")
print("| tool | MB/s | keywarden ÷ tool | peak RSS |")
print("|---|---:|---:|---:|")
print(f"| keywarden scan (all {nrules} rules) | {kw:.0f} | 1.00× | {m['keywarden'][1]/1024:.0f} MiB |")
if rgu:
    print(f"| ripgrep, union of the rules' regexes | {rgu:.0f} | {kw/rgu:.2f}× | {m['rg-union'][1]/1024:.0f} MiB |")
print(f"| ripgrep, the rules' literal keywords only (`-F`) | {rgk:.0f} | {kw/rgk:.2f}× | {m['rg-keywords'][1]/1024:.0f} MiB |")
print(f"| keywarden scan, subset | {kws:.0f} | 1.00× | {m['keywarden-subset'][1]/1024:.0f} MiB |")
if ds:
    print(f"| detect-secrets 1.5 (`scan --all-files`), subset | {ds:.2f} | {kws/ds:.0f}× | {m['detect-secrets-subset'][1]/1024:.0f} MiB |")
print()
print("Peak memory against tree size (same tree given 1, 2, 4 times): "
      + ", ".join(f"{n}× {m[f'keywarden-{n}x'][1]/1024:.0f} MiB" for n in (1, 2, 4)) + ".")
EOF
