#!/bin/bash
# Images' destructors (.fini_array, __attribute__((destructor))) run at exit: after the
# program's own, dependents before their dependencies, once; not when the program leaves
# with _exit. Dynamic and static programs.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH
cat >a.c <<'C'
#include <stdio.h>
int a_value(void) { return 1; }
__attribute__((constructor)) static void a_hello(void) { puts("liba: constructor"); }
__attribute__((destructor)) static void a_bye(void) { puts("liba: destructor"); }
C
cat >b.c <<'C'
#include <stdio.h>
int a_value(void);
int b_value(void) { return a_value() + 1; }
__attribute__((destructor)) static void b_bye(void) { printf("libb: destructor (a_value %d)\n", a_value()); }
C
cat >p.c <<'C'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int b_value(void);
__attribute__((destructor)) static void p_bye(void) { printf("program: destructor (b_value %d)\n", b_value()); }
int main(int argc, char **argv)
{
    printf("main: %d\n", b_value());
    if (argc > 1 && !strcmp(argv[1], "quick")) {
        fflush(stdout);
        _exit(0);
    }
    return 0;
}
C
mkjump "$PWD/a" liba 1.0.0 0x61900000 a.c
MKJUMP_INPUTS=$PWD/a/liba.sa mkjump "$PWD/b" libb 1.0.0 0x61a00000 b.c
printf '%s\n' "liba: constructor" "main: 2" "program: destructor (b_value 2)" "libb: destructor (a_value 1)" \
    "liba: destructor" >want.out
printf '%s\n' "liba: constructor" "main: 2" >want-quick.out
for link in "" -static; do
    gcc $M -no-pie $link -o p p.c b/libb.sa a/liba.sa || fail "link ($link)"
    run 0 "p$link.out" exe ./p
    diff -u want.out "p$link.out" || fail "the order of destructors ($link)"
    run 0 "q$link.out" exe ./p quick
    diff -u want-quick.out "q$link.out" || fail "_exit ran destructors ($link)"
done
exit 0
