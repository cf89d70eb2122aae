/*
 * report.h: the case report, for hand-off.
 *
 * One model, four renderings.  report_model() (report.c) reads the case
 * database into a JSON document (schema in docs/REPORT.md): case summary,
 * evidence inventory with hashes, warnings and time-zone assumptions,
 * findings with the evidence rows they rest on quoted, decisions, checklist
 * state, notes, and a timeline excerpt around the key events.
 * report_render() (report_render.c) writes it as
 *   md    Markdown for tickets,
 *   html  one self-contained printable page (inline CSS, nothing external),
 *   txt   plain text within 80 columns (display width aware) for mail,
 *   json  the model itself.
 *
 * Evidence text is untrusted: md and txt pass every string through
 * sanitize.h, html sanitises and escapes, json is escaped by jansson (and
 * C1 and bidi controls as \uXXXX).
 *
 * The same case gives byte-identical reports: every query has a stable
 * ORDER BY and the current time appears only with opts->now.
 *
 * core/ knows nothing of the knowledge base, so article titles and texts and
 * checklist step texts come through opts->annotate (kb/report_kb.h offers one);
 * without it the report says what the case database holds.
 */
#ifndef WB_REPORT_H
#define WB_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "case.h"
#include "util.h"

enum report_format { REPORT_MD, REPORT_HTML, REPORT_TXT, REPORT_JSON };

#define REPORT_VERSION 1		/* "version" of the JSON document */
#define REPORT_WINDOW_MINUTES 10	/* timeline excerpt: minutes each side of a key event */
#define REPORT_CONTEXT 10		/* timeline excerpt: entries each side of a key event */
#define REPORT_TIMELINE_MAX 200		/* timeline excerpt: entries at most */
#define REPORT_TXT_WIDTH 80		/* plain text: columns */

struct report_opts {
	bool now;		/* state when the report was generated */
	int window_minutes;	/* 0: REPORT_WINDOW_MINUTES */
	int context;		/* 0: REPORT_CONTEXT */
	int timeline_max;	/* 0: REPORT_TIMELINE_MAX */
	/* Called on the model before it is rendered, to add what the case
	 * database does not hold (docs/REPORT.md says which fields).  May be
	 * NULL.  Returns 0, or -1 with err. */
	int (*annotate)(json_t *model, wb_case *c, void *ctx, struct wb_err *err);
	void *annotate_ctx;
};

/* "md", "html", "txt", "json" <-> enum.  Parse returns 0, or -1 when unknown. */
int report_format_parse(const char *name, enum report_format *fmt);
const char *report_format_name(enum report_format fmt);

/* The report of a case as a JSON model (new reference), or NULL with err.
 * opts may be NULL. */
json_t *report_model(wb_case *c, const struct report_opts *opts, struct wb_err *err);
/* Write a model in a format.  Returns 0, or -1 with err on a write error. */
int report_render(json_t *model, enum report_format fmt, FILE *out, struct wb_err *err);
/* report_model() + report_render(). */
int report_write(wb_case *c, enum report_format fmt, FILE *out, const struct report_opts *opts,
		 struct wb_err *err);
/* Write the report to a file, mode 0600, through a temporary file in the
 * same directory and a rename: a reader never sees half a report and a
 * failure leaves an old file as it was.  A path that is not a regular file
 * (a device, a FIFO) is written in place. */
int report_save(wb_case *c, enum report_format fmt, const char *path, const struct report_opts *opts,
		struct wb_err *err);
/* The format a file name asks for by its extension (.md, .html/.htm, .txt,
 * .json).  Returns 0, or -1 when it does not say. */
int report_format_from_path(const char *path, enum report_format *fmt);

#endif
