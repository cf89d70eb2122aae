/* Knowledge base: YAML articles -> validated model -> kb.sqlite and back. */
#include "kb.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../core/regex.h"

static const char *const kind_names[] = {
	[KB_ISSUE] = "issue", [KB_TRIAGE] = "triage", [KB_PLAYBOOK] = "playbook", [KB_HOWTO] = "howto",
};
static const char *const clause_kind_names[] = {
	[KB_REQUIRE] = "require", [KB_SUPPORT] = "support", [KB_EXCLUDE] = "exclude",
};
static const char *const step_kind_names[] = {
	[KB_STEP_COLLECT] = "collect", [KB_STEP_CHECK] = "check", [KB_STEP_DO] = "do", [KB_STEP_ASK] = "ask",
};

/* The operators of a condition and what their operand is. */
enum operand { OPERAND_STR, OPERAND_SET, OPERAND_NUM };
static const struct {
	const char *name;
	enum kb_op op;
	enum operand operand;
} ops[] = {
	{"eq", KB_OP_EQ, OPERAND_STR},
	{"ne", KB_OP_NE, OPERAND_STR},
	{"in", KB_OP_IN, OPERAND_SET},
	{"regex", KB_OP_REGEX, OPERAND_STR},
	{"text", KB_OP_TEXT, OPERAND_STR},
	{"num", KB_OP_NUM, OPERAND_NUM},
	{"lt", KB_OP_LT, OPERAND_NUM},
	{"le", KB_OP_LE, OPERAND_NUM},
	{"gt", KB_OP_GT, OPERAND_NUM},
	{"ge", KB_OP_GE, OPERAND_NUM},
};
#define NOPS (sizeof ops / sizeof ops[0])

const char *
kb_kind_name(enum kb_kind k)
{
	return kind_names[k];
}

const char *
kb_clause_kind_name(enum kb_clause_kind k)
{
	return clause_kind_names[k];
}

const char *
kb_step_kind_name(enum kb_step_kind k)
{
	return step_kind_names[k];
}

const char *
kb_op_name(enum kb_op op)
{
	for (size_t i = 0; i < NOPS; i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "?";
}

const char *
kb_text_get(const struct kb_text *t, const char *lang)
{
	if (lang && !strcmp(lang, "ja") && t->ja && *t->ja)
		return t->ja;
	return t->en ? t->en : "";
}

/* ---- YAML to JSON, remembering the line of every node ---- */

struct line_map {
	const json_t **node;
	int *line;
	size_t n, cap;
};

static void
lines_add(struct line_map *lm, const json_t *j, int line)
{
	if (!lm)
		return;
	if (lm->n == lm->cap) {
		lm->cap = lm->cap ? lm->cap * 2 : 256;
		lm->node = xrealloc(lm->node, lm->cap * sizeof *lm->node);
		lm->line = xrealloc(lm->line, lm->cap * sizeof *lm->line);
	}
	lm->node[lm->n] = j;
	lm->line[lm->n++] = line;
}

static int
lines_get(const struct line_map *lm, const json_t *j)
{
	if (lm)
		for (size_t i = 0; i < lm->n; i++)
			if (lm->node[i] == j)
				return lm->line[i];
	return 0;
}

static void
lines_fini(struct line_map *lm)
{
	free(lm->node);
	free(lm->line);
}

static json_t *yaml_value(yaml_parser_t *p, yaml_event_t *ev, struct line_map *lm,
			  const char *path, int depth, struct wb_err *err);

static int
yaml_next(yaml_parser_t *p, yaml_event_t *ev, const char *path, struct wb_err *err)
{
	if (!yaml_parser_parse(p, ev))
		return wb_errf(err, "%s:%zu: %s: %s", path, p->problem_mark.line + 1,
			       _("YAML syntax error"), p->problem ? p->problem : "?");
	return 0;
}

static json_t *
yaml_collection(yaml_parser_t *p, bool mapping, struct line_map *lm, const char *path,
		int depth, struct wb_err *err)
{
	json_t *j = mapping ? json_object() : json_array();
	yaml_event_t ev;

	for (;;) {
		json_t *key = NULL, *val;
		int line;

		if (yaml_next(p, &ev, path, err) < 0)
			goto fail;
		line = (int)ev.start_mark.line + 1;
		if (ev.type == (mapping ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
			yaml_event_delete(&ev);
			return j;
		}
		if (mapping) {
			if (ev.type != YAML_SCALAR_EVENT) {
				wb_errf(err, "%s:%d: %s", path, line, _("a mapping key must be a plain name"));
				yaml_event_delete(&ev);
				goto fail;
			}
			key = json_stringn((const char *)ev.data.scalar.value, ev.data.scalar.length);
			yaml_event_delete(&ev);
			if (!key) {
				wb_errf(err, "%s:%d: %s", path, line, _("key is not valid UTF-8"));
				goto fail;
			}
			if (json_object_get(j, json_string_value(key))) {
				wb_errf(err, "%s:%d: %s '%s'", path, line, _("duplicate key"), json_string_value(key));
				json_decref(key);
				goto fail;
			}
			if (yaml_next(p, &ev, path, err) < 0) {
				json_decref(key);
				goto fail;
			}
		}
		val = yaml_value(p, &ev, lm, path, depth + 1, err);
		yaml_event_delete(&ev);
		if (!val) {
			json_decref(key);
			goto fail;
		}
		if (mapping) {
			json_object_set_new(j, json_string_value(key), val);
			json_decref(key);
		} else {
			json_array_append_new(j, val);
		}
	}
fail:
	json_decref(j);
	return NULL;
}

/* Scalars stay strings: no YAML 1.1 guessing ("no" is an answer, not false). */
static json_t *
yaml_value(yaml_parser_t *p, yaml_event_t *ev, struct line_map *lm, const char *path, int depth,
	   struct wb_err *err)
{
	int line = (int)ev->start_mark.line + 1;
	json_t *j = NULL;

	if (depth > 32) {
		wb_errf(err, "%s:%d: %s", path, line, _("nesting too deep"));
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		j = json_stringn((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (!j)
			wb_errf(err, "%s:%d: %s", path, line, _("text is not valid UTF-8"));
		break;
	case YAML_SEQUENCE_START_EVENT:
		j = yaml_collection(p, false, lm, path, depth, err);
		break;
	case YAML_MAPPING_START_EVENT:
		j = yaml_collection(p, true, lm, path, depth, err);
		break;
	case YAML_ALIAS_EVENT:
		wb_errf(err, "%s:%d: %s", path, line, _("YAML aliases are not supported in articles"));
		break;
	default:
		wb_errf(err, "%s:%d: %s", path, line, _("unexpected YAML event"));
		break;
	}
	if (j)
		lines_add(lm, j, line);
	return j;
}

/* Parse a whole YAML stream (input already set on p) into one document. */
static json_t *
yaml_load(yaml_parser_t *p, const char *path, struct line_map *lm, struct wb_err *err)
{
	yaml_event_t ev;
	json_t *doc = NULL;

	for (;;) {
		if (yaml_next(p, &ev, path, err) < 0) {
			json_decref(doc);
			return NULL;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			if (!doc)
				wb_errf(err, "%s:1: %s", path, _("empty file: expected an article (a mapping with id, title, ...)"));
			break;
		}
		if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_SCALAR_EVENT) {
			if (doc) {
				wb_errf(err, "%s:%zu: %s", path, ev.start_mark.line + 1, _("one article per file"));
				yaml_event_delete(&ev);
				json_decref(doc);
				doc = NULL;
				break;
			}
			doc = yaml_value(p, &ev, lm, path, 0, err);
			yaml_event_delete(&ev);
			if (!doc)
				break;
			continue;
		}
		yaml_event_delete(&ev);
	}
	if (doc && !json_is_object(doc)) {
		wb_errf(err, "%s:1: %s", path, _("expected an article: a mapping with id, title, ..."));
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* ---- JSON to the model, with errors naming file:line ---- */

struct ctx {
	const char *where;
	const struct line_map *lm;
	struct wb_err *err;
};

__attribute__((format(printf, 3, 4))) static int
fail(const struct ctx *cx, const json_t *at, const char *fmt, ...)
{
	char msg[WB_ERR_MAX];
	va_list ap;
	int line = lines_get(cx->lm, at);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		return wb_errf(cx->err, "%s:%d: %s", cx->where, line, msg);
	return wb_errf(cx->err, "%s: %s", cx->where, msg);
}

static int
check_fields(const struct ctx *cx, const json_t *obj, const char *what, const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v) {
		bool ok = false;

		for (size_t i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], k))
				ok = true;
		if (!ok) {
			struct wb_buf b = {0};

			for (size_t i = 0; allowed[i]; i++)
				buf_printf(&b, "%s%s", i ? ", " : "", allowed[i]);
			fail(cx, v, _("unknown field '%s' in %s (expected one of: %s)"), k, what, b.data);
			buf_fini(&b);
			return -1;
		}
	}
	return 0;
}

static int
get_str(const struct ctx *cx, const json_t *v, const char *what, char **out)
{
	if (!json_is_string(v))
		return fail(cx, v, _("%s: expected text"), what);
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* A list of strings; a single string counts as a list of one. */
static int
get_strs(const struct ctx *cx, const json_t *v, const char *what, char ***out, size_t *n)
{
	size_t i;
	json_t *e;

	if (json_is_string(v)) {
		*out = xcalloc(1, sizeof **out);
		(*out)[0] = xstrdup(json_string_value(v));
		*n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return fail(cx, v, _("%s: expected a list of texts"), what);
	*out = xcalloc(json_array_size(v) + 1, sizeof **out);
	*n = 0;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return fail(cx, e, _("%s: expected a list of texts"), what);
		(*out)[(*n)++] = xstrdup(json_string_value(e));
	}
	return 0;
}

/* Text: "plain" (English) or {en: ..., ja: ...}. */
static int
get_text(const struct ctx *cx, const json_t *v, const char *what, struct kb_text *t)
{
	static const char *const fields[] = {"en", "ja", NULL};

	if (json_is_string(v)) {
		t->en = xstrdup(json_string_value(v));
		return 0;
	}
	if (!json_is_object(v))
		return fail(cx, v, _("%s: expected text or a mapping with en: and ja:"), what);
	if (check_fields(cx, v, what, fields) < 0)
		return -1;
	if (!json_is_string(json_object_get(v, "en")))
		return fail(cx, v, _("%s: the English text (en:) is required"), what);
	t->en = xstrdup(json_string_value(json_object_get(v, "en")));
	if (json_object_get(v, "ja") && get_str(cx, json_object_get(v, "ja"), what, &t->ja) < 0)
		return -1;
	return 0;
}

static int
parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int
get_num(const struct ctx *cx, const json_t *v, const char *what, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v) || parse_int(json_string_value(v), out) < 0)
		return fail(cx, v, _("%s: expected an integer (decimal or 0x hex)"), what);
	return 0;
}

static int
parse_cond(const struct ctx *cx, const json_t *v, struct kb_cond *c)
{
	const char *k;
	json_t *e;

	if (!json_is_object(v))
		return fail(cx, v, _("condition: expected a mapping such as {key: bugcheck.code, in: [...]}"));
	if (!json_object_get(v, "key"))
		return fail(cx, v, _("condition: 'key' (the facts key) is required"));
	c->tests = xcalloc(json_object_size(v), sizeof *c->tests);
	json_object_foreach((json_t *)v, k, e) {
		size_t i;
		struct kb_test *t;

		if (!strcmp(k, "key")) {
			if (get_strs(cx, e, "key", &c->keys, &c->nkeys) < 0)
				return -1;
			if (!c->nkeys)
				return fail(cx, e, _("condition: 'key' must name at least one facts key"));
			continue;
		}
		for (i = 0; i < NOPS && strcmp(ops[i].name, k); i++)
			;
		if (i == NOPS)
			return fail(cx, e, _("condition: unknown operator '%s' (expected key, eq, ne, in, regex, text, num, lt, le, gt, ge)"), k);
		t = &c->tests[c->ntests++];
		t->op = ops[i].op;
		switch (ops[i].operand) {
		case OPERAND_STR:
			if (get_str(cx, e, k, &t->str) < 0)
				return -1;
			break;
		case OPERAND_SET:
			if (get_strs(cx, e, k, &t->set, &t->nset) < 0)
				return -1;
			if (!t->nset)
				return fail(cx, e, _("condition: 'in' needs at least one value"));
			break;
		case OPERAND_NUM:
			if (get_num(cx, e, k, &t->num) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* An alternative: one condition mapping, or a list of them (same row). */
static int
parse_alt(const struct ctx *cx, const json_t *v, struct kb_alt *a)
{
	size_t i;
	json_t *e;

	if (json_is_object(v)) {
		a->conds = xcalloc(1, sizeof *a->conds);
		a->nconds = 1;
		return parse_cond(cx, v, &a->conds[0]);
	}
	if (!json_is_array(v) || !json_array_size(v))
		return fail(cx, v, _("expected a condition or a list of conditions on one evidence row"));
	a->conds = xcalloc(json_array_size(v), sizeof *a->conds);
	json_array_foreach(v, i, e) {
		if (parse_cond(cx, e, &a->conds[a->nconds++]) < 0)
			return -1;
	}
	return 0;
}

/* evidence: a key, a condition, or a list of them. */
static int
parse_evidence(const struct ctx *cx, const json_t *v, struct kb_clause *c)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;

	if (!n)
		return fail(cx, v, _("evidence: expected facts keys or conditions"));
	c->evidence = xcalloc(n, sizeof *c->evidence);
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		struct kb_cond *cd = &c->evidence[c->nevidence++];

		if (json_is_string(e)) {
			cd->keys = xcalloc(1, sizeof *cd->keys);
			cd->keys[0] = xstrdup(json_string_value(e));
			cd->nkeys = 1;
		} else if (parse_cond(cx, e, cd) < 0) {
			return -1;
		}
	}
	return 0;
}

static const char *const clause_fields[] = {
	"require", "support", "exclude", "id", "weight", "fact", "same_row", "any",
	"min_count", "collect", "evidence", NULL,
};

static int
parse_clause(const struct ctx *cx, const json_t *v, size_t index, struct kb_clause *c)
{
	const json_t *label = NULL, *e;
	int forms = 0;

	if (!json_is_object(v))
		return fail(cx, v, _("signature: each clause is a mapping starting with require:, support: or exclude:"));
	if (check_fields(cx, v, "signature clause", clause_fields) < 0)
		return -1;
	c->line = lines_get(cx->lm, v);
	for (int k = KB_REQUIRE; k <= KB_EXCLUDE; k++)
		if ((e = json_object_get(v, clause_kind_names[k]))) {
			if (label)
				return fail(cx, v, _("signature clause: only one of require:, support:, exclude:"));
			label = e;
			c->kind = (enum kb_clause_kind)k;
		}
	if (!label)
		return fail(cx, v, _("signature clause: require:, support: or exclude: (with what it means) is required"));
	if (get_text(cx, label, clause_kind_names[c->kind], &c->label) < 0)
		return -1;
	if ((e = json_object_get(v, "id"))) {
		if (get_str(cx, e, "id", &c->id) < 0)
			return -1;
	} else {
		c->id = xasprintf("c%zu", index + 1);
	}
	c->weight = c->kind == KB_REQUIRE ? 5 : c->kind == KB_SUPPORT ? 1 : 0;
	if ((e = json_object_get(v, "weight"))) {
		const char *s = json_is_string(e) ? json_string_value(e) : NULL;
		char *end;

		c->weight = s ? strtod(s, &end) : json_number_value(e);
		if ((s && (end == s || *end)) || (!s && !json_is_number(e)) || c->weight < 0)
			return fail(cx, e, _("weight: expected a number >= 0"));
	}
	c->min_count = 1;
	if ((e = json_object_get(v, "min_count"))) {
		int64_t n;

		if (get_num(cx, e, "min_count", &n) < 0 || n < 1 || n > 1000000)
			return fail(cx, e, _("min_count: expected a count from 1"));
		c->min_count = (int)n;
	}
	if ((e = json_object_get(v, "collect")) && get_text(cx, e, "collect", &c->collect) < 0)
		return -1;
	if ((e = json_object_get(v, "evidence")) && parse_evidence(cx, e, c) < 0)
		return -1;
	/* Exactly one form, checked before anything is allocated. */
	forms = !!json_object_get(v, "fact") + !!json_object_get(v, "same_row") + !!json_object_get(v, "any");
	if (forms != 1)
		return fail(cx, v, _("signature clause: exactly one of fact:, same_row: or any: is required"));
	if ((e = json_object_get(v, "fact"))) {
		c->alts = xcalloc(1, sizeof *c->alts);
		c->nalts = 1;
		c->alts[0].conds = xcalloc(1, sizeof *c->alts[0].conds);
		c->alts[0].nconds = 1;
		if (parse_cond(cx, e, &c->alts[0].conds[0]) < 0)
			return -1;
	}
	if ((e = json_object_get(v, "same_row"))) {
		if (!json_is_array(e))
			return fail(cx, e, _("same_row: expected a list of conditions"));
		c->alts = xcalloc(1, sizeof *c->alts);
		c->nalts = 1;
		if (parse_alt(cx, e, &c->alts[0]) < 0)
			return -1;
	}
	if ((e = json_object_get(v, "any"))) {
		size_t i;
		json_t *a;

		if (!json_is_array(e) || !json_array_size(e))
			return fail(cx, e, _("any: expected a list of alternatives"));
		c->alts = xcalloc(json_array_size(e), sizeof *c->alts);
		json_array_foreach(e, i, a) {
			if (parse_alt(cx, a, &c->alts[c->nalts++]) < 0)
				return -1;
		}
	}
	return 0;
}

static const char *const step_fields[] = {
	"id", "collect", "check", "do", "ask", "evidence", "clause", "fact", "same_row", "any",
	"command", "answers", "if", NULL,
};

static int
parse_step(const struct ctx *cx, const json_t *v, struct kb_step *s)
{
	const json_t *e, *text = NULL;

	if (!json_is_object(v))
		return fail(cx, v, _("checklist: each step is a mapping starting with collect:, check:, do: or ask:"));
	if (check_fields(cx, v, "checklist step", step_fields) < 0)
		return -1;
	s->line = lines_get(cx->lm, v);
	for (int k = KB_STEP_COLLECT; k <= KB_STEP_ASK; k++)
		if ((e = json_object_get(v, step_kind_names[k]))) {
			if (text)
				return fail(cx, v, _("checklist step: only one of collect:, check:, do:, ask:"));
			text = e;
			s->kind = (enum kb_step_kind)k;
		}
	if (!text)
		return fail(cx, v, _("checklist step: collect:, check:, do: or ask: (with its text) is required"));
	if (get_text(cx, text, step_kind_names[s->kind], &s->text) < 0)
		return -1;
	if (!(e = json_object_get(v, "id")))
		return fail(cx, v, _("checklist step: 'id' is required (decisions and answers refer to it)"));
	if (get_str(cx, e, "id", &s->id) < 0)
		return -1;
	if ((e = json_object_get(v, "evidence")) && get_strs(cx, e, "evidence", &s->kinds, &s->nkinds) < 0)
		return -1;
	if ((e = json_object_get(v, "clause")) && get_str(cx, e, "clause", &s->clause_ref) < 0)
		return -1;
	if (json_object_get(v, "fact") || json_object_get(v, "same_row") || json_object_get(v, "any")) {
		json_t *cl = json_object();
		const char *k;
		json_t *x;

		/* A check's own condition is parsed as a support clause. */
		json_object_set_new(cl, "support", json_string(s->text.en));
		json_object_foreach((json_t *)v, k, x)
			if (!strcmp(k, "fact") || !strcmp(k, "same_row") || !strcmp(k, "any"))
				json_object_set(cl, k, x);
		s->check = xcalloc(1, sizeof *s->check);
		if (parse_clause(cx, cl, 0, s->check) < 0) {
			json_decref(cl);
			return -1;
		}
		free(s->check->id);
		s->check->id = xstrdup(s->id);
		s->check->line = s->line;
		json_decref(cl);
	}
	if ((e = json_object_get(v, "command")) && get_str(cx, e, "command", &s->command) < 0)
		return -1;
	if ((e = json_object_get(v, "answers")) && get_strs(cx, e, "answers", &s->answers, &s->nanswers) < 0)
		return -1;
	if ((e = json_object_get(v, "if"))) {
		char *cond, *eq;

		if (get_str(cx, e, "if", &cond) < 0)
			return -1;
		if (!(eq = strchr(cond, '=')) || eq == cond || !eq[1]) {
			free(cond);
			return fail(cx, e, _("if: expected STEP=ANSWER (an ask step and one of its answers)"));
		}
		s->if_step = xstrndup(cond, (size_t)(eq - cond));
		s->if_answer = xstrdup(eq + 1);
		free(cond);
	}
	switch (s->kind) {
	case KB_STEP_COLLECT:
		if (!s->nkinds)
			return fail(cx, v, _("collect step '%s': 'evidence' (kinds such as dump, eventlog, procmon) is required"), s->id);
		break;
	case KB_STEP_CHECK:
		if (!s->clause_ref == !s->check)
			return fail(cx, v, _("check step '%s': exactly one of clause: (a signature clause id) or fact:/same_row:/any: is required"), s->id);
		break;
	case KB_STEP_DO:
		break;
	case KB_STEP_ASK:
		if (s->nanswers < 2)
			return fail(cx, v, _("ask step '%s': 'answers' needs at least two answers"), s->id);
		break;
	}
	return 0;
}

static const char *const article_fields[] = {
	"id", "kind", "title", "summary", "symptoms", "applies_to", "cause", "resolution",
	"caveats", "references", "kb", "playbooks", "signature", "checklist", NULL,
};
static const char *const applies_fields[] = {"products", "builds", "fixed_in", NULL};
static const char *const ref_fields[] = {"title", "url", NULL};

static int
parse_article(const struct ctx *cx, json_t *doc, struct kb_article *a)
{
	json_t *e, *x;
	size_t i;

	if (check_fields(cx, doc, "article", article_fields) < 0)
		return -1;
	if (!(e = json_object_get(doc, "id")))
		return fail(cx, doc, _("article: 'id' is required"));
	if (get_str(cx, e, "id", &a->id) < 0)
		return -1;
	for (const char *p = a->id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return fail(cx, e, _("id '%s': use lower-case letters, digits and '-'"), a->id);
	a->kind = KB_ISSUE;
	if ((e = json_object_get(doc, "kind"))) {
		size_t k;

		if (!json_is_string(e))
			return fail(cx, e, _("kind: expected text"));
		for (k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
			if (!strcmp(kind_names[k], json_string_value(e)))
				break;
		if (k == sizeof kind_names / sizeof kind_names[0])
			return fail(cx, e, _("kind: expected issue, triage, playbook or howto"));
		a->kind = (enum kb_kind)k;
	}
	if (!(e = json_object_get(doc, "title")))
		return fail(cx, doc, _("article '%s': 'title' is required"), a->id);
	if (get_text(cx, e, "title", &a->title) < 0)
		return -1;
	if ((e = json_object_get(doc, "summary")) && get_text(cx, e, "summary", &a->summary) < 0)
		return -1;
	if ((e = json_object_get(doc, "cause")) && get_text(cx, e, "cause", &a->cause) < 0)
		return -1;
	if ((e = json_object_get(doc, "resolution")) && get_text(cx, e, "resolution", &a->resolution) < 0)
		return -1;
	if ((e = json_object_get(doc, "caveats")) && get_text(cx, e, "caveats", &a->caveats) < 0)
		return -1;
	if ((e = json_object_get(doc, "symptoms"))) {
		if (!json_is_array(e))
			return fail(cx, e, _("symptoms: expected a list"));
		a->symptoms = xcalloc(json_array_size(e) + 1, sizeof *a->symptoms);
		json_array_foreach(e, i, x)
			if (get_text(cx, x, "symptom", &a->symptoms[a->nsymptoms++]) < 0)
				return -1;
	}
	if ((e = json_object_get(doc, "applies_to"))) {
		if (!json_is_object(e))
			return fail(cx, e, _("applies_to: expected a mapping with products, builds, fixed_in"));
		if (check_fields(cx, e, "applies_to", applies_fields) < 0)
			return -1;
		if ((x = json_object_get(e, "products")) && get_strs(cx, x, "products", &a->products, &a->nproducts) < 0)
			return -1;
		if ((x = json_object_get(e, "builds")) && get_strs(cx, x, "builds", &a->builds, &a->nbuilds) < 0)
			return -1;
		if ((x = json_object_get(e, "fixed_in")) && get_text(cx, x, "fixed_in", &a->fixed_in) < 0)
			return -1;
	}
	if ((e = json_object_get(doc, "references"))) {
		if (!json_is_array(e))
			return fail(cx, e, _("references: expected a list of {title, url}"));
		a->refs = xcalloc(json_array_size(e) + 1, sizeof *a->refs);
		json_array_foreach(e, i, x) {
			struct kb_ref *r = &a->refs[a->nrefs++];

			if (!json_is_object(x) || check_fields(cx, x, "reference", ref_fields) < 0)
				return json_is_object(x) ? -1 : fail(cx, x, _("reference: expected {title, url}"));
			if (!json_object_get(x, "title"))
				return fail(cx, x, _("reference: 'title' is required"));
			if (get_str(cx, json_object_get(x, "title"), "title", &r->title) < 0)
				return -1;
			if (json_object_get(x, "url") && get_str(cx, json_object_get(x, "url"), "url", &r->url) < 0)
				return -1;
		}
	}
	if ((e = json_object_get(doc, "kb")) && get_strs(cx, e, "kb", &a->kbs, &a->nkbs) < 0)
		return -1;
	if ((e = json_object_get(doc, "playbooks")) && get_strs(cx, e, "playbooks", &a->playbooks, &a->nplaybooks) < 0)
		return -1;
	if ((e = json_object_get(doc, "signature"))) {
		if (!json_is_array(e))
			return fail(cx, e, _("signature: expected a list of clauses"));
		a->clauses = xcalloc(json_array_size(e) + 1, sizeof *a->clauses);
		json_array_foreach(e, i, x)
			if (parse_clause(cx, x, i, &a->clauses[a->nclauses++]) < 0)
				return -1;
		for (size_t j = 0; j < a->nclauses; j++)
			for (size_t k = j + 1; k < a->nclauses; k++)
				if (!strcmp(a->clauses[j].id, a->clauses[k].id))
					return fail(cx, json_array_get(e, k), _("signature: clause id '%s' used twice"), a->clauses[k].id);
	}
	if ((e = json_object_get(doc, "checklist"))) {
		if (!json_is_array(e))
			return fail(cx, e, _("checklist: expected a list of steps"));
		a->steps = xcalloc(json_array_size(e) + 1, sizeof *a->steps);
		json_array_foreach(e, i, x)
			if (parse_step(cx, x, &a->steps[a->nsteps++]) < 0)
				return -1;
		for (size_t j = 0; j < a->nsteps; j++)
			for (size_t k = j + 1; k < a->nsteps; k++)
				if (!strcmp(a->steps[j].id, a->steps[k].id))
					return fail(cx, json_array_get(e, k), _("checklist: step id '%s' used twice"), a->steps[k].id);
	}
	return 0;
}

static int
parse_doc(json_t *doc, const char *where, const struct line_map *lm, struct kb_article **out,
	  struct wb_err *err)
{
	struct ctx cx = {.where = where, .lm = lm, .err = err};
	struct kb_article *a = xcalloc(1, sizeof *a);

	a->file = xstrdup(where);
	a->doc = json_incref(doc);
	if (!json_is_object(doc)) {
		kb_article_free(a);
		return wb_errf(err, "%s: %s", where, _("expected an article: a mapping with id, title, ..."));
	}
	if (parse_article(&cx, doc, a) < 0) {
		kb_article_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

int
kb_parse_json(json_t *doc, const char *where, struct kb_article **out, struct wb_err *err)
{
	return parse_doc(doc, where, NULL, out, err);
}

static int
parse_yaml(yaml_parser_t *p, const char *where, struct kb_article **out, struct wb_err *err)
{
	struct line_map lm = {0};
	json_t *doc = yaml_load(p, where, &lm, err);
	int rc = -1;

	if (doc)
		rc = parse_doc(doc, where, &lm, out, err);
	json_decref(doc);
	lines_fini(&lm);
	return rc;
}

int
kb_parse_file(const char *path, struct kb_article **out, struct wb_err *err)
{
	yaml_parser_t p;
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return wb_errf(err, "%s: %s", path, strerror(errno));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	rc = parse_yaml(&p, path, out, err);
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}

int
kb_parse_text(const char *where, const void *text, size_t len, struct kb_article **out, struct wb_err *err)
{
	yaml_parser_t p;
	int rc;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, text, len);
	rc = parse_yaml(&p, where, out, err);
	yaml_parser_delete(&p);
	return rc;
}

/* ---- freeing ---- */

static void
strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
text_free(struct kb_text *t)
{
	free(t->en);
	free(t->ja);
}

static void
cond_fini(struct kb_cond *cd)
{
	strs_free(cd->keys, cd->nkeys);
	for (size_t k = 0; k < cd->ntests; k++) {
		free(cd->tests[k].str);
		strs_free(cd->tests[k].set, cd->tests[k].nset);
	}
	free(cd->tests);
}

static void
clause_fini(struct kb_clause *c)
{
	for (size_t i = 0; i < c->nalts; i++) {
		for (size_t j = 0; j < c->alts[i].nconds; j++)
			cond_fini(&c->alts[i].conds[j]);
		free(c->alts[i].conds);
	}
	free(c->alts);
	free(c->id);
	text_free(&c->label);
	text_free(&c->collect);
	for (size_t i = 0; i < c->nevidence; i++)
		cond_fini(&c->evidence[i]);
	free(c->evidence);
}

void
kb_article_free(struct kb_article *a)
{
	if (!a)
		return;
	free(a->id);
	text_free(&a->title);
	text_free(&a->summary);
	text_free(&a->cause);
	text_free(&a->resolution);
	text_free(&a->caveats);
	text_free(&a->fixed_in);
	for (size_t i = 0; i < a->nsymptoms; i++)
		text_free(&a->symptoms[i]);
	free(a->symptoms);
	strs_free(a->products, a->nproducts);
	strs_free(a->builds, a->nbuilds);
	strs_free(a->playbooks, a->nplaybooks);
	strs_free(a->kbs, a->nkbs);
	for (size_t i = 0; i < a->nrefs; i++) {
		free(a->refs[i].title);
		free(a->refs[i].url);
	}
	free(a->refs);
	for (size_t i = 0; i < a->nclauses; i++)
		clause_fini(&a->clauses[i]);
	free(a->clauses);
	for (size_t i = 0; i < a->nsteps; i++) {
		struct kb_step *s = &a->steps[i];

		free(s->id);
		text_free(&s->text);
		strs_free(s->kinds, s->nkinds);
		free(s->clause_ref);
		if (s->check) {
			clause_fini(s->check);
			free(s->check);
		}
		free(s->command);
		strs_free(s->answers, s->nanswers);
		free(s->if_step);
		free(s->if_answer);
	}
	free(a->steps);
	free(a->file);
	json_decref(a->doc);
	free(a);
}

/* ---- the KB in memory ---- */

struct wb_kb *
kb_new(void)
{
	return xcalloc(1, sizeof(struct wb_kb));
}

void
kb_free(struct wb_kb *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->n; i++)
		kb_article_free(kb->articles[i]);
	free(kb->articles);
	strs_free(kb->keys, kb->nkeys);
	free(kb->path);
	free(kb);
}

/* Binary search; *pos receives the insertion point. */
static bool
kb_locate(const struct wb_kb *kb, const char *id, size_t *pos)
{
	size_t lo = 0, hi = kb->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(kb->articles[mid]->id, id);

		if (!c) {
			*pos = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return false;
}

void
kb_add(struct wb_kb *kb, struct kb_article *a)
{
	size_t pos;

	if (kb_locate(kb, a->id, &pos)) {
		kb_article_free(kb->articles[pos]);
		kb->articles[pos] = a;
		return;
	}
	kb->articles = xrealloc(kb->articles, (kb->n + 1) * sizeof *kb->articles);
	memmove(kb->articles + pos + 1, kb->articles + pos, (kb->n - pos) * sizeof *kb->articles);
	kb->articles[pos] = a;
	kb->n++;
}

const struct kb_article *
kb_find(const struct wb_kb *kb, const char *id)
{
	size_t pos;

	return kb_locate(kb, id, &pos) ? kb->articles[pos] : NULL;
}

const struct kb_clause *
kb_find_clause(const struct kb_article *a, const char *id)
{
	for (size_t i = 0; i < a->nclauses; i++)
		if (!strcmp(a->clauses[i].id, id))
			return &a->clauses[i];
	return NULL;
}

const struct kb_step *
kb_find_step(const struct kb_article *a, const char *id)
{
	for (size_t i = 0; i < a->nsteps; i++)
		if (!strcmp(a->steps[i].id, id))
			return &a->steps[i];
	return NULL;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
keys_add(struct wb_kb *kb, const char *key)
{
	if (kb_key_known(kb, key))
		return;
	kb->keys = xrealloc(kb->keys, (kb->nkeys + 1) * sizeof *kb->keys);
	kb->keys[kb->nkeys++] = xstrdup(key);
	qsort(kb->keys, kb->nkeys, sizeof *kb->keys, cmp_str);
}

bool
kb_key_known(const struct wb_kb *kb, const char *key)
{
	return kb->nkeys && bsearch(&key, kb->keys, kb->nkeys, sizeof *kb->keys, cmp_str);
}

/* A facts key as FACTS.md writes it: lower-case dotted name. */
static bool
looks_like_key(const char *s, size_t n)
{
	if (!n || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_'))
			return false;
	return s[n - 1] != '.';
}

/* "bugcheck.arg1" then "arg4": add bugcheck.arg1 .. bugcheck.arg4. */
static void
add_range(struct wb_kb *kb, const char *first, const char *last)
{
	const char *dot = strrchr(first, '.');
	size_t stem = strcspn(last, "0123456789");
	long from, to;

	if (!last[stem] || strncmp(dot + 1, last, stem) || dot[1 + stem] < '0' || dot[1 + stem] > '9') {
		keys_add(kb, last);
		return;
	}
	from = strtol(dot + 1 + stem, NULL, 10);
	to = strtol(last + stem, NULL, 10);
	for (long i = from; i <= to && i - from < 16; i++) {
		char *key = xasprintf("%.*s%.*s%ld", (int)(dot + 1 - first), first, (int)stem, last, i);

		keys_add(kb, key);
		free(key);
	}
}

int
kb_read_facts_doc(struct wb_kb *kb, const char *path, struct wb_err *err)
{
	FILE *f = fopen(path, "r");
	char line[4096], prev[256];
	bool in_sections = false;

	if (!f)
		return wb_errf(err, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		char *p = line, *end;

		/* Keys are in the tables of the per-importer sections (after the
		 * first "## " heading; the table above them describes columns):
		 * first cell "| `key` | ..." or "| `a`, `b` | ...". */
		if (!strncmp(p, "## ", 3))
			in_sections = true;
		if (*p != '|' || !in_sections)
			continue;
		end = strchr(p + 1, '|');
		if (!end)
			continue;
		*end = '\0';
		prev[0] = '\0';
		while ((p = strchr(p, '`'))) {
			char *q = strchr(p + 1, '`');

			if (!q)
				break;
			if (looks_like_key(p + 1, (size_t)(q - p - 1))) {
				*q = '\0';
				if (!strchr(p + 1, '.') && strchr(prev, '.'))
					add_range(kb, prev, p + 1);	/* "`bugcheck.arg1` .. `arg4`" */
				else
					keys_add(kb, p + 1);
				snprintf(prev, sizeof prev, "%s", p + 1);
			}
			p = q + 1;
		}
	}
	fclose(f);
	return 0;
}

/* ---- kb.sqlite ---- */

static const char kb_schema[] =
	"PRAGMA user_version = 1;"
	"CREATE TABLE articles (id TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	"  title_en TEXT NOT NULL, title_ja TEXT, summary_en TEXT, summary_ja TEXT,"
	"  file TEXT, doc TEXT NOT NULL);"
	"CREATE TABLE facts_keys (key TEXT PRIMARY KEY);";

int
kb_save(const struct wb_kb *kb, const char *path, struct wb_err *err)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL, *kst = NULL;
	char *tmp = xasprintf("%s.tmp", path);
	int rc = -1;

	remove(tmp);
	if (sqlite3_open(tmp, &db) != SQLITE_OK) {
		wb_errf(err, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_exec(db, kb_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO facts_keys VALUES (?)", -1, &kst, NULL) != SQLITE_OK) {
		wb_errf(err, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	for (size_t i = 0; i < kb->n; i++) {
		const struct kb_article *a = kb->articles[i];
		char *doc = json_dumps(a->doc, JSON_COMPACT | JSON_SORT_KEYS);

		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kb_kind_name(a->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->title.en, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a->title.ja, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, a->summary.en, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, a->summary.ja, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, a->file, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, doc, -1, free);
		if (sqlite3_step(st) != SQLITE_DONE) {
			wb_errf(err, "%s: %s: %s", tmp, a->id, sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
	}
	for (size_t i = 0; i < kb->nkeys; i++) {
		sqlite3_bind_text(kst, 1, kb->keys[i], -1, SQLITE_STATIC);
		if (sqlite3_step(kst) != SQLITE_DONE) {
			wb_errf(err, "%s: %s", tmp, sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(kst);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		wb_errf(err, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(kst);
	sqlite3_close(db);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = wb_errf(err, "%s: %s", path, strerror(errno));
	if (rc < 0)
		remove(tmp);
	free(tmp);
	return rc;
}

int
kb_load(const char *path, struct wb_kb **out, struct wb_err *err)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	struct wb_kb *kb = kb_new();
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		wb_errf(err, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT id, doc, file FROM articles ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		wb_errf(err, _("%s: not a wb knowledge base (%s)"), path, sqlite3_errmsg(db));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 1);
		const char *file = (const char *)sqlite3_column_text(st, 2);
		json_error_t jerr;
		json_t *doc = json_loads(text ? text : "", 0, &jerr);
		struct kb_article *a;
		char *where = xasprintf("%s:%s", path, id ? id : "?");

		if (!doc) {
			wb_errf(err, "%s: %s", where, jerr.text);
			free(where);
			goto out;
		}
		if (kb_parse_json(doc, file ? file : where, &a, err) < 0) {
			json_decref(doc);
			free(where);
			goto out;
		}
		json_decref(doc);
		free(where);
		kb_add(kb, a);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT key FROM facts_keys", -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			keys_add(kb, (const char *)sqlite3_column_text(st, 0));
	kb->path = xstrdup(path);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc < 0)
		kb_free(kb);
	else
		*out = kb;
	return rc;
}

static int
cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
kb_add_dir(struct wb_kb *kb, const char *dir, bool user, struct wb_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : wb_errf(err, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i < n; i++) {
		struct kb_article *a;

		if (rc == 0) {
			if (kb_parse_file(names[i], &a, err) < 0) {
				rc = -1;
			} else {
				a->user = user;
				kb_add(kb, a);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

char *
kb_user_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return xasprintf("%s/wb/kb", xdg);
	if (home && *home)
		return xasprintf("%s/.config/wb/kb", home);
	return NULL;
}

int
kb_open_default(struct wb_kb **out, struct wb_err *err)
{
	const char *env = getenv("WB_KB");
	char *path = env && *env ? xstrdup(env) : xasprintf("%s/kb.sqlite", WB_PKGDATADIR);
	char *user = kb_user_dir();
	struct wb_kb *kb;
	int rc = kb_load(path, &kb, err);

	free(path);
	if (rc == 0 && user && kb_add_dir(kb, user, true, err) < 0) {
		kb_free(kb);
		rc = -1;
	}
	free(user);
	if (rc == 0)
		*out = kb;
	return rc;
}

/* ---- search ---- */

static bool
text_matches(const wb_regex *re, const struct kb_text *t)
{
	return (t->en && regex_match(re, t->en, strlen(t->en), NULL, NULL)) ||
	       (t->ja && regex_match(re, t->ja, strlen(t->ja), NULL, NULL));
}

int
kb_search(const struct wb_kb *kb, const char *pattern, const struct kb_article ***out, struct wb_err *err)
{
	wb_regex *re = regex_compile(pattern, REGEX_CASELESS, err);
	int n = 0;

	if (!re)
		return -1;
	*out = xcalloc(kb->n + 1, sizeof **out);
	for (size_t i = 0; i < kb->n; i++) {
		const struct kb_article *a = kb->articles[i];
		bool hit = regex_match(re, a->id, strlen(a->id), NULL, NULL) || text_matches(re, &a->title) ||
			   text_matches(re, &a->summary) || text_matches(re, &a->cause);

		for (size_t j = 0; !hit && j < a->nsymptoms; j++)
			hit = text_matches(re, &a->symptoms[j]);
		for (size_t j = 0; !hit && j < a->nkbs; j++)
			hit = regex_match(re, a->kbs[j], strlen(a->kbs[j]), NULL, NULL);
		if (hit)
			(*out)[n++] = a;
	}
	regex_free(re);
	return n;
}
