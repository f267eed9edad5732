#!/usr/bin/env bash
# Builds the djl-kernel image from this checkout: the JupyterLab extension first (npm, into
# extensions/jupyterlab/labextension), then `docker build` with the repository as context.
#   image/build.sh [TAG] [extra docker build args...]      e.g. image/build.sh djl-kernel:0.1.0 --build-arg PYTORCH_DIGEST=@sha256:...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TAG="${1:-djl-kernel:0.1.0}"
[ $# -gt 0 ] && shift
EXT="$ROOT/extensions/jupyterlab"
if [ ! -f "$EXT/labextension/package.json" ]; then
    [ -f "$EXT/package.json" ] || { echo "extensions/jupyterlab is missing: the image needs its built labextension" >&2; exit 1; }
    echo "Building the JupyterLab extension (npm ci && npm run build:prod in $EXT)"
    (cd "$EXT" && npm ci && npm run build:prod)
    [ -f "$EXT/labextension/package.json" ] || { echo "the extension build wrote no $EXT/labextension/package.json" >&2; exit 1; }
fi
DOCKER_BUILDKIT=1 docker build -f "$ROOT/image/Dockerfile" -t "$TAG" "$@" "$ROOT"
echo "Built $TAG. Check it: docker run --rm --gpus all $TAG smoke-test"
