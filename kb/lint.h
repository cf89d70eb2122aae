/*
 * lint.h: checks every article beyond what parsing already refuses:
 *   - titles and summaries in English and Japanese;
 *   - issue and triage articles: a signature with at least one require
 *     clause, cause, resolution, references and a checklist;
 *   - every regex compiles with PCRE2;
 *   - every facts key is documented in docs/FACTS.md (the keys compiled into
 *     kb.sqlite): a key no importer emits can never match (a warning, since
 *     importers document their keys as they land);
 *   - checklist references: check steps name existing clauses, `if:` names
 *     an earlier ask step and one of its answers, collect steps name known
 *     evidence kinds, `playbooks:` name playbooks.
 * Problems go to a callback; library code never prints.
 */
#ifndef WB_LINT_H
#define WB_LINT_H

#include <stdbool.h>

#include "kb.h"

enum lint_level { LINT_WARNING, LINT_ERROR };

typedef void (*lint_report_fn)(void *ctx, const struct kb_article *a, int line,
			       enum lint_level level, const char *msg);

/* Lint one article in the context of kb (for cross references).  Returns the
 * number of errors (warnings are reported but not counted). */
int kb_lint_article(const struct wb_kb *kb, const struct kb_article *a, lint_report_fn report,
		    void *ctx);
/* Lint all articles; returns the number of errors. */
int kb_lint(const struct wb_kb *kb, lint_report_fn report, void *ctx);

#endif
