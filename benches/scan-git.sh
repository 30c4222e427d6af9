#!/usr/bin/env bash
# History scanning: `keywarden scan --git` over a repository with thousands of
# commits, and the measurement behind its design choice: reading every
# commit's added lines through libgit2 (git2) or through `git log -p -U0`
# streamed from the git command.
#
#   benches/scan-git.sh            # generates a 5000-commit repository of real source lines
#   COMMITS=20000 benches/scan-git.sh
#   benches/scan-git.sh REPO       # any repository (its HEAD history)
#
# Work files go to $KEYWARDEN_BENCH_DIR (default /tmp/keywarden-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

work=${KEYWARDEN_BENCH_DIR:-/tmp/keywarden-bench}
runs=${RUNS:-3}
commits=${COMMITS:-5000}
mkdir -p "$work"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }

cargo build --release -p keywarden --quiet
kw=$PWD/target/release/keywarden
(cd benches/git-walk && cargo build --release --quiet)
walk=$PWD/benches/git-walk/target/release/git-walk

if [ $# -ge 1 ]; then
  repo=$(cd "$1" && pwd)
else
  repo=$work/history-$commits
  if [ ! -d "$repo/.git" ]; then
    git init -q -b main "$repo"
    # Real source lines (Python's standard library) edited over many commits;
    # one commit in 500 adds a fake GitHub token with a valid checksum.
    python3 - "$commits" <<'EOF' | git -C "$repo" fast-import --quiet
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
    git -C "$repo" reset -q --hard main
    git -C "$repo" gc -q
  fi
fi

measure() {
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out-$name.txt" 2>/dev/null || true
    read -r t m < <(tail -n 1 "$work/time.txt")
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name $med $rss"
}

{
  measure git-log git -C "$repo" log -p -U0 --no-color --no-ext-diff HEAD
  measure walk-cli "$walk" cli "$repo"
  measure walk-libgit2 "$walk" libgit2 "$repo"
  measure keywarden "$kw" scan --git "$repo" --format json --quiet
} > "$work/raw-git.txt"

read -r n_commits n_lines n_bytes < "$work/out-walk-cli.txt"
read -r l_commits l_lines l_bytes < "$work/out-walk-libgit2.txt"
found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/out-keywarden.txt")
python3 - "$work/raw-git.txt" "$n_commits" "$n_lines" "$n_bytes" "$l_lines" "$found" "$(nproc)" "$runs" <<'EOF' | tee "$work/results-git.md"
import sys
raw, commits, lines, added, l_lines, found, cores, runs = sys.argv[1:]
commits, lines, added = int(commits), int(lines), int(added)
m = {}
for line in open(raw):
    name, t, rss = line.split()
    m[name] = (max(float(t), 0.01), int(rss))
print(f"History: {commits} commits, {lines} added lines ({added/1e6:.1f} MB added); libgit2 saw {l_lines} added lines. "
      f"{cores} cores, median of {runs} runs.\n")
print("| reader | time | commits/s | MB/s of added lines | peak RSS |")
print("|---|---:|---:|---:|---:|")
for name, label in [("git-log", "`git log -p -U0` alone (to a file)"),
                    ("walk-cli", "`git log -p -U0` streamed and parsed (git CLI)"),
                    ("walk-libgit2", "libgit2 (git2 0.20, no default features): revwalk + tree diffs"),
                    ("keywarden", f"`keywarden scan --git`, all rules ({found} findings)")]:
    t, rss = m[name]
    print(f"| {label} | {t:.2f} s | {commits/t:.0f} | {added/1e6/t:.1f} | {rss/1024:.0f} MiB |")
EOF
