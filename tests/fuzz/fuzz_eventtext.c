/* Fuzz target: every event log text parser on the same bytes: the
 * "Label: value" text forms and bare messages (event-text), CSV/TXT
 * (event-csv), XML (event-xml), and through them the date parser, the
 * message recogniser and the decoders of importers/eventdecode.c. */
#include "fuzz_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const importers[] = {"event-text", "event-csv", "event-xml"};

	for (size_t i = 0; i < sizeof importers / sizeof *importers; i++)
		fuzz_import(importers[i], "input.txt", data, size);
	return 0;
}
