#!/usr/bin/env bash
# Side-by-side benchmarks: crossing vs restic, borg and `tar | zstd | age` on
# the same data, in one run, one scenario after another:
#
#   corpus  the 765 MB messenger-like corpus (bench/gen_corpus.py) to local
#           folder stores: full, no-change, restore, store size, peak RSS
#   db      a Signal-like SQLCipher database (bench/db_hour.py): a full
#           backup, then HOURS times one hour of use and a backup; each
#           tool's store growth against the bytes of the changed pages
#   files   N small attachment-like files (bench/gen_files.py), for each N:
#           first backup, no-change backup, restore; time, peak RSS, and
#           crossing's home size per file
#   s3      the corpus to s3s-fs behind a simulated link (examples/linkproxy:
#           40 ms each way, 100 Mbit/s each direction): full, no-change,
#           restore; link utilisation; crossing and restic
#
#   bash bench/run.sh [--only corpus,db,files,s3] [--out FILE]
#       [--scale 1.0] [--db-mb 150] [--hours 3] [--files 500000,1000000]
#       [--s3-scale 1.0] [--full-verify] [--tools crossing,restic,borg,tar-zstd-age]
#
# --scale: the corpus scenario's corpus; --s3-scale: the s3 scenario's (both
# bench/gen_corpus.py scales); --full-verify: compare every restored file of
# the files scenario (by default: count, total bytes, 1,000 sampled hashes);
# --tools: the files scenario's tools (default all four; at 1M files each
# takes 10-20 minutes, so a run may keep only crossing and restic).
# Generated inputs are cached under bench/work (corpus-SCALE, files-N,
# db-MB-VERSION); each run's stores and restores under bench/work/run, removed as
# soon as a tool is done with them (1M files are ~16.5 GB a copy).
#
# Installs what is missing (Debian: restic, borgbackup, age, zstd, GNU time,
# sqlcipher; cargo: s3s-fs at .ci/install.sh's version), builds crossing and
# the link proxy (release). Timing: GNU time's wall clock and maximum resident
# set size (%M), of the whole command. Caches are dropped before each
# measured step where the kernel allows it (not in this project's container:
# there the page cache is warm for every tool alike).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ONLY=corpus,db,files,s3
OUT=""
SCALE=1.0
S3_SCALE=1.0
DB_MB=150
HOURS=3
FILES=500000,1000000
FULL_VERIFY=0
TOOLS=crossing,restic,borg,tar-zstd-age
DB_HOUR=${DB_HOUR:-$ROOT/bench/db_hour.py} # override only to test with a stand-in
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --s3-scale) S3_SCALE=$2; shift 2 ;;
        --db-mb) DB_MB=$2; shift 2 ;;
        --hours) HOURS=$2; shift 2 ;;
        --files) FILES=$2; shift 2 ;;
        --full-verify) FULL_VERIFY=1; shift ;;
        --tools) TOOLS=$2; shift 2 ;;
        *) echo "unknown option $1 (see the top of bench/run.sh)" >&2; exit 2 ;;
    esac
done
for s in ${ONLY//,/ }; do
    case "$s" in corpus | db | files | s3) ;; *) echo "--only: unknown scenario $s" >&2; exit 2 ;; esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
uses() { [[ ",$TOOLS," == *",$1,"* ]]; }

# Every failure names the step it happened in.
STEP="start"
step() { STEP="$*"; echo "== $*" >&2; }
trap 'echo "bench/run.sh: FAILED during: $STEP (line $LINENO)" >&2' ERR
PIDS=()
# Stops the servers this script started (by PID) and waits until they are gone.
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
die() { echo "bench/run.sh: $STEP: $*" >&2; exit 1; }

WORK=$ROOT/bench/work
RUN=$WORK/run
CROSSING=$ROOT/target/release/crossing
LINKPROXY=$ROOT/target/release/examples/linkproxy
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

install_tools() {
    step "install missing tools"
    local need=() t
    for t in restic borg age zstd; do command -v "$t" >/dev/null || need+=("$t"); done
    [ -x /usr/bin/time ] || need+=(time)
    if wants db; then command -v sqlcipher >/dev/null || need+=(sqlcipher); fi
    if [ ${#need[@]} -gt 0 ]; then
        local pkgs=()
        for t in "${need[@]}"; do [ "$t" = borg ] && pkgs+=(borgbackup) || pkgs+=("$t"); done
        echo "installing ${pkgs[*]}" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
    fi
    if wants s3; then
        # The version the CI pins (newer ones need a newer rustc).
        local v
        v=$(sed -n 's/^S3S_FS=\([0-9.]*\).*/\1/p' .ci/install.sh)
        s3s-fs --version 2>/dev/null | grep -qx "s3s-fs $v" ||
            cargo install --quiet --locked "s3s-fs@$v" --features binary
    fi
    step "build crossing (release)"
    cargo build --release -q
    if wants s3; then cargo build --release -q --example linkproxy; fi
}

# --- measuring ---------------------------------------------------------------

# Rows of $RESULTS: scenario, tool, step, metric, value (tab-separated);
# bench/report.py turns them into the Markdown report.
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# measure SCENARIO TOOL STEP CMD...: records the wall seconds and peak RSS
# (KiB) of CMD; its output goes to $RUN/last.{out,err}, shown if it fails.
measure() {
    local scen=$1 tool=$2 stp=$3
    shift 3
    STEP="$scen: $tool $stp"
    sync
    echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
    /usr/bin/time -f "%e %M" -o "$RUN/time" "$@" >"$RUN/last.out" 2>"$RUN/last.err" || {
        cat "$RUN/last.err" >&2
        die "the command failed: $*"
    }
    local secs kib
    read -r secs kib <"$RUN/time"
    record "$scen" "$tool" "$stp" secs "$secs"
    record "$scen" "$tool" "$stp" rss_kib "$kib"
    printf '  %-14s %-14s %-12s %8ss %8s KiB\n' "$scen" "$tool" "$stp" "$secs" "$kib" >&2
}
size_of() { du -sb "$1" | cut -f1; }

new_phrase() { "$CROSSING" pseudonym new --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["phrase"])' >"$1"; }

# A generated input, made once and kept: cached DIR CMD... (CMD writes DIR).
cached() {
    local dir=$1
    shift
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        "$@"
        touch "$dir/.complete"
    fi
}
corpus_dir() {
    local dir=$WORK/corpus-$1
    cached "$dir" python3 bench/gen_corpus.py "$dir" --scale "$1" >&2
    echo "$dir"
}

# crossing restores a database as a consistent SQLite copy, not byte for
# byte: compare it by content, the rest by bytes.
verify_corpus() { # verify_corpus CORPUS RESTORED TOOL
    python3 - "$1/sql/db.sqlite" "$2/sql/db.sqlite" <<'PY' || die "$3: the restored database differs"
import sqlite3, sys
def dump(p):
    return list(sqlite3.connect(f"file:{p}?mode=ro", uri=True).iterdump())
assert dump(sys.argv[1]) == dump(sys.argv[2])
PY
    diff -r --no-dereference "$1" "$2" -x .complete -x sql >/dev/null || die "$3: the restore differs from the corpus"
}

# --- corpus: the messenger corpus to local folder stores ---------------------

scenario_corpus() {
    step "corpus: generate (scale $SCALE)"
    local corpus r=$RUN/corpus
    corpus=$(corpus_dir "$SCALE")
    mkdir -p "$r"
    record corpus - - bytes "$(size_of "$corpus")"
    record corpus - - files "$(find "$corpus" -type f ! -name .complete | wc -l)"

    step "corpus: crossing"
    export CROSSING_HOME=$r/crossing-home
    new_phrase "$r/phrase"
    "$CROSSING" init --data-dir "$corpus" --store "file://$r/crossing-store" >/dev/null
    measure corpus crossing full "$CROSSING" backup --quiet
    measure corpus crossing no-change "$CROSSING" backup --quiet
    measure corpus crossing restore "$CROSSING" restore --store "file://$r/crossing-store" \
        --data-dir "$r/crossing-restored" --phrase-file "$r/phrase" --quiet
    record corpus crossing - store_bytes "$(size_of "$r/crossing-store")"
    unset CROSSING_HOME
    verify_corpus "$corpus" "$r/crossing-restored" crossing

    step "corpus: restic"
    export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$r/restic-store RESTIC_CACHE_DIR=$r/restic-cache
    restic init -q
    measure corpus restic full restic backup -q "$corpus"
    measure corpus restic no-change restic backup -q "$corpus"
    measure corpus restic restore restic restore -q latest --target "$r/restic-restored"
    record corpus restic - store_bytes "$(size_of "$r/restic-store")"
    diff -r --no-dereference "$corpus" "$r/restic-restored$corpus" >/dev/null || die "restic: the restore differs"
    unset RESTIC_PASSWORD RESTIC_REPOSITORY RESTIC_CACHE_DIR

    step "corpus: borg"
    export BORG_PASSPHRASE=bench BORG_REPO=$r/borg-store BORG_BASE_DIR=$r/borg-base BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
    borg init --encryption=repokey-blake2
    measure corpus borg full borg create --compression zstd,3 ::one "$corpus"
    measure corpus borg no-change borg create --compression zstd,3 ::two "$corpus"
    mkdir -p "$r/borg-restored"
    (cd "$r/borg-restored" && measure corpus borg restore borg extract ::two)
    record corpus borg - store_bytes "$(size_of "$r/borg-store")"
    diff -r --no-dereference "$corpus" "$r/borg-restored$corpus" >/dev/null || die "borg: the restore differs"
    unset BORG_PASSPHRASE BORG_REPO BORG_BASE_DIR

    # No dedup, no incremental: its "no-change" is another full archive.
    step "corpus: tar | zstd | age"
    age-keygen -o "$r/age.key" 2>/dev/null
    local rcpt
    rcpt=$(grep -o 'age1[0-9a-z]*' "$r/age.key" | head -1)
    local tarcmd="tar -C '$corpus' -cf - . | zstd -q -T2 -3 | age -r $rcpt > '$r/tar.tar.zst.age'"
    measure corpus tar-zstd-age full sh -c "$tarcmd"
    measure corpus tar-zstd-age no-change sh -c "$tarcmd"
    mkdir -p "$r/tar-restored"
    measure corpus tar-zstd-age restore sh -c "age -d -i '$r/age.key' '$r/tar.tar.zst.age' | zstd -q -d | tar -C '$r/tar-restored' -xf -"
    record corpus tar-zstd-age - store_bytes "$(stat -c %s "$r/tar.tar.zst.age")"
    diff -r --no-dereference "$corpus" "$r/tar-restored" >/dev/null || die "tar-zstd-age: the restore differs"
    rm -rf "$r"
}

# --- db: hourly backups of a live SQLCipher database -------------------------

# The changed 4 KiB pages that `db_hour.py hour` prints: a JSON line with
# pages_changed (and wal_bytes, a -wal left beside the file), or a bare number.
# Prints "PAGES WAL_BYTES".
changed_pages() {
    python3 -c '
import json, re, sys
out = sys.stdin.read().strip()
try:
    j = json.loads(out.splitlines()[-1])
    print(j["pages_changed"], j.get("wal_bytes", 0))
except (ValueError, KeyError, TypeError, IndexError):
    print(re.findall(r"\d+", out)[-1], 0)
'
}

scenario_db() {
    [ -f "$DB_HOUR" ] || die "$DB_HOUR is missing (it comes with branch i12-db; DB_HOUR=PATH runs another)"
    step "db: create a $DB_MB MB SQLCipher database"
    # Cached per size and per version of the generator.
    local pristine r=$RUN/db
    pristine=$WORK/db-$DB_MB-$(sha256sum "$DB_HOUR" | head -c 12)
    cached "$pristine" python3 "$DB_HOUR" create "$pristine" --size-mb "$DB_MB" >&2
    mkdir -p "$r"
    # The hours change it: work on a copy, keep the pristine one for the next run.
    cp -a "$pristine" "$r/data"
    rm -f "$r/data/.complete"
    local data=$r/data
    record db - - bytes "$(size_of "$data")"

    # Each tool's store and environment, set up once; one backup = one call.
    export CROSSING_HOME=$r/crossing-home
    new_phrase "$r/phrase"
    "$CROSSING" init --data-dir "$data" --store "file://$r/crossing-store" >/dev/null
    RESTIC_PASSWORD=bench restic -r "$r/restic-store" init -q
    BORG_PASSPHRASE=bench borg init --encryption=repokey-blake2 "$r/borg-store" 2>/dev/null
    age-keygen -o "$r/age.key" 2>/dev/null
    local rcpt n=0
    rcpt=$(grep -o 'age1[0-9a-z]*' "$r/age.key" | head -1)
    export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR=$r/restic-cache BORG_PASSPHRASE=bench BORG_BASE_DIR=$r/borg-base
    db_backup() { # db_backup STEP: every tool once, recording store growth
        local tool before
        for tool in crossing restic borg tar-zstd-age; do
            before=$(db_store_size "$tool")
            case $tool in
                crossing) measure db crossing "$1" "$CROSSING" backup --quiet ;;
                restic) measure db restic "$1" restic -r "$r/restic-store" backup -q "$data" ;;
                borg) n=$((n + 1)) && measure db borg "$1" borg create --compression zstd,3 "$r/borg-store::$n" "$data" ;;
                # No dedup: every hour is a new whole archive (the growth is its size).
                tar-zstd-age) measure db tar-zstd-age "$1" sh -c \
                    "tar -C '$data' -cf - . | zstd -q -T2 -3 | age -r $rcpt > '$r/tar/$1.tar.zst.age'" ;;
            esac
            record db "$tool" "$1" growth_bytes $(($(db_store_size "$tool") - before))
        done
    }
    db_store_size() {
        case $1 in
            tar-zstd-age) mkdir -p "$r/tar" && size_of "$r/tar" ;;
            *) size_of "$r/$1-store" ;;
        esac
    }

    step "db: full backups"
    db_backup full
    local h pages wal
    for h in $(seq 1 "$HOURS"); do
        step "db: hour $h of use"
        # A seed per hour: the same seed twice would replay the same messages.
        python3 "$DB_HOUR" hour "$data" --seed $((100 + h)) >"$r/hour.out" || die "$DB_HOUR hour failed"
        read -r pages wal < <(changed_pages <"$r/hour.out")
        [ -n "$pages" ] || die "no count of changed pages from $DB_HOUR hour"
        record db - "hour$h" changed_bytes $((pages * 4096))
        record db - "hour$h" wal_bytes "$wal"
        echo "  hour $h: $pages pages changed ($((pages * 4 / 1024)) MiB), -wal $wal bytes" >&2
        step "db: hour $h backups"
        db_backup "hour$h"
    done

    # The last snapshot must give the database back byte for byte (crossing
    # copies a database it cannot open, such as SQLCipher's, as it is).
    step "db: restore and compare"
    "$CROSSING" restore --store "file://$r/crossing-store" --data-dir "$r/crossing-restored" \
        --phrase-file "$r/phrase" --quiet || die "crossing restore failed"
    cmp "$data/sql/db.sqlite" "$r/crossing-restored/sql/db.sqlite" || die "crossing: the restored database differs"
    restic -r "$r/restic-store" restore -q latest --target "$r/restic-restored"
    cmp "$data/sql/db.sqlite" "$r/restic-restored$data/sql/db.sqlite" || die "restic: the restored database differs"
    unset CROSSING_HOME RESTIC_PASSWORD RESTIC_CACHE_DIR BORG_PASSPHRASE BORG_BASE_DIR
    rm -rf "$r"
}

# --- files: many small attachments --------------------------------------------

# verify_files ORIGINAL RESTORED TOOL: file count, total bytes and the hashes
# of 1,000 files picked at random; with --full-verify every file (diff -r).
verify_files() {
    STEP="files: verify $3's restore"
    if [ "$FULL_VERIFY" = 1 ]; then
        diff -r --no-dereference "$1" "$2" -x .complete >/dev/null || die "$3: the restore differs"
        return
    fi
    python3 - "$@" <<'PY' || die "$3: the restore differs (count, bytes or sampled hashes)"
import hashlib, os, random, sys
orig, rest, tool = sys.argv[1:4]
def walk(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f != ".complete":
                p = os.path.join(d, f)
                out[os.path.relpath(p, root)] = os.path.getsize(p)
    return out
a, b = walk(orig), walk(rest)
assert len(a) == len(b), f"{len(a)} files, {len(b)} restored"
assert a == b, "names or sizes differ"
def h(p):
    return hashlib.blake2b(open(p, "rb").read()).digest()
for name in random.Random(1).sample(sorted(a), min(1000, len(a))):
    assert h(os.path.join(orig, name)) == h(os.path.join(rest, name)), name
print(f"  {tool}: {len(b)} files, {sum(b.values())} bytes, 1000 sampled hashes match", file=sys.stderr)
PY
}

scenario_files() {
    local n
    for n in ${FILES//,/ }; do files_one "$n"; done
}

files_one() {
    local n=$1 data=$WORK/files-$1 r=$RUN/files-$1 s=files-$1
    step "files: generate $n files"
    # About 16.5 KiB a file; a tool's store and restore need twice that again.
    local need free
    need=$((n * 17 * 1024 * 2))
    [ -f "$data/.complete" ] || need=$((need + n * 17 * 1024))
    free=$(df -B1 --output=avail "$WORK" | tail -1)
    [ "$free" -gt "$need" ] || die "needs about $((need >> 30)) GiB free under $WORK, has $((free >> 30)) GiB"
    mkdir -p "$WORK"
    cached "$data" python3 bench/gen_files.py "$data" --count "$n" >&2
    mkdir -p "$r"
    record "$s" - - bytes "$(size_of "$data")"
    record "$s" - - files "$n"

    if uses crossing; then
        step "files $n: crossing"
        export CROSSING_HOME=$r/crossing-home
        new_phrase "$r/phrase"
        "$CROSSING" init --data-dir "$data" --store "file://$r/crossing-store" >/dev/null
        measure "$s" crossing full "$CROSSING" backup --quiet
        measure "$s" crossing no-change "$CROSSING" backup --quiet
        # The home as a no-change backup leaves it (restore does not use it).
        record "$s" crossing - home_bytes "$(size_of "$CROSSING_HOME")"
        record "$s" crossing - store_bytes "$(size_of "$r/crossing-store")"
        unset CROSSING_HOME
        measure "$s" crossing restore "$CROSSING" restore --store "file://$r/crossing-store" \
            --data-dir "$r/restored" --phrase-file "$r/phrase" --quiet
        verify_files "$data" "$r/restored" crossing
        rm -rf "$r/restored" "$r/crossing-store"
    fi

    if uses restic; then
        step "files $n: restic"
        export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$r/restic-store RESTIC_CACHE_DIR=$r/restic-cache
        restic init -q
        measure "$s" restic full restic backup -q "$data"
        measure "$s" restic no-change restic backup -q "$data"
        record "$s" restic - home_bytes "$(size_of "$r/restic-cache")"
        record "$s" restic - store_bytes "$(size_of "$r/restic-store")"
        measure "$s" restic restore restic restore -q latest --target "$r/restored"
        verify_files "$data" "$r/restored$data" restic
        rm -rf "$r/restored" "$r/restic-store"
        unset RESTIC_PASSWORD RESTIC_REPOSITORY RESTIC_CACHE_DIR
    fi

    if uses borg; then
        step "files $n: borg"
        export BORG_PASSPHRASE=bench BORG_REPO=$r/borg-store BORG_BASE_DIR=$r/borg-base
        borg init --encryption=repokey-blake2
        measure "$s" borg full borg create --compression zstd,3 ::one "$data"
        measure "$s" borg no-change borg create --compression zstd,3 ::two "$data"
        record "$s" borg - home_bytes "$(size_of "$r/borg-base")"
        record "$s" borg - store_bytes "$(size_of "$r/borg-store")"
        mkdir -p "$r/restored"
        (cd "$r/restored" && measure "$s" borg restore borg extract ::two)
        verify_files "$data" "$r/restored$data" borg
        rm -rf "$r/restored" "$r/borg-store"
        unset BORG_PASSPHRASE BORG_REPO BORG_BASE_DIR
    fi

    if uses tar-zstd-age; then
        # One stream: no index, nothing to compare against, so no no-change step.
        step "files $n: tar | zstd | age"
        age-keygen -o "$r/age.key" 2>/dev/null
        local rcpt
        rcpt=$(grep -o 'age1[0-9a-z]*' "$r/age.key" | head -1)
        measure "$s" tar-zstd-age full sh -c "tar -C '$data' -cf - . | zstd -q -T2 -3 | age -r $rcpt > '$r/tar.age'"
        record "$s" tar-zstd-age - store_bytes "$(stat -c %s "$r/tar.age")"
        mkdir -p "$r/restored"
        measure "$s" tar-zstd-age restore sh -c "age -d -i '$r/age.key' '$r/tar.age' | zstd -q -d | tar -C '$r/restored' -xf -"
        verify_files "$data" "$r/restored" tar-zstd-age
    fi

    rm -rf "$r"
}

# --- s3: object storage over a simulated link ----------------------------------

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    local _
    for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    die "nothing listens on port $1"
}
# start_proxy VAR STATS DELAY_MS RATE_MBIT: starts linkproxy towards s3s-fs
# and sets VAR to its port (not by $(...): the PID must reach this shell's PIDS).
start_proxy() {
    local out=$2.out _port="" _
    setsid "$LINKPROXY" --upstream "127.0.0.1:$S3_PORT" --delay-ms "$3" --rate-mbit "$4" --stats "$2" \
        >"$out" 2>&1 </dev/null &
    PIDS+=($!)
    for _ in $(seq 100); do grep -q '^listening' "$out" 2>/dev/null && break; sleep 0.05; done
    _port=$(awk '/^listening/ {print $2}' "$out")
    [ -n "$_port" ] || die "the link proxy did not start: $(cat "$out")"
    printf -v "$1" "%s" "$_port"
}
# Bytes the link has carried so far, "UP DOWN" (the proxy rewrites the file every 100 ms).
link_bytes() { sleep 0.3; cut -d' ' -f1,2 "$1"; }

# measure_link TOOL STEP CMD...: measure, plus the bytes each way over the link.
measure_link() {
    local tool=$1 stp=$2 u0 d0 u1 d1
    shift 2
    read -r u0 d0 < <(link_bytes "$LINK_STATS")
    measure s3 "$tool" "$stp" "$@"
    read -r u1 d1 < <(link_bytes "$LINK_STATS")
    record s3 "$tool" "$stp" up_bytes $((u1 - u0))
    record s3 "$tool" "$stp" down_bytes $((d1 - d0))
}

# curl_s3 PORT METHOD KEY [FILE]: one signed request to s3s-fs (through PORT).
curl_s3() {
    local args=(-sS -f --aws-sigv4 "aws:amz:us-east-1:s3" --user "bench:$S3_SECRET"
        -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
    if [ "$2" = PUT ]; then args+=(-T "$4"); else args+=(-o "$4"); fi
    curl "${args[@]}" -w '%{time_total}\n' "http://127.0.0.1:$1/bench/$3"
}

# The proxy alone, before trusting it: one large PUT and GET through it
# unshaped (its own ceiling, with s3s-fs behind it) and shaped (how close
# one plain stream gets to 100 Mbit/s).
proxy_ceiling() {
    local r=$1 mb=256 secs
    head -c $((mb << 20)) /dev/urandom >"$r/blob"
    local port
    start_proxy port "$r/raw.stats" 0 0
    for kind in direct:$S3_PORT unshaped:$port shaped:$PROXY_PORT; do
        local name=${kind%%:*} p=${kind#*:}
        STEP="s3: $name PUT/GET of $mb MiB"
        secs=$(curl_s3 "$p" PUT "ceiling-$name" "$r/blob") || die "curl PUT failed"
        record s3 "proxy-$name" put mb_per_s "$(python3 -c "print(f'{$mb * 1.048576 / $secs:.1f}')")"
        secs=$(curl_s3 "$p" GET "ceiling-$name" "$r/blob.back") || die "curl GET failed"
        record s3 "proxy-$name" get mb_per_s "$(python3 -c "print(f'{$mb * 1.048576 / $secs:.1f}')")"
        cmp -s "$r/blob" "$r/blob.back" || die "the GET gave other bytes than the PUT"
        echo "  $name: PUT/GET $mb MiB done" >&2
    done
    rm -f "$r/blob" "$r/blob.back" "$r"/s3/bench/ceiling-*
}

scenario_s3() {
    step "s3: generate the corpus (scale $S3_SCALE)"
    local corpus r=$RUN/s3
    corpus=$(corpus_dir "$S3_SCALE")
    mkdir -p "$r/s3/bench"
    record s3 - - bytes "$(size_of "$corpus")"

    step "s3: start s3s-fs and the link proxy"
    S3_PORT=$(free_port)
    S3_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    setsid s3s-fs --host 127.0.0.1 --port "$S3_PORT" --access-key bench --secret-key "$S3_SECRET" "$r/s3" \
        >"$r/s3s-fs.log" 2>&1 </dev/null &
    PIDS+=($!)
    wait_port "$S3_PORT"
    LINK_STATS=$r/link.stats
    start_proxy PROXY_PORT "$LINK_STATS" 40 100
    record s3 - - link "40 ms each way, 100 Mbit/s each direction"

    step "s3: the proxy's own ceiling"
    proxy_ceiling "$r"

    export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=$S3_SECRET AWS_REGION=us-east-1
    local endpoint=http://127.0.0.1:$PROXY_PORT

    step "s3: crossing"
    export CROSSING_HOME=$r/crossing-home
    new_phrase "$r/phrase"
    "$CROSSING" init --data-dir "$corpus" --store s3://bench/crossing \
        --store-option "endpoint=$endpoint" --store-option allow_http=true >/dev/null
    measure_link crossing full "$CROSSING" backup --quiet
    measure_link crossing no-change "$CROSSING" backup --quiet
    measure_link crossing restore "$CROSSING" restore --store s3://bench/crossing \
        --store-option "endpoint=$endpoint" --store-option allow_http=true \
        --data-dir "$r/crossing-restored" --phrase-file "$r/phrase" --quiet
    record s3 crossing - store_bytes "$(size_of "$r/s3/bench/crossing")"
    unset CROSSING_HOME
    verify_corpus "$corpus" "$r/crossing-restored" crossing
    rm -rf "$r/crossing-restored"

    step "s3: restic"
    export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=s3:$endpoint/bench/restic RESTIC_CACHE_DIR=$r/restic-cache
    restic init -q
    measure_link restic full restic backup -q "$corpus"
    measure_link restic no-change restic backup -q "$corpus"
    # Without its local cache, as on a new device (crossing restores with none).
    rm -rf "$RESTIC_CACHE_DIR"
    measure_link restic restore restic restore -q latest --target "$r/restic-restored"
    record s3 restic - store_bytes "$(size_of "$r/s3/bench/restic")"
    diff -r --no-dereference "$corpus" "$r/restic-restored$corpus" -x .complete >/dev/null || die "restic: the restore differs"
    unset RESTIC_PASSWORD RESTIC_REPOSITORY RESTIC_CACHE_DIR AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
    cleanup
    PIDS=()
    rm -rf "$r"
}

# --- main ------------------------------------------------------------------------

install_tools
rm -rf "$RUN"
mkdir -p "$RUN"
RESULTS=$RUN/results.tsv
: >"$RESULTS"
for s in corpus db files s3; do
    if wants "$s"; then "scenario_$s"; fi
done
step "report"
python3 bench/report.py "$RESULTS" "$OUT"
