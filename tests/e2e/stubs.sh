# stubs.sh: helpers for the mkstubs scenarios (2xx), sourced by them. Environment from
# tests/run.sh: ARCH (i386|x86_64), STAGE (installed toolkit, $STAGE/bin first in PATH), TOP.
set -u
case ${ARCH:-} in
    i386) M=-m32 PS=4 ;;
    x86_64) M=-m64 PS=8 ;;
    *) echo "stubs.sh: ARCH must be i386 or x86_64" >&2; exit 2 ;;
esac
export PATH=$STAGE/bin:$PATH
HEXW=$((PS * 2))

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_in() {
    local f=$1; shift
    for t in "$@"; do
        grep -qF -- "$t" "$f" || { echo "--- $f:"; cat "$f"; fail "'$t' not found in $f"; }
    done
}
# run STATUS OUT CMD...: stdout+stderr into OUT; require exit status STATUS.
run() {
    local want=$1 out=$2 rc=0; shift 2
    "$@" >"$out" 2>&1 || rc=$?
    [ "$rc" = "$want" ] || { echo "--- $out:"; cat "$out"; fail "'$*' exited $rc, expected $want"; }
}
# hexv N: N as nm prints values on this architecture.
hexv() { printf "%0${HEXW}x" "$1"; }
# nmval FILE SYM: the value nm gives SYM (first definition), as a number.
nmval() {
    local v
    v=$(nm "$1" 2>/dev/null | awk -v s="$2" '$NF == s && NF == 3 { print $1; exit }')
    [ -n "$v" ] || fail "$2 not defined in $1"
    echo $((16#$v))
}
# A stand-in for the run-time loader: defines only the symbol descriptors reference, so a
# program linked against a stub runs without any image (JUMP_LIBDIR points here).
fake_loader() {
    mkdir -p "$1"
    echo 'const int __jump_loader_1 = 1;' >"$1/l.c"
    gcc $M -c "$1/l.c" -o "$1/loader-$ARCH.o" || fail "cannot build the stand-in loader"
}
