#!/usr/bin/env bash
# Checks of the image without a Docker engine (the lead wires this into scripts/test.sh): installs what it
# needs (shellcheck and python3-yaml as root through apt; npm's dockerfile-utils into tests/image/node_modules
# from its lockfile), then runs tests/image: the Dockerfile's rules and lint, shellcheck, compose and nginx
# settings, the image notebooks. Exit status non-zero on any failure.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_packages shellcheck python3-yaml python3-pytest
command -v npm >/dev/null || die "npm not found (Node.js 18+ with npm is needed for the Dockerfile linter)"
say "Installing the Dockerfile linter (npm ci in tests/image)"
(cd tests/image && npm ci --no-audit --no-fund --loglevel=error)
say "Image checks (tests/image)"
"$PY" -m pytest tests/image -v -p no:cacheprovider
