/* jumpas_int: what the parts of jumpas share inside the tool (args.c, symtab.c, scan.c,
 * divert.c, jumpas.c): the suffix of renamed functions and the symbol table's helpers. */
#ifndef JUMP_JUMPAS_INT_H
#define JUMP_JUMPAS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jumpas.h"

#define LOCAL_SUFFIX "__LOCAL__"

/* Names are spans of the input: hashed once, looked up in strmaps (lib/strmap.h). */
#define jas_span_hash strmap_hash_span
long jas_find_span(const jas_scan *s, const char *p, size_t n, uint32_t h);
size_t jas_intern(jas_scan *s, const char *p, size_t n);
/* A set of names: a strmap whose values are 1. */
int jas_names_has(const strmap *m, const char *p, size_t n, uint32_t h);
void jas_names_put(strmap *m, const char *p, size_t n);
int jas_is_data_type(char type);
int jas_worth_a_symbol(const char *p, size_t n);
int jas_defined(const jas_sym *y);
int jas_is_function(const jas_sym *y);

#endif
