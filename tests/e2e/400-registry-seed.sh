# 400: the installed table holds the classic registrations (DESIGN §9), has no overlaps, and
# is the default; -r and JUMP_REGISTRY select another table.
. "$TOP/tests/e2e/lib.sh"
table=$STAGE/share/jump/registry.table
[ -f "$table" ] || fail "no installed table at $table"

# Every classic start from DESIGN §9, with its name, in address order.
want="0x60000000 libc
0x60200000 libX11
0x602a0000 libXt
0x60300000 libXaw
0x60b00000 PEX5
0x60bc0000 Fresco
0x60be0000 XIE
0x62f00000 ld.so
0x66800000 libet
0x66880000 libss
0x66900000 libe2fs
0x66980000 libe2p
0x67900000 libuuid"
got=$(env -u JUMP_REGISTRY registry list | awk '{print $1, $3}')
[ "$got" = "$want" ] || fail "list differs: $got"
# Every entry carries a mark, and the article's libxyz is not registered.
n=$(grep -cE '^0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]+ +# [^;]+; (confirmed|traditional):' "$table")
[ "$n" = 13 ] || fail "expected 13 marked entries, found $n"
grep -q '^0x6a38' "$table" && fail "libxyz's 0x6a380000 must not be registered"
env -u JUMP_REGISTRY registry check >out || fail "check of the seed table failed: $(cat out)"
grep -q ": 13 entries, no overlaps$" out || fail "check said: $(cat out)"

# Whose range a classic name is: which and list show the entry's comment.
env -u JUMP_REGISTRY registry which 0x66812345 >out || fail "which 0x66812345"
grep -q "^0x66800000 0x6687ffff libet  # libcom_err, e2fsprogs' common error-message library" out ||
    fail "which does not say libet is libcom_err: $(cat out)"
# which: inside, at both inclusive ends, and just outside.
[ "$(env -u JUMP_REGISTRY registry which 0x60250000 | awk '{print $3}')" = libX11 ] || fail "which 0x60250000"
[ "$(env -u JUMP_REGISTRY registry which 6029ffff | awk '{print $3}')" = libX11 ] || fail "which 6029ffff"
[ "$(env -u JUMP_REGISTRY registry which 0x602a0000 | awk '{print $3}')" = libXt ] || fail "which 0x602a0000"
env -u JUMP_REGISTRY registry which 0x60100000 >out 2>err && fail "0x60100000 is free, which succeeded"
[ $? = 1 ] || fail "which on a free address: want exit 1"
grep -q "registry: error: .*registry.table: 0x60100000 is not in any registered range" err || fail "which said: $(cat err)"

# JUMP_REGISTRY and -r select another table; -r wins.
printf '0x70000000 0x7000ffff libenv\n' >env.table
printf '0x70000000 0x7000ffff libopt\n' >opt.table
[ "$(JUMP_REGISTRY=$PWD/env.table registry which 0x70000000 | awk '{print $3}')" = libenv ] || fail "JUMP_REGISTRY"
[ "$(JUMP_REGISTRY=$PWD/env.table registry -r opt.table which 0x70000000 | awk '{print $3}')" = libopt ] || fail "-r"
echo "ok"
