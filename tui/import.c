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

int
import_start(struct wb_app *a, const char *path, struct wb_err *err)
{
	struct import_job *j;
	struct stat st;
	char *full;

	if (a->job)
		return wb_errf(err, _("an import is already running (^C cancels it)"));
	if (path[0] == '~' && path[1] == '/' && getenv("HOME"))
		full = xasprintf("%s%s", getenv("HOME"), path + 1);
	else
		full = xstrdup(path);
	if (stat(full, &st) < 0) {
		wb_errf(err, "%s: %s", full, strerror(errno));
		free(full);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->path = full;
	j->case_path = xstrdup(case_path(a->c));
	pthread_mutex_init(&j->mu, NULL);
	j->prog.bytes_total = (uint64_t)st.st_size;
	if (pthread_create(&j->thread, NULL, worker, j) != 0) {
		pthread_mutex_destroy(&j->mu);
		free(j->path);
		free(j->case_path);
		free(j);
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
	free(j->path);
	free(j->case_path);
	free(j);
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
