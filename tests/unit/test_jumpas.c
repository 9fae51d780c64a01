/* test_jumpas: the assembly scanner, the classification of global definitions, the renaming
 * (untouched bytes identical) and gas argument parsing, on hand-written snippets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "asm_scan.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "../../jumpas/jumpas.h"
#include "../../jumpas/rewrite.h"
#include "operand_parse.h"

/* ---- scanner ---- */

static char *dup2nul(const char *s, size_t *len)
{
    size_t n = strlen(s);
    char *p = malloc(n + 2);
    memcpy(p, s, n);
    p[n] = p[n + 1] = 0;
    *len = n;
    return p;
}

/* "KIND:text" for every token, comments included, joined with '|'. */
static char *tokens(const char *src)
{
    static const char *names[] = {"EOF", "NL", "SEP", "LABEL", "DIR", "MN", "ID", "NUM",
                                  "STR", "CHR", "REG", "P", "COM"};
    size_t len;
    char *text = dup2nul(src, &len);
    asm_lexer *lx = asm_lexer_new(text, len);
    asm_tok t;
    buf b = {0};
    while (asm_lex(lx, &t) != ASM_EOF) {
        if (b.len)
            buf_addc(&b, '|');
        if (t.kind == ASM_NL)
            buf_printf(&b, "NL%u", t.line);
        else
            buf_printf(&b, "%s:%.*s", names[t.kind], (int)t.len, text + t.off);
    }
    asm_lexer_free(lx);
    free(text);
    return buf_cstr(&b);
}

static void test_scanner_tokens(void **state)
{
    char *s;
    (void)state;
    s = tokens("f:\tmovl $1, %eax # one\n\t.globl g; g: ret\n");
    assert_string_equal(s, "LABEL:f:|MN:movl|P:$|NUM:1|P:,|REG:%eax|COM:# one|NL1|"
                           "DIR:.globl|ID:g|SEP:;|LABEL:g:|MN:ret|NL2");
    free(s);
    /* Block comments (i386 too) count their lines; '/' starts a comment only in column 1. */
    s = tokens("/* a\nb */ .L2:\n/ old style\n\tmovl 8(%ebp), %eax\n");
    assert_string_equal(s, "COM:/* a\nb */|LABEL:.L2:|NL2|COM:/ old style|NL3|MN:movl|NUM:8|"
                           "P:(|REG:%ebp|P:)|P:,|REG:%eax|NL4");
    free(s);
    s = tokens(".section .note.GNU-stack,\"\",@progbits\n.size f, .-f\n.byte 'a, 1f<<2\n");
    assert_string_equal(s, "DIR:.section|ID:.note.GNU|P:-|ID:stack|P:,|STR:\"\"|P:,|P:@|ID:progbits|NL1|"
                           "DIR:.size|ID:f|P:,|ID:.|P:-|ID:f|NL2|"
                           "DIR:.byte|CHR:'a|P:,|NUM:1f|P:<<|NUM:2|NL3");
    free(s);
    /* x86-64 forms; a string with an escaped quote; rep prefix; local label "1:". */
    s = tokens("\tmovq\tx(%rip), %rax\n1:\trep stosq\n\t.string \"a\\\"b;c\"\n\tcall\tf@PLT");
    assert_string_equal(s, "MN:movq|ID:x|P:(|REG:%rip|P:)|P:,|REG:%rax|NL1|LABEL:1:|MN:rep|"
                           "ID:stosq|NL2|DIR:.string|STR:\"a\\\"b;c\"|NL3|MN:call|ID:f|P:@|ID:PLT");
    free(s);
}

/* Bytes above 0x7f (UTF-8 in comments and strings) are ordinary characters: the scanner's
 * tables cover all 256 byte values (a 7-bit table read past its rows for them, and split
 * "# caf\xc3\xa9" into a label and more). */
static void test_scanner_high_bytes(void **state)
{
    char *s;
    (void)state;
    s = tokens("# caf\xc3\xa9 comment\n\t.string \"h\xc3\xa9llo \xe2\x82\xac\"\n"
               "\t.byte '\xc3\n/* \xff */ f\xc3: ret\n");
    assert_string_equal(s, "COM:# caf\xc3\xa9 comment|NL1|DIR:.string|STR:\"h\xc3\xa9llo "
                           "\xe2\x82\xac\"|NL2|DIR:.byte|CHR:'\xc3|NL3|COM:/* \xff */|MN:f|"
                           "P:\xc3|P::|ID:ret|NL4");
    free(s);
}

/* The forms where the scanner's longest match falls back to a shorter one (the rules that
 * keep it from backing up must give the same tokens): a number that is not a label at the
 * head, a character constant cut by the end of the line, a string followed by a backslash,
 * and a string whose backslash is the last byte of the text. */
static void test_scanner_fallbacks(void **state)
{
    char *s;
    (void)state;
    s = tokens("12 x\n1a:\n.byte '\\\n.ascii \"a\"\\, 1\n.ascii \"b\\");
    assert_string_equal(s, "P:1|NUM:2|ID:x|NL1|P:1|ID:a|P::|NL2|DIR:.byte|P:'|P:\\|NL3|"
                           "DIR:.ascii|STR:\"a\"|P:\\|P:,|NUM:1|NL4|DIR:.ascii|STR:\"b|P:\\");
    free(s);
}

static void test_scanner_statements(void **state)
{
    size_t len;
    char *text = dup2nul("# only a comment\n\nf: g:\n.L1: movl %eax, %ebx ; ret\n\n= 1\n", &len);
    asm_lexer *lx = asm_lexer_new(text, len);
    asm_stmt st;
    (void)state;
    assert_int_equal(asm_next_stmt(lx, &st), 1);
    assert_int_equal(st.line, 3);
    assert_int_equal(st.nlabels, 2);
    assert_int_equal(st.has_head, 0);
    assert_int_equal(st.end, ASM_NL);
    assert_int_equal(asm_next_stmt(lx, &st), 1);
    assert_int_equal(st.line, 4);
    assert_int_equal(st.nlabels, 1);
    assert_int_equal(st.has_head, 1);
    assert_int_equal(st.t[1].kind, ASM_MNEMONIC);
    assert_int_equal(st.n, 5);
    assert_int_equal(st.end, ASM_SEP);
    assert_int_equal(asm_next_stmt(lx, &st), 1);
    assert_int_equal(st.n, 1);
    assert_int_equal(st.t[0].kind, ASM_MNEMONIC);
    assert_int_equal(st.t[0].off, strstr(text, "ret") - text);
    assert_int_equal(asm_next_stmt(lx, &st), 1); /* "= 1": punctuation heads a statement */
    assert_int_equal(st.line, 6);
    assert_int_equal(st.has_head, 1);
    assert_int_equal(st.t[0].kind, ASM_PUNCT);
    assert_int_equal(asm_next_stmt(lx, &st), 0);
    asm_lexer_free(lx);
    free(text);
}

/* ---- classification and log ---- */

typedef struct fixture {
    jumpas_ctl ctl;
    jas_scan s;
    jerr e;
} fixture;

static void load(jf_file *f, const char *path, jf_kind kind, const char *text)
{
    jerr e;
    if (!text) {
        memset(f, 0, sizeof *f);
        return;
    }
    assert_int_equal(jf_parse(path, text, strlen(text), kind, 0, f, &e), 0);
}

static int run_scan(fixture *x, const char *funcs, const char *vars, const char *ignore,
                    const char *src)
{
    size_t len;
    char *text = dup2nul(src, &len);
    memset(x, 0, sizeof *x);
    load(&x->ctl.funcs, "jump.funcs", JF_FUNCS, funcs);
    load(&x->ctl.vars, "jump.vars", JF_VARS, vars);
    load(&x->ctl.ignore, "jump.ignore", JF_IGNORE, ignore);
    jas_init(&x->s, &x->ctl);
    assert_int_equal(jas_scan_text(&x->s, "t.s", text, len, &x->e), 0);
    return jas_finish(&x->s, &x->e);
}

static void done(fixture *x)
{
    jas_free(&x->s);
    jumpas_ctl_free(&x->ctl);
}

static char *log_of(fixture *x)
{
    buf b = {0};
    jas_log_lines(&x->s, "libxyz", "obj", &b);
    return buf_cstr(&b);
}

/* What gcc -m32 -O0 -fno-pic -fcommon -S makes of a file with every kind of global. */
static const char i386_src[] =
    "\t.file\t\"u.c\"\n"
    "\t.text\n"
    "\t.globl\tcounter\n"
    "\t.data\n"
    "\t.align 4\n"
    "\t.type\tcounter, @object\n"
    "\t.size\tcounter, 4\n"
    "counter:\n"
    "\t.long\t5\n"
    "\t.globl\tmsg\n"
    "\t.section\t.rodata\n"
    ".LC0:\n"
    "\t.string\t\"hi\"\n"
    "\t.data\n"
    "\t.type\tmsg, @object\n"
    "\t.size\tmsg, 4\n"
    "msg:\n"
    "\t.long\t.LC0\n"
    "\t.globl\tro\n"
    "\t.section\t.rodata\n"
    "\t.type\tro, @object\n"
    "\t.size\tro, 12\n"
    "ro:\n"
    "\t.long\t1\n"
    "\t.comm\tzero,4,4\n"
    "\t.local\thidden\n"
    "\t.comm\thidden,4,4\n"
    "\t.text\n"
    "\t.weak\twk\n"
    "\t.type\twk, @function\n"
    "wk:\n"
    "\tmovl\t$1, %eax\n"
    "\tret\n"
    "\t.size\twk, .-wk\n"
    "\t.type\tsf, @function\n"
    "sf:\n"
    "\tmovl\thidden, %eax\n"
    "\tret\n"
    "\t.size\tsf, .-sf\n"
    "\t.globl\tf\n"
    "\t.type\tf, @function\n"
    "f:\n"
    "\tpushl\t4(%esp)\n"
    "\tcall\tsf\n"
    "\taddl\t$4, %esp\n"
    "\tret\n"
    "\t.size\tf, .-f\n"
    "\t.globl\tal\n"
    "\t.set\tal,f\n"
    "\t.globl\tg\n"
    "\t.type\tg, @function\n"
    "g:\n"
    "\tcall\tf\n"
    "\tmovl\t$f, %eax\n"
    "\tret\n"
    "\t.size\tg, .-g\n"
    "\t.ident\t\"GCC\"\n"
    "\t.section\t.note.GNU-stack,\"\",@progbits\n";

static void test_log_gcc_i386(void **state)
{
    fixture x;
    char *log;
    (void)state;
    assert_int_equal(run_scan(&x, NULL, NULL, NULL, i386_src), 0);
    log = log_of(&x);
    assert_string_equal(log, "00000004 D counter\tlibxyz\tobj\n"
                             "00000004 D msg\tlibxyz\tobj\n"
                             "0000000c K ro\tlibxyz\tobj\n"
                             "00000004 C zero\tlibxyz\tobj\n"
                             "00000000 T wk\tlibxyz\tobj\n"
                             "00000000 T f\tlibxyz\tobj\n"
                             "00000000 T al\tlibxyz\tobj\n"
                             "00000000 T g\tlibxyz\tobj\n");
    free(log);
    done(&x);
}

/* .hidden and .internal globals are logged with the "hidden" note; .protected ones are not
 * hidden (they are still exported). */
static void test_log_hidden(void **state)
{
    fixture x;
    char *log;
    (void)state;
    assert_int_equal(run_scan(&x, NULL, NULL, NULL,
                              "\t.text\n\t.globl\thf\n\t.hidden\thf\nhf:\tret\n"
                              "\t.globl\tpf\n\t.protected\tpf\npf:\tret\n"
                              "\t.data\n\t.globl\thv\n\t.internal\thv\n\t.type\thv, @object\n"
                              "\t.size\thv, 4\nhv:\t.long 1\n"),
                     0);
    log = log_of(&x);
    assert_string_equal(log, "00000000 T hf\tlibxyz\tobj\t# hidden\n"
                             "00000000 T pf\tlibxyz\tobj\n"
                             "00000004 D hv\tlibxyz\tobj\t# hidden\n");
    free(log);
    done(&x);
}

/* Thread-local storage is refused by the scan: the first definition or use, with the C file
 * and line when .file and .loc give them. */
static void test_tls_refused(void **state)
{
    static const struct {
        const char *src, *msg;
    } cases[] = {
        {"\t.file\t\"t.c\"\n\t.text\nf:\n\t.loc 1 7 3\n\tmovl\t%gs:tc@ntpoff, %eax\n\tret\n",
         "t.c:7: thread-local variable 'tc' used"},
        {"\t.file\t\"t.c\"\n\t.text\nf:\tmovq\tev@gottpoff(%rip), %rax\n",
         "t.c (assembly line 3): thread-local variable 'ev' used"},
        {"\t.globl\ttd\n\t.section\t.tbss,\"awT\",@nobits\ntd:\t.zero 4\n",
         "t.s:3: thread-local variable 'td' defined"},
        {"\t.section\t.mytls,\"awT\",@progbits\nx:\t.long 1\n",
         "t.s:2: thread-local variable 'x' defined"},
        {"\t.tls_common\ttc2,4,4\n", "t.s:1: thread-local variable 'tc2' defined"},
        {"\tleal\ttg@tlsgd(,%ebx,1), %eax\n", "t.s:1: thread-local variable 'tg' used"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture x;
        size_t len;
        char *text = dup2nul(cases[i].src, &len);
        memset(&x, 0, sizeof x);
        load(&x.ctl.funcs, "jump.funcs", JF_FUNCS, NULL);
        load(&x.ctl.vars, "jump.vars", JF_VARS, NULL);
        load(&x.ctl.ignore, "jump.ignore", JF_IGNORE, NULL);
        jas_init(&x.s, &x.ctl);
        assert_int_equal(jas_scan_text(&x.s, "t.s", text, len, &x.e), -1);
        assert_int_equal(x.e.status, EXIT_BAD);
        if (strncmp(x.e.msg, cases[i].msg, strlen(cases[i].msg)))
            fail_msg("case %zu: '%s' does not start with '%s'", i, x.e.msg, cases[i].msg);
        assert_non_null(strstr(x.e.msg, "make it an ordinary variable"));
        done(&x);
    }
}

static void test_log_skips_described(void **state)
{
    fixture x;
    char *log;
    (void)state;
    assert_int_equal(run_scan(&x, "00000000 T f libxyz u\n", "00000004 D counter libxyz u\n",
                              "00000000 T wk libxyz u\n00000000 K ro libxyz u\n", i386_src), 0);
    log = log_of(&x);
    assert_string_equal(log, "00000004 D msg\tlibxyz\tobj\n"
                             "00000004 C zero\tlibxyz\tobj\n"
                             "00000000 T al\tlibxyz\tobj\n"
                             "00000000 T g\tlibxyz\tobj\n");
    free(log);
    done(&x);
}

static char type_of(fixture *x, const char *name, uint64_t *size)
{
    long i = jas_find(&x->s, name);
    assert_true(i >= 0);
    return jas_sym_type(&x->s, (size_t)i, size);
}

static void test_sections_and_type_forms(void **state)
{
    fixture x;
    uint64_t size;
    (void)state;
    assert_int_equal(run_scan(&x, NULL, NULL, NULL,
                              "\t.section .data.rel.local,\"aw\"\n"
                              "\t.type a, @object\n\t.size a, 8\na:\t.quad 0\n"
                              "\t.section .data.rel.ro,\"aw\"\nb: .quad 0\n"
                              "\t.section .rodata.str1.1,\"aMS\",@progbits,1\nc: .string \"x\"\n"
                              "\t.section .bss.big,\"aw\",@nobits\n\t.size d, 0x40\nd: .zero 64\n"
                              "\t.section mytext,\"ax\",@progbits\ne: ret\n"
                              "\t.section mybss,\"aw\",%nobits\nf1: .zero 4\n"
                              "\t.section myro,\"a\"\ng1: .long 1\n"
                              "\t.pushsection .text.startup,\"ax\",@progbits\nh: ret\n"
                              "\t.popsection\ni: .long 2\n"
                              "\t.text\n\t.data\n\t.previous\nj: ret\n"
                              "\t.previous\nk: .long 1\n"
                              "\t.bss\n\t.type l, %function\nl: ret\n"
                              "\t.type m, STT_FUNC\nm: ret\n"
                              "\t.type n, \"function\"\nn: ret\n"
                              "\t.type o, @gnu_indirect_function\no: ret\n"
                              "\t.data\n\t.type p, @object\n\t.lcomm q, 16\n"
                              "\tr = p\n\t.equ s, q\n\t.set t, e\n"),
                     0);
    assert_int_equal(type_of(&x, "a", &size), 'D');
    assert_int_equal(size, 8);
    assert_int_equal(type_of(&x, "b", &size), 'D');
    assert_int_equal(type_of(&x, "c", &size), 'K');
    assert_int_equal(type_of(&x, "d", &size), 'C');
    assert_int_equal(size, 64);
    assert_int_equal(type_of(&x, "e", &size), 'T');
    assert_int_equal(type_of(&x, "f1", &size), 'C');
    assert_int_equal(type_of(&x, "g1", &size), 'K');
    assert_int_equal(type_of(&x, "h", &size), 'T');
    assert_int_equal(type_of(&x, "i", &size), 'K'); /* back in myro after .popsection */
    assert_int_equal(type_of(&x, "j", &size), 'T'); /* .previous: .text */
    assert_int_equal(type_of(&x, "k", &size), 'D'); /* .previous again: .data */
    assert_int_equal(type_of(&x, "l", &size), 'T');
    assert_int_equal(type_of(&x, "m", &size), 'T');
    assert_int_equal(type_of(&x, "n", &size), 'T');
    assert_int_equal(type_of(&x, "o", &size), 'T');
    assert_int_equal(type_of(&x, "q", &size), 'C');
    assert_int_equal(size, 16);
    assert_int_equal(type_of(&x, "s", &size), 'C'); /* alias of q */
    assert_int_equal(type_of(&x, "t", &size), 'T'); /* alias of e */
    assert_true(jas_find(&x.s, "r") >= 0);
    /* Nothing was global: nothing to log. */
    {
        char *log = log_of(&x);
        assert_string_equal(log, "");
        free(log);
    }
    done(&x);
}

static void test_globals_and_commons(void **state)
{
    fixture x;
    char *log;
    (void)state;
    /* .globl after the label; .global with a list; common without .globl is global; static
     * common (.local) is not; a .weak reference without a definition is not a definition. */
    assert_int_equal(run_scan(&x, NULL, NULL, NULL,
                              "\t.data\nlate: .long 1\n\t.globl late\n"
                              "\t.global one, two\n\t.text\none: ret\ntwo: ret\n"
                              "\t.comm cm,12,4\n\t.local st\n\t.comm st,4,4\n"
                              "\t.weak undef_ref\n\tcall undef_ref\n"
                              "\t.globl unused\n"),
                     0);
    log = log_of(&x);
    assert_string_equal(log, "00000000 D late\tlibxyz\tobj\n"
                             "00000000 T one\tlibxyz\tobj\n"
                             "00000000 T two\tlibxyz\tobj\n"
                             "0000000c C cm\tlibxyz\tobj\n");
    free(log);
    done(&x);
}

/* What gcc -m64 -O2 -ffunction-sections -S makes of two functions calling each other. */
static const char x86_64_src[] =
    "\t.file\t\"v.c\"\n"
    "\t.text\n"
    "\t.section\t.text.f,\"ax\",@progbits\n"
    "\t.p2align 4\n"
    "\t.globl\tf\n"
    "\t.type\tf, @function\n"
    "f:\n"
    ".LFB0:\n"
    "\t.cfi_startproc\n"
    "\tleal\t1(%rdi), %eax\n"
    "\tret\n"
    "\t.cfi_endproc\n"
    ".LFE0:\n"
    "\t.size\tf, .-f\n"
    "\t.section\t.text.g,\"ax\",@progbits\n"
    "\t.globl\tg\n"
    "\t.type\tg, @function\n"
    "g:\n"
    "\tjmp\tf\t# tail call\n"
    "\t.size\tg, .-g\n"
    "\t.section\t.data.rel.local,\"aw\"\n"
    "\t.align 8\n"
    "\t.type\tfp, @object\n"
    "\t.size\tfp, 8\n"
    "fp:\n"
    "\t.quad\tf\n"
    "\t.globl\tfp\n"
    "\t.hidden\tf\n";

static void test_rename_x86_64(void **state)
{
    fixture x;
    buf b = {0};
    char *out, *log;
    (void)state;
    assert_int_equal(run_scan(&x, "00000000 T f libxyz v\n", NULL, NULL, x86_64_src), 0);
    jas_rewrite(&x.s, 0, &b);
    out = buf_cstr(&b);
    /* The definition is renamed everywhere; every reference still names the slot "f". */
    assert_string_equal(out,
                        "\t.file\t\"v.c\"\n"
                        "\t.text\n"
                        "\t.section\t.text.f,\"ax\",@progbits\n"
                        "\t.p2align 4\n"
                        "\t.globl\tf__LOCAL__\n"
                        "\t.type\tf__LOCAL__, @function\n"
                        "f__LOCAL__:\n"
                        ".LFB0:\n"
                        "\t.cfi_startproc\n"
                        "\tleal\t1(%rdi), %eax\n"
                        "\tret\n"
                        "\t.cfi_endproc\n"
                        ".LFE0:\n"
                        "\t.size\tf__LOCAL__, .-f__LOCAL__\n"
                        "\t.section\t.text.g,\"ax\",@progbits\n"
                        "\t.globl\tg\n"
                        "\t.type\tg, @function\n"
                        "g:\n"
                        "\tjmp\tf\t# tail call\n"
                        "\t.size\tg, .-g\n"
                        "\t.section\t.data.rel.local,\"aw\"\n"
                        "\t.align 8\n"
                        "\t.type\tfp, @object\n"
                        "\t.size\tfp, 8\n"
                        "fp:\n"
                        "\t.quad\tf\n"
                        "\t.globl\tfp\n"
                        "\t.hidden\tf__LOCAL__\n");
    free(out);
    log = log_of(&x);
    assert_string_equal(log, "00000000 T g\tlibxyz\tobj\n00000008 D fp\tlibxyz\tobj\n");
    free(log);
    done(&x);
}

static void test_rename_only_definitions(void **state)
{
    fixture x;
    buf b = {0};
    char *out;
    static const char src[] =
        "\t.globl ext\n"                 /* listed, not defined here: untouched */
        "\t.type function, @function\n"  /* a function named "function" */
        "function:\tcall ext\n"
        "\t.size function, .-function\n"
        "\t.weak w\nw: ret\n"
        "\t.set alias, w\n"              /* an alias of a renamed function: left alone */
        "\t.local lf\nlf: ret\n";
    (void)state;
    assert_int_equal(run_scan(&x, "0 T ext l o\n0 T function l o\n0 t w l o\n0 T lf l o\n",
                              NULL, NULL, src),
                     0);
    jas_rewrite(&x.s, 0, &b);
    out = buf_cstr(&b);
    assert_string_equal(out,
                        "\t.globl ext\n"
                        "\t.type function__LOCAL__, @function\n"
                        "function__LOCAL__:\tcall ext\n"
                        "\t.size function__LOCAL__, .-function__LOCAL__\n"
                        "\t.weak w__LOCAL__\nw__LOCAL__: ret\n"
                        "\t.set alias, w\n"
                        "\t.local lf__LOCAL__\nlf__LOCAL__: ret\n");
    free(out);
    assert_int_equal(x.s.in[0].nedits, 8);
    done(&x);
}

/* Streaming (jumpas sends as each settled prefix during the scan): jas_settled stops at the
 * first rename whose symbol is not defined yet and at the first instruction the rewrite may
 * replace; the settled prefix's text is the final one; jas_rewrite_range pieces cut anywhere
 * but inside a replaced statement add up to jas_rewrite's text. */
static void test_settled_prefix_and_ranges(void **state)
{
    static const char head[] = "\t.globl\tg\ng:\tret\n\t.globl\tf\n";
    static const char src[] = "\t.globl\tg\ng:\tret\n\t.globl\tf\n\tnop\nf:\tret\n"
                              "\tmovl\tv(%rip), %eax\n\tret\n";
    fixture x;
    size_t len, settled;
    char *text = dup2nul(head, &len), *prefix, *whole;
    buf b = {0};
    (void)state;
    memset(&x, 0, sizeof x);
    load(&x.ctl.funcs, "jump.funcs", JF_FUNCS, "00000000 T f libxyz t\n00000000 T g libxyz t\n");
    load(&x.ctl.vars, "jump.vars", JF_VARS, "00000004 D v libxyz t\n");
    /* f is not defined (yet): the prefix ends where its suffix would go. */
    jas_init(&x.s, &x.ctl);
    assert_int_equal(jas_scan_text(&x.s, "t.s", text, len, &x.e), 0);
    assert_int_equal(jas_settled(&x.s, len), strlen("\t.globl\tg\ng:\tret\n\t.globl\tf"));
    jas_free(&x.s);
    /* f defined: the prefix runs to the instruction naming the variable v. */
    text = dup2nul(src, &len);
    jas_init(&x.s, &x.ctl);
    assert_int_equal(jas_scan_text(&x.s, "t.s", text, len, &x.e), 0);
    settled = jas_settled(&x.s, len);
    assert_int_equal(settled, strstr(src, "movl") - src);
    jas_rewrite_range(&x.s, 0, 0, settled, &b);
    prefix = buf_cstr(&b);
    assert_string_equal(prefix, "\t.globl\tg__LOCAL__\ng__LOCAL__:\tret\n\t.globl\tf__LOCAL__\n"
                                "\tnop\nf__LOCAL__:\tret\n\t");
    assert_int_equal(jas_finish(&x.s, &x.e), 0);
    memset(&b, 0, sizeof b);
    jas_rewrite(&x.s, 0, &b);
    whole = buf_cstr(&b);
    assert_true(strncmp(whole, prefix, strlen(prefix)) == 0);
    assert_non_null(strstr(whole + strlen(prefix), "__GOT_v"));
    assert_int_equal(x.s.nrepl, 1);
    for (size_t cut = 0; cut <= len; cut++) {
        char *joined;
        if (cut > x.s.repl[0].off && cut < x.s.repl[0].end)
            continue; /* never inside a replaced instruction */
        memset(&b, 0, sizeof b);
        jas_rewrite_range(&x.s, 0, 0, cut, &b);
        jas_rewrite_range(&x.s, 0, cut, len, &b);
        joined = buf_cstr(&b);
        assert_string_equal(joined, whole);
        free(joined);
    }
    free(prefix);
    free(whole);
    done(&x);
}

static void test_no_controls_no_change(void **state)
{
    fixture x;
    buf b = {0};
    (void)state;
    assert_int_equal(run_scan(&x, NULL, NULL, NULL, x86_64_src), 0);
    assert_int_equal(x.s.in[0].nedits, 0);
    jas_rewrite(&x.s, 0, &b);
    assert_int_equal(b.len, strlen(x86_64_src));
    assert_memory_equal(b.p, x86_64_src, b.len);
    buf_free(&b);
    done(&x);
}

static void test_function_listed_in_vars(void **state)
{
    fixture x;
    (void)state;
    assert_int_equal(run_scan(&x, NULL, "00000004 D g libxyz v\n", NULL, x86_64_src), -1);
    assert_string_equal(x.e.msg, "t.s:18: Function g incorrectly listed in jump.vars");
    assert_int_equal(x.e.status, EXIT_BAD);
    done(&x);
    /* A variable listed in jump.vars is fine: its definition is diverted (issue B), the
     * label, its data and its .type/.size leave the text, the lines stay. */
    assert_int_equal(run_scan(&x, NULL, "00000008 D fp libxyz v\n", NULL, x86_64_src), 0);
    assert_int_equal(x.s.ngvar, 1);
    assert_string_equal(x.s.gvar[0].file, "_GVAR_1.s");
    assert_string_equal(x.s.gvar[0].text,
                        "# _GVAR_1.s: fp from a (generated by jumpas)\n"
                        "\t.section\t.data.rel.local,\"aw\"\n"
                        "\t.balign 8\n"
                        "\t.globl fp\n\t.type fp, @object\n\t.size fp, 8\n"
                        "fp:\n"
                        "\t.quad\tf\n"
                        "\t.section .note.GNU-stack,\"\",@progbits\n");
    {
        buf b = {0};
        char *out;
        jas_rewrite(&x.s, 0, &b);
        out = buf_cstr(&b);
        assert_non_null(strstr(out, "\t.align 8\n\t\n\t\n\n\t\n\t\n\t.hidden\tf\n"));
        assert_null(strstr(out, "fp:"));
        free(out);
    }
    done(&x);
}

/* ---- operand grammar ---- */

/* The operands of one instruction, described: "R" register, "I[expr]" immediate,
 * "M[disp](base,idx,scale)" memory, '*' for indirect, "S:" for a segment; joined with ' '. */
static char *operands(const char *src)
{
    size_t len;
    char *text = dup2nul(src, &len);
    asm_lexer *lx = asm_lexer_new(text, len);
    asm_stmt st;
    opd_state o;
    buf b = {0};
    assert_int_equal(asm_next_stmt(lx, &st), 1);
    if (opd_parse(&o, text, st.t + 1, st.n - 1) != 0) {
        buf_adds(&b, "ERROR");
    } else {
        for (size_t i = 0; i < o.nop; i++) {
            const asm_opd *d = &o.op[i];
            const asm_tok *t = st.t + 1;
#define SPAN(s) (int)((s).last + 1 == (s).first ? 0 : t[(s).last].off + t[(s).last].len - t[(s).first].off), \
                text + t[(s).first].off
            if (i)
                buf_addc(&b, ' ');
            if (d->star)
                buf_addc(&b, '*');
            if (d->seg >= 0)
                buf_adds(&b, "S:");
            if (d->kind == OPD_REG)
                buf_adds(&b, "R");
            else if (d->kind == OPD_IMM)
                buf_printf(&b, "I[%.*s]", SPAN(d->expr));
            else {
                buf_printf(&b, "M[%.*s]", SPAN(d->expr));
                if (d->parens)
                    buf_printf(&b, "(%s,%s,%.*s)", d->base >= 0 ? "b" : "", d->idx >= 0 ? "x" : "",
                               SPAN(d->scale));
            }
#undef SPAN
        }
    }
    asm_lexer_free(lx);
    free(text);
    return buf_cstr(&b);
}

static void test_operand_grammar(void **state)
{
    static const struct { const char *in, *want; } c[] = {
        {"ret", ""},
        {"movl v, %eax", "M[v] R"},
        {"movl v+4(%ebx), %eax", "M[v+4](b,,) R"},
        {"movl v(%ebx,%ecx,4), %eax", "M[v](b,x,4) R"},
        {"movl v-8(,%ecx,2), %eax", "M[v-8](,x,2) R"},
        {"movl (%esp), %eax", "M[](b,,) R"},
        {"movl $v+12, w", "I[v+12] M[w]"},
        {"jmp *v(,%eax,4)", "*M[v](,x,4)"},
        {"call *%eax", "*R"},
        {"movl %gs:20, %eax", "S:M[20] R"},
        {"movq v@GOTPCREL(%rip), %rax", "M[v@GOTPCREL](b,,) R"},
        {"movl (v+4)*2(%eax), %eax", "M[(v+4)*2](b,,) R"},
        {"movl -(v), %eax", "M[-(v)] R"},
        {"vmovdqu32 v, %zmm0{%k1}", "ERROR"},
        {"movl v(%eax, %eax", "ERROR"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *got = operands(c[i].in);
        if (strcmp(got, c[i].want))
            fail_msg("'%s': got '%s', want '%s'", c[i].in, got, c[i].want);
        free(got);
    }
}

/* ---- rewriting one instruction ---- */

static int test_classify(void *ctx, const char *p, size_t n)
{
    (void)ctx;
    if ((n == 1 && (p[0] == 'v' || p[0] == 'w')))
        return RW_EXPORTED;
    if (n == 3 && !memcmp(p, "imp", 3))
        return RW_IMPORTED;
    return RW_NONE;
}

/* The rewrite of one instruction ("=0" if none, "!msg" for an error). */
static char *rewrite1(const arch *a, const char *src)
{
    size_t len;
    char *text = dup2nul(src, &len);
    asm_lexer *lx = asm_lexer_new(text, len);
    asm_stmt st;
    rw_ctx c = {a, text, test_classify, NULL, "t.s", 7};
    buf b = {0};
    jerr e;
    int rc;
    assert_int_equal(asm_next_stmt(lx, &st), 1);
    rc = rw_insn(&c, st.t + st.nlabels, st.n - st.nlabels, &b, &e);
    if (rc < 0)
        buf_printf(&b, "!%s", e.msg);
    else if (rc == 0)
        buf_adds(&b, "=0");
    asm_lexer_free(lx);
    free(text);
    return buf_cstr(&b);
}

typedef struct rw_case {
    const char *in, *want;
} rw_case;

static void check_rewrites(const arch *a, const rw_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = rewrite1(a, c[i].in);
        if (strcmp(got, c[i].want))
            fail_msg("'%s':\n got '%s'\nwant '%s'", c[i].in, got, c[i].want);
        free(got);
    }
}

static void test_rewrite_i386(void **state)
{
    static const rw_case c[] = {
        {"movl %eax, %ebx", "=0"},
        {"movl x, %eax", "=0"},
        /* A load into a register the source does not use: that register, nothing saved. */
        {"movl v, %eax", "movl __GOT_v, %eax; movl (%eax), %eax"},
        {"movzbl v+3, %ecx", "movl __GOT_v, %ecx; movzbl 3(%ecx), %ecx"},
        {"leal v(,%edx,4), %eax", "movl __GOT_v, %eax; leal (%eax,%edx,4), %eax"},
        /* The destination is the index: ebx is saved around it. */
        {"movl v(,%eax,4), %eax", "pushl %ebx; movl __GOT_v, %ebx; movl (%ebx,%eax,4), %eax; popl %ebx"},
        /* Base and index: one lea (flags untouched) folds the base in. */
        {"cmpb $0, v(%ebx,%eax)", "pushl %ecx; movl __GOT_v, %ecx; leal (%ecx,%ebx), %ecx; cmpb $0, (%ecx,%eax); popl %ecx"},
        {"incl v", "pushl %ebx; movl __GOT_v, %ebx; incl (%ebx); popl %ebx"},
        {"cmpb $0, v(%eax)", "pushl %ebx; movl __GOT_v, %ebx; cmpb $0, (%ebx,%eax); popl %ebx"},
        {"movl v(%ebx), %ecx", "movl __GOT_v, %ecx; movl (%ecx,%ebx), %ecx"},
        {"movq v+8, %xmm1", "pushl %ebx; movl __GOT_v, %ebx; movq 8(%ebx), %xmm1; popl %ebx"},
        {"movw %ax, 2+v", "pushl %ebx; movl __GOT_v, %ebx; movw %ax, 2+0(%ebx); popl %ebx"},
        {"fistpll v", "pushl %ebx; movl __GOT_v, %ebx; fistpll (%ebx); popl %ebx"},
        /* A byte load keeps the rest of its register: not a pure load. */
        {"movb v, %al", "pushl %ebx; movl __GOT_v, %ebx; movb (%ebx), %al; popl %ebx"},
        {"addl %eax, v-4", "pushl %ebx; movl __GOT_v, %ebx; addl %eax, -4(%ebx); popl %ebx"},
        {"fldl v+8", "pushl %ebx; movl __GOT_v, %ebx; fldl 8(%ebx); popl %ebx"},
        {"movss v, %xmm0", "pushl %ebx; movl __GOT_v, %ebx; movss (%ebx), %xmm0; popl %ebx"},
        /* Implicit eax/edx: not taken. */
        {"idivl imp", "pushl %ebx; movl __GOT_imp, %ebx; idivl (%ebx); popl %ebx"},
        {"lock cmpxchgl %ebx, v", "pushl %ecx; movl __GOT_v, %ecx; lock cmpxchgl %ebx, (%ecx); popl %ecx"},
        /* $v: the cell is the value. */
        {"movl $v, %eax", "movl __GOT_v, %eax"},
        {"pushl $v", "pushl __GOT_v"},
        {"cmpl $v, %eax", "cmpl __GOT_v, %eax"},
        {"pushl $v+8", "pushl %ebx; movl __GOT_v, %ebx; leal 8(%ebx), %ebx; xchgl %ebx, (%esp)"},
        {"pushl v+4", "pushl %ebx; movl __GOT_v, %ebx; movl 4(%ebx), %ebx; xchgl %ebx, (%esp)"},
        /* Stack operands move by what was pushed. */
        {"movl $v, 4(%esp)", "pushl %ebx; movl __GOT_v, %ebx; movl %ebx, 4+4(%esp); popl %ebx"},
        {"movl $v, (%esp)", "pushl %ebx; movl __GOT_v, %ebx; movl %ebx, 4(%esp); popl %ebx"},
        /* Two fixes in one instruction. */
        {"movl $v, w", "pushl %ebx; pushl %eax; movl __GOT_v, %ebx; movl __GOT_w, %eax; movl %ebx, (%eax); popl %eax; popl %ebx"},
        {"cmpl $v, imp+4", "pushl %ebx; pushl %eax; movl __GOT_v, %ebx; movl __GOT_imp, %eax; cmpl %ebx, 4(%eax); popl %eax; popl %ebx"},
        /* Calls and jumps through a variable: a call-clobbered register, nothing saved. */
        {"call *v", "movl __GOT_v, %ecx; call *(%ecx)"},
        {"jmp *v(,%ecx,4)", "movl __GOT_v, %edx; jmp *(%edx,%ecx,4)"},
        {"jmp *.L4(,%eax,4)", "=0"},
        {"call v", "!t.s:7: Function v incorrectly listed in jump.vars"},
        {"rep stosl v", "!t.s:7: cannot rewrite 'rep stosl v' (reference to exported variable 'v')"},
        {"movl  v@GOTOFF(%ebx),\t%eax", "!t.s:7: cannot rewrite 'movl v@GOTOFF(%ebx), %eax' (reference to exported variable 'v')"},
    };
    (void)state;
    check_rewrites(&arch_i386, c, sizeof c / sizeof c[0]);
}

static void test_rewrite_x86_64(void **state)
{
    static const rw_case c[] = {
        {"movl v(%rip), %eax", "movq __GOT_v(%rip), %rax; movl (%rax), %eax"},
        {"movq v+8(%rip), %rdx", "movq __GOT_v(%rip), %rdx; movq 8(%rdx), %rdx"},
        {"movl %eax, v(%rip)", "pushq %r11; movq __GOT_v(%rip), %r11; movl %eax, (%r11); popq %r11"},
        {"addl imp(,%rdi,4), %eax", "pushq %r11; movq __GOT_imp(%rip), %r11; addl (%r11,%rdi,4), %eax; popq %r11"},
        /* the address may lie above 4 GB (a PIE program's copy): the whole register */
        {"movl $v, %edi", "movq __GOT_v(%rip), %rdi"},
        {"mov $v, %r9d", "movq __GOT_v(%rip), %r9"},
        {"movl $v+4, %eax", "movq __GOT_v(%rip), %rax; leaq 4(%rax), %rax"},
        {"cmpl $v, %eax", "cmpl __GOT_v(%rip), %eax"},
        {"cmpq $v, %rdi", "cmpq __GOT_v(%rip), %rdi"},
        {"movq $v+4, 8(%rsp)", "pushq %r11; movq __GOT_v(%rip), %r11; leaq 4(%r11), %r11; movq %r11, 8+8(%rsp); popq %r11"},
        {"movl $v, (%rsp)", "pushq %r11; movq __GOT_v(%rip), %r11; movl %r11d, 8(%rsp); popq %r11"},
        {"leaq v(%rip), %rax", "movq __GOT_v(%rip), %rax; leaq (%rax), %rax"},
        {"movsd %xmm0, v+16(%rip)", "pushq %r11; movq __GOT_v(%rip), %r11; movsd %xmm0, 16(%r11); popq %r11"},
        {"incl v(%r11)", "pushq %r10; movq __GOT_v(%rip), %r10; incl (%r10,%r11); popq %r10"},
        {"jmp *v(%rip)", "movq __GOT_v(%rip), %r11; jmp *(%r11)"},
        {"pushq v(%rip)", "pushq %r11; movq __GOT_v(%rip), %r11; movq (%r11), %r11; xchgq %r11, (%rsp)"},
        {"movl v(%eax), %ecx", "!t.s:7: cannot rewrite 'movl v(%eax), %ecx' (reference to exported variable 'v': unexpected address register)"},
        {"movl v(%rax,%rip), %ecx", "!t.s:7: cannot rewrite 'movl v(%rax,%rip), %ecx' (reference to exported variable 'v': %rip is no index register)"},
        {"movl v(,%rip,2), %ecx", "!t.s:7: cannot rewrite 'movl v(,%rip,2), %ecx' (reference to exported variable 'v': %rip is no index register)"},
    };
    (void)state;
    check_rewrites(&arch_x86_64, c, sizeof c / sizeof c[0]);
}

/* Through the whole scan: the rewritten text keeps every untouched byte and every line. */
static void test_rewrite_in_text(void **state)
{
    static const char src[] =
        "\t.text\n\t.globl\tf\n\t.type\tf, @function\nf:\n"
        "\tmovl\tv, %eax\t# load\n"
        "\taddl\t$1, %eax\n"
        "\tmovl\t%eax, v\n"
        "\tret\n";
    fixture x;
    buf b = {0};
    char *out;
    (void)state;
    assert_int_equal(run_scan(&x, NULL, "00000004 D v libxyz other\n", NULL, src), 0);
    jas_rewrite(&x.s, 0, &b);
    out = buf_cstr(&b);
    assert_string_equal(out,
        "\t.text\n\t.globl\tf\n\t.type\tf, @function\nf:\n"
        "\tmovq __GOT_v(%rip), %rax; movl\t(%rax), %eax\t# load\n"
        "\taddl\t$1, %eax\n"
        "\tpushq %r11; movq __GOT_v(%rip), %r11; movl\t%eax, (%r11); popq %r11\n"
        "\tret\n");
    free(out);
    assert_int_equal(x.s.ngvar, 0); /* v is defined elsewhere */
    done(&x);
}

/* ---- arguments ---- */

static void parse(jumpas_args *a, const char *line)
{
    static char store[512], *argv[32];
    int argc = 0;
    jerr e;
    strcpy(store, line);
    for (char *t = strtok(store, " "); t; t = strtok(NULL, " "))
        argv[argc++] = t;
    assert_int_equal(jumpas_parse_args(argc, argv, a, &e), 0);
}

static const char *input(const jumpas_args *a, size_t i) { return a->argv[a->input[i]]; }

static void test_args(void **state)
{
    jumpas_args a;
    jerr e;
    char *bad[] = {"--32", "-o"};
    (void)state;
    parse(&a, "--32 -o t.o /tmp/cck22KLU.s");
    assert_ptr_equal(a.arch, &arch_i386);
    assert_string_equal(a.output, "t.o");
    assert_int_equal(a.ninput, 1);
    assert_string_equal(input(&a, 0), "/tmp/cck22KLU.s");
    jumpas_args_free(&a);

    parse(&a, "--gdwarf-5 --64 -o t.o");
    assert_ptr_equal(a.arch, &arch_x86_64);
    assert_int_equal(a.ninput, 0);
    jumpas_args_free(&a);

    parse(&a, "-v -odir/x.o -I inc --defsym A=1 -MD dep.d --MD dep2.d --debug-prefix-map a=b "
              "--debug-prefix-map=c=d -march=i686 -mtune generic -Q y -a=list.txt x.s - -- -y.s");
    assert_int_equal(a.verbose, 1);
    assert_string_equal(a.output, "dir/x.o");
    assert_ptr_equal(a.arch, arch_host());
    assert_int_equal(a.ninput, 3);
    assert_string_equal(input(&a, 0), "x.s");
    assert_string_equal(input(&a, 1), "-");
    assert_string_equal(input(&a, 2), "-y.s");
    assert_int_equal(a.no_preprocess, 0);
    jumpas_args_free(&a);

    parse(&a, "-f --x32 in.s -o out.o");
    assert_int_equal(a.no_preprocess, 1);
    assert_string_equal(a.output, "out.o");
    assert_int_equal(a.ninput, 1);
    jumpas_args_free(&a);

    assert_int_equal(jumpas_parse_args(2, bad, &a, &e), -1);
    assert_string_equal(e.msg, "option '-o' requires an argument");
    assert_int_equal(e.status, EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner_tokens),
        cmocka_unit_test(test_scanner_high_bytes),
        cmocka_unit_test(test_scanner_fallbacks),
        cmocka_unit_test(test_scanner_statements),
        cmocka_unit_test(test_log_gcc_i386),
        cmocka_unit_test(test_log_hidden),
        cmocka_unit_test(test_tls_refused),
        cmocka_unit_test(test_log_skips_described),
        cmocka_unit_test(test_sections_and_type_forms),
        cmocka_unit_test(test_globals_and_commons),
        cmocka_unit_test(test_rename_x86_64),
        cmocka_unit_test(test_rename_only_definitions),
        cmocka_unit_test(test_settled_prefix_and_ranges),
        cmocka_unit_test(test_no_controls_no_change),
        cmocka_unit_test(test_function_listed_in_vars),
        cmocka_unit_test(test_operand_grammar),
        cmocka_unit_test(test_rewrite_i386),
        cmocka_unit_test(test_rewrite_x86_64),
        cmocka_unit_test(test_rewrite_in_text),
        cmocka_unit_test(test_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
