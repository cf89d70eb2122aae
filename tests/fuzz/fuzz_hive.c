/* Fuzz target: the hive importer (importers/hive.c through libregf). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("hive", "SYSTEM", data, size);
	return 0;
}

/* libregf 20201007 leaks its key item (and the arrays in it) when it cannot
 * read a key, e.g. the root key of a damaged hive: libregf_key_initialize's
 * error path.  Not wb's memory, and wb cannot free it. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libregf_key_item_initialize\nleak:libcdata_array_initialize\n";
}
