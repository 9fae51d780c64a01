# 402: `registry find` gives the lowest free aligned range; adding it succeeds; the next find
# moves past it; --align, --below and --arch change the search as documented.
. "$TOP/tests/e2e/lib.sh"
# A table whose holes are known: 0x60000000-0x6000ffff taken, 0x60010000-0x6001ffff free,
# 0x60020000-0x6007ffff taken.
cat >t.table <<'T'
# test
0x60000000 0x6000ffff liba
0x60020000 0x6007ffff libb
T
[ "$(registry -r t.table find 0x10000)" = "0x60010000 0x6001ffff" ] || fail "find 0x10000 into the hole"
[ "$(registry -r t.table find 64K)" = "0x60010000 0x6001ffff" ] || fail "find 64K"
[ "$(registry -r t.table find 65537)" = "0x60080000 0x60090000" ] || fail "find 65537 does not fit the hole"
[ "$(registry -r t.table find 0x1000 --align 0x1000)" = "0x60010000 0x60010fff" ] || fail "find --align 0x1000"
[ "$(registry -r t.table find 0x1000 --align 0x100000)" = "0x60100000 0x60100fff" ] || fail "find --align 1M"

# --above: a floor (a split image's writable part in a zone of its own), taken ranges still
# skipped; with --below the two bound the search.
[ "$(registry -r t.table find 0x1000 --align 0x1000 --above 0x60020000)" = "0x60080000 0x60080fff" ] || fail "find --above skips libb"
[ "$(registry -r t.table find 0x1000 --align 0x1000 --above 0x70000000)" = "0x70000000 0x70000fff" ] || fail "find --above 0x70000000"
registry -r t.table find 0x1000 --above 0x60030000 --below 0x60080000 >out 2>err && fail "find between two bounds inside libb succeeded"

# find then add, as a user would; the next find moves on.
read -r s e < <(registry -r t.table find 0x16000)
[ "$s $e" = "0x60010000 0x60025fff" ] && fail "find must not straddle libb"
registry -r t.table add libxyz "$s" "$e" 1.0.0 || fail "adding the found range $s $e failed"
[ "$(registry -r t.table find 0x16000)" != "$s $e" ] || fail "find returned a taken range"
registry -r t.table check >/dev/null || fail "find+add made an overlap"
[ "$(registry -r t.table which "$e" | awk '{print $3}')" = libxyz ] || fail "which on the new end"

# The real table: the article's 0x16000 bytes go to the first 64 KiB-aligned hole, after libc.
[ "$(registry find 0x16000)" = "0x60100000 0x60115fff" ] || fail "find in the seed table"

# Ceilings: by default a found range ends below 0x80000000 (x86-64's limit, suits both).
cat >full.table <<'T'
0x60000000 0x7fefffff big
T
[ "$(registry -r full.table find 1M)" = "0x7ff00000 0x7fffffff" ] || fail "last MiB below 2 GiB"
registry -r full.table find 0x100001 >out 2>err && fail "find beyond 0x80000000 succeeded"
[ $? = 1 ] || fail "want exit 1 when nothing fits"
grep -q "error: full.table: no free range of 0x100001 bytes (aligned to 0x10000) between 0x60000000 and 0x7fffffff" err \
    || fail "no-room message: $(cat err)"
[ "$(registry -r full.table find 0x100001 --arch i386)" = "0x7ff00000 0x80000000" ] || fail "--arch i386"
registry -r full.table find 1M --arch x86_64 >/dev/null || fail "--arch x86_64"
registry -r full.table find 2M --arch x86_64 >/dev/null 2>&1 && fail "--arch x86_64 allowed 2M"
[ "$(registry -r full.table find 2M --below 0xa0000000)" = "0x7ff00000 0x800fffff" ] || fail "--below"
registry -r full.table find 1M --below 0x7fffffff >/dev/null 2>&1 && fail "--below is exclusive"
echo "ok"
