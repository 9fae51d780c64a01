# 302-verify-reordered: a stub built from a jump.funcs whose first two lines are swapped
# names the wrong slot for both functions, in the descriptor and in the objfile member.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
{ sed -n 2p jump.funcs.orig; sed -n 1p jump.funcs.orig; sed -n '3,$p' jump.funcs.orig; } >jump.funcs.swapped
vbuild "$PWD/b" jump.funcs.swapped
expect_eq "$(symval b/libxyz.sa xyz_prod)" "$(slot 1)" "xyz_prod in the reordered stub"

for m in __libxyz.o:__PLT_ math.o:; do
    echo "b/libxyz.sa(${m%%:*}): '${m#*:}xyz_prod' is slot $(slot 1) in the stub, but that slot of the image jumps to 'xyz_sum__LOCAL__'"
    echo "b/libxyz.sa(${m%%:*}): '${m#*:}xyz_sum' is slot $(slot 2) in the stub, but that slot of the image jumps to 'xyz_prod__LOCAL__'"
done | sort >want.lines
run 1 got.out verify-shlib -l a/libxyz.so.1.0.0 b/libxyz.sa
sed '1d;$d' got.out | sort >got.lines
diff -u want.lines got.lines || fail "differences reported"
expect_eq "$(tail -n 1 got.out)" "4 differences between the stub library and the sharable library." "count line"
# Each stub against its own image is fine.
run 0 ok.out verify-shlib -l b/libxyz.so.1.0.0 b/libxyz.sa
expect_in ok.out "The stub library and the sharable libraries have identical symbols."
exit 0
