/* The table of importers and the driver that runs one import. */
#include "importer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/textin.h"

extern const struct wb_importer importer_notes;
extern const struct wb_importer importer_windbg;
extern const struct wb_importer importer_fltmc;
extern const struct wb_importer importer_vssadmin;
extern const struct wb_importer importer_evtx;
extern const struct wb_importer importer_evt;
extern const struct wb_importer importer_eventxml;
extern const struct wb_importer importer_eventtext;
extern const struct wb_importer importer_eventcsv;
extern const struct wb_importer importer_procmon;
extern const struct wb_importer importer_regtext;
extern const struct wb_importer importer_hive;
extern const struct wb_importer importer_regquery;
extern const struct wb_importer importer_dump;

/* One line per importer; order only breaks ties between equal scores. */
const struct wb_importer *const wb_importers[] = {
	&importer_notes,
	&importer_windbg,
	&importer_fltmc,
	&importer_vssadmin,
	&importer_evtx,
	&importer_evt,
	&importer_eventxml,
	&importer_eventtext,
	&importer_eventcsv,
	&importer_procmon,
	&importer_regtext,
	&importer_hive,
	&importer_regquery,
	&importer_dump,
	NULL,
};

const struct wb_importer *
importer_find(const char *name)
{
	for (int i = 0; wb_importers[i]; i++)
		if (!strcmp(wb_importers[i]->name, name))
			return wb_importers[i];
	return NULL;
}

const char *
probe_text(struct wb_probe *probe)
{
	if (!probe->text)
		probe->text = textin_decode_head(probe->head, probe->len);
	return probe->text;
}

static void
list_importers(struct wb_buf *b)
{
	for (int i = 0; wb_importers[i]; i++)
		buf_printf(b, "\n  %-14s %s", wb_importers[i]->name, wb_importers[i]->describe);
}

static const struct wb_importer *
choose(const char *path, const struct wb_import_opts *opts, struct wb_err *err)
{
	const struct wb_importer *best = NULL;
	unsigned char *head;
	struct wb_probe probe;
	struct wb_buf names = {0};
	ssize_t n;
	int fd, best_score = 0;

	if (opts && opts->as) {
		best = importer_find(opts->as);
		if (!best) {
			list_importers(&names);
			wb_errf(err, _("unknown importer '%s'; wb can read:%s"), opts->as, names.data);
			buf_fini(&names);
		}
		return best;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		wb_errf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	head = xmalloc(IMPORTER_HEAD);
	n = read(fd, head, IMPORTER_HEAD);
	close(fd);
	if (n < 0) {
		wb_errf(err, "%s: %s", path, strerror(errno));
		free(head);
		return NULL;
	}
	probe = (struct wb_probe){.head = head, .len = (size_t)n, .path = path};
	for (int i = 0; wb_importers[i]; i++) {
		int score = wb_importers[i]->detect(&probe);

		if (score > best_score) {
			best_score = score;
			best = wb_importers[i];
		}
	}
	free(probe.text);
	free(head);
	if (!best) {
		list_importers(&names);
		wb_errf(err, n == 0 ? _("%s: the file is empty; wb can read:%s")
				    : _("%s: not a format wb recognises; wb can read:%s"),
			path, names.data);
		buf_fini(&names);
	}
	return best;
}

int
importer_run(wb_case *c, const char *path, const struct wb_import_opts *opts,
	     int64_t *evidence_id, const struct wb_importer **used, struct wb_err *err)
{
	const struct wb_importer *imp = choose(path, opts, err);
	wb_ingest *ing;

	if (!imp)
		return -1;
	if (used)
		*used = imp;
	if (ingest_begin(c, path, imp->kind, imp->name, imp->version, opts, &ing, err) < 0)
		return -1;
	if (imp->import(ing, err) < 0) {
		ingest_abort(ing);
		return -1;
	}
	return ingest_commit(ing, evidence_id, err);
}
