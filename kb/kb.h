/*
 * kb.h: the knowledge base.  Articles are YAML files written by support
 * engineers (docs/KB.md); kb/wb-kbc compiles them at build time into
 * kb.sqlite, and a user folder ($XDG_CONFIG_HOME/wb/kb, files NAME.yaml) adds or
 * overrides articles at run time without rebuilding.
 *
 * Flow: YAML --kb_parse_file()--> struct kb_article (validated, errors name
 * file:line) --kb_save()--> kb.sqlite (one JSON document per article)
 * --kb_open()--> struct wb_kb in memory, which matching (match.h),
 * checklists (checklist.h) and the front ends read.
 *
 * Every text an engineer reads is a struct kb_text: English always,
 * Japanese where the author wrote it (titles and summaries must have both;
 * `wb kb lint` checks).
 */
#ifndef WB_KB_H
#define WB_KB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/util.h"

struct kb_text {
	char *en, *ja;		/* ja may be NULL */
};

enum kb_kind {
	KB_ISSUE,		/* a documented issue with a signature */
	KB_TRIAGE,		/* first steps for a bugcheck family */
	KB_PLAYBOOK,		/* a symptom: where a guided session starts */
	KB_HOWTO,		/* a procedure (e.g. KDNET set-up), nothing to match */
};

/* One test on a fact; table in kb.c (name, SQL, operand kind). */
enum kb_op {
	KB_OP_EQ,		/* value = "..." */
	KB_OP_NE,		/* value <> "..." */
	KB_OP_IN,		/* value IN (...) */
	KB_OP_REGEX,		/* value ~ PCRE2 */
	KB_OP_TEXT,		/* text ~ PCRE2 */
	KB_OP_NUM,		/* num = N */
	KB_OP_LT, KB_OP_LE, KB_OP_GT, KB_OP_GE,	/* num < <= > >= N */
};

struct kb_test {
	enum kb_op op;
	char *str;		/* EQ, NE, REGEX, TEXT */
	char **set;		/* IN */
	size_t nset;
	int64_t num;		/* NUM, LT, LE, GT, GE */
};

/* One fact: its key is one of keys[], and every test holds. */
struct kb_cond {
	char **keys;
	size_t nkeys;
	struct kb_test *tests;
	size_t ntests;
};

/* Conditions that must all hold on facts of the same evidence row (same
 * evidence_id, ref_table and ref_id): provider + id + message of one event. */
struct kb_alt {
	struct kb_cond *conds;
	size_t nconds;
};

enum kb_clause_kind { KB_REQUIRE, KB_SUPPORT, KB_EXCLUDE };

/* A signature clause hits when any of its alternatives holds (at least
 * min_count times).  When it does not, the evidence is negative if the case
 * holds what the clause looks at - facts of its keys, or a fact meeting one
 * of its `evidence` conditions (e.g. "a symbolized stack") - and missing
 * otherwise; `collect` says what to ask the customer for. */
struct kb_clause {
	char *id;		/* "c1", or the author's id */
	enum kb_clause_kind kind;
	struct kb_text label;	/* what it means, in words */
	double weight;
	int min_count;
	struct kb_text collect;	/* what to collect when missing (may be empty) */
	struct kb_alt *alts;
	size_t nalts;
	struct kb_cond *evidence;	/* what "collected" means; a bare key = any fact of it */
	size_t nevidence;
	int line;
};

enum kb_step_kind { KB_STEP_COLLECT, KB_STEP_CHECK, KB_STEP_DO, KB_STEP_ASK };

struct kb_step {
	char *id;
	enum kb_step_kind kind;
	struct kb_text text;
	char **kinds;		/* collect: evidence kinds ("dump", "eventlog", ...) */
	size_t nkinds;
	char *clause_ref;	/* check: a clause of the article's signature ... */
	struct kb_clause *check;	/* ... or its own condition (owned) */
	char *command;		/* do: exact command or registry change */
	char **answers;		/* ask: allowed answers */
	size_t nanswers;
	char *if_step, *if_answer;	/* shown only when that ask was answered so */
	int line;
};

struct kb_ref {
	char *title, *url;
};

struct kb_article {
	char *id;
	enum kb_kind kind;
	struct kb_text title, summary, cause, resolution, caveats;
	struct kb_text *symptoms;
	size_t nsymptoms;
	char **products, **builds;	/* applicability */
	size_t nproducts, nbuilds;
	struct kb_text fixed_in;
	char **playbooks;	/* symptom playbooks that lead here */
	size_t nplaybooks;
	struct kb_ref *refs;
	size_t nrefs;
	char **kbs;		/* KB numbers, vendor KBs */
	size_t nkbs;
	struct kb_clause *clauses;
	size_t nclauses;
	struct kb_step *steps;
	size_t nsteps;
	char *file;		/* where it came from */
	bool user;		/* from the user folder */
	json_t *doc;		/* the source document (for --json and kb.sqlite) */
};

struct wb_kb {
	struct kb_article **articles;	/* sorted by id */
	size_t n;
	char **keys;		/* facts keys documented in docs/FACTS.md (sorted) */
	size_t nkeys;
	char *path;		/* the compiled KB that was loaded, or NULL */
};

/* Names of kinds, ops, clause and step kinds (for output and docs). */
const char *kb_kind_name(enum kb_kind k);
const char *kb_op_name(enum kb_op op);
const char *kb_clause_kind_name(enum kb_clause_kind k);
const char *kb_step_kind_name(enum kb_step_kind k);
/* Text in the wanted language ("ja" or "en"), falling back to English. */
const char *kb_text_get(const struct kb_text *t, const char *lang);

/* Parse one YAML article file.  Errors name file:line and what was expected. */
int kb_parse_file(const char *path, struct kb_article **out, struct wb_err *err);
/* The same from memory; where names it in errors. */
int kb_parse_text(const char *where, const void *text, size_t len, struct kb_article **out,
		  struct wb_err *err);
/* Parse an article from its JSON document (as stored in kb.sqlite, or built
 * by tests and benchmarks).  where names it in errors.  Takes a reference. */
int kb_parse_json(json_t *doc, const char *where, struct kb_article **out, struct wb_err *err);
void kb_article_free(struct kb_article *a);

/* An empty KB; add articles (an article with an existing id replaces it:
 * that is how the user folder overrides). */
struct wb_kb *kb_new(void);
void kb_add(struct wb_kb *kb, struct kb_article *a);
void kb_free(struct wb_kb *kb);
const struct kb_article *kb_find(const struct wb_kb *kb, const char *id);
const struct kb_clause *kb_find_clause(const struct kb_article *a, const char *id);
const struct kb_step *kb_find_step(const struct kb_article *a, const char *id);

/* Write a compiled KB (replacing path) with the articles and the known facts
 * keys. */
int kb_save(const struct wb_kb *kb, const char *path, struct wb_err *err);
/* Load a compiled KB. */
int kb_load(const char *path, struct wb_kb **out, struct wb_err *err);
/* Add every *.yaml of dir (sorted by name; a missing dir is fine).  Articles
 * are marked user. */
int kb_add_dir(struct wb_kb *kb, const char *dir, bool user, struct wb_err *err);

/* What wb uses at run time: $WB_KB, else WB_PKGDATADIR/kb.sqlite, plus the
 * user folder $XDG_CONFIG_HOME/wb/kb (default ~/.config/wb/kb). */
int kb_open_default(struct wb_kb **out, struct wb_err *err);
/* The user folder path (malloc'd), or NULL when no home is known. */
char *kb_user_dir(void);

/* Read the facts keys documented in a FACTS.md (backquoted keys in the first
 * column of the tables below its first "## " heading) into kb->keys. */
int kb_read_facts_doc(struct wb_kb *kb, const char *path, struct wb_err *err);
bool kb_key_known(const struct wb_kb *kb, const char *key);

/* Articles whose id, titles, summaries, symptoms or cause match a PCRE2
 * pattern (caseless).  Returns the count; *out (malloc'd) borrows articles. */
int kb_search(const struct wb_kb *kb, const char *pattern, const struct kb_article ***out,
	      struct wb_err *err);

#endif
