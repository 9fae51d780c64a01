# 300-verify-ok: a real image (mkimage) and stub (mkstubs) agree, in the form Shared.inc uses;
# the address range is the image's own (origin to the end of its last segment, from readelf).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
cd a
end=$(image_end libxyz.so.1.0.0)
printf '%s\n' "Used address range $ORG-$end be aware! must be unique!" \
    "The stub library and the sharable libraries have identical symbols." >want.out
run 0 got.out verify-shlib -llibxyz.so.1.0.0 -- libxyz.sa
diff -u want.out got.out || fail "verify-shlib output"
# Without "--", and the same stub twice: still identical, still exit 0.
run 0 got2.out verify-shlib -l libxyz.so.1.0.0 libxyz.sa libxyz.sa
diff -u want.out got2.out || fail "verify-shlib output with two stubs"
# The stub really describes what it should: slot 6 is xyz_len's (checked by nm, not by us).
expect_eq "$(symval libxyz.sa xyz_len)" "$(slot 6)" "xyz_len in the stub"
expect_eq "$(symval libxyz.so.1.0.0 xyz_len)" "$(slot 6)" "xyz_len in the image"

# --help and --version.
run 0 help.out verify-shlib --help
expect_in help.out "Usage: verify-shlib -l image [--] stub.sa..."
run 0 version.out verify-shlib --version
expect_in version.out "verify-shlib (jump toolkit)"
exit 0
