/* PCRE2 wrapper and the SQLite regexp() function. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

struct wb_regex {
	pcre2_code *code;
	pcre2_match_data *md;
};

wb_regex *
regex_compile(const char *pattern, int flags, struct wb_err *err)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int code;
	PCRE2_SIZE off;
	wb_regex *re;

	if (flags & REGEX_CASELESS)
		opts |= PCRE2_CASELESS;
	re = xcalloc(1, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof msg);
		wb_errf(err, _("bad regular expression '%s' at offset %zu: %s"), pattern, (size_t)off, (char *)msg);
		free(re);
		return NULL;
	}
	/* JIT falls back to the interpreter when unavailable.  WB_NO_JIT=1 turns it
	 * off: valgrind cannot follow JIT code (tests/valgrind-wb sets it). */
	if (regex_use_jit())
		pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	return re;
}

int
regex_use_jit(void)
{
	const char *v = getenv("WB_NO_JIT");

	return !(v && *v && strcmp(v, "0"));
}

void
regex_free(wb_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}

int
regex_match(const wb_regex *re, const char *s, size_t len, size_t *start, size_t *end)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->md, NULL);
	PCRE2_SIZE *ov;

	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(re->md);
	if (start)
		*start = ov[0];
	if (end)
		*end = ov[1];
	return 1;
}

/* Small cache: signatures use a handful of patterns many times. */
#define REGEX_CACHE 64

struct regex_cache {
	char *pattern[REGEX_CACHE];
	wb_regex *re[REGEX_CACHE];
	unsigned next;
};

static void
cache_free(void *p)
{
	struct regex_cache *c = p;

	for (int i = 0; i < REGEX_CACHE; i++) {
		free(c->pattern[i]);
		regex_free(c->re[i]);
	}
	free(c);
}

static void
sql_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct regex_cache *c = sqlite3_user_data(ctx);
	const char *pat = (const char *)sqlite3_value_text(argv[0]);
	const char *s = (const char *)sqlite3_value_text(argv[1]);
	wb_regex *re = NULL;
	struct wb_err err;

	if (!pat || !s) {
		sqlite3_result_null(ctx);
		return;
	}
	for (int i = 0; i < REGEX_CACHE; i++)
		if (c->pattern[i] && !strcmp(c->pattern[i], pat)) {
			re = c->re[i];
			break;
		}
	if (!re) {
		unsigned slot = c->next++ % REGEX_CACHE;

		if (!(re = regex_compile(pat, 0, &err))) {
			sqlite3_result_error(ctx, err.msg, -1);
			return;
		}
		free(c->pattern[slot]);
		regex_free(c->re[slot]);
		c->pattern[slot] = xstrdup(pat);
		c->re[slot] = re;
	}
	sqlite3_result_int(ctx, regex_match(re, s, (size_t)sqlite3_value_bytes(argv[1]), NULL, NULL));
}

int
regex_register(sqlite3 *db)
{
	struct regex_cache *c = xcalloc(1, sizeof *c);

	return sqlite3_create_function_v2(db, "regexp", 2,
					  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
					  c, sql_regexp, NULL, NULL, cache_free);
}
