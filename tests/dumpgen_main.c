/* dumpgen: write a generated crash dump (tests/dumpgen.h) to a file.
 *   dumpgen full|full-x86|bitmap|summary|rdmp|triage|elf|elf-header OUT [RAM_MIB]
 * Files are sparse: a 16384 MiB dump takes a few hundred KiB of disk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dumpgen.h"

int
main(int argc, char **argv)
{
	static const struct { const char *name; enum dumpgen_kind kind; bool elf_header; bool x86; } kinds[] = {
		{"full", DUMPGEN_FULL, false}, {"bitmap", DUMPGEN_BITMAP, false},
		{"triage", DUMPGEN_TRIAGE, false}, {"elf", DUMPGEN_ELF, false},
		{"elf-header", DUMPGEN_ELF, true}, {"summary", DUMPGEN_SUMMARY, false},
		{"rdmp", DUMPGEN_RDMP, false}, {"full-x86", DUMPGEN_FULL, false, true},
	};
	struct dumpgen_opts o = {0};
	size_t i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: dumpgen full|full-x86|bitmap|summary|rdmp|triage|elf|elf-header OUT [RAM_MIB]\n");
		return 2;
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(argv[1], kinds[i].name))
			break;
	if (i == sizeof kinds / sizeof kinds[0]) {
		fprintf(stderr, "dumpgen: unknown kind '%s'\n", argv[1]);
		return 2;
	}
	o.kind = kinds[i].kind;
	o.elf_header = kinds[i].elf_header;
	o.x86 = kinds[i].x86;
	if (argc == 4)
		o.ram_bytes = strtoull(argv[3], NULL, 10) << 20;
	if (dumpgen_file(&o, argv[2]) < 0) {
		fprintf(stderr, "dumpgen: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
