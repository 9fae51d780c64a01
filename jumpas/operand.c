/* operand.c: the token feed and the actions of the operand grammar (operand_parse.y). */
#include "asm_scan.h"
#include "operand_parse.h"

#include <string.h>

int opd_yylex(OPD_YYSTYPE *lval, opd_span *lloc, opd_state *st)
{
    const asm_tok *t;
    const char *p;
    (void)lval;
    if (st->pos >= st->n) {
        lloc->first = lloc->last = st->n ? st->n - 1 : 0;
        return 0;
    }
    lloc->first = lloc->last = st->pos;
    t = &st->t[st->pos++];
    p = st->text + t->off;
    switch (t->kind) {
    case ASM_REG: return REG;
    case ASM_IDENT:
    case ASM_MNEMONIC: return IDENT;
    case ASM_NUMBER:
    case ASM_CHAR: return NUMBER;
    case ASM_PUNCT:
        if (t->len == 2)
            return OP2;
        if (t->len == 1 && strchr("+-*/%|&^!<>~()$,:@", p[0]))
            return (unsigned char)p[0];
        return OTHER;
    default: return OTHER;
    }
}

/* An operand with nothing in it yet: no registers, empty spans. */
static void reset(asm_opd *o)
{
    memset(o, 0, sizeof *o);
    o->reg = o->seg = o->base = o->idx = -1;
    o->expr = o->scale = (opd_span){1, 0};
}

static void finish(opd_state *st, int kind, int star, opd_span all)
{
    asm_opd *o = &st->cur;
    o->kind = kind;
    o->star = star;
    o->all = all;
    if (st->nop < OPD_MAX)
        st->op[st->nop++] = *o;
    else
        st->overflow = 1;
    reset(o);
}

int opd_parse(opd_state *st, const char *text, const asm_tok *t, size_t n)
{
    memset(st, 0, sizeof *st);
    st->text = text;
    st->t = t;
    st->n = n;
    reset(&st->cur);
    if (opd_yyparse(st) != 0 || st->overflow)
        return -1;
    return 0;
}

void opd_reg(opd_state *st, opd_span reg, int star, opd_span all)
{
    st->cur.reg = (long)reg.first;
    finish(st, OPD_REG, star, all);
}

void opd_imm(opd_state *st, opd_span expr, opd_span all)
{
    st->cur.expr = expr;
    finish(st, OPD_IMM, 0, all);
}

void opd_disp(opd_state *st, opd_span expr)
{
    st->cur.expr = expr;
}

void opd_seg(opd_state *st, opd_span reg)
{
    st->cur.seg = (long)reg.first;
}

void opd_bis(opd_state *st, long base, long idx, opd_span scale)
{
    st->cur.base = base;
    st->cur.idx = idx;
    st->cur.scale = scale;
    st->cur.parens = 1;
}

void opd_done(opd_state *st, int kind, int star, opd_span all)
{
    finish(st, kind, star, all);
}
