#!/bin/bash
# Programs linked the default way (Debian's gcc links PIE) against stubs, and every other way
# a user links: PIE, -no-pie, -static and -static-pie. liba exports functions and variables
# (one with an address constant that follows an override); libb imports liba's variable and
# calls it. The program calls and reads, writes a variable the libraries then see, overrides
# a function the library calls internally (out of a slot's reach from a PIE program on
# x86-64) and a variable; the results are the same whatever the link.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH
cat >a.c <<'C'
int a_count = 10;
int a_table[3] = {1, 2, 3};
int *a_ptr = &a_count;
char a_name[8] = "liba";
int a_helper(int x) { return x + 1; }
int a_get(void) { return a_count; }
int a_twice(int x) { return a_helper(x) * 2; }
int a_sum(void) { return a_table[0] + a_table[1] + a_table[2]; }
static int *const hidden[2] = {&a_table[1], &a_count}; /* the library's own data */
int a_hidden(void) { return *hidden[0] * 1000 + *hidden[1]; }
int *a_where(void) { return hidden[1]; }
C
cat >b.c <<'C'
extern int a_count;
int a_get(void);
int b_value = 100;
int b_sum(void) { return a_count + b_value + a_get(); }
int b_twice(void) { return b_sum() * 2; }
void b_bump_a(void) { a_count += 5; }
C
mkjump "$PWD/a" liba 1.0.0 0x61600000 a.c
mkdir -p b/jump && (cd b/jump && JUMP_DIR=$PWD buildimport ../../a/liba.sa >/dev/null) || fail "buildimport"
MKJUMP_INPUTS=$PWD/a/liba.sa mkjump "$PWD/b" libb 1.0.0 0x61700000 b.c
expect_in b/jump/jump.import a_count

cat >plain.c <<'C'
#include <stdio.h>
#include <string.h>
extern int a_count, b_value, *a_ptr, a_table[3];
extern char a_name[8];
int a_get(void), a_twice(int), a_sum(void), b_sum(void), b_twice(void), a_hidden(void);
int *a_where(void);
void b_bump_a(void);
int (*fp)(int) = a_twice;
int main(void)
{
    printf("%d %d %d %d %d %s\n", a_get(), a_twice(1), b_sum(), b_twice(), a_sum(), a_name);
    b_bump_a();
    printf("%d %d %d %d\n", a_count, a_get(), b_sum(), *a_ptr);
    a_count = 50;
    a_table[2] = 30;
    strcpy(a_name, "mine");
    printf("%d %d %d %d %d\n", a_get(), b_sum(), a_sum(), fp(3), a_ptr == &a_count);
    a_table[1] = 7;
    printf("%d %d\n", a_hidden(), a_where() == &a_count);
    return 0;
}
C
cat >override.c <<'C'
#include <stdio.h>
int a_count = 1000;                           /* liba's variable */
int a_helper(int x) { return x + 100; }       /* liba's function, called inside liba */
int b_value = 7;                              /* libb's variable */
int b_sum(void) { return -1; }                /* libb's function, called inside libb */
extern int *a_ptr;
int a_get(void), a_twice(int), b_twice(void), a_hidden(void);
int *a_where(void);
void b_bump_a(void);
int main(void)
{
    printf("%d %d %d\n", a_get(), a_twice(1), b_twice());
    b_bump_a();
    printf("%d %d %d %d %d\n", a_count, a_get(), a_ptr == &a_count, a_hidden(), a_where() == &a_count);
    return 0;
}
C
# a_twice(1) = (1 + 1) * 2; b_sum() = a_count + b_value + a_get(); a_sum() = 1 + 2 + 3.
# a_hidden() reads a_table[1] and a_count through pointers in liba's own data.
printf '10 4 120 240 6 liba\n15 15 130 15\n50 200 33 8 1\n7050 1\n' >plain.want
# The program's a_helper (x + 100) and b_sum (-1), its a_count (1000) and b_value;
# a_hidden() = a_table[1] * 1000 + a_count.
printf '1000 202 -2\n1005 1005 1 3005 1\n' >override.want
export JUMP_LIBRARY_PATH=$PWD/a/lib:$PWD/b/lib
for link in default -no-pie -static -static-pie; do
    flag=$link
    [ "$link" = default ] && flag=
    for p in plain override; do
        gcc $M $flag -o "$p-$link" "$p.c" b/libb.sa a/liba.sa 2>"$p-$link.err" ||
            { cat "$p-$link.err"; fail "$p: link ($link)"; }
        [ -s "$p-$link.err" ] && { cat "$p-$link.err"; fail "$p: the link ($link) warns"; }
        run 0 "$p-$link.out" exe "./$p-$link"
        diff -u "$p.want" "$p-$link.out" || fail "$p ($link)"
    done
done
# The default link is PIE here, as on Debian: the scenario means what it says.
file plain-default | grep -q "pie executable" || fail "the default link is not PIE: $(file plain-default)"
exit 0
