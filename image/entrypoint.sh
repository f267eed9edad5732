#!/usr/bin/env bash
# Entry point of the djl-kernel image (runs under tini as PID 1).
#
#   lab [jupyter-lab args...]        JupyterLab on 0.0.0.0:8888, token required (default)
#   serve --model PATH [args...]     the model endpoint on 0.0.0.0:8080, no Jupyter
#                                    (java -jar djl-kernel.jar serve; a relative PATH is under $MODEL_ROOT)
#   smoke-test [args...]             the image's self-check (image/smoke-test.sh)
#   serve-jvm-opts                   print the JVM options `serve` uses (JAVA_OPTS, else the defaults below)
#   anything else                    run as given (e.g. bash)
#
# ENABLE_SSH=true starts a key-only sshd on port 2222 as this user beside any of the above
# (needs ~/.ssh/authorized_keys, e.g. mounted read-only).
set -euo pipefail

KERNEL_JAR="${DJL_KERNEL_HOME:-/opt/djl-kernel}/djl-kernel.jar"
WORK="${JUPYTER_ROOT_DIR:-$HOME/work}"

log() { printf '[djl-entrypoint] %s\n' "$*" >&2; }

prepare() {
    mkdir -p "$WORK" "${DJL_CACHE_DIR:-$HOME/.cache/djl}" "${DJL_KERNEL_LOG_DIR:-$HOME/.cache/djl-kernel/logs}"
    # Tutorials: copied once into the work volume, never overwriting the user's edits.
    if [ -d "${DJL_KERNEL_HOME:-/opt/djl-kernel}/notebooks" ] && [ ! -e "$WORK/tutorials" ]; then
        cp -r "${DJL_KERNEL_HOME:-/opt/djl-kernel}/notebooks" "$WORK/tutorials" || log "could not copy the tutorials into $WORK"
    fi
    if [ -d "${MODEL_ROOT:-/models}" ] && [ -w "${MODEL_ROOT:-/models}" ]; then
        log "warning: ${MODEL_ROOT:-/models} is writable; mount the model store read-only (-v store:/models:ro)"
    fi
}

start_sshd() {
    [ "${ENABLE_SSH:-false}" = "true" ] || return 0
    local keys="$HOME/.ssh/authorized_keys" hostdir="$HOME/.cache/ssh-host-keys"
    if [ ! -s "$keys" ]; then
        log "ENABLE_SSH=true but $keys is missing or empty: SSH stays off (only key logins are allowed)"
        return 0
    fi
    mkdir -p "$hostdir"
    [ -f "$hostdir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$hostdir/ssh_host_ed25519_key"
    # Non-root sshd: it can only log in this user, with a key; config in /etc/ssh/sshd_config.d/djl-kernel.conf
    /usr/sbin/sshd -f /etc/ssh/sshd_config -h "$hostdir/ssh_host_ed25519_key" -p "${SSH_PORT:-2222}" \
        -o PidFile="$hostdir/sshd.pid" -E "$hostdir/sshd.log"
    log "sshd (key-only) listening on port ${SSH_PORT:-2222}"
}

# JVM options for the endpoint: the user's JAVA_OPTS (space-separated) win. Without them, on 2 CPUs or fewer,
# the serial collector: G1's concurrent threads compete with the request threads there (measured with
# bench/serve_bench.py on 2 cores: p99 at concurrency 16 5.1 ms against 6.5 ms with G1, throughput +17 %).
serve_jvm_opts() {
    if [ "${JAVA_OPTS+set}" = set ]; then
        printf '%s\n' "$JAVA_OPTS"
    elif [ "$(nproc)" -le 2 ]; then
        printf '%s\n' "-XX:+UseSerialGC -Xmn256m"
    else
        printf '\n'
    fi
}

cmd="${1:-lab}"
[ $# -gt 0 ] && shift

case "$cmd" in
    lab|jupyter)
        prepare
        start_sshd
        echo lab > /tmp/djl-kernel-mode
        if [ "${JUPYTER_TOKEN+set}" = set ] && [ -z "$JUPYTER_TOKEN" ]; then
            log "JUPYTER_TOKEN is set but empty: refusing to start JupyterLab without a token"
            exit 64
        fi
        exec jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --ServerApp.root_dir="$WORK" "$@"
        ;;
    serve)
        prepare
        start_sshd
        args=("$@")
        # Listen on all interfaces in the container (the endpoint's own default is loopback) on port 8080,
        # unless given explicitly.
        case " $* " in *" --host "*|*" --host="*) ;; *) args+=(--host 0.0.0.0) ;; esac
        case " $* " in *" --port "*|*" --port="*) ;; *) args+=(--port 8080) ;; esac
        port="$(printf '%s\n' "${args[@]}" | sed -n -e '/^--port$/{n;p;q;}' -e 's/^--port=//p')"
        echo "serve ${port:-8080}" > /tmp/djl-kernel-mode   # read by the HEALTHCHECK
        read -r -a java_opts <<< "$(serve_jvm_opts)"
        exec java -Djava.awt.headless=true -Dfile.encoding=UTF-8 "${java_opts[@]}" -jar "$KERNEL_JAR" serve "${args[@]}"
        ;;
    serve-jvm-opts)
        serve_jvm_opts
        ;;
    smoke-test)
        exec /usr/local/bin/djl-smoke-test "$@"
        ;;
    *)
        exec "$cmd" "$@"
        ;;
esac
