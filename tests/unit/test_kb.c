/*
 * The knowledge base itself: YAML parsing (errors name file:line, scalars
 * stay text), the compiled kb.sqlite round trip, user-folder overrides,
 * the facts keys read from a FACTS.md, search, and lint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kb/kb.h"
#include "../../kb/lint.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/wbkbXXXXXX";

static char *
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static const char good[] =
	"# a comment\n"
	"id: test-article\n"
	"kind: issue\n"
	"title:\n"
	"  en: A test\n"
	"  ja: テスト\n"
	"summary: {en: Summary, ja: 概要}\n"
	"cause: Because.\n"
	"resolution: |\n"
	"  reg add HKLM\\SYSTEM\\X /v Y /t REG_DWORD /d 1 /f\n"
	"references: [{title: Source, url: 'https://example.invalid/a'}]\n"
	"kb: [KB123456]\n"
	"signature:\n"
	"  - require: stop\n"
	"    id: stop\n"
	"    fact: {key: bugcheck.code, in: [\"0x0000007E\"]}\n"
	"  - support: two on one row\n"
	"    same_row:\n"
	"      - {key: event, eq: Disk/153}\n"
	"      - {key: disk.retry, regex: TIMEOUT}\n"
	"    weight: 2.5\n"
	"  - exclude: fixed\n"
	"    fact: {key: os.build, ge: 0x4F4C}\n"
	"checklist:\n"
	"  - ask: Is it so?\n"
	"    id: q\n"
	"    answers: [yes, no, off]\n"
	"  - do: Then this\n"
	"    id: d\n"
	"    if: q=no\n"
	"  - check: The stop\n"
	"    id: c\n"
	"    clause: stop\n";

static void
test_parse(void)
{
	struct kb_article *a = NULL;
	struct wb_err err;
	char *path = write_file("test-article.yaml", good);

	ok(kb_parse_file(path, &a, &err) == 0, "a good article parses");
	if (!a)
		return;
	is_str(a->id, "test-article", "id");
	is_str(a->title.ja, "テスト", "Japanese title");
	is_str(a->resolution.en, "reg add HKLM\\SYSTEM\\X /v Y /t REG_DWORD /d 1 /f\n", "block text kept exactly");
	is_int(a->nclauses, 3, "three clauses");
	is_str(a->clauses[1].id, "c2", "default clause ids");
	ok(a->clauses[1].weight == 2.5, "weights are numbers");
	is_int(a->clauses[1].alts[0].nconds, 2, "same_row keeps both conditions");
	is_int(a->clauses[2].alts[0].conds[0].tests[0].num, 0x4F4C, "hex numbers");
	is_int(a->clauses[0].weight, 5, "require weight defaults to 5");
	is_str(a->steps[0].answers[1], "no", "'no' stays text (no YAML boolean guessing)");
	is_str(a->steps[0].answers[2], "off", "'off' too");
	is_str(a->steps[1].if_step, "q", "if: step");
	is_str(a->steps[1].if_answer, "no", "if: answer");
	ok(a->clauses[0].line == 14, "clauses remember their line (%d)", a->clauses[0].line);
	kb_article_free(a);
	free(path);
}

/* Each broken article must fail with file:line and what was expected. */
static void
test_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"id: x\ntitle: t\nsignature:\n  - require: r\n    fact: {key: k, like: v}\n", ":5: condition: unknown operator 'like'"},
		{"id: x\ntitle: t\nfrobs: 1\n", ":3: unknown field 'frobs' in article"},
		{"id: X Y\ntitle: t\n", ":1: id 'X Y': use lower-case letters"},
		{"title: t\n", "'id' is required"},
		{"id: x\ntitle: t\nid: y\n", ":3: duplicate key 'id'"},
		{"id: x\ntitle: t\nsignature:\n  - require: r\n", ":4: signature clause: exactly one of fact:, same_row: or any:"},
		{"id: x\ntitle: t\nsignature:\n  - require: r\n    support: s\n    fact: {key: k}\n", "only one of require:, support:, exclude:"},
		{"id: x\ntitle: t\nsignature:\n  - require: r\n    fact: {key: k, gt: many}\n", ":5: gt: expected an integer"},
		{"id: x\ntitle: t\nchecklist:\n  - ask: q\n    id: q\n    answers: [only]\n", ":4: ask step 'q': 'answers' needs at least two"},
		{"id: x\ntitle: t\nchecklist:\n  - do: d\n    id: d\n    if: nothing\n", ":6: if: expected STEP=ANSWER"},
		{"id: x\ntitle: t\nchecklist:\n  - collect: c\n    id: c\n", ":4: collect step 'c': 'evidence'"},
		{"id: x\ntitle: [t\n", ":3: YAML syntax error"},
		{"id: x\ntitle: &a t\nsummary: *a\n", "aliases are not supported"},
		{"- just\n- a list\n", "expected an article"},
		{"", "empty file"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		char *path;
		struct kb_article *a = NULL;
		struct wb_err err = {{0}};
		int rc;

		snprintf(name, sizeof name, "bad%zu.yaml", i);
		path = write_file(name, cases[i].text);
		rc = kb_parse_file(path, &a, &err);
		ok(rc < 0 && strstr(err.msg, cases[i].want) && strstr(err.msg, name), "bad article %zu: %s", i, err.msg);
		kb_article_free(a);
		free(path);
	}
}

static void
test_store_and_override(void)
{
	struct wb_kb *kb = kb_new(), *loaded = NULL;
	struct kb_article *a;
	struct wb_err err;
	char *path = write_file("test-article.yaml", good), *db = xasprintf("%s/kb.sqlite", tmpdir);
	char *facts = write_file("FACTS.md",
				 "# Facts\n\n| column | meaning |\n| --- | --- |\n| `key` | name |\n\n"
				 "## dump\n\n| key | value |\n| --- | --- |\n| `bugcheck.code` | x |\n"
				 "| `bugcheck.arg1` .. `arg4` | y |\n| `event`, `disk.retry` | z |\n");
	char *user = xasprintf("%s/user", tmpdir);
	const struct kb_article **hits;

	ok(kb_read_facts_doc(kb, facts, &err) == 0, "read FACTS.md");
	ok(kb_key_known(kb, "bugcheck.code") && kb_key_known(kb, "event") && kb_key_known(kb, "disk.retry"),
	   "keys in the first column of the sections' tables");
	ok(kb_key_known(kb, "bugcheck.arg3") && kb_key_known(kb, "bugcheck.arg4"), "'`a.arg1` .. `arg4`' is a range");
	ok(!kb_key_known(kb, "key") && !kb_key_known(kb, "os.build"), "the column table and unknown keys are not keys");
	ok(kb_parse_file(path, &a, &err) == 0, "parse");
	kb_add(kb, a);
	ok(kb_save(kb, db, &err) == 0, "save kb.sqlite");
	ok(kb_load(db, &loaded, &err) == 0, "load it back");
	if (loaded) {
		const struct kb_article *b = kb_find(loaded, "test-article");

		ok(b && b->nclauses == 3 && b->nsteps == 3 && !strcmp(b->title.ja, "テスト"), "round trip keeps the article");
		ok(kb_key_known(loaded, "bugcheck.arg2"), "round trip keeps the facts keys");
		mkdir(user, 0700);
		free(write_file("user/test-article.yaml",
				"id: test-article\ntitle: {en: Overridden, ja: 上書き}\nsummary: {en: s, ja: s}\n"));
		free(write_file("user/another.yaml", "id: another\ntitle: {en: Another, ja: 別}\nkind: howto\n"));
		free(write_file("user/notes.txt", "not an article"));
		ok(kb_add_dir(loaded, user, true, &err) == 0, "add the user folder");
		is_int(loaded->n, 2, "one added, one replaced, other files ignored");
		b = kb_find(loaded, "test-article");
		ok(b && b->user && !strcmp(b->title.en, "Overridden"), "the user article overrides");
		is_int(kb_search(loaded, "上書|^another$", &hits, &err), 2, "search matches Japanese text and ids");
		free(hits);
		ok(kb_search(loaded, "(", &hits, &err) < 0 && strstr(err.msg, "bad regular expression"), "bad search regex");
		ok(kb_add_dir(loaded, "/nonexistent/wb/kb", true, &err) == 0, "a missing user folder is fine");
		kb_free(loaded);
	}
	kb_free(kb);
	free(path);
	free(db);
	free(facts);
	free(user);
}

struct lint_log {
	struct wb_buf b;
	int errors, warnings;
};

static void
log_lint(void *ctx, const struct kb_article *a, int line, enum lint_level level, const char *msg)
{
	struct lint_log *l = ctx;

	buf_printf(&l->b, "%s:%d:%s:%s\n", a->id, line, level == LINT_ERROR ? "E" : "W", msg);
	*(level == LINT_ERROR ? &l->errors : &l->warnings) += 1;
}

static void
test_lint(void)
{
	struct wb_kb *kb = kb_new();
	struct kb_article *a;
	struct lint_log l = {0};
	struct wb_err err;
	char *good_path = write_file("test-article.yaml", good);
	char *bad_path = write_file("lint-bad.yaml",
				    "id: lint-bad\ntitle: Only English\nsummary: {en: s}\n"
				    "playbooks: [test-article]\n"
				    "signature:\n  - support: s\n    fact: {key: nosuch.key, regex: 'a(b'}\n"
				    "checklist:\n  - collect: c\n    id: c\n    evidence: [floppy]\n"
				    "  - do: d\n    id: d\n    if: q=maybe\n");

	/* Only bugcheck.code is documented for this lint. */
	kb->keys = xcalloc(2, sizeof *kb->keys);
	kb->keys[0] = xstrdup("bugcheck.code");
	kb->nkeys = 1;
	ok(kb_parse_file(good_path, &a, &err) == 0, "parse the good article");
	kb_add(kb, a);
	ok(kb_parse_file(bad_path, &a, &err) == 0, "parse the article lint will refuse");
	kb_add(kb, a);
	kb_lint(kb, log_lint, &l);
	ok(strstr(l.b.data, "lint-bad:0:E:title: Japanese text (ja:) missing") != NULL, "lint: both languages");
	ok(strstr(l.b.data, "lint-bad:0:E:cause: missing") != NULL, "lint: cause");
	ok(strstr(l.b.data, "lint-bad:0:E:signature: an issue article needs at least one require clause") != NULL,
	   "lint: a require clause");
	ok(strstr(l.b.data, "lint-bad:6:E:clause c1: bad regular expression") != NULL, "lint: regex compiled, with line");
	ok(strstr(l.b.data, "lint-bad:6:W:clause c1: facts key 'nosuch.key' is not documented") != NULL,
	   "lint: unknown facts key is a warning");
	ok(strstr(l.b.data, "unknown evidence kind 'floppy'") != NULL, "lint: evidence kinds");
	ok(strstr(l.b.data, "if: 'q' must name an earlier ask step") != NULL, "lint: if: references");
	ok(strstr(l.b.data, "'test-article' is not a playbook") != NULL, "lint: playbooks exist");
	ok(strstr(l.b.data, "test-article:17:W:clause c2: facts key 'event'") != NULL, "lint: the good article only warns");
	ok(!strstr(l.b.data, "test-article:0:E"), "lint: no errors in the good article");
	buf_fini(&l.b);
	kb_free(kb);
	free(good_path);
	free(bad_path);
}

int
main(void)
{
	if (!mkdtemp(tmpdir))
		return tap_skip_all("cannot create a temporary directory");
	test_parse();
	test_errors();
	test_store_and_override();
	test_lint();
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	return tap_done();
}
