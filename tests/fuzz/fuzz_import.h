/*
 * fuzz_import.h: run one importer on a fuzzer's bytes, the way `wb import
 * --as NAME` would: the bytes become a file, the import runs in its own
 * transaction in a scratch case, and the evidence is deleted again so the
 * case stays small over millions of runs.  Errors are fine; crashes,
 * leaks and sanitizer reports are what the fuzzer looks for.
 */
#ifndef WB_FUZZ_IMPORT_H
#define WB_FUZZ_IMPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../importers/importer.h"

static void
fuzz_import(const char *importer, const uint8_t *data, size_t size)
{
	static wb_case *c;
	static char dir[] = "/tmp/wbfuzzXXXXXX";
	static char *path, *input;
	struct wb_import_opts opts = {.as = importer, .force = true};
	struct wb_err err;
	int64_t ev;
	FILE *f;

	if (!c) {
		if (!mkdtemp(dir))
			abort();
		path = xasprintf("%s/fuzz.wb", dir);
		input = xasprintf("%s/input.txt", dir);
		if (case_open(path, CASE_CREATE, NULL, NULL, &c, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			abort();
		}
	}
	if (!(f = fopen(input, "wb")))
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (importer_run(c, input, &opts, &ev, NULL, &err) == 0)
		sqlite3_exec(case_db(c), "DELETE FROM evidence", NULL, NULL, NULL);
}

#endif
