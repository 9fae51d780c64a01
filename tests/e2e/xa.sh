# xa.sh: the small library the a.out scenarios build (an exported variable, a function that
# calls another through its slot, a large static buffer in bss) and the program that uses it,
# which prints "xa 42 41". Sourced after lib.sh; xa_sources writes xa.c and prog.c here.
xa_sources() {
    cat >xa.c <<'C'
int xa_count = 40;
static char buf[100000];
const char *xa_name(void) { buf[99999] = 1; return "xa"; }
__attribute__((noinline)) int xa_add(int a, int b) { xa_count++; return a + b + buf[0]; }
int xa_twice(int a) { return xa_add(a, a); }
C
    cat >prog.c <<'C'
#include <stdio.h>
extern int xa_count;
const char *xa_name(void);
int xa_twice(int);
int main(void)
{
    int r = xa_twice(21);
    printf("%s %d %d\n", xa_name(), r, xa_count);
    return 0;
}
C
}
