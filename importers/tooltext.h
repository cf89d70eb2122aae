/*
 * tooltext.h: what the tool-output importers (windbg.c, fltmc.c,
 * vssadmin.c) share: keeping every line in text_lines with its section and
 * what was understood from it, and reading lines pasted from web pages.
 */
#ifndef WB_TOOLTEXT_H
#define WB_TOOLTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/ingest.h"

/* The line as the parsers should see it: no-break spaces (U+00A0, U+202F,
 * as blogs and mail clients turn runs of spaces into) become plain spaces.
 * Returns line itself when there is nothing to change, else a copy that
 * *copy owns (free it); *len is updated. */
const char *tooltext_plain(const char *line, size_t *len, char **copy);

/* Insert one text_lines row (section and parsed may be NULL); *rowid gets
 * its id.  Returns 0 or -1 with err. */
int tooltext_store_line(wb_ingest *ing, int64_t lineno, const char *line, size_t len,
			const char *section, const char *parsed, int64_t *rowid, struct wb_err *err);

/* Set what was understood from a stored line. */
int tooltext_set_parsed(wb_ingest *ing, int64_t rowid, const char *parsed, struct wb_err *err);

#endif
