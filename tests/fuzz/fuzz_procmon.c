/* Fuzz target: the whole Procmon importer with the VSS writer analysis
 * (importers/procmon.c, procmon_vss.c). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("procmon", "input.csv", data, size);
	return 0;
}
