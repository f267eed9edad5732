#!/usr/bin/env bash
# HEALTHCHECK of the djl-kernel image. The entry point records its mode in /tmp/djl-kernel-mode:
# `serve` checks the endpoint's /v2/health/ready on 8080, `lab` JupyterLab's /api on 8888 (answers without a
# token); any other command (a shell, the smoke test) counts as healthy. Exit 0 healthy, 1 unhealthy.
set -u
read -r mode port < /tmp/djl-kernel-mode 2>/dev/null || mode=other
case "$mode" in
    serve) url="http://127.0.0.1:${port:-8080}/v2/health/ready" ;;
    lab) url="http://127.0.0.1:8888/api" ;;
    *) exit 0 ;;
esac
curl -fsS --max-time 4 -o /dev/null "$url" || exit 1
