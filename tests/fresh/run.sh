#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12, as a newcomer has it.
#
# Builds a minimal Debian root (debootstrap --variant=minbase: python3, python3-venv, make, git,
# ca-certificates and nothing else), clones this repository's HEAD into it and runs, in a chroot,
# `make` (every edition, in full) and then `make test` on the tests that drive every installed
# tool (FRESH_TEST_ARGS; empty means the whole suite). Either failing fails this script, which then prints the log's last lines.
#
# Why a chroot and not this machine: a development machine already has a newer Python and the
# libraries a browser needs, so a green run there hid two install failures that a fresh Debian
# showed at once. This root has only what the README promises.
#
# Usage (as root): tests/fresh/run.sh        or: make test-fresh
#   FRESH_DIR        where the root is made (default /var/tmp/fresh-debian); removed afterwards
#   FRESH_KEEP=1     keep the root for inspection (the next run removes it first)
#   FRESH_TEST_ARGS  pytest arguments for `make test` inside the root (default: below; "" = all)
#   FRESH_SUITE      Debian suite (default bookworm)
#
# Mounts are made inside a private mount namespace (unshare), so the kernel removes them when the
# script ends, even when it is killed with SIGKILL; the trap also unmounts and removes the root on
# every ordinary exit and on INT/TERM.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
FRESH_DIR="${FRESH_DIR:-/var/tmp/fresh-debian}"
FRESH_SUITE="${FRESH_SUITE:-bookworm}"
# The tests that drive each tool the test profile installs (xelatex, epubcheck, poppler, Chromium
# with Playwright's driver, LibreOffice) and the set-up checks; `make` itself runs in full.
# FRESH_TEST_ARGS="" runs the whole suite.
FRESH_TEST_ARGS="${FRESH_TEST_ARGS-tests/test_setup.py tests/test_build.py tests/browser tests/worksheet/test_roundtrip.py}"
LOG="${FRESH_LOG:-$REPO/build/fresh/fresh.log}"

say() { printf '[fresh] %s\n' "$*" >&2; }
fail() { say "$1"; exit "${2:-1}"; }

# ---- step 0: re-enter in a private mount namespace --------------------------------------------
if [ -z "${FRESH_IN_NAMESPACE:-}" ]; then
    [ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap and chroot need it) — run: sudo $0"
    command -v debootstrap >/dev/null \
        || fail "debootstrap is missing — run: apt-get install debootstrap (make test-fresh does it)"
    command -v unshare >/dev/null || fail "unshare (util-linux) is missing — run: apt-get install util-linux"
    mkdir -p "$(dirname "$LOG")"
    # One run at a time per root: a second run would delete the first one's root under it.
    exec 9>"$FRESH_DIR.lock"
    flock -n 9 || fail "another fresh-root test is using $FRESH_DIR — wait for it, or set FRESH_DIR"
    exec env FRESH_IN_NAMESPACE=1 unshare --mount --propagation private "$0" "$@"
fi

# ---- step 1: a clean place ---------------------------------------------------------------------
cleanup() {
    local code=$?
    for m in dev/shm dev/pts dev sys proc; do
        umount -l "$FRESH_DIR/$m" 2>/dev/null || true
    done
    if [ -z "${FRESH_KEEP:-}" ]; then
        rm -rf --one-file-system "$FRESH_DIR"
    fi
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -e "$FRESH_DIR" ]; then
    say "removing the root a previous run left at $FRESH_DIR"
    for m in dev/shm dev/pts dev sys proc; do umount -l "$FRESH_DIR/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$FRESH_DIR"
fi
mkdir -p "$FRESH_DIR"
: >"$LOG"

# The host's Debian mirror: the first URI of its apt sources (deb822 or one-line format).
mirror() {
    local uri
    uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
    if [ -z "$uri" ]; then
        uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
              | awk '{print $2}' | grep -v security | head -n1 || true)
    fi
    printf '%s' "${uri:-http://deb.debian.org/debian}"
}

run_logged() {  # run_logged WHAT COMMAND...: output to the log; on failure, its last lines
    local what=$1
    shift
    local start=$SECONDS
    say "$what ..."
    if ! "$@" >>"$LOG" 2>&1; then
        say "FAILED: $what (after $((SECONDS - start)) s). Last lines of $LOG:"
        tail -n 60 "$LOG" >&2
        exit 1
    fi
    say "$what: done in $((SECONDS - start)) s"
}

# ---- step 2: the minimal Debian ----------------------------------------------------------------
MIRROR="$(mirror)"
run_logged "debootstrap $FRESH_SUITE from $MIRROR" \
    debootstrap --variant=minbase --include=python3,python3-venv,make,git,ca-certificates \
    "$FRESH_SUITE" "$FRESH_DIR" "$MIRROR"

# Reach the same package mirrors as the host: its apt sources and settings, resolver, CAs, pip's
# certificate setting. Nothing else of the host goes in.
rm -f "$FRESH_DIR"/etc/apt/sources.list
mkdir -p "$FRESH_DIR/etc/apt/sources.list.d" "$FRESH_DIR/etc/apt/apt.conf.d" "$FRESH_DIR/usr/local/share/ca-certificates"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && cp "$f" "$FRESH_DIR$f"
done
# Keyrings named by Signed-By must exist in the root; copy only those that are missing.
for key in $(grep -hos 'Signed-By: *[^ ]*' /etc/apt/sources.list.d/*.sources | awk '{print $2}'); do
    [ -f "$key" ] && [ ! -f "$FRESH_DIR$key" ] && mkdir -p "$FRESH_DIR$(dirname "$key")" && cp "$key" "$FRESH_DIR$key"
done
for f in /etc/apt/apt.conf.d/*; do
    case "$(basename "$f")" in
        *proxy*|*Proxy*|99*) cp "$f" "$FRESH_DIR/etc/apt/apt.conf.d/" ;;
    esac
done
cp -L /etc/resolv.conf "$FRESH_DIR/etc/resolv.conf"
cp /usr/local/share/ca-certificates/*.crt "$FRESH_DIR/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$FRESH_DIR/etc/pip.conf"

mount -t proc proc "$FRESH_DIR/proc"
mount --rbind /sys "$FRESH_DIR/sys"
mount --bind /dev "$FRESH_DIR/dev"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$FRESH_DIR/dev/pts"
mount -t tmpfs -o size=1g,mode=1777 tmpfs "$FRESH_DIR/dev/shm"

in_root() {
    chroot "$FRESH_DIR" env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        bash -lc "$1"
}
run_logged "trusting the host's certificate authorities" in_root "update-ca-certificates"

# ---- step 3: the repository, as `git clone` gives it -------------------------------------------
git -C "$REPO" rev-parse --verify HEAD >/dev/null
run_logged "cloning $(git -C "$REPO" rev-parse --short HEAD)" \
    git clone --quiet --no-hardlinks "$REPO" "$FRESH_DIR/root/politica"
# Tags give the version (git describe); a clone of a clone carries them already.

# ---- step 4: the README's two commands ---------------------------------------------------------
total=$SECONDS
run_logged "make (every edition, in full)" in_root "cd /root/politica && make"
test_cmd="cd /root/politica && make test"
if [ -n "$FRESH_TEST_ARGS" ]; then
    test_cmd+=" PYTEST_ARGS=$(printf '%q' "$FRESH_TEST_ARGS")"
fi
run_logged "make test ${FRESH_TEST_ARGS:-(whole suite)}" in_root "$test_cmd"
grep -E '^(=+ .*(passed|failed).* =+|[0-9]+ passed.*)$' "$LOG" | tail -n 1 >&2 || true
say "the README's two commands passed on a fresh $FRESH_SUITE in $((SECONDS - total)) s (whole script: $SECONDS s)"
