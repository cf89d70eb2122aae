/*
 * checklist.h: guided sessions.  A session walks the checklist of a playbook
 * (a symptom) or of an article (from a finding), step by step:
 *
 *   collect  evidence of a kind; done by itself once such evidence is imported
 *   check    a fact condition (its own, or a clause of the article's
 *            signature); done or failed by itself as evidence arrives, with
 *            the facts that decided it
 *   do       a manual action with the exact command to send the customer
 *   ask      a question; its answer decides which later steps apply
 *            (steps with `if: ASK=ANSWER`)
 *
 * State lives in the case (table checklist: one row per action, the latest
 * row of a step wins; notes go to the notes table with list and step), so
 * a session can be resumed by anyone, and every action is audit-logged.
 */
#ifndef WB_CHECKLIST_H
#define WB_CHECKLIST_H

#include <stdbool.h>

#include "../core/case.h"
#include "kb.h"
#include "match.h"

enum cl_state {
	CL_PENDING,		/* to do */
	CL_DONE,
	CL_SKIPPED,
	CL_FAILED,		/* a check whose evidence says no */
	CL_ANSWERED,		/* an ask with its answer */
	CL_HIDDEN,		/* its `if` does not hold (yet) */
};

struct cl_step {
	const struct kb_step *step;
	enum cl_state state;
	bool automatic;		/* state decided by the evidence, not by a person */
	char *answer;		/* ask: the answer given */
	char *user, *at;	/* who set the state, when (NULL if automatic) */
	char **notes;		/* notes on this step, oldest first */
	size_t nnotes;
	struct match_clause check;	/* check: what the evidence says */
};

struct cl_session {
	const struct kb_article *list;
	bool started;
	char *started_by, *started_at;
	struct cl_step *steps;
	size_t n;
	size_t next;		/* first pending visible step, n when none */
};

const char *cl_state_name(enum cl_state s);

/* Start (or restart: the old log is kept) a session on a playbook or article. */
int checklist_start(wb_case *c, const struct kb_article *list, struct wb_err *err);
/* Read the state of a session, evaluating collect and check steps. */
int checklist_load(wb_case *c, const struct kb_article *list, struct cl_session *out,
		   struct wb_err *err);
void checklist_fini(struct cl_session *s);

/* Drive a session (each call audit-logged).  state: "done" or "skipped". */
int checklist_mark(wb_case *c, const struct kb_article *list, const char *step,
		   const char *state, struct wb_err *err);
int checklist_answer(wb_case *c, const struct kb_article *list, const char *step,
		     const char *answer, struct wb_err *err);
int checklist_note(wb_case *c, const struct kb_article *list, const char *step,
		   const char *text, struct wb_err *err);

/* Ids of the sessions started in a case (malloc'd array, NULL-terminated). */
char **checklist_sessions(wb_case *c);

#endif
