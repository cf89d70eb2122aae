/*
 * fuzz_importer.h: run one importer on arbitrary bytes, as `wb import` does,
 * and roll the import back.  The bytes go to a file in a private temporary
 * directory (importers read files; hives are read by libregf from a path),
 * the case is created once per process.  Each input is imported twice: as
 * is, and with --lenient.
 */
#ifndef WB_FUZZ_IMPORTER_H
#define WB_FUZZ_IMPORTER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../importers/importer.h"

static char *fuzz_dir, *fuzz_db, *fuzz_path;

/* Leaves no case or input behind in /tmp. */
static void
fuzz_cleanup(void)
{
	char *wal = xasprintf("%s-wal", fuzz_db), *shm = xasprintf("%s-shm", fuzz_db);

	unlink(fuzz_path);
	unlink(fuzz_db);
	unlink(wal);
	unlink(shm);
	rmdir(fuzz_dir);
	free(wal);
	free(shm);
}

static void
fuzz_import(const char *importer, const char *file_name, const uint8_t *data, size_t size)
{
	static wb_case *c;
	const struct wb_importer *imp = importer_find(importer);
	struct wb_err err;
	FILE *f;

	if (!c) {
		char tmpl[] = "/tmp/wbfuzz.XXXXXX";

		if (!mkdtemp(tmpl) || !imp)
			abort();
		fuzz_dir = xstrdup(tmpl);
		fuzz_db = xasprintf("%s/fuzz.wb", fuzz_dir);
		fuzz_path = xasprintf("%s/%s", fuzz_dir, file_name);
		atexit(fuzz_cleanup);
		if (case_open(fuzz_db, CASE_CREATE, NULL, NULL, &c, &err) < 0) {
			fprintf(stderr, "fuzz: %s\n", err.msg);
			abort();
		}
	}
	if (!(f = fopen(fuzz_path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	for (int lenient = 0; lenient < 2; lenient++) {
		struct wb_import_opts opts = {.force = true, .lenient = lenient};
		wb_ingest *ing;

		if (ingest_begin(c, fuzz_path, imp->kind, imp->name, imp->version, &opts, &ing, &err) < 0)
			continue;
		imp->import(ing, &err);
		ingest_abort(ing);
	}
}

#endif
