#!/usr/bin/env bash
# The cost of a change, one crossing binary against another on the same
# corpus, in one run: full backup, no-change backup and restore times
# (medians of ROUNDS alternating runs) and the store's size.
#
#   bash bench/overhead.sh BEFORE_BINARY AFTER_BINARY [ROUNDS] [SCALE]
#
# Used for issue 10 (signed history): the "after" binary signs manifests,
# names packs in them and restores without reading the indexes.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$1
AFTER=$2
ROUNDS=${3:-3}
SCALE=${4:-1.0}
WORK=$PWD/bench/work
CORPUS=$WORK/corpus-$SCALE
if [ ! -f "$CORPUS/.complete" ]; then
    rm -rf "$CORPUS"
    python3 bench/gen_corpus.py "$CORPUS" --scale "$SCALE"
    touch "$CORPUS/.complete"
fi
RUN=$WORK/overhead
rm -rf "$RUN"
mkdir -p "$RUN"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>"$RUN/err" || { cat "$RUN/err" >&2; exit 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
one() { # one NAME BINARY ROUND
    local dir=$RUN/$1-$3
    mkdir -p "$dir"
    export CROSSING_HOME=$dir/home
    "$2" pseudonym new --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["phrase"])' >"$dir/phrase"
    "$2" init --data-dir "$CORPUS" --store "file://$dir/store" >/dev/null
    sync
    local full nochange restore
    full=$(secs "$2" backup --quiet)
    nochange=$(secs "$2" backup --quiet)
    sync
    restore=$(secs "$2" restore --store "file://$dir/store" --data-dir "$dir/restored" --phrase-file "$dir/phrase" --quiet)
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$full" "$nochange" "$restore" "$(du -sb "$dir/store" | cut -f1)" >>"$RUN/results.tsv"
    unset CROSSING_HOME
    rm -rf "$dir/restored"
}
for round in $(seq 1 "$ROUNDS"); do
    one before "$BEFORE" "$round"
    one after "$AFTER" "$round"
done
python3 - "$RUN/results.tsv" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
by = {}
for name, *vals in rows:
    by.setdefault(name, []).append([float(v) for v in vals])
med = {n: [statistics.median(c) for c in zip(*v)] for n, v in by.items()}
print("| | full backup s | no-change s | restore s | store bytes |")
print("|---|---|---|---|---|")
for n in ("before", "after"):
    f, c, r, s = med[n]
    print(f"| {n} | {f:.2f} | {c:.2f} | {r:.2f} | {int(s)} |")
b, a = med["before"], med["after"]
print(f"| after / before | {a[0]/b[0]:.3f} | {a[1]/b[1]:.3f} | {a[2]/b[2]:.3f} | {a[3]/b[3]:.4f} |")
PY
