# compat.sh: helpers for the drop-in replacement scenarios (600-699), sourced after lib.sh.
# The library libcv has functions and exported variables. Each version is built the way
# Shared.inc does it (gcc -B.../jump, so jumpas renames every exported function), from
# control files the scenario writes, so each scenario controls every slot and offset. The
# variables' diverted definitions ($JUMP_DIR/_GVAR_<n>.s, what jumpas writes for a jump.vars
# variable it sees defined) are written here, so the C code only declares them.
ORG=0x6b000000
# Registry: libcv owns 0x6b000000-0x6b0fffff; libzz sits right after it.
printf '0x6b000000 0x6b0fffff libcv 1.0\n0x6b100000 0x6b1fffff libzz 1.0\n' >reg.table
export JUMP_REGISTRY=$PWD/reg.table

# The library's code. CV_V selects the version's behaviour: cv_add etc. never change.
write_cv() {
    cat >cva.c <<'C'
int cv_add(int a, int b) { return a + b; }
int cv_mul(int a, int b) { return a * b; }
int cv_old(void) { return 99; }
int cv_helper(int x) { return x + 1; }
C
    cat >cvb.c <<'C'
extern int cv_count;
extern char cv_label[];
extern int cv_flag;
int cv_helper(int);
int cv_get(void) { return cv_helper(cv_count) - 1; }
const char *cv_name(void) { return cv_label; }
int cv_isset(void) { return cv_flag; }
C
    cat >cvn.c <<'C'
int cv_new(int x) { return x * 3; }
C
    cat >cvx.c <<'C'
extern int cv_extra;
int cv_getextra(void) { return cv_extra; }
C
    # The 1.0 program: functions and variables of libcv, used directly.
    cat >prog.c <<'C'
#include <stdio.h>
int cv_add(int, int);
int cv_mul(int, int);
int cv_get(void);
const char *cv_name(void);
extern int cv_count;
extern char cv_label[];
extern int cv_flag;
int main(void)
{
    printf("add %d mul %d get %d\n", cv_add(2, 3), cv_mul(2, 3), cv_get());
    cv_count = 41;
    printf("count %d get %d label %s name %s flag %d\n", cv_count, cv_get(), cv_label, cv_name(),
           cv_flag);
    return 0;
}
C
    printf 'add 5 mul 6 get 5\ncount 41 get 41 label one name one flag 1\n' >prog.want
    # A program that calls the function a later version withdraws.
    cat >progold.c <<'C'
#include <stdio.h>
int cv_old(void);
int main(void) { printf("old %d\n", cv_old()); return 0; }
C
}

# The 1.0 control files.
funcs10() {
    printf '%s\n' \
        "00000000 T cv_add	libcv	cva" \
        "00000000 T cv_mul	libcv	cva" \
        "00000000 T cv_old	libcv	cva" \
        "00000000 t cv_helper	libcv	cva" \
        "00000000 T cv_get	libcv	cvb" \
        "00000000 T cv_name	libcv	cvb" \
        "00000000 T cv_isset	libcv	cvb"
}
vars10() {
    printf '%s\n' \
        "00000008 D cv_count	libcv	cvb" \
        "00000010 D cv_label	libcv	cvb" \
        "00000004 D cv_flag	libcv	cvb"
}

# gvar DIR N NAME SIZE DIRECTIVES: the diverted definition of jump.vars entry N.
gvar() {
    printf '\t.data\n\t.globl %s\n\t.type %s, @object\n\t.size %s, %s\n\t.align 4\n%s:\n%b\n' \
        "$3" "$3" "$3" "$4" "$3" "$5" >"$1/jump/_GVAR_$2.s"
}

# cvbuild DIR VERSION [MKIMAGE OPTIONS]: DIR/jump holds jump.funcs and jump.vars (and the
# _GVAR files, see gvars10); builds DIR/libcv.sa and DIR/lib/libcv.so.VERSION (+ .so.MAJOR).
# SRCS: the library sources (default cva.c cvb.c). Options default to -j 0x1000 -g 0x1000.
cvbuild() {
    local dir=$1 ver=$2 f objs=()
    shift 2
    local opts=("$@")
    [ ${#opts[@]} -gt 0 ] || opts=(-j 0x1000 -g 0x1000)
    [ "${opts[0]}" = -a ] || opts=(-a $ORG "${opts[@]}")
    mkdir -p "$dir/lib"
    (
        export JUMP_DIR=$dir/jump JUMP_LIB=libcv
        for f in ${SRCS:-cva.c cvb.c}; do
            $JCC -O2 -c "$f" -o "$dir/${f%.c}.o" || exit 1
            objs+=("$dir/${f%.c}.o")
        done
        cd "$dir" || exit 1
        mkimage -l "$dir/lib/libcv" -v "$ver" "${opts[@]}" -- "${objs[@]}" -lc >mkimage.out 2>&1 ||
            { cat mkimage.out; exit 1; }
        mkstubs -l "$dir/lib/libcv" -v "$ver" "${opts[@]}" -- libcv >/dev/null || exit 1
        mv "libcv.so.$ver" lib/ && ln -sf "libcv.so.$ver" "lib/libcv.so.${ver%%.*}"
    ) || fail "building libcv $ver in $dir failed"
}

# gvars10 DIR: the 1.0 definitions (cv_count 5, cv_label "one", cv_flag 1).
gvars10() {
    gvar "$1" 1 cv_count 4 '\t.long 5'
    gvar "$1" 2 cv_label 8 '\t.string "one"\n\t.zero 4'
    gvar "$1" 3 cv_flag 4 '\t.long 1'
}

# newver DIR: a directory for a replacement, starting from 1.0's control files.
newver() {
    mkdir -p "$1/jump"
    funcs10 >"$1/jump/jump.funcs"
    vars10 >"$1/jump/jump.vars"
    gvars10 "$1"
}

# The 1.0 library and its program, in $PWD/v10.
build10() {
    write_cv
    newver "$PWD/v10"
    cvbuild "$PWD/v10" 1.0.0
    gcc $M -no-pie -o prog prog.c v10/libcv.sa || fail "linking prog"
    gcc $M -no-pie -o progold progold.c v10/libcv.sa || fail "linking progold"
    JUMP_LIBRARY_PATH=$PWD/v10/lib run 0 prog10.out exe ./prog
    diff -u prog.want prog10.out || fail "the 1.0 program against 1.0"
}

# against DIR VERSION STATUS OUT: verify-shlib --against v10's stub, expecting STATUS.
against() {
    run "$3" "$4" verify-shlib --against v10/libcv.sa -l "$1/lib/libcv.so.$2" "$1/libcv.sa"
}

# runs_ok DIR: the 1.0 program runs correctly against DIR's image.
runs_ok() {
    JUMP_LIBRARY_PATH=$1/lib run 0 "$1.prog.out" exe ./prog
    diff -u prog.want "$1.prog.out" || fail "the 1.0 program against $1"
}

# refused DIR SYMBOL: an incompatible replacement. The 1.0 program must never run the wrong
# function or read the wrong variable: the loader refuses it at start (exit 127), naming
# SYMBOL, before anything in the image runs.
refused() {
    local rc=0
    (JUMP_LIBRARY_PATH=$1/lib exe ./prog >"$1.refused.out" 2>&1) 2>/dev/null || rc=$?
    [ $rc = 127 ] || { cat "$1.refused.out"; fail "the 1.0 program was not refused by $1 (exit $rc)"; }
    expect_in "$1.refused.out" "$2"
}
