#!/bin/bash
# demo.sh WORKDIR: the article's workflow, start to finish, with the installed toolkit:
# build libxyz 1.0.0 as a jump library through Shared.inc, install it, link and run a program
# against its stub; then build 1.1.0 with one function appended from the saved control files
# and run the *old* program against the new image. ARCH=i386 (default) or x86_64;
# SL_WRITABLE_ADDRESS=ADDR builds split images (mkimage -w).
# Needs STAGE: the prefix the toolkit is installed in.
set -euo pipefail
work=${1:?usage: demo.sh WORKDIR}
: "${STAGE:?set STAGE to the install prefix of the toolkit}"
ARCH=${ARCH:-i386}
src=$(cd "$(dirname "$0")" && pwd)
# How this machine runs ARCH's programs (natively, or under qemu-user) is decided there.
. "$src/../../scripts/arch.sh"
m=$(arch_flag "$ARCH")
arch_probe "$ARCH"
case $(arch_how "$ARCH") in
    cannot*) echo "demo.sh: $ARCH programs $(arch_how "$ARCH")" >&2; exit 2 ;;
esac
export PATH=$STAGE/bin:$PATH
rm -rf "$work"
mkdir -p "$work/lib"
work=$(cd "$work" && pwd)
lib=$work/lib

step() { printf '\n==> %s\n' "$*"; }

# build VERSION [PREVIOUS-VERSION]: the whole Shared.inc workflow in its own source copy.
build() {
    local v=$1 prev=${2:-} d=$work/libxyz-$1
    mkdir -p "$d/jump"
    cp "$src"/*.c "$src"/*.h "$src"/Makefile "$d"/
    rm -f "$d/prog.c"
    if [ -n "$prev" ]; then
        # The saved control files keep every slot of the old version where it was.
        cp "$work/libxyz-$prev"/jump/jump.{funcs,params} "$d/jump/"
        for f in jump.vars jump.ignore; do
            [ ! -f "$work/libxyz-$prev/jump/$f" ] || cp "$work/libxyz-$prev/jump/$f" "$d/jump/"
        done
    fi
    cd "$d"
    export JUMP_DIR=$d/jump JUMP_LIB=libxyz
    local mk="make --no-print-directory JUMP_PREFIX=$STAGE SL_ARCH=$ARCH SL_VERSION=$v SL_PATH=$lib"
    mk+=${SL_WRITABLE_ADDRESS:+ SL_WRITABLE_ADDRESS=$SL_WRITABLE_ADDRESS}
    step "libxyz $v: make pre-shlib (jumpas logs every global into jump.log)"
    $mk pre-shlib
    step "libxyz $v: getvars; getfuncs; rm -f jump.log"
    (cd "$JUMP_DIR" && getvars && getfuncs && rm -f jump.log)
    step "libxyz $v: jump.funcs"
    cat "$JUMP_DIR/jump.funcs"
    step "libxyz $v: make shlib-import"
    $mk shlib-import
    step "libxyz $v: make pre-shlib (compile again: calls now go through the jump slots)"
    $mk pre-shlib
    step "libxyz $v: getsize > jump.vars-new; mv jump.vars jump.vars-old; mv jump.vars-new jump.vars"
    (cd "$JUMP_DIR" && getsize >jump.vars-new && mv jump.vars jump.vars-old && mv jump.vars-new jump.vars)
    step "libxyz $v: make shlib (mkimage, mkstubs, verify-shlib)"
    $mk shlib
    step "libxyz $v: make shlib-install (copy the image, then the ldconfig-style step)"
    $mk shlib-install
    cd "$work"
}

build 1.0.0
step "link a program against libxyz.sa (the way gcc links by default: PIE) and run it"
gcc $m -I"$src" -o "$work/prog" "$src/prog.c" "$work/libxyz-1.0.0/libxyz.sa"
echo "gcc $m -o prog prog.c libxyz.sa"
echo "($ARCH programs run $(arch_how "$ARCH") here)"
arch_run "$ARCH" "$work/prog"
step "jump-ldd prog"
jump-ldd "$work/prog"

build 1.1.0 1.0.0
step "the program built against 1.0.0, not relinked, now runs the 1.1.0 image"
arch_run "$ARCH" "$work/prog"
jump-ldd "$work/prog"
step "done: images in $lib"
ls -l "$lib"
