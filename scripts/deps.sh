#!/bin/sh
# deps.sh: make sure the Debian packages the build and tests need are here. As root, install
# what is missing; otherwise print the one line to run and fail.
set -u
missing=""
need() { # need PACKAGE TEST...
    pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then missing="$missing $pkg"; fi
}
have_cmd() { command -v "$1"; }
m32_ok() {
    t=$(mktemp -d) || return 1
    printf '#include <stdio.h>\nint main(void){puts("x");return 0;}\n' >"$t/a.c"
    gcc -m32 -o "$t/a" "$t/a.c" && gcc -m32 -static -o "$t/b" "$t/a.c"; r=$?
    rm -rf "$t"; return $r
}
need gcc have_cmd gcc
need make have_cmd make
need binutils have_cmd ld
need flex have_cmd flex
need bison have_cmd bison
need libcmocka-dev test -f /usr/include/cmocka.h
need gcc-multilib m32_ok
[ -n "$missing" ] || exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing:$missing"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } >/tmp/jump-deps.log 2>&1; then
        cat /tmp/jump-deps.log >&2
        echo "deps: apt-get failed (log above)" >&2
        exit 1
    fi
    exit 0
fi
echo "deps: missing Debian packages; run:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
