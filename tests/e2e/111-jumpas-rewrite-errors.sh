#!/bin/bash
# Every reference to an exported or imported variable that jumpas cannot rewrite fails the
# assembly with the file, the line and the instruction (exit status 1, no object written),
# never a silent miscompile; a call or jump to a variable is "incorrectly listed".
. "$TOP/tests/e2e/lib.sh"
flag=$ASF
export JUMP_DIR=$PWD JUMP_LIB=libe
printf '00000004 D v libe t\n00000004 D w libe t\n' > jump.vars
printf '00000004 D imp libx x\n00000000 T ifn libx x\n' > jump.import

# refuse INSN MESSAGE: the instruction on line 4 of t.s is refused with "t.s:4: error: MESSAGE".
refuse() {
    printf '\t.text\n\t.globl f\nf:\n\t%s\n\tret\n' "$1" > t.s
    rm -f t.o
    run 1 err.txt jumpas $flag -o t.o t.s
    grep -qxF "jumpas: t.s:4: error: $2" err.txt || { cat err.txt; fail "'$1': expected 't.s:4: error: $2'"; }
    [ -e t.o ] && fail "'$1': an object was written"
    return 0
}
# cannot INSN [WHY] [KIND VAR]: the "cannot rewrite" message for INSN.
cannot() {
    local why=${2:+: $2}
    refuse "$1" "cannot rewrite '$1' (reference to ${3:-exported} variable '${4:-v}'$why)"
}

# Forms common to both architectures.
cannot 'rep movsb v, %es:(%edi)'
cannot 'lodsl v'
cannot 'popl v'
cannot 'movl $v-w, %eax'
cannot 'movl $-v, %eax'
cannot 'movl v*2, %eax'
cannot 'movl (v), %eax'
cannot 'movl %fs:v, %eax' 'segment override'
cannot 'movw $v, %ax' 'operand size'
cannot 'vmovdqu32 v, %zmm0{%k1}'
cannot 'movabs $v, %eax'
cannot 'movl $imp-4-v, %eax' '' imported imp
refuse 'call v' 'Function v incorrectly listed in jump.vars'
refuse 'jmp v' 'Function v incorrectly listed in jump.vars'
refuse 'jne v' 'Function v incorrectly listed in jump.vars'
refuse 'call imp' 'Function imp incorrectly listed in jump.import'
refuse 'jmp ifn' 'Function ifn incorrectly listed in jump.import'
if [ "$ARCH" = i386 ]; then
    cannot 'movl v@GOTOFF(%ebx), %eax'
    cannot 'movl v(%ax), %eax' 'unexpected address register'
    cannot 'cmpxchg8b v(%esi,%edi)' 'no free register'
    cannot 'movl %esp, v' 'the stack pointer is an operand'
    cannot 'pushw v' 'operand size'
    cannot 'incl imp(,%eax,2)+2' '' imported imp
else
    cannot 'movq v@GOTPCREL(%rip), %rax'
    cannot 'movl v(%eax), %ecx' 'unexpected address register'
    cannot 'call *v(%r11,%r10)' 'no free register'
    cannot 'movq %rsp, v(%rip)' 'the stack pointer is an operand'
    cannot 'pushl v' 'operand size'
    cannot 'movl v(%rip,%rax), %eax'
fi

# Standard input is named as as names it.
printf '\t.text\nf:\n\tpopl v\n' > s.s
run 1 err.txt jumpas $flag -o s.o - < s.s
expect_in err.txt "jumpas: {standard input}:3: error: cannot rewrite 'popl v' (reference to exported variable 'v')"

# Through gcc: the message names gcc's temporary file and the line of the instruction there.
cat > c.c <<'C'
extern int v;
void f(int *p) { __asm__ volatile("rep stosl v" ::: "memory"); (void)p; }
C
run 1 err.txt $JCC -c c.c -o c.o
grep -Eq "^jumpas: .*\.s:[0-9]+: error: cannot rewrite 'rep stosl v' \(reference to exported variable 'v'\)$" err.txt ||
    { cat err.txt; fail "through gcc"; }
[ -e c.o ] && fail "through gcc: an object was written"

# A file-local symbol that has an exported name is the file's own: neither diverted nor
# rewritten (the object is the one as makes).
printf '\t.text\n\t.globl f\nf:\n\tcall v\n\tmovl v, %%eax\n\tret\n\t.data\nv:\t.long 1\n' > local.s
run 0 out.txt jumpas $flag -o local.o local.s
as $flag -o plain.o local.s
cmp -s local.o plain.o || fail "a file-local v was changed"
echo ok
