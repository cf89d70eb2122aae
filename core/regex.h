/*
 * regex.h: PCRE2 for the whole program (search in views, --grep, KB
 * signatures).  Patterns are UTF, JIT-compiled when possible.
 *
 * regex_register() adds `regexp(pattern, text)` (so `text REGEXP pattern`
 * works) to an SQLite connection, with a per-connection cache of compiled
 * patterns.  A pattern starting with "(?i)" is caseless, as in PCRE2.
 */
#ifndef WB_REGEX_H
#define WB_REGEX_H

#include <sqlite3.h>
#include <stddef.h>

#include "util.h"

typedef struct wb_regex wb_regex;

#define REGEX_CASELESS 1

wb_regex *regex_compile(const char *pattern, int flags, struct wb_err *err);
void regex_free(wb_regex *re);
/* 1 match, 0 no match (errors count as no match). If start/end are given they
 * receive the byte span of the whole match. */
int regex_match(const wb_regex *re, const char *s, size_t len, size_t *start, size_t *end);

int regex_register(sqlite3 *db);

/* Whether to JIT-compile patterns: yes unless WB_NO_JIT=1 (valgrind runs). */
int regex_use_jit(void);

#endif
