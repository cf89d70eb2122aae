/* Shared by the tool-output importers (see tooltext.h). */
#include "tooltext.h"

#include <string.h>

#include "../core/util.h"

const char *
tooltext_plain(const char *line, size_t *len, char **copy)
{
	size_t o = 0;
	char *out;

	*copy = NULL;
	if (!strstr(line, "\xc2\xa0") && !strstr(line, "\xe2\x80\xaf"))
		return line;
	out = xmalloc(*len + 1);
	for (size_t i = 0; i < *len;) {
		if (i + 1 < *len && (unsigned char)line[i] == 0xc2 && (unsigned char)line[i + 1] == 0xa0) {
			out[o++] = ' ';
			i += 2;
		} else if (i + 2 < *len && !memcmp(line + i, "\xe2\x80\xaf", 3)) {
			out[o++] = ' ';
			i += 3;
		} else {
			out[o++] = line[i++];
		}
	}
	out[o] = '\0';
	*len = o;
	*copy = out;
	return out;
}

int
tooltext_store_line(wb_ingest *ing, int64_t lineno, const char *line, size_t len, const char *section,
		    const char *parsed, int64_t *rowid, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO text_lines(evidence_id, line, text, section, parsed) VALUES(?, ?, ?, ?, ?)";
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(ing));
	sqlite3_bind_int64(st, 2, lineno);
	sqlite3_bind_text(st, 3, line, (int)len, SQLITE_STATIC);
	ingest_bind_text(st, 4, section);
	ingest_bind_text(st, 5, parsed);
	if (ingest_step(ing, st, err) < 0)
		return -1;
	*rowid = sqlite3_last_insert_rowid(ingest_db(ing));
	return 0;
}

int
tooltext_set_parsed(wb_ingest *ing, int64_t rowid, const char *parsed, struct wb_err *err)
{
	sqlite3_stmt *st = ingest_prepare(ing, "UPDATE text_lines SET parsed = ? WHERE id = ?", err);

	if (!st)
		return -1;
	ingest_bind_text(st, 1, parsed);
	sqlite3_bind_int64(st, 2, rowid);
	return ingest_step(ing, st, err);
}
