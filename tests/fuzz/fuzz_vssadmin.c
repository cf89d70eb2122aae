/* libFuzzer target: the vssadmin importer (importers/vssadmin.c) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("vssadmin", data, size);
	return 0;
}
