/* libFuzzer target: the windbg importer (importers/windbg.c) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("windbg", data, size);
	return 0;
}
