/* wb kb lint: what a reviewer would check in an article, mechanically. */
#include "lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/regex.h"

/* Evidence kinds the importers give (the .kind of each importer). */
static const char *const evidence_kinds[] = {
	"dump", "eventlog", "procmon", "registry", "tooltext", "text", NULL,
};

struct lint {
	const struct wb_kb *kb;
	const struct kb_article *a;
	lint_report_fn report;
	void *ctx;
	int errors;
};

__attribute__((format(printf, 4, 5))) static void
say(struct lint *l, int line, enum lint_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (level == LINT_ERROR)
		l->errors++;
	l->report(l->ctx, l->a, line, level, msg);
}

static void
both_languages(struct lint *l, const struct kb_text *t, const char *what)
{
	if (!t->en || !*t->en)
		say(l, 0, LINT_ERROR, _("%s: English text (en:) missing"), what);
	if (!t->ja || !*t->ja)
		say(l, 0, LINT_ERROR, _("%s: Japanese text (ja:) missing"), what);
}

static void
lint_cond(struct lint *l, const struct kb_clause *c, const struct kb_cond *cd, const char *what)
{
	for (size_t k = 0; k < cd->nkeys; k++)
		if (l->kb->nkeys && !kb_key_known(l->kb, cd->keys[k]))
			say(l, c->line, LINT_WARNING,
			    _("%s %s: facts key '%s' is not documented in docs/FACTS.md (no importer emits it yet)"),
			    what, c->id, cd->keys[k]);
	for (size_t k = 0; k < cd->ntests; k++) {
		const struct kb_test *t = &cd->tests[k];
		struct wb_err err;
		wb_regex *re;

		if (t->op != KB_OP_REGEX && t->op != KB_OP_TEXT)
			continue;
		if (!(re = regex_compile(t->str, 0, &err)))
			say(l, c->line, LINT_ERROR, "%s %s: %s", what, c->id, err.msg);
		regex_free(re);
	}
}

static void
lint_clause(struct lint *l, const struct kb_clause *c, const char *what)
{
	for (size_t i = 0; i < c->nalts; i++)
		for (size_t j = 0; j < c->alts[i].nconds; j++)
			lint_cond(l, c, &c->alts[i].conds[j], what);
	for (size_t k = 0; k < c->nevidence; k++)
		lint_cond(l, c, &c->evidence[k], what);
}

static bool
known_kind(const char *k)
{
	for (size_t i = 0; evidence_kinds[i]; i++)
		if (!strcmp(evidence_kinds[i], k))
			return true;
	return false;
}

static void
lint_steps(struct lint *l)
{
	const struct kb_article *a = l->a;

	for (size_t i = 0; i < a->nsteps; i++) {
		const struct kb_step *s = &a->steps[i];

		for (size_t k = 0; k < s->nkinds; k++)
			if (!known_kind(s->kinds[k]))
				say(l, s->line, LINT_ERROR, _("step %s: unknown evidence kind '%s' (dump, eventlog, procmon, registry, tooltext, text)"),
				    s->id, s->kinds[k]);
		if (s->clause_ref && !kb_find_clause(a, s->clause_ref))
			say(l, s->line, LINT_ERROR, _("step %s: clause '%s' is not in the signature"), s->id, s->clause_ref);
		if (s->check)
			lint_clause(l, s->check, "step");
		if (s->if_step) {
			const struct kb_step *ask = NULL;
			bool answer_ok = false;

			for (size_t k = 0; k < i; k++)
				if (!strcmp(a->steps[k].id, s->if_step))
					ask = &a->steps[k];
			if (!ask || ask->kind != KB_STEP_ASK) {
				say(l, s->line, LINT_ERROR, _("step %s: if: '%s' must name an earlier ask step"), s->id, s->if_step);
				continue;
			}
			for (size_t k = 0; k < ask->nanswers; k++)
				if (!strcmp(ask->answers[k], s->if_answer))
					answer_ok = true;
			if (!answer_ok)
				say(l, s->line, LINT_ERROR, _("step %s: '%s' is not an answer of %s"), s->id, s->if_answer, ask->id);
		}
	}
}

int
kb_lint_article(const struct wb_kb *kb, const struct kb_article *a, lint_report_fn report, void *ctx)
{
	struct lint l = {.kb = kb, .a = a, .report = report, .ctx = ctx};
	bool specific = a->kind == KB_ISSUE || a->kind == KB_TRIAGE;
	size_t requires = 0;

	both_languages(&l, &a->title, "title");
	both_languages(&l, &a->summary, "summary");
	if (a->kind != KB_PLAYBOOK) {
		if (!a->cause.en && a->kind != KB_HOWTO)
			say(&l, 0, LINT_ERROR, _("cause: missing"));
		if (!a->resolution.en)
			say(&l, 0, LINT_ERROR, _("resolution: missing"));
	}
	if (a->kind != KB_PLAYBOOK && !a->nrefs)
		say(&l, 0, LINT_ERROR, _("references: at least one source is required"));
	if (a->kind != KB_HOWTO && !a->nsteps)
		say(&l, 0, LINT_ERROR, _("checklist: missing"));
	for (size_t i = 0; i < a->nclauses; i++) {
		if (a->clauses[i].kind == KB_REQUIRE)
			requires++;
		if (a->clauses[i].kind != KB_EXCLUDE && !a->clauses[i].collect.en &&
		    a->clauses[i].kind == KB_REQUIRE)
			say(&l, a->clauses[i].line, LINT_WARNING, _("clause %s: no collect: text (what to ask for when the evidence is missing)"),
			    a->clauses[i].id);
		lint_clause(&l, &a->clauses[i], "clause");
	}
	if (specific && !requires)
		say(&l, 0, LINT_ERROR, _("signature: an %s article needs at least one require clause"), kb_kind_name(a->kind));
	if (!specific && a->nclauses)
		say(&l, 0, LINT_ERROR, _("signature: a %s article is not matched; remove its signature"), kb_kind_name(a->kind));
	for (size_t i = 0; i < a->nplaybooks; i++) {
		const struct kb_article *p = kb_find(kb, a->playbooks[i]);

		if (!p || p->kind != KB_PLAYBOOK)
			say(&l, 0, LINT_ERROR, _("playbooks: '%s' is not a playbook in the knowledge base"), a->playbooks[i]);
	}
	lint_steps(&l);
	return l.errors;
}

int
kb_lint(const struct wb_kb *kb, lint_report_fn report, void *ctx)
{
	int errors = 0;

	for (size_t i = 0; i < kb->n; i++)
		errors += kb_lint_article(kb, kb->articles[i], report, ctx);
	return errors;
}
