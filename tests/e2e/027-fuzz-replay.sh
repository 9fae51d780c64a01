#!/bin/bash
# Every fuzz target's seeds and every input that ever crashed a target (tests/fuzz/crashes,
# committed when make fuzz finds one) replayed through the target's entry point: none may
# crash (make san replays them under ASan and UBSan).
. "$TOP/tests/e2e/lib.sh"
[ "$ARCH" = i386 ] || skip "architecture-independent: checked in the i386 run"
case $B in /*) ;; *) B=$TOP/$B ;; esac
n=0
for src in "$TOP"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    t=${t#fuzz_}
    r=$B/fuzz/replay-$t
    [ -x "$r" ] || fail "no replay binary for fuzz target $t ($r): make units builds it"
    files=("$TOP/tests/fuzz/seeds/$t"/*)
    for c in "$TOP/tests/fuzz/crashes/$t"-*; do
        [ -e "$c" ] && files+=("$c")
    done
    [ -e "${files[0]}" ] || fail "fuzz target $t has no seeds in tests/fuzz/seeds/$t"
    run 0 "$t.out" "$r" "${files[@]}"
    expect_in "$t.out" "replayed ${#files[@]} input(s)"
    n=$((n + 1))
done
[ $n -ge 5 ] || fail "only $n fuzz targets"
exit 0
