/*
 * jsonout.h: JSON output through jansson.  Strings from evidence may hold
 * invalid UTF-8: jsonout_str() replaces bad bytes so the document is always
 * valid; control characters are escaped by jansson (\u001b), so --json output
 * is inert in a terminal.  Field names are documented in docs/JSON.md.
 */
#ifndef WB_JSONOUT_H
#define WB_JSONOUT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

json_t *jsonout_str(const char *s);		/* NULL -> json null */
json_t *jsonout_time(int64_t us, int has);	/* ISO 8601 UTC or null */
/* Column i of a row: integer, real, text (checked) or null. */
json_t *jsonout_column(sqlite3_stmt *st, int i);
/* Print to out with a trailing newline and free j.  Returns 0 or -1. */
int jsonout_print(json_t *j, FILE *out);

#endif
