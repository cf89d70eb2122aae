/* Fuzz target: kernel minidumps (TRIAGE_DUMP, driver list, string pool,
 * unloaded drivers, data blocks, KDBG copy) and user-mode MDMP streams.
 * Inputs starting "MDMP" or "PAGE" are whole files (the corpus seeds);
 * anything else is laid over a generated kernel minidump from 0x2000, behind
 * its valid header (tests/fuzz/regress/fuzz_dump_minidump/ holds that seed). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_dump_overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && (!memcmp(data, "MDMP", 4) || !memcmp(data, "PAGE", 4))) {
		struct dump_reader r;
		struct dump *d = NULL;
		struct wb_err err;

		dump_reader_mem(&r, data, size);
		if (dump_open(&r, &d, &err) == 0)
			dump_free(d);
		return 0;
	}
	overlay_run(DUMPGEN_TRIAGE, 0x2000, data, size);
	return 0;
}
