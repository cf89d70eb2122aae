/*
 * match.h: signatures against a case's facts -> findings that explain
 * themselves.
 *
 * Each clause of an article's signature is evaluated as SQL over the facts
 * table (PCRE2 through the SQL regexp() function of core/regex.h) and ends
 * in one of three states:
 *   hit      facts match (the exact fact ids and evidence rows are kept);
 *   failed   the evidence it looks at is in the case, but nothing matches;
 *   missing  the evidence it looks at is not in the case yet: `collect`
 *            says what to ask for.
 *
 * An article becomes a finding when at least one `require` clause hits and
 * no `require` clause failed:
 *   open       every require clause hit: the article is proposed;
 *   partial    some require clauses are missing evidence: "collect this";
 *   ruled-out  an `exclude` clause hit (e.g. a build where the bug is fixed),
 *              with the facts that rule it out.
 * Score = sum of the weights of the require and support clauses that hit.
 * Ranking: open, partial, ruled-out; then score; then required hits; each
 * finding says why the one above it ranks higher.
 *
 * match_run() replaces the case's findings table; decisions (confirm /
 * dismiss, audit-logged) live in their own table and survive re-runs.
 */
#ifndef WB_MATCH_H
#define WB_MATCH_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "../core/case.h"
#include "kb.h"

/* A fact that made a clause hit: enough for a view to jump to the line. */
struct match_fact {
	int64_t id, evidence_id, ref_id;
	char *ref_table, *key, *value;
};

enum match_clause_state { MATCH_HIT, MATCH_FAILED, MATCH_MISSING };

struct match_clause {
	const struct kb_clause *clause;
	enum match_clause_state state;
	int64_t count;		/* matching rows found (capped; see more) */
	int more;		/* more rows matched than were kept */
	struct match_fact *facts;	/* every fact of every kept row */
	size_t nfacts;
};

enum match_state { MATCH_OPEN, MATCH_PARTIAL, MATCH_RULED_OUT };

struct match_finding {
	const struct kb_article *article;
	enum match_state state;
	double score;
	int required_hit, required;
	struct match_clause *clauses;	/* one per signature clause, in order */
	size_t nclauses;
	char *why_rank;		/* why the finding above ranks higher (NULL for the first) */
};

struct match_result {
	struct match_finding *findings;	/* best first */
	size_t n;
	double seconds;		/* time spent evaluating */
};

const char *match_state_name(enum match_state s);
const char *match_clause_state_name(enum match_clause_state s);

/* Evaluate one clause against the facts of db (regexp() must be registered;
 * match_run() does it).  Used by checklists for their check steps. */
int match_clause_eval(sqlite3 *db, const struct kb_clause *c, struct match_clause *out,
		      struct wb_err *err);
void match_clause_fini(struct match_clause *mc);

/* Evaluate every article with a signature, rank, and (unless dry) replace the
 * case's findings.  out may be NULL when only the table matters. */
int match_run(wb_case *c, const struct wb_kb *kb, struct match_result *out, struct wb_err *err);
void match_result_fini(struct match_result *r);

/* The finding as JSON: {article, title, score, state, decision, hits,
 * missing, failed, excluded_by, why_rank}; decision may be NULL. */
json_t *match_finding_json(const struct match_finding *f, const char *decision, const char *lang);

/* Latest decision for an article ("confirmed", "dismissed", "reopened") and
 * its reason, malloc'd; NULL when none. */
char *match_decision(wb_case *c, const char *article, char **reason);
/* Record a decision (state "confirmed", "dismissed" or "reopened") with a
 * reason; also written to the audit log. */
int match_decide(wb_case *c, const char *article, const char *state, const char *reason,
		 struct wb_err *err);

#endif
