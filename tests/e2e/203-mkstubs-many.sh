# A stub for 10,000 functions, each in its own objfile (10,002 members): every member present,
# spot-checked addresses. How fast is measured by make bench (target 0.2 s), not here.
. "$TOP/tests/e2e/stubs.sh"
fake_loader "$PWD/ldr"
export JUMP_LIBDIR=$PWD/ldr JUMP_DIR=$PWD
awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "00000000 T func_%d libbig obj_%d\n", i, i }' >jump.funcs
mkstubs -l /usr/lib/libbig -v 1.0 -a 0x60000000 -j 0x14000 -g 0x1000 -m $ARCH -- libbig >out || fail "mkstubs"
expect_eq "$(ar t libbig.sa | wc -l)" 10002 "members"
# nm takes half a minute over 10,000 members: read only the archive index it prints first
# (awk stops at the blank line that ends it), and the members' symbols with readelf.
expect_eq "$(nm -s libbig.sa 2>/dev/null | awk 'NR > 1 && $0 == "" { exit } /^func_[0-9]* in obj_[0-9]*\.o$/ { n++ } END { print n + 0 }')" \
    10000 "indexed functions"
readelf -sW libbig.sa >syms.out || fail "readelf -s libbig.sa"
for i in 1 777 10000; do
    expect_eq "$(awk -v s=__JUMP_ADDR_func_$i '$8 == s && $7 == "ABS" { print $2 }' syms.out)" "$(hexv $((0x60000000 + 8 * i)))" "func_$i"
done
exit 0
