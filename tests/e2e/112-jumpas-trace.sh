#!/bin/bash
# JUMP_TRACE=1: every rewrite is appended to $JUMP_DIR/jumpas.log as
# "file:line: old  =>  new" (the classic jumpas.log), whole lines under parallel compiles,
# and only once as has succeeded. Without it, no log.
. "$TOP/tests/e2e/lib.sh"
flag=$ASF
export JUMP_DIR=$PWD JUMP_LIB=libt
printf '00000004 D v libt t\n' > jump.vars
printf '00000004 D w libu u\n' > jump.import
if [ "$ARCH" = i386 ]; then
    printf '\t.text\nf:\n\tmovl\tv, %%eax\n\tnop\n\taddl  $1,  w+4\n\tpushl\t$v\n\tret\n' > t.s
    cat > want <<'W'
t.s:3: movl v, %eax  =>  movl __GOT_v, %eax; movl (%eax), %eax
t.s:5: addl $1, w+4  =>  pushl %ebx; movl __GOT_w, %ebx; addl $1, 4(%ebx); popl %ebx
t.s:6: pushl $v  =>  pushl __GOT_v
W
else
    printf '\t.text\nf:\n\tmovl\tv(%%rip), %%eax\n\tnop\n\taddl  $1,  w+4(%%rip)\n\tmovl\t$v, %%edi\n\tret\n' > t.s
    cat > want <<'W'
t.s:3: movl v(%rip), %eax  =>  movq __GOT_v(%rip), %rax; movl (%rax), %eax
t.s:5: addl $1, w+4(%rip)  =>  pushq %r11; movq __GOT_w(%rip), %r11; addl $1, 4(%r11); popq %r11
t.s:6: movl $v, %edi  =>  movq __GOT_v(%rip), %rdi
W
fi

run 0 out.txt jumpas $flag -o t.o t.s
[ -e jumpas.log ] && fail "a trace without JUMP_TRACE"
JUMP_TRACE=1 run 0 out.txt jumpas $flag -o t.o t.s
diff want jumpas.log || fail "the trace"
# The object holds what the trace says: the cells, not the variables.
nm t.o > t.nm
grep -qx ' *U __GOT_v' t.nm && grep -qx ' *U __GOT_w' t.nm || fail "cells not referenced: $(cat t.nm)"
grep -Eq ' (v|w)$' t.nm && fail "variables still referenced: $(cat t.nm)"

# Parallel: 8 compiles append whole lines.
rm -f jumpas.log
for i in 1 2 3 4 5 6 7 8; do
    JUMP_TRACE=1 jumpas $flag -o p$i.o t.s 2> err$i.txt &
done
wait
[ "$(wc -l < jumpas.log)" = 24 ] || fail "expected 24 lines: $(cat jumpas.log)"
sort -u jumpas.log > got
sort want | diff - got || fail "parallel trace lines are not whole"

# Nothing is logged when as fails after the rewrite.
rm -f jumpas.log
printf '\t.text\nf:\n\tmovl\tv, %%eax\n\tbogus_insn\n' > bad.s
JUMP_TRACE=1 run 1 bad.txt jumpas $flag -o bad.o bad.s
[ -e jumpas.log ] && fail "logged although as failed: $(cat jumpas.log)"
echo ok
