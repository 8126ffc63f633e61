#!/usr/bin/env bash
# Side-by-side benchmark: crossing vs restic, borg and `tar | zstd | age` on
# the same messenger-like corpus, local folder stores, in one run.
#
#   bash bench/run.sh [--scale 1.0] [--out docs/benchmarks-latest.md]
#
# Installs restic, borgbackup, age, zstd and GNU time from Debian if missing,
# builds crossing (release), generates the corpus once (bench/work/corpus),
# then for each tool: full backup, no-change backup, restore, store size and
# peak RSS (GNU time's maximum resident set size, of the whole command).
# Every restore is compared with the corpus (diff -r) before its time counts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCALE=1.0
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

need=()
for tool in restic borg age zstd; do command -v "$tool" >/dev/null || need+=("$tool"); done
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
    pkgs=()
    for t in "${need[@]}"; do [ "$t" = borg ] && pkgs+=(borgbackup) || pkgs+=("$t"); done
    echo "installing ${pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
cargo build --release -q
CROSSING=$ROOT/target/release/crossing

WORK=$ROOT/bench/work
CORPUS=$WORK/corpus-$SCALE
if [ ! -f "$CORPUS/.complete" ]; then
    rm -rf "$CORPUS"
    python3 bench/gen_corpus.py "$CORPUS" --scale "$SCALE"
    touch "$CORPUS/.complete"
fi
RUN=$WORK/run
rm -rf "$RUN"
mkdir -p "$RUN"
RESULTS=$RUN/results.tsv

# measure NAME STEP CMD...: appends "NAME STEP seconds peak_kib" to RESULTS.
measure() {
    local name=$1 step=$2
    shift 2
    sync
    echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    /usr/bin/time -f "%e %M" -o "$RUN/time" "$@" >"$RUN/last.out" 2>"$RUN/last.err" || {
        echo "$name $step failed:" >&2; cat "$RUN/last.err" >&2; exit 1; }
    read -r secs kib <"$RUN/time"
    printf '%s\t%s\t%s\t%s\n' "$name" "$step" "$secs" "$kib" >>"$RESULTS"
    printf '  %-10s %-10s %7ss %8s KiB\n' "$name" "$step" "$secs" "$kib" >&2
}
store_size() { du -sb "$1" | cut -f1; }
verify() { diff -r --no-dereference "$CORPUS" "$1" -x .complete >/dev/null || { echo "$2: restore differs from the corpus" >&2; exit 1; }; }
size_row() { printf '%s\tstore\t%s\t0\n' "$1" "$2" >>"$RESULTS"; }

echo "corpus: $(du -sh "$CORPUS" | cut -f1), $(find "$CORPUS" -type f | wc -l) files" >&2

# crossing ------------------------------------------------------------------
export CROSSING_HOME=$RUN/crossing-home
$CROSSING pseudonym new --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["phrase"])' >"$RUN/phrase"
$CROSSING init --data-dir "$CORPUS" --store "file://$RUN/crossing-store" >/dev/null
measure crossing full "$CROSSING" backup --quiet
measure crossing no-change "$CROSSING" backup --quiet
measure crossing restore "$CROSSING" restore --store "file://$RUN/crossing-store" --data-dir "$RUN/crossing-restored" --phrase-file "$RUN/phrase" --quiet
size_row crossing "$(store_size "$RUN/crossing-store")"
unset CROSSING_HOME
# A database is restored as a consistent SQLite copy, not byte for byte:
# compare it by content, the rest by bytes.
python3 - "$CORPUS/sql/db.sqlite" "$RUN/crossing-restored/sql/db.sqlite" <<'PY'
import sqlite3, sys
def dump(p):
    c = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
    return list(c.iterdump())
assert dump(sys.argv[1]) == dump(sys.argv[2]), "database content differs"
PY
diff -r --no-dereference "$CORPUS" "$RUN/crossing-restored" -x .complete -x sql >/dev/null || { echo "crossing: restore differs" >&2; exit 1; }

# restic --------------------------------------------------------------------
export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$RUN/restic-store RESTIC_CACHE_DIR=$RUN/restic-cache
restic init -q
measure restic full restic backup -q "$CORPUS"
measure restic no-change restic backup -q "$CORPUS"
measure restic restore restic restore -q latest --target "$RUN/restic-restored"
size_row restic "$(store_size "$RUN/restic-store")"
verify "$RUN/restic-restored$CORPUS" restic
unset RESTIC_PASSWORD RESTIC_REPOSITORY

# borg ----------------------------------------------------------------------
export BORG_PASSPHRASE=bench BORG_REPO=$RUN/borg-store BORG_BASE_DIR=$RUN/borg-base BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
borg init --encryption=repokey-blake2
measure borg full borg create --compression zstd,3 ::one "$CORPUS"
measure borg no-change borg create --compression zstd,3 ::two "$CORPUS"
mkdir -p "$RUN/borg-restored"
(cd "$RUN/borg-restored" && measure borg restore borg extract ::two)
size_row borg "$(store_size "$RUN/borg-store")"
verify "$RUN/borg-restored$CORPUS" borg
unset BORG_PASSPHRASE BORG_REPO

# tar | zstd | age (no dedup, no incremental: "no-change" is another full) ---
age-keygen -o "$RUN/age.key" 2>/dev/null
RCPT=$(grep -o 'age1[0-9a-z]*' "$RUN/age.key" | head -1)
TARCMD="tar -C '$CORPUS' -cf - . | zstd -q -T2 -3 | age -r $RCPT > '$RUN/tar.tar.zst.age'"
measure tar-zstd-age full sh -c "$TARCMD"
measure tar-zstd-age no-change sh -c "$TARCMD"
mkdir -p "$RUN/tar-restored"
measure tar-zstd-age restore sh -c "age -d -i '$RUN/age.key' '$RUN/tar.tar.zst.age' | zstd -q -d | tar -C '$RUN/tar-restored' -xf -"
size_row tar-zstd-age "$(stat -c %s "$RUN/tar.tar.zst.age")"
verify "$RUN/tar-restored" tar-zstd-age

# report --------------------------------------------------------------------
python3 - "$RESULTS" "$CORPUS" "$OUT" <<'PY'
import collections, os, platform, subprocess, sys
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    name, step, secs, kib = line.split("\t")
    rows[name][step] = (float(secs), int(kib))
corpus, out = sys.argv[2], sys.argv[3]
size = int(subprocess.check_output(["du", "-sb", corpus]).split()[0])
files = sum(len(f) for _, _, f in os.walk(corpus))
def ver(cmd):
    try:
        return subprocess.check_output(cmd, stderr=subprocess.STDOUT, text=True).splitlines()[0]
    except Exception:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [
    f"Corpus: {size / 1e6:.0f} MB, {files} files. Machine: {os.cpu_count()} cores ({cpu}), "
    f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM, {platform.system()} {platform.release()}.",
    f"Versions: {ver(['target/release/crossing', '--version'])}; {ver(['restic', 'version'])}; {ver(['borg', '--version'])}; "
    f"age {ver(['age', '--version'])}; {ver(['zstd', '--version'])}.",
    "",
    "| tool | full backup | no-change backup | restore | store size | peak RSS (max of the three) |",
    "|---|---|---|---|---|---|",
]
for name in ("crossing", "restic", "borg", "tar-zstd-age"):
    r = rows[name]
    rss = max(r[s][1] for s in ("full", "no-change", "restore")) / 1024
    lines.append(f"| {name} | {r['full'][0]:.2f} s | {r['no-change'][0]:.2f} s | {r['restore'][0]:.2f} s | "
                 f"{r['store'][0] / 1e6:.0f} MB | {rss:.0f} MB |")
c, r = rows["crossing"], rows["restic"]
lines += ["", "crossing / restic ratios (target in brackets):", ""]
for step, target in (("full", 0.5), ("no-change", 0.25), ("restore", 0.5)):
    ratio = c[step][0] / r[step][0]
    lines.append(f"- {step}: {ratio:.2f} (≤ {target}) {'met' if ratio <= target else 'MISSED'}")
ratio = c["store"][0] / r["store"][0]
lines.append(f"- store size: {ratio:.2f} (≤ 1.0) {'met' if ratio <= 1 else 'MISSED'}")
peak = max(c[s][1] for s in ("full", "no-change", "restore")) / 1024
lines.append(f"- crossing peak RSS: {peak:.0f} MB (≤ 100 MB) {'met' if peak <= 100 else 'MISSED'}")
text = "\n".join(lines) + "\n"
print(text)
if out:
    open(out, "w").write(text)
PY
