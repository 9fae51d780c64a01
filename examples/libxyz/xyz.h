/* xyz.h: the article's example library. */
#ifndef XYZ_H
#define XYZ_H

#include <stddef.h>

const char *xyz_version(void);      /* the library's version string */
int xyz_ready(void);                /* 1 once the library's constructor has run */
void xyz_greet(const char *who);    /* printf; counts in xyz_greetings */
extern int xyz_greetings;           /* an exported variable: greetings so far */
char *xyz_dup_upper(const char *s); /* malloc'ed copy in upper case; free with xyz_free */
void xyz_free(char *p);
long xyz_sum(const int *v, size_t n);
long xyz_fib(int n);                /* calls itself, through its jump slot */
#ifdef XYZ_1_1
int xyz_count_vowels(const char *s); /* new in 1.1.0 */
#endif

#endif
