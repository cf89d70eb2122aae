/* Fuzz target: kernel minidumps (TRIAGE_DUMP, driver list, string pool,
 * unloaded drivers, data blocks, KDBG copy) behind a valid PAGEDU64 header,
 * and user-mode MDMP streams.  The first input byte picks which. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_dump_overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		/* MDMP: a valid signature and version, the rest from the input */
		unsigned char *buf = malloc(size + 7);
		struct dump_reader r;
		struct dump *d = NULL;
		struct wb_err err;

		memcpy(buf, "MDMP\x93\xa7\0\0", 8);
		memcpy(buf + 8, data + 1, size - 1);
		dump_reader_mem(&r, buf, size + 7);
		if (dump_open(&r, &d, &err) == 0)
			dump_free(d);
		free(buf);
		return 0;
	}
	overlay_run(DUMPGEN_TRIAGE, 0x2000, data + 1, size - 1);
	return 0;
}
