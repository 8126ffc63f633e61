#!/usr/bin/env bash
# What an hourly backup of a database stores, per database chunk size
# (the measurement behind DB_CHUNK, src/backup/pages.rs):
#
#   python3 bench/db_hour.py create BASE --size-mb 150
#   cp -a BASE AFTER && python3 bench/db_hour.py hour AFTER
#   bash bench/db_chunks.sh BASE AFTER [4096 8192 16384 32768 65536]
#
# For each size (CROSSING_DB_CHUNK, a measuring knob): a new home and
# file:// store, a backup of BASE, then of AFTER in its place; prints the
# second backup's new chunks, bytes stored, and the part of them in data
# packs (the rest: index, manifest), and its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1 AFTER=$2
shift 2
SIZES=${*:-4096 8192 16384 32768 65536}
cargo build --release -q
CROSSING=$PWD/target/release/crossing
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export NOSYNC=1
printf '| chunk | new chunks | bytes stored | in data packs | manifest+index | seconds |\n|---|---|---|---|---|---|\n'
for size in $SIZES; do
    rm -rf "${WORK:?}"/*
    home=$WORK/home data=$WORK/data store=$WORK/store
    cp -a "$BASE" "$data"
    "$CROSSING" --home "$home" pseudonym new --json >/dev/null
    "$CROSSING" --home "$home" init --data-dir "$data" --store "file://$store" >/dev/null
    CROSSING_DB_CHUNK=$size "$CROSSING" --home "$home" backup --json >/dev/null
    before=$(find "$store" -path '*/data/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    rm -rf "$data" && cp -a "$AFTER" "$data"
    json=$(CROSSING_DB_CHUNK=$size "$CROSSING" --home "$home" backup --json)
    after=$(find "$store" -path '*/data/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    python3 - "$size" "$json" "$((after - before))" <<'EOF'
import json, sys
size, j, packs = int(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
mb = lambda n: f"{n / 1e6:.1f} MB"
print(f"| {size // 1024} KiB | {j['new_chunks']} | {mb(j['bytes_stored'])} | {mb(packs)} | {mb(j['bytes_stored'] - packs)} | {j['duration_secs']:.1f} |")
EOF
done
