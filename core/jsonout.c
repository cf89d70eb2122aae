/* JSON output helpers over jansson. */
#include "jsonout.h"

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

json_t *
jsonout_str(const char *s)
{
	size_t n;

	if (!s)
		return json_null();
	n = strlen(s);
	if (utf8_valid(s, n))
		return json_stringn(s, n);
	{
		/* sanitize_append() turns bad bytes into "\xNN" and is valid UTF-8;
		 * keep control characters (jansson escapes them). */
		struct wb_buf b = {0};
		json_t *j;

		sanitize_append(&b, s, n, SANITIZE_KEEP_NEWLINES);
		j = json_string(b.data ? b.data : "");
		buf_fini(&b);
		return j;
	}
}

json_t *
jsonout_time(int64_t us, int has)
{
	char buf[40];

	if (!has)
		return json_null();
	wb_format_iso(us, 0, true, buf, sizeof buf);
	return json_string(buf);
}

json_t *
jsonout_column(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return json_null();
	case SQLITE_BLOB: {
		static const char hex[] = "0123456789abcdef";
		const unsigned char *p = sqlite3_column_blob(st, i);
		int n = sqlite3_column_bytes(st, i);
		char *s = xmalloc((size_t)n * 2 + 1);
		json_t *j;

		for (int k = 0; k < n; k++) {
			s[2 * k] = hex[p[k] >> 4];
			s[2 * k + 1] = hex[p[k] & 15];
		}
		s[2 * n] = '\0';
		j = json_string(s);
		free(s);
		return j;
	}
	default:
		return jsonout_str((const char *)sqlite3_column_text(st, i));
	}
}

int
jsonout_print(json_t *j, FILE *out)
{
	int rc = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0);

	fputc('\n', out);
	json_decref(j);
	return rc;
}
