# stubs.sh: helpers for the mkstubs scenarios (2xx), sourced by them. Environment from
# tests/run.sh: ARCH (i386|x86_64), STAGE (installed toolkit, $STAGE/bin first in PATH), TOP.
. "$TOP/tests/e2e/lib.sh" # M, PATH, fail, skip, expect_eq, expect_in, run, mkjump
HEXW=$((PS * 2))

# hexv N: N as nm prints values on this architecture.
hexv() { printf "%0${HEXW}x" "$1"; }
# nmval FILE SYM: the value nm gives SYM (first definition), as a number; for an exported
# name, the address the stub gives it (stubaddr).
nmval() {
    local v
    v=$(stubaddr "$1" "$2")
    [ -n "$v" ] || fail "$2 not defined in $1"
    echo $((16#$v))
}
# A stand-in for the run-time loader: defines only the symbol descriptors reference, so a
# program linked against a stub runs without any image (JUMP_LIBDIR points here).
fake_loader() {
    mkdir -p "$1"
    echo 'const int __jump_loader_1 = 1, __jump_copies_1 = 1;' >"$1/l.c"
    gcc $M -c "$1/l.c" -o "$1/loader-$ARCH.o" || fail "cannot build the stand-in loader"
}
