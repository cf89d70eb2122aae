/* Fuzz target: bitmap dumps ("SDMP"/"FDMP" header, bitmap, rank index, then
 * the page walk, module list and stack scan over what the bitmap maps). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_dump_overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	overlay_run(DUMPGEN_BITMAP, 0x2000, data, size);
	return 0;
}
