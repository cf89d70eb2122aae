/* libFuzzer target: a knowledge-base article (YAML from the user folder) is
 * parsed, linted and stored, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>

#include "../../kb/kb.h"
#include "../../kb/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ignore(void *ctx, const struct kb_article *a, int line, enum lint_level level, const char *msg)
{
	(void)ctx;
	(void)a;
	(void)line;
	(void)level;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_article *a;
	struct wb_err err;

	if (kb_parse_text("fuzz.yaml", data, size, &a, &err) == 0) {
		struct wb_kb *kb = kb_new();

		kb_add(kb, a);
		kb_lint(kb, ignore, NULL);
		kb_free(kb);
	}
	return 0;
}
