/* Fuzz target: the hive importer (importers/hive.c through libregf). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("hive", "SYSTEM", data, size);
	return 0;
}
