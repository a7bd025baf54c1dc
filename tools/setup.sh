#!/usr/bin/env bash
# Everything a fresh Debian machine with Node 20 and Java 17 lacks, installed idempotently:
# apt packages (Maven, the native libraries canvas builds against, Chromium for the browser test),
# npm dependencies (only when package-lock.json changed), the Kafka jars (cached under .kafka/) and the local S3
# server (versitygw, built once into .s3/bin).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v g++ >/dev/null && command -v make >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if ! pkg-config --exists cairo pangocairo libjpeg libpng librsvg-2.0 2>/dev/null || ! [ -e /usr/include/gif_lib.h ]; then
  need_apt+=(libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev)
fi

# The dashboard's browser test drives Debian's Chromium (no browser download); charts need a real font.
command -v chromium >/dev/null || need_apt+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# The local S3 server is built once from source (tools/s3/s3.sh fetch); any Go will do, even bookworm's 1.19:
# the script fetches the Go toolchain versitygw needs from the Go module proxy.
command -v go >/dev/null || [ -x .s3/bin/versitygw ] || need_apt+=(golang-go)
# Python 3 with venv for the pyarrow check of the lake's Parquet files (below).
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${need_apt[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "setup: Node 20+ needed, found $(node --version)" >&2; exit 1; }

stamp=node_modules/.setup-lock.sha256
# The patches (patches/, applied by npm ci's postinstall) count too: a changed patch needs a fresh install.
lock_sum=$(cat package-lock.json patches/*.patch | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "setup: npm ci" >&2
  NX_NO_CLOUD=true npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

# pyarrow, pinned in tools/interop/requirements.txt, in a venv of its own (libs/storage's pyarrow-crosscheck spec
# reads the lake's Parquet with it); rebuilt only when that file changed. Wheels only: no compiling Arrow.
venv_stamp=.venv-interop/.requirements.sha256
requirements_sum=$(sha256sum tools/interop/requirements.txt | cut -d' ' -f1)
if [ ! -f "$venv_stamp" ] || [ "$(cat "$venv_stamp")" != "$requirements_sum" ]; then
  echo "setup: Python venv .venv-interop (tools/interop/requirements.txt)" >&2
  rm -rf .venv-interop
  python3 -m venv .venv-interop
  .venv-interop/bin/pip install --quiet --disable-pip-version-check --no-input --only-binary=:all: -r tools/interop/requirements.txt
  echo "$requirements_sum" > "$venv_stamp"
fi

bash tools/kafka/kafka.sh fetch
bash tools/s3/s3.sh fetch
