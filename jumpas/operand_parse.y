/* operand_parse.y: the operands of one AT&T x86 instruction (after its mnemonic), over the
 * tokens of jumpas/asm_scan.l. Locations are token ranges; every action is one call into
 * jumpas/operand.c. */
%define api.pure full
%define api.prefix {opd_yy}
%define api.location.type {opd_span}
%locations
%param {opd_state *st}

%code requires {
/* The operands of one AT&T x86 instruction as this grammar sees them: each a register, an
 * immediate or a memory reference, described by ranges of the scanner's tokens. */
#include <stddef.h>

struct asm_tok;

enum { OPD_REG = 1, OPD_IMM, OPD_MEM };
enum { OPD_MAX = 8 };

/* A range of tokens [first, last]; empty when last + 1 == first (then first is where it
 * would be). */
typedef struct opd_span {
    size_t first, last;
} opd_span;

typedef struct asm_opd {
    int kind;        /* OPD_* */
    int star;        /* '*' before it (indirect call or jump) */
    opd_span all;    /* every token of the operand, '*' included */
    opd_span expr;   /* OPD_IMM: the expression after '$'; OPD_MEM: the displacement */
    long reg;        /* OPD_REG: the register token */
    long seg;        /* segment register token ("%fs:"), or -1 */
    long base, idx;  /* register tokens, or -1 */
    opd_span scale;  /* the scale expression (empty if none) */
    int parens;      /* OPD_MEM written with "(...)" */
} asm_opd;

/* The parser's state; the grammar's actions call the opd_* functions below with it. */
typedef struct opd_state {
    const char *text;
    const struct asm_tok *t; /* the operand tokens */
    size_t n, pos;       /* count, next token for the lexer */
    asm_opd op[OPD_MAX];
    size_t nop;
    asm_opd cur;         /* the operand being built */
    int overflow;        /* more than OPD_MAX operands */
} opd_state;

/* Parse operand tokens t[0..n) of one statement (the head excluded). 0 with st->op[0..nop)
 * filled, or -1 if the tokens are not operands the grammar knows. */
int opd_parse(opd_state *st, const char *text, const struct asm_tok *t, size_t n);

/* Actions (one call each). */
void opd_reg(opd_state *st, opd_span reg, int star, opd_span all);
void opd_imm(opd_state *st, opd_span expr, opd_span all);
void opd_disp(opd_state *st, opd_span expr);
void opd_seg(opd_state *st, opd_span reg);
void opd_bis(opd_state *st, long base, long idx, opd_span scale);
void opd_done(opd_state *st, int kind, int star, opd_span all);

}
%code provides {
/* The token feed (jumpas/operand.c). */
int opd_yylex(OPD_YYSTYPE *lval, opd_span *lloc, opd_state *st);
}
%code {
static void opd_yyerror(opd_span *loc, opd_state *st, const char *msg)
{
    (void)loc, (void)st, (void)msg; /* the caller says what it could not rewrite */
}
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                    \
    do {                                                               \
        if (N) {                                                       \
            (Cur).first = YYRHSLOC(Rhs, 1).first;                      \
            (Cur).last = YYRHSLOC(Rhs, N).last;                        \
        } else {                                                       \
            (Cur).first = YYRHSLOC(Rhs, 0).last + 1;                   \
            (Cur).last = YYRHSLOC(Rhs, 0).last;                        \
        }                                                              \
    } while (0)
}

%token REG IDENT NUMBER OP2 OTHER
%left OP2 '|' '&' '^' '!' '<' '>'
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%%
operands
    : %empty
    | list
    ;
list
    : operand
    | list ',' operand
    ;
operand
    : REG                       { opd_reg(st, @1, 0, @$); }
    | '$' expr                  { opd_imm(st, @2, @$); }
    | '*' REG                   { opd_reg(st, @2, 1, @$); }
    | '*' mem                   { opd_done(st, OPD_MEM, 1, @$); }
    | mem                       { opd_done(st, OPD_MEM, 0, @$); }
    | seg mem                   { opd_done(st, OPD_MEM, 0, @$); }
    | '*' seg mem               { opd_done(st, OPD_MEM, 1, @$); }
    ;
seg
    : REG ':'                   { opd_seg(st, @1); }
    ;
mem
    : expr                      { opd_disp(st, @1); }
    | expr '(' bis ')'          { opd_disp(st, @1); }
    | '(' bis ')'               { opd_disp(st, (opd_span){@1.first, @1.first - 1}); }
    ;
bis
    : REG                       { opd_bis(st, (long)@1.first, -1, (opd_span){@1.last + 1, @1.last}); }
    | REG ','                   { opd_bis(st, (long)@1.first, -1, (opd_span){@2.last + 1, @2.last}); }
    | REG ',' REG               { opd_bis(st, (long)@1.first, (long)@3.first, (opd_span){@3.last + 1, @3.last}); }
    | REG ',' REG ',' expr      { opd_bis(st, (long)@1.first, (long)@3.first, @5); }
    | ',' REG                   { opd_bis(st, -1, (long)@2.first, (opd_span){@2.last + 1, @2.last}); }
    | ',' REG ',' expr          { opd_bis(st, -1, (long)@2.first, @4); }
    ;
expr
    : term
    | expr '+' expr
    | expr '-' expr
    | expr '*' expr
    | expr '/' expr
    | expr '%' expr
    | expr '|' expr
    | expr '&' expr
    | expr '^' expr
    | expr '!' expr
    | expr '<' expr
    | expr '>' expr
    | expr OP2 expr
    | '-' expr %prec UNARY
    | '~' expr %prec UNARY
    | '!' expr %prec UNARY
    | '(' expr ')'
    ;
term
    : IDENT
    | IDENT '@' IDENT
    | NUMBER
    ;
%%
