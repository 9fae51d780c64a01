# 060-install: `make install PREFIX=... DESTDIR=...` puts the tools where gcc -B finds jumpas,
# the loaders, Shared.inc (pointing at PREFIX) and the man pages; a library built through the
# installed Shared.inc then works from that prefix.
. "$TOP/tests/e2e/lib.sh"
[ "$ARCH" = i386 ] || skip "architecture-independent: checked in the i386 run"
make -C "$TOP" --no-print-directory B="$B" install PREFIX=/opt/jump DESTDIR="$PWD/root" >install.out 2>&1 ||
    { cat install.out; fail "make install"; }
r=$PWD/root/opt/jump
for t in jumpas mkimage mkstubs verify-shlib getvars getfuncs buildimport jump-ldconfig jump-ldd registry; do
    [ -x "$r/bin/$t" ] || fail "bin/$t not installed"
    [ -f "$r/share/man/man1/$t.1" ] || fail "man page $t.1 not installed"
    "$r/bin/$t" --version >v.out 2>&1 || fail "$t --version"
    expect_in v.out "$t (jump toolkit)"
done
for a in i386 x86_64; do
    [ -f "$r/lib/jump/loader-$a.o" ] || fail "loader-$a.o not installed"
done
[ -f "$r/share/jump/registry.table" ] || fail "registry table not installed"
# The registry is the user's: a reinstall keeps what `registry add` put in it (issue L).
JUMP_REGISTRY=$r/share/jump/registry.table "$r/bin/registry" add libmine 0x70000000 0x7000ffff 1.0 >add.out 2>&1 ||
    { cat add.out; fail "registry add"; }
make -C "$TOP" --no-print-directory B="$B" install PREFIX=/opt/jump DESTDIR="$PWD/root" >install2.out 2>&1 ||
    { cat install2.out; fail "make install again"; }
expect_in "$r/share/jump/registry.table" "libmine"
expect_in install2.out "kept $PWD/root/opt/jump/share/jump/registry.table"
cmp -s "$TOP/share/registry.table" "$r/share/jump/registry.table.seed" || fail "the seed is not beside the registry"
expect_in "$r/share/jump/Shared.inc" "JUMP_PREFIX ?= /opt/jump"
expect_not_in "$r/share/jump/Shared.inc" "@PREFIX@"
# gcc -B<prefix>/bin/jump runs the installed jumpas.
mkdir -p jump && echo 'int f(void) { return 1; }' >f.c
JUMP_DIR=$PWD/jump JUMP_LIB=libf gcc -m32 -B"$r/bin/jump" -c f.c -o f.o || fail "gcc -B"
expect_in jump/jump.log "T f"
