# 022-override-unlinked: a program overrides names of a library whose stub members it does not
# link (one member per object file): the library's own calls and data references must still
# reach the program's definitions, and names nobody uses must stay the library's. Also the
# override table's words in the linked program (jumpfmt.h JR_OVERRIDES): a name's reference
# and its twin agree exactly when the program does not define the name.
. "$TOP/tests/e2e/lib.sh"

cat >front.c <<'C'
int helper(int x);
extern int knob;
int front(int x) { return helper(x) + knob; }
int front2(void) { return 7; }
C
cat >back.c <<'C'
int knob = 1;
int helper(int x) { return x * 10; }
int unused_fn(void) { return 99; }
C
mkjump "$PWD/v" libov 1.0.0 0x61700000 front.c back.c
# back.o's names are a member of their own; on x86-64 its variable is a second member of that
# name, so that only a program that refers to knob holds a copy of it.
expect_eq "$(ar t v/libov.sa | grep -c '^back.o$')" $([ $PS = 8 ] && echo 2 || echo 1) "back.o's members"

cat >p.c <<'C'
#include <stdio.h>
#include <stdint.h>
int front(int x);
int helper(int x) { return x + 1000; }  /* overrides back.o's, a member the program never links */
int knob = 5;                           /* likewise a variable of back.o */
extern const uintptr_t __start_jump_libs[];
int main(void)
{
    const uintptr_t *r = __start_jump_libs, *ref = (const uintptr_t *)r[11];
    unsigned long n = r[10], differ = 0, unlinked = 0;
    for (unsigned long k = 0; k < n; k++) {
        differ += ref[k] != ref[n + k];
        unlinked += ref[n + k] == 0;
    }
    printf("%d %lu %lu %lu\n", front(1), n, differ, unlinked);
    return 0;
}
C
gcc $M -no-pie -o p p.c v/libov.sa || fail "link"
nm p | grep -q ' unused_fn$' && fail "back.o's member must not be linked"
run 0 p.out exe ./p
# front(1) = helper(1) + knob with the program's helper and knob: 1001 + 5. Five names
# (front, front2, helper, unused_fn; knob); the program defines two (helper, knob); back.o's
# three are not linked (helper, unused_fn, knob).
expect_eq "$(cat p.out)" "1006 5 2 3" "overrides of names in an unlinked member"

cat >q.c <<'C'
#include <stdio.h>
int front(int x);
int main(void) { printf("%d\n", front(2)); return 0; }
C
gcc $M -no-pie -o q q.c v/libov.sa || fail "link q"
run 0 q.out exe ./q
expect_eq "$(cat q.out)" "21" "no override: the library's own helper and knob"

# A program that calls back.o's function but never names its variable holds no copy of it
# (x86-64 stubs keep the variables in a member of their own): the library's cell still points
# at its own knob. One that names knob holds the copy, and the library uses that copy.
cat >r.c <<'C'
#include <stdio.h>
int front(int x), helper(int x);
int main(void) { printf("%d %d\n", helper(3), front(2)); return 0; }
C
gcc $M -no-pie -o r r.c v/libov.sa || fail "link r"
# (i386 programs reach variables at their absolute addresses: no copies, no storage)
if [ $PS = 8 ]; then
    nm r | grep -q ' knob$' && fail "a program that never names knob must not hold it"
else
    nm r | grep -q ' [BbDd] knob$' && fail "an i386 program holds no storage for knob"
fi
run 0 r.out exe ./r
expect_eq "$(cat r.out)" "30 21" "functions of back.o without its variable"
cat >s.c <<'C'
#include <stdio.h>
extern int knob;
int front(int x);
int main(void) { int a = front(2); knob = 9; printf("%d %d\n", a, front(2)); return 0; }
C
gcc $M -no-pie -o s s.c v/libov.sa || fail "link s"
nm s | grep -q ' knob$' || fail "a program that names knob holds it"
run 0 s.out exe ./s
expect_eq "$(cat s.out)" "21 29" "the library and the program share knob"
