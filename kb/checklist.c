/* Guided sessions: checklist state in the case, steps ticked by evidence. */
#include "checklist.h"

#include <stdlib.h>
#include <string.h>

#include "../core/regex.h"

static const char *const state_names[] = {
	[CL_PENDING] = "pending", [CL_DONE] = "done", [CL_SKIPPED] = "skipped",
	[CL_FAILED] = "failed", [CL_ANSWERED] = "answered", [CL_HIDDEN] = "hidden",
};

/* States a person can record, and what they become. */
static const struct {
	const char *name;
	enum cl_state state;
} manual_states[] = {
	{"done", CL_DONE},
	{"skipped", CL_SKIPPED},
	{"answered", CL_ANSWERED},
};

const char *
cl_state_name(enum cl_state s)
{
	return state_names[s];
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

/* Append one action to the log.  step "" is the session itself. */
static int
log_row(wb_case *c, const char *list, const char *step, const char *state, const char *answer,
	struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO checklist (list, step, state, answer, user, at) VALUES "
				"(?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, step, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, answer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, wb_user(), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	return 0;
}

int
checklist_start(wb_case *c, const struct kb_article *list, struct wb_err *err)
{
	if (!list->nsteps)
		return wb_errf(err, _("%s has no checklist"), list->id);
	if (log_row(c, list->id, "", "started", NULL, err) < 0)
		return -1;
	return case_audit(c, err, "checklist %s started", list->id);
}

static const struct kb_step *
step_or_fail(const struct kb_article *list, const char *step, struct wb_err *err)
{
	const struct kb_step *s = kb_find_step(list, step);

	if (!s) {
		struct wb_buf b = {0};

		for (size_t i = 0; i < list->nsteps; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", list->steps[i].id);
		wb_errf(err, _("%s has no step '%s' (steps: %s)"), list->id, step, b.data ? b.data : "");
		buf_fini(&b);
	}
	return s;
}

int
checklist_mark(wb_case *c, const struct kb_article *list, const char *step, const char *state,
	       struct wb_err *err)
{
	const struct kb_step *s = step_or_fail(list, step, err);

	if (!s)
		return -1;
	if (strcmp(state, "done") && strcmp(state, "skipped"))
		return wb_errf(err, _("step state '%s': expected done or skipped"), state);
	if (s->kind == KB_STEP_ASK && !strcmp(state, "done"))
		return wb_errf(err, _("step '%s' is a question: answer it (--answer %s=VALUE)"), step, step);
	if (log_row(c, list->id, step, state, NULL, err) < 0)
		return -1;
	return case_audit(c, err, "checklist %s step %s %s", list->id, step, state);
}

int
checklist_answer(wb_case *c, const struct kb_article *list, const char *step, const char *answer,
		 struct wb_err *err)
{
	const struct kb_step *s = step_or_fail(list, step, err);
	bool ok = false;

	if (!s)
		return -1;
	if (s->kind != KB_STEP_ASK)
		return wb_errf(err, _("step '%s' is not a question (it is a %s step)"), step, kb_step_kind_name(s->kind));
	for (size_t i = 0; i < s->nanswers; i++)
		if (!strcmp(s->answers[i], answer))
			ok = true;
	if (!ok) {
		struct wb_buf b = {0};

		for (size_t i = 0; i < s->nanswers; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", s->answers[i]);
		wb_errf(err, _("step '%s': answer '%s' is not one of: %s"), step, answer, b.data);
		buf_fini(&b);
		return -1;
	}
	if (log_row(c, list->id, step, "answered", answer, err) < 0)
		return -1;
	return case_audit(c, err, "checklist %s step %s answered %s", list->id, step, answer);
}

int
checklist_note(wb_case *c, const struct kb_article *list, const char *step, const char *text,
	       struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	sqlite3_stmt *st;
	int rc;

	if (!step_or_fail(list, step, err))
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO notes (user, at, text, list, step) VALUES "
				"(?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, wb_user(), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, list->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, step, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	return case_audit(c, err, "checklist %s step %s: note added", list->id, step);
}

static bool
evidence_collected(sqlite3 *db, const struct kb_step *s)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM evidence WHERE kind = ? AND status <> 'importing' LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	for (size_t i = 0; i < s->nkinds && !found; i++) {
		sqlite3_bind_text(st, 1, s->kinds[i], -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return found;
}

static struct cl_step *
find(struct cl_session *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->steps[i].step->id, id))
			return &s->steps[i];
	return NULL;
}

/* The latest logged row of every step. */
static int
read_log(sqlite3 *db, struct cl_session *s, struct wb_err *err)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT step, state, answer, user, at FROM checklist WHERE list = ? ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, s->list->id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *step = (const char *)sqlite3_column_text(st, 0);
		const char *state = (const char *)sqlite3_column_text(st, 1);
		struct cl_step *cs;

		if (!step || !state)
			continue;
		if (!*step) {
			s->started = true;
			free(s->started_by);
			free(s->started_at);
			s->started_by = col_dup(st, 3);
			s->started_at = col_dup(st, 4);
			continue;
		}
		if (!(cs = find(s, step)))
			continue;	/* the article changed since: ignore old steps */
		for (size_t i = 0; i < sizeof manual_states / sizeof manual_states[0]; i++)
			if (!strcmp(manual_states[i].name, state))
				cs->state = manual_states[i].state;
		free(cs->answer);
		free(cs->user);
		free(cs->at);
		cs->answer = col_dup(st, 2);
		cs->user = col_dup(st, 3);
		cs->at = col_dup(st, 4);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT step, text FROM notes WHERE list = ? ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, s->list->id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *step = (const char *)sqlite3_column_text(st, 0);
		struct cl_step *cs = step ? find(s, step) : NULL;

		if (!cs)
			continue;
		cs->notes = xrealloc(cs->notes, (cs->nnotes + 1) * sizeof *cs->notes);
		cs->notes[cs->nnotes++] = col_dup(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

int
checklist_load(wb_case *c, const struct kb_article *list, struct cl_session *out, struct wb_err *err)
{
	sqlite3 *db = case_db(c);

	memset(out, 0, sizeof *out);
	out->list = list;
	out->n = list->nsteps;
	out->steps = xcalloc(list->nsteps + 1, sizeof *out->steps);
	for (size_t i = 0; i < list->nsteps; i++)
		out->steps[i].step = &list->steps[i];
	if (read_log(db, out, err) < 0)
		goto fail;
	regex_register(db);
	/* Evidence decides collect and check steps nobody has marked by hand. */
	for (size_t i = 0; i < out->n; i++) {
		struct cl_step *cs = &out->steps[i];
		const struct kb_step *st = cs->step;

		if (st->kind == KB_STEP_COLLECT && cs->state == CL_PENDING && evidence_collected(db, st)) {
			cs->state = CL_DONE;
			cs->automatic = true;
		}
		if (st->kind == KB_STEP_CHECK) {
			const struct kb_clause *cl = st->check ? st->check : kb_find_clause(list, st->clause_ref);

			if (!cl) {
				wb_errf(err, _("%s: check step '%s' refers to clause '%s', which the signature does not have"),
					list->id, st->id, st->clause_ref);
				goto fail;
			}
			if (match_clause_eval(db, cl, &cs->check, err) < 0)
				goto fail;
			if (cs->state == CL_PENDING && cs->check.state != MATCH_MISSING) {
				cs->state = cs->check.state == MATCH_HIT ? CL_DONE : CL_FAILED;
				cs->automatic = true;
			}
		}
	}
	/* Steps behind an unanswered or differently answered question. */
	for (size_t i = 0; i < out->n; i++) {
		struct cl_step *cs = &out->steps[i];
		const struct cl_step *ask;

		if (!cs->step->if_step)
			continue;
		ask = find(out, cs->step->if_step);
		if (!ask || ask->state != CL_ANSWERED || !ask->answer || strcmp(ask->answer, cs->step->if_answer))
			cs->state = CL_HIDDEN;
	}
	out->next = out->n;
	for (size_t i = 0; i < out->n; i++)
		if (out->steps[i].state == CL_PENDING) {
			out->next = i;
			break;
		}
	return 0;
fail:
	checklist_fini(out);
	return -1;
}

void
checklist_fini(struct cl_session *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct cl_step *cs = &s->steps[i];

		free(cs->answer);
		free(cs->user);
		free(cs->at);
		for (size_t k = 0; k < cs->nnotes; k++)
			free(cs->notes[k]);
		free(cs->notes);
		match_clause_fini(&cs->check);
	}
	free(s->steps);
	free(s->started_by);
	free(s->started_at);
	memset(s, 0, sizeof *s);
}

char **
checklist_sessions(wb_case *c)
{
	sqlite3_stmt *st;
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;

	if (sqlite3_prepare_v2(case_db(c), "SELECT list FROM checklist WHERE step = '' GROUP BY list "
				"ORDER BY min(id)", -1, &st, NULL) != SQLITE_OK)
		return v;
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = col_dup(st, 0);
		v[n] = NULL;
	}
	sqlite3_finalize(st);
	return v;
}
