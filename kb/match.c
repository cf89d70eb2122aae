/* Matching: signature clauses as SQL over facts, findings with their why. */
#include "match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonout.h"
#include "../core/regex.h"

/* Facts kept per clause for the "why" (the count goes on beyond). */
#define MATCH_KEEP_ROWS 20

static const char *const state_names[] = {
	[MATCH_OPEN] = "open", [MATCH_PARTIAL] = "partial", [MATCH_RULED_OUT] = "ruled-out",
};
static const char *const clause_state_names[] = {
	[MATCH_HIT] = "hit", [MATCH_FAILED] = "failed", [MATCH_MISSING] = "missing",
};

const char *
match_state_name(enum match_state s)
{
	return state_names[s];
}

const char *
match_clause_state_name(enum match_clause_state s)
{
	return clause_state_names[s];
}

/* SQL for each operator, around the alias of a facts row (f0, f1, ...). */
static const struct {
	enum kb_op op;
	const char *before, *after;	/* parameters bound in order */
} op_sql[] = {
	{KB_OP_EQ, "", ".value = ?"},
	{KB_OP_NE, "", ".value IS NOT ?"},
	{KB_OP_IN, NULL, NULL},	/* built from the set size */
	{KB_OP_REGEX, "regexp(?, ", ".value)"},
	{KB_OP_TEXT, "regexp(?, ", ".text)"},
	{KB_OP_NUM, "", ".num = ?"},
	{KB_OP_LT, "", ".num < ?"},
	{KB_OP_LE, "", ".num <= ?"},
	{KB_OP_GT, "", ".num > ?"},
	{KB_OP_GE, "", ".num >= ?"},
};

static void
sql_in(struct wb_buf *b, const char *column, size_t n)
{
	buf_printf(b, "%s IN (", column);
	for (size_t i = 0; i < n; i++)
		buf_puts(b, i ? ",?" : "?");
	buf_puts(b, ")");
}

/*
 * Per-run state.  A value regex is not run row by row in SQL: the distinct
 * values of its keys are read once per run from the (key, value) index and
 * matched in C, and the query then asks for `value IN (the values that
 * matched)`.  A log with 700,000 events has a few hundred distinct
 * provider/id values, so a clause such as `event ~ ^VSS/8193$` costs a few
 * hundred regex calls and an index lookup instead of a table scan.
 */
#define MATCH_IN_MAX 500	/* above this many matching values, regexp() in SQL */

struct key_values {
	char *key;
	char **values;
	size_t n, cap;		/* n == SIZE_MAX: not read yet */
	int present;		/* -1 unknown, 0, 1 */
};

struct run {
	sqlite3 *db;
	struct key_values *keys;
	size_t nkeys;
};

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static struct key_values *
run_key(struct run *r, const char *key)
{
	for (size_t i = 0; i < r->nkeys; i++)
		if (!strcmp(r->keys[i].key, key))
			return &r->keys[i];
	r->keys = xrealloc(r->keys, (r->nkeys + 1) * sizeof *r->keys);
	r->keys[r->nkeys] = (struct key_values){.key = xstrdup(key), .present = -1, .n = SIZE_MAX};
	return &r->keys[r->nkeys++];
}

static void
run_fini(struct run *r)
{
	for (size_t i = 0; i < r->nkeys; i++) {
		for (size_t k = 0; r->keys[i].n != SIZE_MAX && k < r->keys[i].n; k++)
			free(r->keys[i].values[k]);
		free(r->keys[i].values);
		free(r->keys[i].key);
	}
	free(r->keys);
	memset(r, 0, sizeof *r);
}

/* Distinct values of a key, read once per run. */
static const struct key_values *
distinct_values(struct run *r, const char *key)
{
	struct key_values *kv = run_key(r, key);
	sqlite3_stmt *st;

	if (kv->n != SIZE_MAX)
		return kv;
	kv->n = 0;
	if (sqlite3_prepare_v2(r->db, "SELECT DISTINCT value FROM facts WHERE key = ? AND value IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return kv;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (kv->n == kv->cap) {
			kv->cap = kv->cap ? kv->cap * 2 : 16;
			kv->values = xrealloc(kv->values, kv->cap * sizeof *kv->values);
		}
		kv->values[kv->n++] = col_dup(st, 0);
	}
	sqlite3_finalize(st);
	kv->present = kv->n > 0 || kv->present == 1;
	return kv;
}

/* A value regex resolved to the values it matches (values NULL: too many,
 * or not a regex; SQL tests the row). */
struct resolved {
	char **values;		/* borrowed from the run's distinct values */
	size_t n;
};

/* Resolve the value regexes of a condition (res has one entry per test).
 * Returns 0 when some test can match nothing (the condition is
 * impossible), 1 otherwise, -1 on a bad regex. */
static int
resolve_cond(struct run *r, const struct kb_cond *c, struct resolved *res, struct wb_err *err)
{
	for (size_t i = 0; i < c->ntests; i++) {
		const struct kb_test *t = &c->tests[i];
		wb_regex *re;
		size_t n = 0, total = 0;

		res[i] = (struct resolved){0};
		if (t->op != KB_OP_REGEX)
			continue;
		for (size_t k = 0; k < c->nkeys; k++)
			total += distinct_values(r, c->keys[k])->n;
		if (!(re = regex_compile(t->str, 0, err)))
			return -1;
		res[i].values = xcalloc(total + 1, sizeof *res[i].values);
		for (size_t k = 0; k < c->nkeys; k++) {
			const struct key_values *kv = distinct_values(r, c->keys[k]);

			for (size_t v = 0; v < kv->n; v++)
				if (regex_match(re, kv->values[v], strlen(kv->values[v]), NULL, NULL))
					res[i].values[n++] = kv->values[v];
		}
		regex_free(re);
		res[i].n = n;
		if (n == 0)
			return 0;
		if (n > MATCH_IN_MAX) {	/* too many to list: let SQL run the regex */
			free(res[i].values);
			res[i].values = NULL;
		}
	}
	return 1;
}

static void
sql_cond(struct wb_buf *b, const struct kb_cond *c, const struct resolved *res, const char *alias)
{
	char col[32];

	snprintf(col, sizeof col, "%s.key", alias);
	sql_in(b, col, c->nkeys);
	snprintf(col, sizeof col, "%s.value", alias);
	for (size_t i = 0; i < c->ntests; i++) {
		const struct kb_test *t = &c->tests[i];

		buf_puts(b, " AND ");
		if (t->op == KB_OP_IN) {
			sql_in(b, col, t->nset);
			continue;
		}
		if (t->op == KB_OP_REGEX && res[i].values) {
			sql_in(b, col, res[i].n);
			continue;
		}
		for (size_t k = 0; k < sizeof op_sql / sizeof op_sql[0]; k++)
			if (op_sql[k].op == t->op)
				buf_printf(b, "%s%s%s", op_sql[k].before, alias, op_sql[k].after);
	}
}

static int
bind_cond(sqlite3_stmt *st, int idx, const struct kb_cond *c, const struct resolved *res)
{
	for (size_t i = 0; i < c->nkeys; i++)
		sqlite3_bind_text(st, idx++, c->keys[i], -1, SQLITE_STATIC);
	for (size_t i = 0; i < c->ntests; i++) {
		const struct kb_test *t = &c->tests[i];

		switch (t->op) {
		case KB_OP_IN:
			for (size_t k = 0; k < t->nset; k++)
				sqlite3_bind_text(st, idx++, t->set[k], -1, SQLITE_STATIC);
			break;
		case KB_OP_REGEX:
			if (res[i].values) {
				for (size_t k = 0; k < res[i].n; k++)
					sqlite3_bind_text(st, idx++, res[i].values[k], -1, SQLITE_STATIC);
				break;
			}
			sqlite3_bind_text(st, idx++, t->str, -1, SQLITE_STATIC);
			break;
		case KB_OP_EQ: case KB_OP_NE: case KB_OP_TEXT:
			sqlite3_bind_text(st, idx++, t->str, -1, SQLITE_STATIC);
			break;
		default:
			sqlite3_bind_int64(st, idx++, t->num);
			break;
		}
	}
	return idx;
}

/* One alternative as one query returning the six fact columns per condition.
 * Several conditions are joined on the evidence row; each side is
 * materialised first so SQLite joins two small sets instead of scanning per
 * row. */
static void
alt_sql(struct wb_buf *b, const struct kb_alt *a, struct resolved *const *res, int limit)
{
	if (a->nconds == 1) {
		buf_puts(b, "SELECT f0.id, f0.evidence_id, f0.ref_table, f0.ref_id, f0.key, f0.value "
			    "FROM facts AS f0 WHERE ");
		sql_cond(b, &a->conds[0], res[0], "f0");
		buf_printf(b, " ORDER BY f0.id LIMIT %d", limit);
		return;
	}
	buf_puts(b, "WITH ");
	for (size_t i = 0; i < a->nconds; i++) {
		char alias[32];

		snprintf(alias, sizeof alias, "f%zu", i);
		buf_printf(b, "%sc%zu AS MATERIALIZED (SELECT %s.id, %s.evidence_id, %s.ref_table, %s.ref_id, "
			   "%s.key, %s.value FROM facts AS %s WHERE %s.ref_id IS NOT NULL AND %s.ref_id <> 0 AND ",
			   i ? ", " : "", i, alias, alias, alias, alias, alias, alias, alias, alias, alias);
		sql_cond(b, &a->conds[i], res[i], alias);
		buf_puts(b, ")");
	}
	buf_puts(b, " SELECT ");
	for (size_t i = 0; i < a->nconds; i++)
		buf_printf(b, "%sc%zu.id, c%zu.evidence_id, c%zu.ref_table, c%zu.ref_id, c%zu.key, c%zu.value",
			   i ? ", " : "", i, i, i, i, i, i);
	buf_puts(b, " FROM c0");
	for (size_t i = 1; i < a->nconds; i++)
		buf_printf(b, " JOIN c%zu ON c%zu.evidence_id = c0.evidence_id AND c%zu.ref_table = c0.ref_table "
			   "AND c%zu.ref_id = c0.ref_id", i, i, i, i);
	buf_printf(b, " ORDER BY c0.id LIMIT %d", limit);
}

static int
alt_query(sqlite3 *db, const struct kb_alt *a, struct resolved *const *res, int limit,
	  struct match_clause *mc, struct wb_err *err)
{
	struct wb_buf sql = {0};
	sqlite3_stmt *st;
	int rc;

	alt_sql(&sql, a, res, limit);
	if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		wb_errf(err, _("clause %s: %s"), mc->clause->id, sqlite3_errmsg(db));
		buf_fini(&sql);
		return -1;
	}
	buf_fini(&sql);
	for (size_t i = 0, idx = 1; i < a->nconds; i++)
		idx = (size_t)bind_cond(st, (int)idx, &a->conds[i], res[i]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (mc->count >= MATCH_KEEP_ROWS) {
			mc->count++;
			mc->more = 1;
			continue;
		}
		mc->count++;
		mc->facts = xrealloc(mc->facts, (mc->nfacts + a->nconds) * sizeof *mc->facts);
		for (size_t i = 0; i < a->nconds; i++) {
			struct match_fact *f = &mc->facts[mc->nfacts++];
			int o = (int)i * 6;

			f->id = sqlite3_column_int64(st, o);
			f->evidence_id = sqlite3_column_int64(st, o + 1);
			f->ref_table = col_dup(st, o + 2);
			f->ref_id = sqlite3_column_int64(st, o + 3);
			f->key = col_dup(st, o + 4);
			f->value = col_dup(st, o + 5);
		}
	}
	if (rc != SQLITE_DONE) {
		wb_errf(err, _("clause %s: %s"), mc->clause->id, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
alt_eval(struct run *r, const struct kb_alt *a, int limit, struct match_clause *mc, struct wb_err *err)
{
	struct resolved **res = xcalloc(a->nconds, sizeof *res);
	int rc = 1;

	for (size_t i = 0; i < a->nconds; i++)
		res[i] = xcalloc(a->conds[i].ntests + 1, sizeof *res[i]);
	for (size_t i = 0; i < a->nconds && rc == 1; i++)
		rc = resolve_cond(r, &a->conds[i], res[i], err);
	if (rc == 1)	/* 0: some condition can match nothing, no query needed */
		rc = alt_query(r->db, a, res, limit, mc, err);
	for (size_t i = 0; i < a->nconds; i++) {
		for (size_t k = 0; k < a->conds[i].ntests; k++)
			free(res[i][k].values);
		free(res[i]);
	}
	free(res);
	return rc < 0 ? -1 : 0;
}

static int
key_present(struct run *r, const char *key)
{
	struct key_values *kv = run_key(r, key);
	sqlite3_stmt *st;

	if (kv->present >= 0)
		return kv->present;
	kv->present = 0;
	if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM facts WHERE key = ? LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	kv->present = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return kv->present;
}

/* Is the evidence this clause looks at in the case at all?  Returns 1, 0,
 * or -1 with err. */
static int
clause_evidence_present(struct run *r, const struct kb_clause *c, struct wb_err *err)
{
	for (size_t i = 0; i < c->nevidence; i++) {
		const struct kb_cond *cd = &c->evidence[i];
		struct kb_alt one = {.conds = (struct kb_cond *)cd, .nconds = 1};
		struct match_clause probe = {.clause = c};
		int found;

		if (!cd->ntests) {
			for (size_t k = 0; k < cd->nkeys; k++)
				if (key_present(r, cd->keys[k]))
					return 1;
			continue;
		}
		if (alt_eval(r, &one, 1, &probe, err) < 0)
			return -1;
		found = probe.count > 0;
		match_clause_fini(&probe);
		if (found)
			return 1;
	}
	if (c->nevidence)
		return 0;
	for (size_t i = 0; i < c->nalts; i++)
		for (size_t j = 0; j < c->alts[i].nconds; j++)
			for (size_t k = 0; k < c->alts[i].conds[j].nkeys; k++)
				if (key_present(r, c->alts[i].conds[j].keys[k]))
					return 1;
	return 0;
}

static int
clause_eval(struct run *r, const struct kb_clause *c, struct match_clause *out, struct wb_err *err)
{
	int limit = c->min_count > MATCH_KEEP_ROWS ? c->min_count : MATCH_KEEP_ROWS + 1;

	memset(out, 0, sizeof *out);
	out->clause = c;
	for (size_t i = 0; i < c->nalts && out->count < c->min_count; i++)
		if (alt_eval(r, &c->alts[i], limit, out, err) < 0) {
			match_clause_fini(out);
			return -1;
		}
	if (out->count >= c->min_count) {
		out->state = MATCH_HIT;
		return 0;
	}
	switch (clause_evidence_present(r, c, err)) {
	case -1:
		match_clause_fini(out);
		return -1;
	case 0:
		out->state = MATCH_MISSING;
		break;
	default:
		out->state = MATCH_FAILED;
		break;
	}
	return 0;
}

int
match_clause_eval(sqlite3 *db, const struct kb_clause *c, struct match_clause *out, struct wb_err *err)
{
	struct run r = {.db = db};
	int rc = clause_eval(&r, c, out, err);

	run_fini(&r);
	return rc;
}

void
match_clause_fini(struct match_clause *mc)
{
	for (size_t i = 0; i < mc->nfacts; i++) {
		free(mc->facts[i].ref_table);
		free(mc->facts[i].key);
		free(mc->facts[i].value);
	}
	free(mc->facts);
	mc->facts = NULL;
	mc->nfacts = 0;
}

static void
finding_fini(struct match_finding *f)
{
	for (size_t i = 0; i < f->nclauses; i++)
		match_clause_fini(&f->clauses[i]);
	free(f->clauses);
	free(f->why_rank);
}

void
match_result_fini(struct match_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_fini(&r->findings[i]);
	free(r->findings);
	memset(r, 0, sizeof *r);
}

/* Evaluate one article; returns 1 when it is a finding, 0 when not. */
static int
article_eval(struct run *r, const struct kb_article *a, struct match_finding *f, struct wb_err *err)
{
	bool require_failed = false, excluded = false, any_hit = false;

	memset(f, 0, sizeof *f);
	f->article = a;
	f->clauses = xcalloc(a->nclauses, sizeof *f->clauses);
	f->nclauses = a->nclauses;
	/* Requires first: when one fails the rest need not run. */
	for (int pass = KB_REQUIRE; pass <= KB_EXCLUDE; pass++) {
		for (size_t i = 0; i < a->nclauses; i++) {
			const struct kb_clause *c = &a->clauses[i];
			struct match_clause *mc = &f->clauses[i];

			if ((int)c->kind != pass)
				continue;
			if (c->kind == KB_REQUIRE)
				f->required++;
			if (require_failed) {
				mc->clause = c;
				mc->state = MATCH_FAILED;
				continue;
			}
			if (clause_eval(r, c, mc, err) < 0) {
				mc->clause = c;
				return -1;
			}
			if (mc->state != MATCH_HIT) {
				if (c->kind == KB_REQUIRE && mc->state == MATCH_FAILED)
					require_failed = true;
				continue;
			}
			switch (c->kind) {
			case KB_REQUIRE:
				f->required_hit++;
				any_hit = true;
				f->score += c->weight;
				break;
			case KB_SUPPORT:
				f->score += c->weight;
				break;
			case KB_EXCLUDE:
				excluded = true;
				break;
			}
		}
		if (pass == KB_REQUIRE && (require_failed || !any_hit))
			return 0;
	}
	if (excluded)
		f->state = MATCH_RULED_OUT;
	else if (f->required_hit == f->required)
		f->state = MATCH_OPEN;
	else
		f->state = MATCH_PARTIAL;
	return 1;
}

static int
finding_cmp(const void *x, const void *y)
{
	const struct match_finding *a = x, *b = y;

	if (a->state != b->state)
		return (int)a->state - (int)b->state;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->required_hit != b->required_hit)
		return b->required_hit - a->required_hit;
	return strcmp(a->article->id, b->article->id);
}

/* Why `above` ranks higher than `f`, in words. */
static char *
why_rank(const struct match_finding *above, const struct match_finding *f)
{
	struct wb_buf b = {0};
	const char *sep = "";

	if (above->state != f->state) {
		buf_printf(&b, _("%s ranks higher: it is %s, this one is %s"), above->article->id,
			   match_state_name(above->state), match_state_name(f->state));
		if (f->state == MATCH_PARTIAL) {
			buf_puts(&b, _("; still missing here:"));
			for (size_t i = 0; i < f->nclauses; i++)
				if (f->clauses[i].clause->kind == KB_REQUIRE && f->clauses[i].state != MATCH_HIT)
					buf_printf(&b, " %s", kb_text_get(&f->clauses[i].clause->label, NULL));
		} else if (f->state == MATCH_RULED_OUT) {
			buf_puts(&b, _("; ruled out by:"));
			for (size_t i = 0; i < f->nclauses; i++)
				if (f->clauses[i].clause->kind == KB_EXCLUDE && f->clauses[i].state == MATCH_HIT)
					buf_printf(&b, " %s", kb_text_get(&f->clauses[i].clause->label, NULL));
		}
		return b.data;
	}
	buf_printf(&b, _("%s ranks higher: score %g vs %g, %d of %d required clauses vs %d of %d"),
		   above->article->id, above->score, f->score, above->required_hit, above->required,
		   f->required_hit, f->required);
	for (size_t i = 0; i < above->nclauses; i++) {
		const struct match_clause *mc = &above->clauses[i];

		if (mc->state != MATCH_HIT || mc->clause->kind == KB_EXCLUDE || mc->clause->weight <= 0)
			continue;
		if (!*sep)
			buf_puts(&b, _("; it also has evidence for: "));
		buf_printf(&b, "%s%s (+%g)", sep, kb_text_get(&mc->clause->label, NULL), mc->clause->weight);
		sep = "; ";
	}
	return b.data;
}

static int
write_findings(sqlite3 *db, const struct match_result *r, struct wb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_exec(db, "SAVEPOINT match; DELETE FROM findings", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO findings (article, rank, score, state, detail, updated_at) "
			       "VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", -1, &st, NULL) != SQLITE_OK) {
		wb_errf(err, _("cannot write findings: %s"), sqlite3_errmsg(db));
		goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct match_finding *f = &r->findings[i];
		json_t *j = match_finding_json(f, NULL, NULL);
		char *detail = json_dumps(j, JSON_COMPACT);

		json_decref(j);
		sqlite3_bind_text(st, 1, f->article->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		sqlite3_bind_double(st, 3, f->score);
		sqlite3_bind_text(st, 4, match_state_name(f->state), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, detail, -1, free);
		if (sqlite3_step(st) != SQLITE_DONE) {
			wb_errf(err, _("cannot write findings: %s"), sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_exec(db, rc == 0 ? "RELEASE match" : "ROLLBACK TO match; RELEASE match", NULL, NULL, NULL);
	return rc;
}

int
match_run(wb_case *c, const struct wb_kb *kb, struct match_result *out, struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	struct match_result r = {0};
	struct run run = {.db = db};
	double t0 = wb_now();
	int64_t cache_kib, mmap_bytes;
	int rc = -1;

	regex_register(db);
	/* Matching reads the index pages of every busy key and the rows of the
	 * candidates, many times over: map the file for the run instead of
	 * copying pages through read(), and keep more of them cached. */
	cache_kib = case_scalar(c, "PRAGMA cache_size", -2000);
	mmap_bytes = case_scalar(c, "PRAGMA mmap_size", 0);
	sqlite3_exec(db, "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	r.findings = xcalloc(kb->n + 1, sizeof *r.findings);
	for (size_t i = 0; i < kb->n; i++) {
		const struct kb_article *a = kb->articles[i];
		int found;

		if (!a->nclauses)
			continue;
		found = article_eval(&run, a, &r.findings[r.n], err);
		if (found < 0) {
			finding_fini(&r.findings[r.n]);
			goto out;
		}
		if (found)
			r.n++;
		else
			finding_fini(&r.findings[r.n]);
	}
	qsort(r.findings, r.n, sizeof *r.findings, finding_cmp);
	for (size_t i = 1; i < r.n; i++)
		r.findings[i].why_rank = why_rank(&r.findings[i - 1], &r.findings[i]);
	r.seconds = wb_now() - t0;
	if (write_findings(db, &r, err) < 0)
		goto out;
	rc = 0;
out:
	run_fini(&run);
	{
		char *restore = sqlite3_mprintf("PRAGMA cache_size = %lld; PRAGMA mmap_size = %lld", (long long)cache_kib,
						(long long)mmap_bytes);

		sqlite3_exec(db, restore, NULL, NULL, NULL);
		sqlite3_free(restore);
	}
	if (rc == 0 && out)
		*out = r;
	else
		match_result_fini(&r);
	return rc;
}

static json_t *
facts_json(const struct match_clause *mc)
{
	json_t *a = json_array();

	for (size_t i = 0; i < mc->nfacts; i++) {
		const struct match_fact *f = &mc->facts[i];

		json_array_append_new(a, json_pack("{s:I, s:I, s:o, s:I, s:o, s:o}",
						   "id", (json_int_t)f->id, "evidence_id", (json_int_t)f->evidence_id,
						   "ref_table", jsonout_str(f->ref_table), "ref_id", (json_int_t)f->ref_id,
						   "key", jsonout_str(f->key), "value", jsonout_str(f->value)));
	}
	return a;
}

json_t *
match_finding_json(const struct match_finding *f, const char *decision, const char *lang)
{
	const struct kb_article *a = f->article;
	json_t *hits = json_array(), *missing = json_array(), *failed = json_array(), *excl = json_array();
	json_t *j;

	for (size_t i = 0; i < f->nclauses; i++) {
		const struct match_clause *mc = &f->clauses[i];
		const struct kb_clause *c = mc->clause;
		json_t *e = json_pack("{s:s, s:s, s:o}", "clause", c->id, "kind", kb_clause_kind_name(c->kind),
				      "label", jsonout_str(kb_text_get(&c->label, lang)));

		switch (mc->state) {
		case MATCH_HIT:
			json_object_set_new(e, "weight", json_real(c->weight));
			json_object_set_new(e, "count", json_integer(mc->count));
			json_object_set_new(e, "more", json_boolean(mc->more));
			json_object_set_new(e, "facts", facts_json(mc));
			json_array_append_new(c->kind == KB_EXCLUDE ? excl : hits, e);
			break;
		case MATCH_MISSING:
			if (c->kind == KB_EXCLUDE) {
				json_decref(e);
				break;
			}
			json_object_set_new(e, "collect", jsonout_str(c->collect.en ? kb_text_get(&c->collect, lang) : NULL));
			json_array_append_new(missing, e);
			break;
		case MATCH_FAILED:
			if (c->kind == KB_EXCLUDE) {
				json_decref(e);
				break;
			}
			json_array_append_new(failed, e);
			break;
		}
	}
	j = json_pack("{s:s, s:o, s:f, s:s, s:o, s:i, s:i, s:o, s:o, s:o, s:o, s:o}",
		      "article", a->id, "title", jsonout_str(kb_text_get(&a->title, lang)), "score", f->score,
		      "state", decision ? decision : match_state_name(f->state),
		      "decision", jsonout_str(decision), "required", f->required, "required_hit", f->required_hit,
		      "hits", hits, "missing", missing, "failed", failed, "excluded_by", excl,
		      "why_rank", jsonout_str(f->why_rank));
	if (decision)
		json_object_set_new(j, "match_state", json_string(match_state_name(f->state)));
	return j;
}

char *
match_decision(wb_case *c, const char *article, char **reason)
{
	sqlite3_stmt *st;
	char *state = NULL;

	if (reason)
		*reason = NULL;
	if (sqlite3_prepare_v2(case_db(c), "SELECT state, reason FROM decisions WHERE article = ? "
				"ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, article, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		state = col_dup(st, 0);
		if (reason)
			*reason = col_dup(st, 1);
	}
	sqlite3_finalize(st);
	if (state && !strcmp(state, "reopened")) {
		free(state);
		state = NULL;
	}
	return state;
}

int
match_decide(wb_case *c, const char *article, const char *state, const char *reason, struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	sqlite3_stmt *st;
	int rc;

	if (strcmp(state, "confirmed") && strcmp(state, "dismissed") && strcmp(state, "reopened"))
		return wb_errf(err, _("decision '%s': expected confirmed, dismissed or reopened"), state);
	if (!reason || !*reason)
		return wb_errf(err, _("a decision needs a reason"));
	if (sqlite3_prepare_v2(db, "INSERT INTO decisions (article, state, reason, user, at) VALUES "
				"(?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, article, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, wb_user(), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return wb_errf(err, "%s", sqlite3_errmsg(db));
	return case_audit(c, err, "finding %s %s: %s", article, state, reason);
}
