#!/usr/bin/env bash
# crossing vs restic against the same local S3 server (s3s-fs, SigV4 checked)
# on the same corpus: first backup, unchanged backup, backup after a change,
# restore; wall time, peak memory, bytes stored. Results go to stdout as a
# Markdown table (record them in docs/benchmarks.md).
#
# usage: bench/s3.sh [CORPUS_MIB]   (default 256; needs .ci/install.sh's s3s-fs)
# Everything lives under bench/work/ (ignored by git); results: docs/benchmarks.md. restic comes from
# Debian's package if absent. Timings on a shared 2-core machine are noisy:
# compare the two tools within one run, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MIB=${1:-256}
WORK=$ROOT/bench/work/s3
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

command -v restic >/dev/null || { apt-get update -qq && apt-get install -y -qq restic >/dev/null; }
command -v s3s-fs >/dev/null || .ci/install.sh
cargo build --release --quiet
CROSSING=$ROOT/target/release/crossing

rm -rf "$WORK" && mkdir -p "$WORK/s3/bench" "$WORK/corpus"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
setsid s3s-fs --host 127.0.0.1 --port "$PORT" --access-key bench --secret-key "$SECRET" "$WORK/s3" \
    >"$WORK/s3.log" 2>&1 </dev/null &
S3PID=$!
trap 'kill $S3PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=us-east-1
export AWS_ENDPOINT=http://127.0.0.1:$PORT AWS_ALLOW_HTTP=true
export RESTIC_REPOSITORY=s3:http://127.0.0.1:$PORT/bench/restic RESTIC_PASSWORD=bench
export CROSSING_HOME=$WORK/crossing-home

# The corpus: half random (photos, media, encrypted databases), half text
# (messages, logs) in many small files; then a change to about 5 % of it.
python3 - "$WORK/corpus" "$MIB" <<'EOF'
import os, random, sys
root, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
words = [("".join(rnd.choice("etaoinshrdlucmfwyp") for _ in range(rnd.randint(2, 9)))) for _ in range(5000)]
for i in range(mib // 16):
    with open(os.path.join(root, f"media-{i}.bin"), "wb") as f:
        f.write(rnd.randbytes(8 << 20))
os.makedirs(os.path.join(root, "messages"), exist_ok=True)
for i in range(mib * 1024 // 2 // 64):
    with open(os.path.join(root, "messages", f"{i:06}.txt"), "w") as f:
        f.write(" ".join(rnd.choice(words) for _ in range(64 * 1024 // 6))[: 64 * 1024])
EOF
change() {
    python3 - "$WORK/corpus" <<'EOF'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(8)
files = sorted(os.listdir(os.path.join(root, "messages")))
for name in files[: len(files) // 20]:
    with open(os.path.join(root, "messages", name), "a") as f:
        f.write("an edit " * 100)
with open(os.path.join(root, "media-new.bin"), "wb") as f:
    f.write(rnd.randbytes((len(files) * 64 << 10) // 20))
EOF
}

# run NAME CMD...: wall seconds and peak RSS (MiB) of one command.
declare -A WALL RSS
run() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/$name.out" 2>&1 || {
        cat "$WORK/$name.out" >&2
        exit 1
    }
    read -r wall rss <"$WORK/time"
    WALL[$name]=$wall
    RSS[$name]=$((rss / 1024))
}
stored() { du -sb "$WORK/s3/bench/$1" | cut -f1; }

"$CROSSING" pseudonym new --json >"$WORK/pseudonym.json"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["phrase"])' "$WORK/pseudonym.json" >"$WORK/phrase"
"$CROSSING" init --data-dir "$WORK/corpus" --store s3://bench/crossing >/dev/null
restic init >/dev/null

cp -a "$WORK/corpus" "$WORK/corpus.orig"
run crossing-first "$CROSSING" backup
run restic-first restic backup --quiet "$WORK/corpus"
C1=$(stored crossing) R1=$(stored restic)
run crossing-same "$CROSSING" backup
run restic-same restic backup --quiet "$WORK/corpus"
change
run crossing-changed "$CROSSING" backup
run restic-changed restic backup --quiet "$WORK/corpus"
C2=$(stored crossing) R2=$(stored restic)
run crossing-restore "$CROSSING" restore --store s3://bench/crossing --phrase-file "$WORK/phrase" --data-dir "$WORK/restored-crossing"
run restic-restore restic restore latest --target "$WORK/restored-restic"
diff -r "$WORK/corpus" "$WORK/restored-crossing" >/dev/null
diff -r "$WORK/corpus" "$WORK/restored-restic$WORK/corpus" >/dev/null

SIZE=$(du -sb "$WORK/corpus.orig" | cut -f1)
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
echo "corpus: $((SIZE / 1048576)) MiB ($(ls "$WORK/corpus.orig" | wc -l) top-level entries, $(ls "$WORK/corpus.orig/messages" | wc -l) text files); $(nproc) cores; restic $(restic version | cut -d' ' -f2); s3s-fs on 127.0.0.1"
echo
echo "| step | crossing s | restic s | crossing/restic | crossing peak MiB | restic peak MiB |"
echo "|---|---|---|---|---|---|"
for step in first same changed restore; do
    echo "| $step | ${WALL[crossing-$step]} | ${WALL[restic-$step]} | $(ratio "${WALL[crossing-$step]}" "${WALL[restic-$step]}") | ${RSS[crossing-$step]} | ${RSS[restic-$step]} |"
done
echo
echo "| stored | crossing MiB | restic MiB | crossing/restic |"
echo "|---|---|---|---|"
echo "| after first backup | $((C1 / 1048576)) | $((R1 / 1048576)) | $(ratio "$C1" "$R1") |"
echo "| after the change | $((C2 / 1048576)) | $((R2 / 1048576)) | $(ratio "$C2" "$R2") |"
