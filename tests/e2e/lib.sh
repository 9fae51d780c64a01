# lib.sh: helpers for the end-to-end scenarios (sourced by every tests/e2e/NNN-*.sh): the
# architecture facts, the way to run a program built for ARCH, and one assertion style.
# Environment from tests/run.sh: ARCH (i386|x86_64), STAGE (installed toolkit), TOP (repo),
# JUMP_RUN_<ARCH> (how ARCH's programs run, probed once by run.sh; probed here otherwise).
set -u
. "$TOP/scripts/arch.sh"
# M: the gcc flag; ASF: the flag gcc gives as; PS: pointer (and GOT cell) size in bytes.
case ${ARCH:-} in
    i386) M=-m32 PS=4 ASF=--32 ;;
    x86_64) M=-m64 PS=8 ASF=--64 ;;
    *) echo "lib.sh: ARCH must be i386 or x86_64" >&2; exit 2 ;;
esac
export PATH=$STAGE/bin:$PATH
arch_probe "$ARCH"
# The jump compiler, as Shared.inc runs it: the flags a jump compile needs come from the
# installed jumpspecs, which gcc -B$STAGE/bin/jump reads.
JCC="gcc $M -B$STAGE/bin/jump"
# What jumpspecs adds to each jump compile: a plain compile with these flags must give the
# same object as a jump compile that no control file touches.
JSPECS="-fno-pic -fno-pie -flive-patching=inline-only-static"
[ "$ARCH" = x86_64 ] && JSPECS="$JSPECS -mcmodel=small -mno-red-zone"

fail() { echo "FAIL: $*" >&2; exit 1; }
# skip WHY: the scenario cannot run here; WHY is the reason the summary shows.
skip() { echo "$*"; exit 77; }

# exe PROG ARGS...: run a program built for ARCH, natively or under its emulator
# (scripts/arch.sh decides); use it for every program the scenario compiled.
exe() { arch_run "$ARCH" "$@"; }
# emulated: ARCH's programs run under an emulator (set-uid and timing cannot be tested then).
emulated() { arch_emulated "$ARCH"; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

# expect_in FILE TEXT...: every TEXT occurs (as a fixed string) in FILE.
expect_in() {
    local f=$1; shift
    for t in "$@"; do
        grep -qF -- "$t" "$f" || { echo "--- $f:"; cat "$f"; fail "'$t' not found in $f"; }
    done
}

# expect_not_in FILE TEXT
expect_not_in() { ! grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' unexpectedly in $1"; }; }

# run STATUS OUT CMD...: run CMD, stdout+stderr into OUT, and require exit status STATUS.
run() {
    local want=$1 out=$2 rc=0; shift 2
    "$@" >"$out" 2>&1 || rc=$?
    [ "$rc" = "$want" ] || { echo "--- $out:"; cat "$out"; fail "'$*' exited $rc, expected $want"; }
}

# expect STATUS STDERR-LINE -- CMD...: run CMD, stdout into out.txt and stderr into err.txt,
# and require exit status STATUS and the whole line STDERR-LINE in err.txt (an empty
# STDERR-LINE: the caller checks err.txt itself).
expect() {
    local want=$1 line=$2 rc=0
    shift 3
    "$@" >out.txt 2>err.txt || rc=$?
    [ "$rc" = "$want" ] || { cat err.txt; fail "'$*': exit status $rc, expected $want"; }
    [ -z "$line" ] || grep -qxF -- "$line" err.txt || { cat err.txt; fail "'$*': missing '$line'"; }
}

# mkjump DIR NAME VERSION ORIGIN SRC.c...: build a jump library the short way (what
# Shared.inc does, without make): compile with jumpas, getfuncs, compile again, mkimage,
# mkstubs. The image is installed as DIR/lib/NAME.so.VERSION with its NAME.so.MAJOR link;
# the stub is DIR/NAME.sa. Extra mkimage options in MKIMAGE_OPTS (e.g. -j 0x1000); extra
# mkimage inputs (another jump library's stub) in MKJUMP_INPUTS; compiler flags in MKJUMP_CFLAGS (-O2).
# stubaddr FILE NAME: the address a stub (or a program linked with one) gives NAME, as nm
# prints it: the absolute __JUMP_ADDR_NAME (stub members define NAME itself as an entry or a
# copy in the program), else NAME (i386 variables; stubs of earlier versions). Empty if none.
stubaddr() {
    local v
    v=$(nm "$1" 2>/dev/null | awk -v a="__JUMP_ADDR_$2" '$NF == a && NF == 3 { print $1; exit }')
    [ -n "$v" ] || v=$(nm "$1" 2>/dev/null | awk -v n="$2" '$NF == n && NF == 3 { print $1; exit }')
    echo "$v"
}

mkjump() {
    local dir=$1 name=$2 ver=$3 org=$4 f o objs=() srcs=()
    shift 4
    for f in "$@"; do
        case $f in /*) srcs+=("$f") ;; *) srcs+=("$PWD/$f") ;; esac
    done
    set -- "${srcs[@]}"
    mkdir -p "$dir/jump" "$dir/lib"
    (
        export JUMP_DIR=$dir/jump JUMP_LIB=$name
        cd "$dir" || exit 1
        for pass in 1 2; do
            objs=()
            for f in "$@"; do
                o=$dir/$(basename "${f%.c}").o
                $JCC ${MKJUMP_CFLAGS:--O2} -c "$f" -o "$o" || exit 1
                objs+=("$o")
            done
            if [ $pass = 1 ]; then
                (cd jump && getfuncs >/dev/null && getvars >/dev/null && rm -f jump.log) || exit 1
            fi
        done
        if [ -s jump/jump.vars ]; then
            (cd jump && getsize >vars.new 2>getsize.err && mv vars.new jump.vars) || { cat jump/getsize.err; exit 1; }
        fi
        mkimage -l "$dir/lib/$name" -v "$ver" -a "$org" ${MKIMAGE_OPTS:--j 0x1000 -g 0x1000} \
            -- "${objs[@]}" ${MKJUMP_INPUTS:-} -lc || exit 1
        mkstubs -l "$dir/lib/$name" -v "$ver" -a "$org" ${MKIMAGE_OPTS:--j 0x1000 -g 0x1000} \
            -- "$name" >/dev/null || exit 1
        cp "$name.so.$ver" lib/ && ln -sf "$name.so.$ver" "lib/$name.so.${ver%%.*}"
    ) || fail "building $name $ver failed"
}

# shlib_steps OUT: the end of the README's workflow in a library with Shared.inc: the getsize
# step word for word, make shlib (which must compile nothing and verify clean), make
# shlib-install; outputs in OUT.getsize, OUT.shlib, OUT.install.
# shared_inc NAME VERSION ADDRESS LIBOBJECTS [EXTRA_LIBS [IMPORT]]: the classic Shared.inc
# lines appended to ./Makefile, the images going to $PWD/lib.
shared_inc() {
    cat >>Makefile <<MK

SL_NAME = $1
SL_PATH = $PWD/lib
SL_VERSION = $2
SL_LOAD_ADDRESS = $3
SL_JUMP_TABLE_SIZE = 0x1000
SL_GOT_SIZE = 0x1000
SL_EXTRA_LIBS = ${5:--lc}
${6:+SL_IMPORT = $6}
SL_ARCH = $ARCH
JUMP_PREFIX = $STAGE
LIBOBJECTS = $4
include $STAGE/share/jump/Shared.inc
MK
}

shlib_steps() {
    (cd "$JUMP_DIR" && getsize > jump.vars-new && mv jump.vars jump.vars-old && mv jump.vars-new jump.vars) \
        >"$1.getsize" 2>&1 || { cat "$1.getsize"; fail "the getsize step"; }
    run 0 "$1.shlib" make shlib
    expect_not_in "$1.shlib" "gcc -B"
    expect_in "$1.shlib" "The stub library and the sharable libraries have identical symbols."
    run 0 "$1.install" make shlib-install
}

# maps_h LO HI [PREFIX]: a C header defining show_maps(), which prints each mapping of the
# process that starts in [LO, HI) as "PREFIXstart end perms" (hex, no 0x; perms rwx only).
# parts_end IMAGE ALIGN WADDR: where a split image's neighbour may put its parts: the page after
# the image's read-only part, and the end of its writable part rounded up to ALIGN (WADDR, its
# writable origin, when it has no writable part).
parts_end() {
    readelf -lW "$1" | awk '$1 == "LOAD" { print $3, $6, $7 $8 }' | {
        local te=0 we=0 v m f e
        while read -r v m f; do
            e=$((v + m))
            case $f in *W*) [ $e -gt $we ] && we=$e ;; *) [ $e -gt $te ] && te=$e ;; esac
        done
        [ $we != 0 ] || we=$(($3))
        printf '0x%x 0x%x\n' $(((te + 4095) / 4096 * 4096)) $(((we + $2 - 1) / $2 * $2))
    }
}

maps_h() {
    cat <<C
#include <stdio.h>
#include <stdlib.h>
static void show_maps(void)
{
    char line[512];
    FILE *f = fopen("/proc/self/maps", "r");
    while (f && fgets(line, sizeof line, f)) {
        unsigned long a, b;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3 && a >= $1ul && a < $2ul)
            printf("${3:-}%lx %lx %.3s\\n", a, b, perms);
    }
    if (f)
        fclose(f);
}
C
}
