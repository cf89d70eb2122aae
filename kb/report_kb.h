/*
 * report_kb.h: what the knowledge base adds to a case report.  core/report.h
 * cannot include kb/, so the front ends pass this as report_opts.annotate:
 * findings get the article's title, summary, resolution, the release that
 * fixes it, KB numbers and references in the wanted language; each checklist gets its title and every visible step with its
 * text and state, including steps the evidence decided and steps still to do
 * (checklist_load()).  Articles missing from the KB are left as they are.
 */
#ifndef WB_REPORT_KB_H
#define WB_REPORT_KB_H

#include <jansson.h>

#include "../core/case.h"
#include "kb.h"

struct report_kb {
	const struct wb_kb *kb;
	const char *lang;	/* "ja", or NULL for English */
};

/* report_opts.annotate with ctx a struct report_kb.  Returns 0 or -1 with err. */
int report_kb_annotate(json_t *model, wb_case *c, void *ctx, struct wb_err *err);

#endif
