/* Fuzz target: the whole EVTX importer (importers/evtx.c: libevtx, the
 * reader thread, the decoders in eventdecode.c). */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import("evtx", "input.evtx", data, size);
	return 0;
}
