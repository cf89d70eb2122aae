/* Fuzz target: the `reg query` output importer (importers/regquery.c). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("reg-query", "query.txt", data, size);
	return 0;
}
