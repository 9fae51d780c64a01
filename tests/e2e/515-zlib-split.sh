# run.sh: long (started first when there are no times from an earlier run)
# Debian's zlib as a split image whose writable part is not page-aligned (SL_WRITABLE_ADDRESS
# 0x70000020, mkimage -w): its constants (deflate_copyright, the K entries of jump.vars) and
# variables at their offsets from the writable origin, the rest of its data after them. zlib's
# own static test passes against the stub from the image files and from the image cache; the
# next patch level, rebuilt from the saved control files, is a compatible replacement (each
# part checked against the registry on its own) that the old programs run.
. "$TOP/tests/e2e/lib.sh"
ZLIB_WRITABLE=0x70000020
zlib_first_built() {
    # the split image: its read-only part at the load address, its writable part at 0x70000020;
    # deflate_copyright (a constant) in the writable part
    readelf -lW lib/libz.so.1.2.13 | awk '$1 == "LOAD" { print $3 }' >../loads.out
    expect_eq "$(sed 's/^0x0*//' ../loads.out | tr '\n' ' ')" "61400000 70000020 " "the image's two parts"
    c=$(nm lib/libz.so.1.2.13 | awk '$3 == "deflate_copyright" { print $1 }')
    [ -n "$c" ] && [ $((0x$c)) -ge $((0x70000020)) ] || fail "deflate_copyright (0x$c) is not in the writable part"
    # from the image cache, too
    run 0 ../ldc.out jump-ldconfig -n lib
    JUMP_TRACE_CACHE=1 run 0 ../cache1.out exe ./example
    expect_in ../cache1.out "jump: libz.so.1: $PWD/lib/jump.cache: from the cache"
    run 0 ../cache2.out sh -c "echo from the cache | $emu ./minigzip | $emu ./minigzip -d"
    expect_eq "$(cat ../cache2.out)" "from the cache" "minigzip round trip from the cache"
}
. "$TOP/tests/e2e/zlib.sh"
exit 0
