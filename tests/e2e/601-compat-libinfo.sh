# 601-compat-libinfo: libinfo's report on libcv 1.0 and on a library that needs another,
# checked against what the build used; every error.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
end=$(nm v10/libcv.sa | awk '$3 == "__LAST_DATA_ADDRESS" { print $1 }')
end=$(printf '0x%x' "0x$end")
cat >want.out <<OUT
v10/libcv.sa:
	Library version is 1.0.0 (libcv.so.1, DLL Jump 1.0)
	Library resides in registered area occupied by
		 libcv 0x6b000000-0x6b0fffff 1.0
	Start address of library is 0x6b000000
	Used address range 0x6b000000-$end ($ARCH)
	Global Offset Table size is 0x1000 (4096), 5 of $((4096 / PS)) cells used
	Jump Table size is 0x1000 (4096), 7 of 510 slots used
	Encountered 6 function(s) and 3 global var(s) in stub
OUT
run 0 info.out libinfo v10/libcv.sa
diff -u want.out info.out || fail "libinfo report"
# -l with -L, the classic "-- -lcv", and -r naming another table.
run 0 l.out libinfo -L v10 -l cv
expect_in l.out "	Encountered 6 function(s) and 3 global var(s) in stub"
run 0 l2.out libinfo -L v10/ -- -lcv
expect_in l2.out "v10/libcv.sa:"
printf '0x6a000000 0x6a0fffff libother\n' >other.table
run 0 r.out libinfo -r other.table v10/libcv.sa
expect_in r.out "	Library resides in un-registered area"
printf '0x6b000000 0x6b00ffff libcv\n0x6b004000 0x6b0fffff libsq 2.1 someone\n' >two.table
run 0 r2.out libinfo -r two.table v10/libcv.sa
expect_in r2.out "	Library resides in registered area occupied by
		 libcv 0x6b000000-0x6b00ffff
		 libsq 0x6b004000-0x6b0fffff 2.1"

# A library that needs libcv: the requirement comes from jump.undefs (__NEEDS_SHRLIB_).
mkdir -p dep/jump
printf '00000000 T dp_one\tlibdp\tdp\n' >dep/jump/jump.funcs
printf '00000000 D __NEEDS_SHRLIB_libcv_1\tlibdp\tdp\n' >dep/jump/jump.undefs
cat >dp.c <<'C'
int cv_add(int, int);
int dp_one(void) { return cv_add(0, 1); }
C
(
    export JUMP_DIR=$PWD/dep/jump JUMP_LIB=libdp
    $JCC -O2 -c dp.c -o dep/dp.o || exit 1
    cd dep && mkimage -l "$PWD/libdp" -v 2.3.4 -a 0x6b200000 -j 0x1000 -g 0x1000 -- dp.o ../v10/libcv.sa -lc &&
        mkstubs -l "$PWD/libdp" -v 2.3.4 -a 0x6b200000 -j 0x1000 -g 0x1000 -- libdp
) >dep.out 2>&1 || { cat dep.out; fail "building libdp"; }
run 0 dp.out libinfo dep/libdp.sa
expect_in dp.out "	Library requires libcv.so.1" "	Library version is 2.3.4 (libdp.so.2, DLL Jump 2.3pl4)" \
    "	Library resides in un-registered area" "	Encountered 1 function(s) and 0 global var(s) in stub" \
    "	Global Offset Table size is 0x1000 (4096), 2 of $((4096 / PS)) cells used"
# Several stubs: one report each.
run 0 both.out libinfo v10/libcv.sa dep/libdp.sa
expect_eq "$(grep -c 'Start address' both.out)" 2 "reports for two stubs"

# Errors.
run 2 e1.out libinfo
expect_in e1.out "libinfo: no stub library given"
run 2 e2.out libinfo nosuch.sa
expect_in e2.out "libinfo: error: cannot find the stub 'nosuch.sa'"
run 2 e3.out libinfo -l nosuch
expect_in e3.out "libinfo: error: cannot find libnosuch.sa in the -L directories or the current directory"
run 2 e4.out libinfo -r nosuch.table v10/libcv.sa
expect_in e4.out "libinfo: error: " "nosuch.table"
printf 'junk\n' >bad.table
run 1 e5.out libinfo -r bad.table v10/libcv.sa
expect_in e5.out "libinfo: bad.table:1:1: error: expected"
echo "not a stub" >bad.sa
run 2 e6.out libinfo bad.sa
expect_in e6.out "libinfo: error: bad.sa: not a stub library (not an ar archive)"
# An archive that is not a jump stub.
echo 'int f(void){return 0;}' >f.c && gcc $M -c f.c && ar rc plain.a f.o
run 2 e7.out libinfo plain.a
expect_in e7.out "libinfo: error: plain.a: not a stub library (no member holds a jump_libs record)"
run 2 e8.out libinfo -x
expect_in e8.out "invalid option"
exit 0
