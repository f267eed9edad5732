# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this file
# Shared by scripts/start.sh and scripts/test.sh: finding JDKs and installing missing Debian packages.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# Debian's Python with its Jupyter packages (a `python3` earlier on PATH may be another one without them)
PY=/usr/bin/python3

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ensure_packages PKG...: installs the missing ones with apt-get when root, else says how to.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        say "Installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        die "missing Debian packages: ${missing[*]}
Install them with: sudo apt-get install ${missing[*]}"
    fi
}

# The JDK 17 that builds and runs the kernel: $JDK17, else Debian's openjdk-17.
find_jdk17() {
    local d
    for d in "${JDK17:-}" /usr/lib/jvm/java-17-openjdk-*; do
        if [ -n "$d" ] && [ -x "$d/bin/javac" ]; then echo "$d"; return 0; fi
    done
    return 1
}

# The second JDK the build must pass on: $JDK25, else Temurin 25 where it is installed.
find_jdk25() {
    local d
    for d in "${JDK25:-}" /usr/lib/jvm/temurin-25-jdk-*; do
        if [ -n "$d" ] && [ -x "$d/bin/javac" ]; then echo "$d"; return 0; fi
    done
    return 1
}

# --- The JupyterLab front end and our extension (scripts/start.sh, scripts/test-lab.sh) ------------------------
# Built on first use, cached after: each step records a hash of its inputs and runs again only when they change.
LAB_APP="$ROOT/lab/app"
LAB_EXT_SRC="$ROOT/extensions/jupyterlab"
LAB_EXTENSIONS="$ROOT/build/labextensions"   # the extension's outputDir (package.json) puts it in here
LAB_STAMPS="$ROOT/build/lab-stamps"

# inputs_hash PATH...: one hash over the contents of the files git would commit under PATH (tracked, and new
# files not ignored), so edits, new files and deletions all change it while build outputs do not.
# Without git (a source archive): every file but the build outputs and node_modules.
inputs_hash() {
    (
        cd "$ROOT" || exit 1
        if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
            git ls-files -z --cached --others --exclude-standard -- "$@"
        else
            find "$@" \( -name node_modules -o -name build -o -name static -o -name core -o -name lib \) -prune \
                -o -type f ! -name '*.tsbuildinfo' -print0
        fi | sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-64
    )
}

# up_to_date NAME HASH [FILE...]: the stamp NAME holds HASH and every FILE exists.
up_to_date() {
    local name=$1 hash=$2 f
    shift 2
    [ "$(cat "$LAB_STAMPS/$name" 2>/dev/null)" = "$hash" ] || return 1
    for f in "$@"; do [ -e "$f" ] || return 1; done
}
stamp() { mkdir -p "$LAB_STAMPS" && echo "$2" > "$LAB_STAMPS/$1"; }

# npm_ci_cached DIR...: npm ci in each DIR whose package-lock.json changed since its last install (in parallel).
npm_ci_cached() {
    command -v npm >/dev/null || die "npm not found (Node 20 with npm: apt-get install nodejs npm, or nodesource)"
    local dir pids=() names=() i
    for dir in "$@"; do
        local name hash
        name="npm-$(basename "$dir")"
        hash=$(sha256sum "$dir/package-lock.json" | cut -c1-64)
        up_to_date "$name" "$hash" "$dir/node_modules" && continue
        say "npm ci in ${dir#"$ROOT"/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && stamp "$name" "$hash") &
        pids+=($!)
        names+=("$dir")
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || die "npm ci failed in ${names[$i]}"; done
}

# build_lab_app: the JupyterLab 4.6 front end (lab/app/static) and the core package.json our extension is
# built against (lab/app/core), with webpack.
build_lab_app() {
    local hash
    hash=$(inputs_hash lab/app)
    npm_ci_cached "$LAB_APP"
    up_to_date lab-app "$hash" "$LAB_APP/static/bundle.js" "$LAB_APP/core/package.json" && return 0
    say "Building the JupyterLab 4.6 front end (webpack, once: cached in lab/app/static)"
    mkdir -p "$ROOT/build"
    (cd "$LAB_APP" && npx webpack --config webpack.config.js > "$ROOT/build/lab-app-webpack.log" 2>&1) \
        || { tail -40 "$ROOT/build/lab-app-webpack.log"; die "lab app build failed (log: build/lab-app-webpack.log)"; }
    stamp lab-app "$hash"
}

# build_lab_extension CORE: our prebuilt extension into build/labextensions/djl-kernel-jupyterlab, built against
# the package.json in folder CORE (the lab app's core: "$LAB_APP/core", after build_lab_app). With the word
# `jupyter` instead, `jupyter labextension build` builds it against that (pip-installed) JupyterLab.
build_lab_extension() {
    local core=$1 hash against
    if [ "$core" = jupyter ]; then
        against=$(jupyter-lab --version)
    else
        against=$(sha256sum "$core/package.json" | cut -c1-64)
    fi
    hash=$(inputs_hash extensions/jupyterlab)-$against
    npm_ci_cached "$LAB_EXT_SRC"
    up_to_date lab-extension "$hash" "$LAB_EXTENSIONS/djl-kernel-jupyterlab/package.json" && return 0
    say "Building the JupyterLab extension (tsc + build-labextension, once: cached in build/labextensions)"
    mkdir -p "$ROOT/build"
    if [ "$core" = jupyter ]; then
        (cd "$LAB_EXT_SRC" && npx tsc -p tsconfig.json && jupyter labextension build .) \
            > "$ROOT/build/labextension.log" 2>&1
    else
        (cd "$LAB_EXT_SRC" && npx tsc -p tsconfig.json && npx build-labextension --core-path "$core" --development .) \
            > "$ROOT/build/labextension.log" 2>&1
    fi || { tail -40 "$ROOT/build/labextension.log"; die "extension build failed (log: build/labextension.log)"; }
    stamp lab-extension "$hash"
}

BUILD_PACKAGES=(openjdk-17-jdk-headless maven)
JUPYTER_PACKAGES=(python3-jupyter-client jupyter-client python3-nbclient python3-nbformat python3-ipykernel)
TEST_PACKAGES=(python3-jupyter-kernel-test python3-pytest python3-pytest-subtests shellcheck python3-torch python3-torchvision)
