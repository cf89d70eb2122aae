/* Fuzz target: the whole dump front end on raw bytes (kernel headers of every
 * DumpType, MDMP streams), read through the memory reader. */
#include <stddef.h>
#include <stdint.h>

#include "../../importers/dumpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump_reader r;
	struct dump *d = NULL;
	struct wb_err err;

	dump_reader_mem(&r, data, size);
	if (dump_open(&r, &d, &err) == 0)
		dump_free(d);
	return 0;
}
