/*
 * Import from inside the UI: the import runs on a worker thread with its own
 * connection to the case (SQLite connections are not shared across
 * threads), reports progress through a mutex-protected copy, and stops at
 * the next progress call when cancelled.  The main loop polls it while it
 * runs, so the UI stays responsive.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../importers/importer.h"
#include "tui.h"

struct import_job {
	pthread_t thread;
	pthread_mutex_t mu;
	char *path, *case_path;
	char *as, *tz, *date;		/* options, or NULL */
	bool force, lenient;
	volatile sig_atomic_t cancel;
	struct wb_progress prog;	/* under mu */
	bool done;			/* under mu */
	int rc;
	struct wb_err err;
	int64_t evidence_id;
	const char *importer;
};

static void
on_progress(const struct wb_progress *p, void *ctx)
{
	struct import_job *j = ctx;

	pthread_mutex_lock(&j->mu);
	j->prog = *p;
	j->prog.path = NULL;
	pthread_mutex_unlock(&j->mu);
}

static void *
worker(void *arg)
{
	struct import_job *j = arg;
	struct wb_import_opts opts = {
		.as = j->as,
		.tz = j->tz,
		.date = j->date,
		.force = j->force,
		.lenient = j->lenient,
		.progress = on_progress,
		.progress_ctx = j,
		.cancel = &j->cancel,
	};
	const struct wb_importer *used = NULL;
	wb_case *c;

	j->rc = case_open(j->case_path, 0, NULL, NULL, &c, &j->err);
	if (j->rc == 0) {
		j->rc = importer_run(c, j->path, &opts, &j->evidence_id, &used, &j->err);
		j->importer = used ? used->name : "?";
		case_close(c);
	}
	pthread_mutex_lock(&j->mu);
	j->done = true;
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

static void
job_free(struct import_job *j)
{
	free(j->path);
	free(j->case_path);
	free(j->as);
	free(j->tz);
	free(j->date);
	free(j);
}

/* "[--as KIND] [--tz +09:00] [--date 2024-05-01] [--force] [--lenient] PATH":
 * the options of wb import, then the path (which may hold spaces). */
static int
parse_args(struct import_job *j, const char *arg, struct wb_err *err)
{
	const char *p = arg, *home = getenv("HOME");

	while (*p == ' ')
		p++;
	while (!strncmp(p, "--", 2)) {
		const char *end = strchr(p, ' '), *opt = p;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char **val = NULL;

		if (n == 7 && !strncmp(p, "--force", 7))
			j->force = true;
		else if (n == 9 && !strncmp(p, "--lenient", 9))
			j->lenient = true;
		else if (n == 4 && !strncmp(p, "--as", 4))
			val = &j->as;
		else if (n == 4 && !strncmp(p, "--tz", 4))
			val = &j->tz;
		else if (n == 6 && !strncmp(p, "--date", 6))
			val = &j->date;
		else
			return wb_errf(err, _("unknown import option %.*s (--as, --tz, --date, --force, --lenient)"),
				       (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
		if (val) {
			const char *vend = strchr(p, ' ');

			if (!*p || !vend)
				return wb_errf(err, _("%.*s needs a value and then the path"), (int)n, opt);
			free(*val);
			*val = xstrndup(p, (size_t)(vend - p));
			for (p = vend; *p == ' '; p++)
				;
		}
	}
	if (!*p)
		return wb_errf(err, _("usage: :import [--as KIND] [--tz +09:00] [--date 2024-05-01] [--force] PATH"));
	if (p[0] == '~' && p[1] == '/' && home)
		j->path = xasprintf("%s%s", home, p + 1);
	else
		j->path = xstrdup(p);
	return 0;
}

int
import_start(struct wb_app *a, const char *arg, struct wb_err *err)
{
	struct import_job *j;
	struct stat st;

	if (a->job)
		return wb_errf(err, _("an import is already running (^C cancels it)"));
	j = xcalloc(1, sizeof *j);
	if (parse_args(j, arg, err) < 0) {
		job_free(j);
		return -1;
	}
	if (stat(j->path, &st) < 0) {
		wb_errf(err, "%s: %s", j->path, strerror(errno));
		job_free(j);
		return -1;
	}
	j->case_path = xstrdup(case_path(a->c));
	pthread_mutex_init(&j->mu, NULL);
	j->prog.bytes_total = (uint64_t)st.st_size;
	if (pthread_create(&j->thread, NULL, worker, j) != 0) {
		pthread_mutex_destroy(&j->mu);
		job_free(j);
		return wb_errf(err, _("cannot start the import"));
	}
	a->job = j;
	return 0;
}

unsigned
import_poll(struct wb_app *a)
{
	struct import_job *j = a->job;
	bool done;

	if (!j)
		return 0;
	pthread_mutex_lock(&j->mu);
	done = j->done;
	pthread_mutex_unlock(&j->mu);
	if (!done)
		return REDRAW_STATUS;
	pthread_join(j->thread, NULL);
	if (j->rc < 0)
		app_message(a, true, "%s", j->err.msg);
	else {
		char msg[sizeof a->status];

		/* new evidence: the findings change */
		app_match(a);
		snprintf(msg, sizeof msg, _("imported %s as evidence #%lld (%s); %s"), j->path,
			 (long long)j->evidence_id, j->importer, a->status);
		app_message(a, a->status_error, "%s", msg);
	}
	pthread_mutex_destroy(&j->mu);
	job_free(j);
	a->job = NULL;
	/* what the views show has changed */
	for (int i = 0; i < a->depth; i++)
		app_refresh_view(a->stack[i]);
	return REDRAW_ALL;
}

void
import_cancel(struct wb_app *a)
{
	if (a->job) {
		a->job->cancel = 1;
		app_message(a, false, _("cancelling the import..."));
	}
}

const char *
import_status(struct wb_app *a, char *buf, size_t len)
{
	struct import_job *j = a->job;
	struct wb_progress p;
	const char *base;

	if (!j)
		return NULL;
	pthread_mutex_lock(&j->mu);
	p = j->prog;
	pthread_mutex_unlock(&j->mu);
	base = strrchr(j->path, '/');
	base = base ? base + 1 : j->path;
	if (p.bytes_total)
		snprintf(buf, len, _("importing %.40s %d%% %llu rows (^C cancels) "), base,
			 (int)(p.bytes_done * 100 / p.bytes_total), (unsigned long long)p.records);
	else
		snprintf(buf, len, _("importing %.40s %llu rows (^C cancels) "), base,
			 (unsigned long long)p.records);
	return buf;
}

void
import_complete(struct wb_buf *text, size_t word_start)
{
	char *word = xstrdup(text->data + word_start), *slash = strrchr(word, '/');
	char *dir, *common = NULL, *expanded = NULL;
	const char *prefix, *home = getenv("HOME");
	struct dirent *e;
	bool common_is_dir = false;
	int matches = 0;
	DIR *d;

	if (word[0] == '~' && home) {
		expanded = xasprintf("%s%s", home, word + 1);
		free(word);
		word = expanded;
		slash = strrchr(word, '/');
	}
	if (slash) {
		dir = xstrndup(word, (size_t)(slash - word + 1));
		prefix = slash + 1;
	} else {
		dir = xstrdup("");
		prefix = word;
	}
	if (!(d = opendir(*dir ? dir : "."))) {
		free(dir);
		free(word);
		return;
	}
	while ((e = readdir(d))) {
		size_t k;
		struct stat st;
		char *full;

		if (strncmp(e->d_name, prefix, strlen(prefix)) || (e->d_name[0] == '.' && prefix[0] != '.'))
			continue;
		full = xasprintf("%s%s", *dir ? dir : "./", e->d_name);
		matches++;
		if (!common) {
			common = xstrdup(e->d_name);
			common_is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		} else {
			for (k = 0; common[k] && common[k] == e->d_name[k]; k++)
				;
			common[k] = '\0';
		}
		free(full);
	}
	closedir(d);
	if (common) {
		text->len = word_start;
		text->data[text->len] = '\0';
		buf_printf(text, "%s%s%s", dir, common, matches == 1 && common_is_dir ? "/" : "");
	}
	free(common);
	free(dir);
	free(word);
}
