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

BUILD_PACKAGES=(openjdk-17-jdk-headless maven)
JUPYTER_PACKAGES=(python3-jupyter-client jupyter-client python3-nbclient python3-nbformat python3-ipykernel)
TEST_PACKAGES=(python3-jupyter-kernel-test python3-pytest python3-pytest-subtests shellcheck python3-torch python3-torchvision)
