/* Fuzz target: the .reg importer (importers/regtext.c, regfacts.c). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("reg", "input.reg", data, size);
	return 0;
}
