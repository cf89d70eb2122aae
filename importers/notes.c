/* Free text (notes, mails, anything pasted) kept line by line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/textin.h"
#include "importer.h"

static int
notes_detect(struct wb_probe *probe)
{
	static const char *const exts[] = {".txt", ".md", ".log", ".note", ".text", NULL};
	const char *dot = strrchr(probe->path, '.');
	int ext = 0;

	for (int i = 0; dot && exts[i]; i++)
		if (!strcasecmp(dot, exts[i]))
			ext = 1;
	if (!ext || probe->len == 0)
		return 0;
	/* Text after decoding: a NUL cuts the decoded head short, so less than
	 * a third of it means binary.  Control characters are allowed: hostile
	 * evidence is still evidence, and is shown inert. */
	return strlen(probe_text(probe)) >= probe->len / 3 ? 5 : 0;
}

static int
notes_import(wb_ingest *ing, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO text_lines(evidence_id, line, text) VALUES(?, ?, ?)";
	wb_textin *t = textin_new(ing);
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);
	const char *line;
	size_t len;
	int rc;
	char summary[128];

	if (!st) {
		textin_free(t);
		return -1;
	}
	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		sqlite3_bind_int64(st, 1, ingest_evidence_id(ing));
		sqlite3_bind_int64(st, 2, textin_lineno(t));
		sqlite3_bind_text(st, 3, line, (int)len, SQLITE_STATIC);
		if (ingest_step(ing, st, err) < 0) {
			rc = -1;
			break;
		}
		ingest_add_records(ing, 1);
		if ((textin_lineno(t) & 1023) == 0 && ingest_progress(ing, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		if (textin_replacements(t))
			ingest_warn(ing, -1, -1, "%llu invalid %s sequences replaced by U+FFFD",
				    (unsigned long long)textin_replacements(t), textin_encoding(t));
		snprintf(summary, sizeof summary, "text, %lld lines, %s",
			 (long long)textin_lineno(t), textin_encoding(t));
		ingest_set_summary(ing, summary);
	}
	textin_free(t);
	return rc;
}

const struct wb_importer importer_notes = {
	.name = "notes",
	.kind = "text",
	.version = "1",
	.describe = N_("free text kept line by line (.txt, .md, .log)"),
	.detect = notes_detect,
	.import = notes_import,
};
