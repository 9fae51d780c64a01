#!/bin/bash
# jump-gdb: gdb knows every image's symbols and source lines once the loader has mapped them,
# without manual steps: "break a_one" set before "run" stops in the image's code (not in its
# jump slot, nor in the entry the stub gave the program), with its arguments and lines, for
# dynamic and static programs, PIE (gcc's default) or not.
. "$TOP/tests/e2e/lib.sh"
command -v gdb >/dev/null || skip "gdb is not installed"
emulated && skip "gdb cannot trace $ARCH programs $(arch_how "$ARCH")"
cat >a.c <<'C'
int a_one(int x)
{
    int y = x * 3;
    return y + 1;
}
C
cat >p.c <<'C'
#include <stdio.h>
int a_one(int);
int main(void) { printf("%d\n", a_one(4)); return 0; }
C
MKJUMP_CFLAGS="-g -O0" mkjump "$PWD/v" liba 1.0.0 0x61800000 a.c
for link in -no-pie "-no-pie -static" "" -static-pie; do
    gcc $M -g $link -o p p.c v/liba.sa || fail "link ($link)"
    link=${link// /}
    run 0 "gdb$link.out" jump-gdb -batch -ex 'break a_one' -ex run -ex bt -ex next -ex 'print y' ./p
    expect_in "gdb$link.out" "Breakpoint 2, a_one (x=4) at $PWD/a.c:3" "#1  " "in main () at p.c:3" \
        "4	    return y + 1;" "\$1 = 12"
done
run 0 h.out jump-gdb --help
expect_in h.out "Usage: jump-gdb [GDB-OPTION...] PROGRAM [ARG...]"
run 0 v.out jump-gdb --version
expect_in v.out "jump-gdb (jump toolkit) "
run 2 u.out jump-gdb -batch
expect_in u.out "jump-gdb: no program given"
exit 0
