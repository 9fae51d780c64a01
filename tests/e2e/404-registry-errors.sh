# 404: every message the registry command prints on bad input, with its exit status.
. "$TOP/tests/e2e/lib.sh"
printf '# ok\n0x60000000 0x600fffff libc\n' >t.table

# Usage: exit 2, with the hint.
expect 2 "registry: no command given (list, check, add, remove, find or which)" -- registry -r t.table
expect 2 "Try 'registry --help' for more information." -- registry -r t.table
expect 2 "registry: unknown command 'lst' (list, check, add, remove, find or which)" -- registry -r t.table lst
expect 2 "registry: invalid option '--bogus'" -- registry --bogus list
expect 2 "registry: option '-r' requires an argument" -- registry list -r
expect 2 "registry: option '--align' requires an argument" -- registry find 0x1000 --align
expect 2 "registry: option '--help' takes no argument" -- registry --help=x list
expect 2 "registry: 'list' expects: registry list" -- registry -r t.table list extra
expect 2 "registry: 'check' expects: registry check" -- registry -r t.table check extra
expect 2 "registry: 'add' expects: registry add [-f] NAME START END [VERSION [CONTACT...]]" -- registry -r t.table add libx 0x70000000
expect 2 "registry: 'remove' expects: registry remove NAME" -- registry -r t.table remove
expect 2 "registry: 'find' expects: registry find SIZE [--align A] [--above ADDR] [--below ADDR | --arch ARCH]" -- registry -r t.table find
expect 2 "registry: 'which' expects: registry which ADDR" -- registry -r t.table which 1 2
expect 2 "registry: invalid start address 'zz' (expected a hex address, like 0x60000000)" -- registry -r t.table add libx zz 0x70000000
expect 2 "registry: invalid end address '0x7g' (expected a hex address, like 0x60000000)" -- registry -r t.table add libx 0x70000000 0x7g
expect 2 "registry: invalid address 'q' (expected a hex address, like 0x60000000)" -- registry -r t.table which q
expect 2 "registry: the range ends (0x6fffffff) before it starts (0x70000000); END is the last address, inclusive" -- \
    registry -r t.table add libx 0x70000000 0x6fffffff
expect 2 "registry: invalid name 'a#b': it must be one word without white space or '#'" -- registry -r t.table add 'a#b' 0x70000000 0x7000ffff
expect 2 "registry: invalid version '1 0': it must be one word without white space or '#'" -- registry -r t.table add libx 0x70000000 0x7000ffff '1 0'
expect 2 "registry: invalid contact '#me': it must be one word without white space or '#'" -- registry -r t.table add libx 0x70000000 0x7000ffff 1 '#me'
expect 2 "registry: invalid size '0' (expected a positive size: 65536, 0x10000 or 64K)" -- registry -r t.table find 0
expect 2 "registry: invalid size '0x10K' (expected a positive size: 65536, 0x10000 or 64K)" -- registry -r t.table find 0x10K
expect 2 "registry: invalid alignment 'x' (expected a positive size: 65536, 0x10000 or 64K)" -- registry -r t.table find 1 --align x
expect 2 "registry: invalid alignment '0x3000': not a power of two" -- registry -r t.table find 1 --align 0x3000
expect 2 "registry: unknown architecture 'vax' (i386 or x86_64)" -- registry -r t.table find 1 --arch vax
expect 2 "registry: --below and --arch both set the ceiling: give one" -- registry -r t.table find 1 --arch i386 --below 0x70000000
expect 2 "registry: invalid --below address 'nope' (expected a hex address, like 0x60000000)" -- registry -r t.table find 1 --below nope
expect 2 "registry: --below 0x60000000 leaves no room above 0x60000000" -- registry -r t.table find 1 --below 0x60000000
expect 2 "registry: -f applies only to 'add'" -- registry -r t.table -f remove libc
expect 2 "registry: --align, --above, --below and --arch apply only to 'find'" -- registry -r t.table list --align 0x1000
expect 2 "registry: --align, --above, --below and --arch apply only to 'find'" -- registry -r t.table list --above 0x70000000
expect 2 "registry: invalid --above address 'up' (expected a hex address, like 0x60000000)" -- registry -r t.table find 1 --above up
expect 2 "registry: --above 0x80000000 leaves no room below 0x80000000" -- registry -r t.table find 1 --above 0x80000000
cmp -s t.table <(printf '# ok\n0x60000000 0x600fffff libc\n') || fail "a usage error changed the table"

# Missing or unreadable table: exit 2, naming it.
expect 2 "registry: error: cannot open 'none.table': No such file or directory" -- registry -r none.table list
expect 2 "registry: error: cannot open 'none.table': No such file or directory" -- registry -r none.table add libx 0x70000000 0x7000ffff
[ -e none.table ] && fail "add created a missing table"
cp t.table t2.table && mkdir t2.table.lock
expect 2 "registry: error: cannot open the lock file 't2.table.lock': Is a directory" -- \
    registry -r t2.table add libx 0x70000000 0x7000ffff

# Malformed tables: exit 1, file:line:col.
printf '# c\n0x60000000 0x600fffff libc\n  libm\n' >bad1.table
expect 1 "registry: bad1.table:3:3: error: expected 'start end name [version] [contact...]', found 1 field" -- registry -r bad1.table list
printf '0x60000000 0x600fffff libc\n0x60100000 0x601zzzzz libm\n' >bad2.table
expect 1 "registry: bad2.table:2:12: error: invalid end address '0x601zzzzz' (expected hex, like 0x60000000)" -- registry -r bad2.table check
printf 'x60000000 0x600fffff libc\n' >bad3.table
expect 1 "registry: bad3.table:1:1: error: invalid start address 'x60000000' (expected hex, like 0x60000000)" -- registry -r bad3.table which 0x60000000
printf '0x60100000 0x600fffff libm\n' >bad4.table
expect 1 "registry: bad4.table:1:12: error: the range of 'libm' ends (0x600fffff) before it starts (0x60100000)" -- registry -r bad4.table find 1
cp bad4.table bad4.orig
expect 1 "registry: bad4.table:1:12: error: the range of 'libm' ends (0x600fffff) before it starts (0x60100000)" -- registry -r bad4.table add libx 0x70000000 0x7000ffff
cmp -s bad4.table bad4.orig || fail "add rewrote a malformed table"
printf '0x60000000 0x600fffff li\0bc\n' >bad5.table
expect 1 "registry: bad5.table:1: error: NUL byte: not a text file" -- registry -r bad5.table list

# Output that cannot be written: exit 2.
if [ -w /dev/full ]; then
    registry -r t.table list >/dev/full 2>err
    rc=$?
    [ $rc = 2 ] || fail "list >/dev/full: exit $rc, want 2"
    grep -qxF "registry: error: cannot write the output" err || fail "list >/dev/full said: $(cat err)"
fi

# --help and --version.
registry --help | grep -q '^Usage: registry \[-r TABLE\] COMMAND' || fail "--help"
registry list --help | grep -q '^Usage: registry' || fail "--help after the command"
registry --version | grep -qx 'registry (jump toolkit) [0-9.]*' || fail "--version"
echo "ok"
