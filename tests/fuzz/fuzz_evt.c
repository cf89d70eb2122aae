/* Fuzz target: the whole EVT importer (importers/evt.c: libevt and the
 * decoders in eventdecode.c). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("evt", "input.evt", data, size);
	return 0;
}
