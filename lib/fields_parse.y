/* fields_parse.y: a file is a sequence of lines; a line is fields, an optional comment and
 * a newline (fields.c supplies a missing last newline). Every action is one call into fields.c. */
%define api.pure full
%define api.prefix {fields_yy}
%locations
%define parse.error verbose
%param {void *scanner}
%parse-param {struct fields_state *st}

%code requires {
struct fields_state;
}
%code {
#include "fields_priv.h"
int fields_yylex(FIELDS_YYSTYPE *lval, FIELDS_YYLTYPE *lloc, void *scanner);
static void fields_yyerror(FIELDS_YYLTYPE *loc, void *scanner, struct fields_state *st, const char *msg)
{
    (void)scanner;
    fields_syntax_error(st, loc->first_line, loc->first_column, msg);
}
}

%union { const char *str; }
%token <str> WORD COMMENT
%token NL

%%
file
    : %empty
    | file line
    ;
line
    : words comment NL          { if (fields_end_line(st, @$.first_line)) YYABORT; }
    ;
words
    : %empty
    | words WORD                { if (fields_add(st, $2, @2.first_line, @2.first_column)) YYABORT; }
    ;
comment
    : %empty
    | COMMENT                   { fields_comment(st, $1); }
    ;
%%
