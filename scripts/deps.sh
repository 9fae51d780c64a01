#!/bin/bash
# deps.sh: make sure the Debian packages the build and tests need are here. As root, install
# what is missing; otherwise print the one line to run and fail. The i386 programs the tests
# build must run: natively, or under qemu-i386 (package qemu-user) on a kernel that cannot
# (scripts/arch.sh decides which).
set -u
cd "$(dirname "$0")/.." || exit 2
. scripts/arch.sh
missing=""
need() { # need PACKAGE TEST...
    local pkg=$1
    shift
    if ! "$@" >/dev/null 2>&1; then missing="$missing $pkg"; fi
}
have_cmd() { command -v "$1"; }
m32_ok() {
    local t r
    t=$(mktemp -d) || return 1
    printf '#include <stdio.h>\nint main(void){puts("x");return 0;}\n' >"$t/a.c"
    gcc -m32 -o "$t/a" "$t/a.c" && gcc -m32 -static -o "$t/b" "$t/a.c"
    r=$?
    rm -rf "$t"
    return $r
}
# i386 programs run, natively or emulated.
i386_runs() {
    unset JUMP_RUN_i386
    arch_probe i386 && [ "${JUMP_RUN_i386%%:*}" != none ]
}

install() { # install PACKAGE...: as root, or say what to run
    if [ "$(id -u)" = 0 ]; then
        echo "deps: installing: $*"
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } \
            >/tmp/jump-deps.log 2>&1; then
            cat /tmp/jump-deps.log >&2
            echo "deps: apt-get failed (log above)" >&2
            exit 1
        fi
        return 0
    fi
    echo "deps: missing Debian packages; run:" >&2
    echo "  sudo apt-get install -y $*" >&2
    exit 1
}

need gcc have_cmd gcc
need make have_cmd make
need binutils have_cmd ld
need flex have_cmd flex
need bison have_cmd bison
need libcmocka-dev test -f /usr/include/cmocka.h
need gcc-multilib m32_ok
need qemu-user i386_runs
# Tests only: Shared.inc with a compiler cache (e2e 080), jump-gdb (e2e 097), the type
# comparison of verify-shlib --old-image (e2e 613).
need ccache have_cmd ccache
need gdb have_cmd gdb
need abigail-tools have_cmd abidiff
[ -z "$missing" ] || install $missing
i386_runs || { echo "deps: i386 programs $(arch_how i386)" >&2; exit 1; }
exit 0
