/*
 * importer.h: the table of importers and the one call that runs an import.
 *
 * Each importer is one file in importers/ that defines a const struct
 * wb_importer and knows one evidence format; it uses only core/ (ingest,
 * textin, util).  registry.c lists them all in one table.
 *
 * detect() looks at a struct wb_probe: the first bytes of a file (up to
 * IMPORTER_HEAD bytes; less for small files) and its path, and returns how
 * sure it is: 0 = not mine, 10 = plausible by extension only, 50 = content
 * looks right, 90 = magic number or exact header matched.  The registry picks
 * the highest score.
 */
#ifndef WB_IMPORTER_H
#define WB_IMPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "../core/case.h"
#include "../core/ingest.h"

#define IMPORTER_HEAD 65536

/* One file being detected.  Every detector sees the same probe, so the head
 * is decoded at most once per file, not once per text detector. */
struct wb_probe {
	const unsigned char *head;	/* the file's first bytes */
	size_t len;
	const char *path;
	char *text;			/* probe_text()'s cache; the registry frees it */
};

/* The head as UTF-8 (textin_decode_head(), decoded on the first call).  Shared
 * by all detectors: never modify it. */
const char *probe_text(struct wb_probe *probe);

struct wb_importer {
	const char *name;	/* --as name: "procmon-csv", "evtx", "notes" */
	const char *kind;	/* evidence kind: "procmon", "eventlog", "dump", ... */
	const char *version;	/* importer version stored with the evidence */
	const char *describe;	/* one line for `wb import --help` and errors */
	int (*detect)(struct wb_probe *probe);
	int (*import)(wb_ingest *ing, struct wb_err *err);
};

/* NULL-terminated table, in registry.c. */
extern const struct wb_importer *const wb_importers[];

const struct wb_importer *importer_find(const char *name);

/* Choose an importer for path (opts->as wins), run it in one transaction and
 * commit.  On failure the case is unchanged and err says why. */
int importer_run(wb_case *c, const char *path, const struct wb_import_opts *opts,
		 int64_t *evidence_id, const struct wb_importer **used, struct wb_err *err);

#endif
