/* Unit tests of importers/dumpfile.c on generated dumps (tests/dumpgen.h):
 * every format path, memory reads, and truncated or hostile variants. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../importers/dumpfile.h"
#include "../dumpgen.h"
#include "../tap.h"

static unsigned char *
gen_ram(enum dumpgen_kind kind, uint64_t ram, size_t *len)
{
	struct dumpgen_opts o = {.kind = kind, .ram_bytes = ram};
	unsigned char *buf = dumpgen_mem(&o, len);

	if (!buf) {
		printf("Bail out! the generator failed\n");
		exit(1);
	}
	return buf;
}

static unsigned char *
gen(enum dumpgen_kind kind, size_t *len)
{
	return gen_ram(kind, UINT64_C(16) << 20, len);
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Open buf[0..len); returns the dump or NULL with err filled. */
static struct dump *
open_mem(struct dump_reader *r, const unsigned char *buf, size_t len, struct wb_err *err)
{
	struct dump *d = NULL;

	dump_reader_mem(r, buf, len);
	err->msg[0] = '\0';
	if (dump_open(r, &d, err) < 0)
		return NULL;
	return d;
}

static bool
has_note(const struct dump_info *in, const char *part)
{
	for (size_t i = 0; i < in->nnotes; i++)
		if (strstr(in->notes[i], part))
			return true;
	return false;
}

/* What every kernel-format path must recover from the generated machine. */
static const struct dumpgen_opts x64_machine = {0};

static void
check_machine_of(struct dump *d, const char *what, bool symbols, const struct dumpgen_opts *o)
{
	const struct dump_info *in = dump_get_info(d);
	size_t loaded = 0, gone = 0;
#define V(x) dumpgen_va(o, (x))

	is_int(in->bugcheck, DUMPGEN_BUGCHECK, "%s: bugcheck code", what);
	ok(in->has_bugcheck, "%s: bugcheck present", what);
	is_int(in->args[1], 2, "%s: P2 (IRQL)", what);
	ok(in->args[3] == V(DUMPGEN_RIP), "%s: P4 (faulting code)", what);
	is_int(in->build, o->x86 ? DUMPGEN_BUILD_X86 : DUMPGEN_BUILD, "%s: build", what);
	is_int(in->processors, DUMPGEN_CPUS, "%s: processors", what);
	is_int(in->machine, o->x86 ? 0x14C : 0x8664, "%s: machine", what);
	is_int(in->crash_time, DUMPGEN_TIME_US, "%s: crash time", what);
	is_int(in->product_type, 3, "%s: product type (server)", what);
	is_str(in->build_lab, DUMPGEN_BUILD_LAB, "%s: NtBuildLab through KDBG", what);
	ok(in->has_context && in->pc == V(DUMPGEN_RIP) && in->sp == V(DUMPGEN_RSP), "%s: context RIP/RSP", what);
	for (size_t i = 0; i < in->nmodules; i++)
		in->modules[i].unloaded ? gone++ : loaded++;
	is_int(loaded, DUMPGEN_MODULES, "%s: loaded modules", what);
	is_int(gone, DUMPGEN_UNLOADED, "%s: unloaded modules", what);
	for (unsigned m = 0; m < DUMPGEN_MODULES && m < in->nmodules; m++) {
		const struct dump_module *mod = &in->modules[m];
		/* the PE header gives the stamp; storport's pages are absent, but
		 * the triage driver list carries it */
		uint32_t stamp = m == 3 && symbols ? 0 : dumpgen_module_stamps[m];

		is_str(mod->name, dumpgen_module_names[m], "%s: module %u name", what, m);
		ok(mod->base == V(dumpgen_module_bases[m]) && mod->size == dumpgen_module_sizes[m],
		   "%s: module %u base and size", what, m);
		is_int(mod->timestamp, stamp, "%s: module %u timestamp", what, m);
		ok(mod->path && strstr(mod->path, dumpgen_module_names[m]), "%s: module %u path", what, m);
	}
	if (in->nmodules == DUMPGEN_MODULES + DUMPGEN_UNLOADED) {
		/* minidumps cut unloaded names at 12 characters; MmUnloadedDrivers does not */
		is_str(in->modules[4].name, "oldfilt.sys", "%s: unloaded driver name", what);
		is_str(in->modules[5].name, symbols ? "dump_storport.sys" : "dump_storpor", "%s: second unloaded driver", what);
		ok(in->modules[4].base == V(DUMPGEN_OLDFILT_BASE) && in->modules[4].size == 0x8000,
		   "%s: unloaded range", what);
		is_int(dump_module_at(d, V(DUMPGEN_OLDFILT_BASE) + 0x10), 4, "%s: address in an unloaded driver", what);
	}
	is_int(in->nframes, DUMPGEN_FRAMES + 1, "%s: frames (context + stack scan)", what);
	for (size_t f = 0; f < in->nframes && f <= DUMPGEN_FRAMES; f++) {
		const struct dump_frame *got = &in->frames[f];
		const struct dumpgen_frame *want = &dumpgen_frames[f];

		ok(got->module == (int)want->module && got->offset == want->offset,
		   "%s: frame %zu is %s+0x%llx", what, f, dumpgen_module_names[want->module],
		   (unsigned long long)want->offset);
		is_str(got->symbol, symbols ? want->symbol : NULL, "%s: frame %zu export name", what, f);
		if (symbols && want->symbol)
			is_int(got->symbol_offset, want->symbol_offset, "%s: frame %zu export offset", what, f);
		is_int(got->call_verified, want->verified, "%s: frame %zu call verification", what, f);
		is_int(got->from_context, f == 0, "%s: frame %zu source", what, f);
	}
#undef V
}

static void
check_machine(struct dump *d, const char *what, bool symbols)
{
	check_machine_of(d, what, symbols, &x64_machine);
}

static void
test_full(void)
{
	size_t len;
	unsigned char *buf = gen(DUMPGEN_FULL, &len), word[8];
	struct dump_reader r;
	struct wb_err err;
	struct dump *d = open_mem(&r, buf, len, &err);

	ok(d != NULL, "full dump opens (%s)", err.msg);
	if (!d)
		return;
	is_int(dump_get_info(d)->format, DUMP_FORMAT_FULL, "full: format");
	is_str(dump_get_info(d)->format_name, "PAGEDU64 full", "full: format name");
	check_machine(d, "full", true);
	ok(dump_read_virt(d, DUMPGEN_KDBG + 0x10, word, 4) == 0 && !memcmp(word, "KDBG", 4),
	   "full: read through a 2 MiB page");
	ok(dump_read_virt(d, DUMPGEN_STACK_BASE + 0x1010, word, 8) == 0 && word[0] == 0x06 && word[1] == 0x30,
	   "full: read through a transition PTE");
	ok(dump_read_virt(d, DUMPGEN_STORPORT_BASE, word, 1) < 0, "full: an unmapped page is not readable");
	ok(dump_read_phys(d, UINT64_C(0xA0) << 12, word, 1) < 0, "full: the run-list hole is not readable");
	ok(dump_read_phys(d, UINT64_C(1) << 40, word, 1) < 0, "full: beyond RAM is not readable");
	ok(r.bytes_read < 256 * 1024, "full: reads %llu bytes of a %zu-byte dump", (unsigned long long)r.bytes_read, len);
	is_int(dump_get_info(d)->nnotes, 0, "full: nothing missing");
	dump_free(d);

	/* hostile run lists */
	put32(buf + 0x88, 0x45474150);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "offset 0x88"), "full: run count \"PAGE\" refused: %s", err.msg);
	put32(buf + 0x88, 44);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "1..43"), "full: 44 runs refused");
	put32(buf + 0x88, 2);
	put64(buf + 0x90, 12345);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "NumberOfPages"), "full: page count mismatch refused: %s", err.msg);
	put64(buf + 0x90, 0x9F + 4096 - 0x100);
	put64(buf + 0xA8, 0x10);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "overlaps"), "full: overlapping runs refused: %s", err.msg);
	put64(buf + 0xA8, 0x100);
	/* truncated: the header parses, memory past the end is missing */
	d = open_mem(&r, buf, len / 2, &err);
	ok(d && has_note(dump_get_info(d), "truncated"), "full: a truncated dump opens with a note");
	dump_free(d);
	ok(!open_mem(&r, buf, 0x1FFF, &err) && strstr(err.msg, "8192-byte PAGEDU64 header"),
	   "full: a cut header is refused: %s", err.msg);
	put32(buf + 0x30, 0x1234);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "MachineImageType"), "full: unknown machine refused");
	put32(buf + 0x30, 0x8664);
	/* a module list that loops: entry 1 points back to entry 0 */
	d = open_mem(&r, buf, len, &err);
	{
		uint64_t pa = 0, pfn;

		ok(d && dump_translate(d, DUMPGEN_LDR_HEAD + 0x200, &pa) == 0, "full: module entry translates");
		dump_free(d);
		pfn = pa >> 12;
		put64(buf + 0x2000 + (pfn < 0x9F ? pfn : 0x9F + pfn - 0x100) * 4096 + (pa & 0xFFF),
		      DUMPGEN_LDR_HEAD + 0x100);
		d = open_mem(&r, buf, len, &err);
		ok(d && has_note(dump_get_info(d), "longer than"), "full: a looping module list is cut");
		if (d)
			is_int(dump_get_info(d)->nmodules, 4096 + DUMPGEN_UNLOADED, "full: the loop stops at the cap");
		dump_free(d);
	}
	put64(buf + 0x20, 0);
	d = open_mem(&r, buf, len, &err);
	ok(d && has_note(dump_get_info(d), "no module list"), "full: no PsLoadedModuleList noted");
	dump_free(d);
	free(buf);
}

/* A 32-bit x86 PAE full dump: PAGEDUMP header, PAE walk, x86 KLDR offsets,
 * PE32 exports, 4-byte stack slots. */
static void
test_x86(void)
{
	struct dumpgen_opts o = {.kind = DUMPGEN_FULL, .ram_bytes = UINT64_C(16) << 20, .x86 = true};
	struct dump_reader r;
	struct wb_err err;
	size_t len;
	unsigned char *buf = dumpgen_mem(&o, &len), word[4];
	struct dump *d = buf ? open_mem(&r, buf, len, &err) : NULL;

	ok(d != NULL, "x86 PAE full dump opens (%s)", buf ? err.msg : "generator failed");
	if (d) {
		is_str(dump_get_info(d)->format_name, "PAGEDUMP full", "x86: format name");
		is_int(dump_get_info(d)->bits, 32, "x86: 32-bit");
		check_machine_of(d, "x86", true, &o);
		ok(dump_read_virt(d, dumpgen_va(&o, DUMPGEN_KDBG) + 0x10, word, 4) == 0 && !memcmp(word, "KDBG", 4),
		   "x86: read through a PAE 2 MiB page");
	}
	dump_free(d);
	if (buf) {
		buf[0x5C] = 0;	/* not PAE: the 2-level walk cannot read PAE tables */
		d = open_mem(&r, buf, len, &err);
		ok(d && has_note(dump_get_info(d), "no module list"), "x86: a wrong paging mode fails softly");
		dump_free(d);
	}
	free(buf);
}

static void
test_rdmp(void)
{
	size_t len;
	unsigned char *buf = gen(DUMPGEN_RDMP, &len);
	struct dump_reader r;
	struct wb_err err;
	struct dump *d = open_mem(&r, buf, len, &err);

	ok(d != NULL, "RDMP dump opens (%s)", err.msg);
	if (d) {
		is_str(dump_get_info(d)->format_name, "PAGEDU64 RDMP (experimental)", "rdmp: format name");
		check_machine(d, "rdmp", true);
	}
	dump_free(d);
	memcpy(buf + 0x2004, "XDMP", 4);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "RDMP"), "rdmp: bad signature refused: %s", err.msg);
	memcpy(buf + 0x2004, "RDMP", 4);
	put64(buf + 0x2040, 0x10);	/* second range starts inside the first */
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "out of order"), "rdmp: overlapping ranges refused");
	put64(buf + 0x2010, UINT64_C(1) << 40);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "memory ranges"), "rdmp: absurd range count refused");
	free(buf);
}

static void
test_bitmap(void)
{
	size_t len;
	unsigned char *buf = gen(DUMPGEN_BITMAP, &len), word[8];
	struct dump_reader r;
	struct wb_err err;
	struct dump *d = open_mem(&r, buf, len, &err);

	ok(d != NULL, "bitmap dump opens (%s)", err.msg);
	if (!d)
		return;
	is_int(dump_get_info(d)->format, DUMP_FORMAT_BITMAP, "bitmap: format");
	check_machine(d, "bitmap", true);
	ok(dump_read_phys(d, UINT64_C(0x12) << 12, word, 1) < 0, "bitmap: a clear bit is not readable");
	ok(dump_read_phys(d, UINT64_C(0x13) << 12, word, 1) == 0, "bitmap: a set bit is readable");
	dump_free(d);

	memcpy(buf + 0x2000, "XDMP", 4);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "SDMP"), "bitmap: bad signature refused: %s", err.msg);
	memcpy(buf + 0x2000, "FDMP", 4);
	d = open_mem(&r, buf, len, &err);
	ok(d != NULL, "bitmap: FDMP accepted");
	dump_free(d);
	buf[0x2000 + 0x28] ^= 1;
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "pages set"), "bitmap: page count mismatch refused: %s", err.msg);
	buf[0x2000 + 0x28] ^= 1;
	put64(buf + 0x2000 + 0x30, UINT64_C(1) << 50);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "bitmap of"), "bitmap: absurd size refused: %s", err.msg);
	put64(buf + 0x2000 + 0x30, UINT64_C(16) << 8);
	put64(buf + 0x2000 + 0x20, 0x100);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "first page"), "bitmap: first page inside the bitmap refused: %s", err.msg);
	ok(!open_mem(&r, buf, 0x2010, &err) && strstr(err.msg, "bitmap header"), "bitmap: cut bitmap header refused: %s", err.msg);
	free(buf);

	/* 18 MiB: the bitmap ends in a partial rank block */
	buf = gen_ram(DUMPGEN_BITMAP, UINT64_C(18) << 20, &len);
	d = open_mem(&r, buf, len, &err);
	ok(d != NULL, "bitmap with a partial last block opens (%s)", err.msg);
	if (d)
		check_machine(d, "bitmap 18 MiB", true);
	dump_free(d);
	free(buf);

	/* DumpType 2 with the Windows 8 bitmap layout validates as a summary */
	buf = gen(DUMPGEN_BITMAP, &len);
	put32(buf + 0xF98, 2);
	d = open_mem(&r, buf, len, &err);
	ok(d && dump_get_info(d)->format == DUMP_FORMAT_SUMMARY, "summary (DumpType 2) through the bitmap probe");
	if (d)
		is_str(dump_get_info(d)->build_lab, DUMPGEN_BUILD_LAB, "summary: memory readable");
	dump_free(d);
	put32(buf + 0x2000 + 0x28, 7);
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "either known layout"), "summary: no layout validates: %s", err.msg);
	free(buf);

	/* the legacy SUMMARY_DUMP64 layout (u32 fields, bits at +0x28) */
	buf = gen(DUMPGEN_SUMMARY, &len);
	d = open_mem(&r, buf, len, &err);
	ok(d && dump_get_info(d)->format == DUMP_FORMAT_SUMMARY, "legacy summary opens (%s)", err.msg);
	if (d)
		check_machine(d, "legacy summary", true);
	dump_free(d);
	put32(buf + 0x2000 + 0x14, 1);		/* Pages */
	ok(!open_mem(&r, buf, len, &err) && strstr(err.msg, "either known layout"), "legacy summary: wrong page count refused");
	free(buf);
}

static void
test_triage(void)
{
	size_t len;
	unsigned char *buf = gen(DUMPGEN_TRIAGE, &len);
	struct dump_reader r;
	struct wb_err err;
	struct dump *d = open_mem(&r, buf, len, &err);

	ok(d != NULL, "kernel minidump opens (%s)", err.msg);
	if (!d)
		return;
	is_int(dump_get_info(d)->format, DUMP_FORMAT_TRIAGE, "triage: format");
	check_machine(d, "triage", false);
	dump_free(d);

	ok(!open_mem(&r, buf, len - 1, &err) && strstr(err.msg, "TRGD"), "triage: truncated file refused: %s", err.msg);
	put32(buf + 0x2000 + 0x34, 0xFFFFFFFF);	/* DriverCount */
	d = open_mem(&r, buf, len, &err);
	ok(d && has_note(dump_get_info(d), "driver list"), "triage: absurd driver count noted, not fatal");
	dump_free(d);
	put32(buf + 0x2000 + 0x34, DUMPGEN_MODULES);
	put32(buf + 0x2000 + 0x28, 0x7FFFFFF0);	/* CallStackOffset */
	d = open_mem(&r, buf, len, &err);
	ok(d && has_note(dump_get_info(d), "no readable stack"), "triage: stack outside the file noted");
	dump_free(d);
	put32(buf + 0x2000 + 0x7C, 0x7FFFFFFF);	/* DataBlocksCount */
	d = open_mem(&r, buf, len, &err);
	ok(d != NULL, "triage: absurd data block count survives");
	dump_free(d);
	put32(buf + 0x2080, 0x10000000);		/* unloaded count */
	d = open_mem(&r, buf, len, &err);
	ok(d && has_note(dump_get_info(d), "unloaded"), "triage: absurd unloaded count noted");
	dump_free(d);
	free(buf);
}

/* Bugchecks 0x7E, 0x8E and 0xD1: the stack comes from the exception CONTEXT
 * at P4, the trap frame at P3, or the trap frame found on the stack by its
 * Rip (= P4), not from the header's context in KeBugCheckEx. */
static void
test_exception_context(void)
{
	static const enum dumpgen_kind kinds[] = {DUMPGEN_FULL, DUMPGEN_TRIAGE};

	static const char *const names[] = {"0x7E", "0x8E", "0xD1"};
	static const char *const sources[] = {"exception context at P4", "trap frame at P3", "trap frame at 0x"};

	for (size_t k = 0; k < 6; k++) {
		const size_t c = k / 2;
		struct dumpgen_opts o = {.kind = kinds[k % 2], .ram_bytes = UINT64_C(16) << 20,
					 .bugcheck_7e = c == 0, .bugcheck_8e = c == 1, .trap_frame = c == 2};
		char what[32];
		struct dump_reader r;
		struct wb_err err;
		size_t len;
		unsigned char *buf = dumpgen_mem(&o, &len);
		struct dump *d = buf ? open_mem(&r, buf, len, &err) : NULL;
		const struct dump_info *in;

		snprintf(what, sizeof what, "%s %s", names[c], k % 2 ? "triage" : "full");
		ok(d != NULL, "%s opens", what);
		if (!d) {
			free(buf);
			continue;
		}
		in = dump_get_info(d);
		ok(in->bugcheck == (c == 0 ? 0x7Eu : c == 1 ? 0x8Eu : 0xD1u), "%s: bugcheck", what);
		ok(in->pc == DUMPGEN_RIP && in->sp == DUMPGEN_RSP, "%s: RIP/RSP of the faulting code", what);
		ok(strstr(in->stack_source, sources[c]), "%s: the switch is recorded: %s", what, in->stack_source);
		is_int(in->nframes, DUMPGEN_FRAMES + 1, "%s: the same frames as the faulting stack", what);
		if (in->nframes)
			ok(in->frames[0].module == 2 && in->frames[0].offset == 0x2040, "%s: frame 0 in faulty.sys", what);
		dump_free(d);
		/* a context that does not point at P2 (P4 for 0xD1) is not trusted */
		put64(buf + (c == 2 ? 0x58 : 0x48), DUMPGEN_RIP + 1);
		d = open_mem(&r, buf, len, &err);
		ok(d && dump_get_info(d)->pc == DUMPGEN_BUGCHECK_RIP, "%s: a context not at P2 is ignored", what);
		if (d)
			is_str(dump_get_info(d)->stack_source, "header context", "%s: the header's context is used", what);
		dump_free(d);
		free(buf);
	}
}

/* Random damage: every variant either opens or fails with a message. */
static void
test_damage(void)
{
	static const enum dumpgen_kind kinds[] = {DUMPGEN_FULL, DUMPGEN_BITMAP, DUMPGEN_TRIAGE};
	uint32_t seed = 12345;

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t len, opened = 0, refused = 0, silent = 0;
		unsigned char *orig = gen(kinds[k], &len), *buf = malloc(len);

		for (int round = 0; round < 300; round++) {
			struct dump_reader r;
			struct wb_err err;
			struct dump *d;

			memcpy(buf, orig, len);
			for (int flips = 0; flips < 16; flips++) {
				size_t at;

				seed = seed * 1103515245 + 12345;
				/* most damage in the headers, some anywhere */
				at = (seed >> 8) % (flips < 12 ? (size_t)0x2100 : len);
				buf[at] = (unsigned char)(seed >> 24);
			}
			d = open_mem(&r, buf, (seed >> 4) % 4 ? len : (seed >> 6) % len, &err);
			if (d)
				opened++;
			else if (err.msg[0])
				refused++;
			else
				silent++;
			dump_free(d);
		}
		ok(silent == 0 && opened + refused == 300, "damage %zu: %zu opened, %zu refused with a message",
		   k, opened, refused);
		free(orig);
		free(buf);
	}
}

/* A user-mode minidump built by hand: SystemInfo, Exception, ModuleList,
 * and the ModuleList stream repeated 1000 times (hostile: ignored). */
static void
test_mdmp(void)
{
	enum { NSTREAMS = 1003, DIR = 0x20, SYS = DIR + NSTREAMS * 12, EXC = SYS + 0x38, MODS = EXC + 0xA8,
	       NAME = MODS + 4 + 108, END = NAME + 4 + 32 };
	unsigned char *m = calloc(1, END);
	const char *name = "C:\\app\\crash.exe";
	struct dump_reader r;
	struct wb_err err;
	struct dump *d;

	memcpy(m, "MDMP", 4);
	put32(m + 4, 0xA793);
	put32(m + 8, NSTREAMS);
	put32(m + 12, DIR);
	put32(m + 0x14, 1714558830);
	for (unsigned i = 0; i < NSTREAMS; i++) {
		unsigned char *e = m + DIR + 12 * i;
		uint32_t type = i == 0 ? 7 : i == 1 ? 6 : 4;

		put32(e, type);
		put32(e + 4, type == 7 ? 0x38 : type == 6 ? 0xA8 : 4 + 108);
		put32(e + 8, type == 7 ? SYS : type == 6 ? EXC : MODS);
	}
	m[SYS] = 9;				/* AMD64 */
	m[SYS + 6] = 8;				/* processors */
	put32(m + SYS + 8, 10);
	put32(m + SYS + 0x10, 20348);
	put32(m + EXC, 7);			/* thread */
	put32(m + EXC + 8, 0xC0000005);
	put64(m + EXC + 0x18, UINT64_C(0x7FF600001234));
	put32(m + MODS, 1);
	put64(m + MODS + 4, UINT64_C(0x7FF600000000));
	put32(m + MODS + 4 + 8, 0x10000);
	put32(m + MODS + 4 + 0x14, NAME);
	put32(m + NAME, (uint32_t)(2 * strlen(name)));	/* MDMP: bytes, not characters */
	for (size_t i = 0; name[i]; i++)
		m[NAME + 4 + 2 * i] = (unsigned char)name[i];
	d = open_mem(&r, m, END, &err);
	ok(d != NULL, "hand-made MDMP opens (%s)", err.msg);
	if (d) {
		const struct dump_info *in = dump_get_info(d);

		ok(in->format == DUMP_FORMAT_USER && !in->has_bugcheck, "mdmp: user-mode, no bugcheck");
		ok(in->machine == 0x8664 && in->build == 20348 && in->major == 10 && in->processors == 8,
		   "mdmp: system info");
		ok(in->has_exception && in->exception_code == 0xC0000005 && in->exception_thread == 7,
		   "mdmp: exception");
		is_int(in->crash_time, DUMPGEN_TIME_US, "mdmp: TimeDateStamp");
		is_int(in->nmodules, 1, "mdmp: the repeated module lists are ignored");
		if (in->nmodules)
			is_str(in->modules[0].name, "crash.exe", "mdmp: module name after the last backslash");
		ok(in->nframes >= 1 && in->frames[0].module == 0 && in->frames[0].offset == 0x1234,
		   "mdmp: frame 0 is the exception address in crash.exe");
		ok(has_note(in, "repeats type 4"), "mdmp: the repetition is noted");
	}
	dump_free(d);
	put32(m + 4, 0xA794);
	ok(!open_mem(&r, m, END, &err) && strstr(err.msg, "0xA793"), "mdmp: wrong version refused: %s", err.msg);
	put32(m + 4, 0xA793);
	put32(m + 8, 5000);
	ok(!open_mem(&r, m, END, &err) && strstr(err.msg, "1..4096 streams"), "mdmp: too many streams refused");
	free(m);
}

static void
test_header32(void)
{
	unsigned char h[0x1000];
	struct dump_reader r;
	struct wb_err err;
	struct dump *d;

	for (unsigned i = 0; i < sizeof h; i += 4)
		memcpy(h + i, "PAGE", 4);
	memcpy(h + 4, "DUMP", 4);
	put32(h + 0x08, 0xF);
	put32(h + 0x0C, 7601);
	put32(h + 0x20, 0x14C);
	put32(h + 0x24, 2);
	put32(h + 0x28, 0x7E);
	put32(h + 0x2C, 0xC0000005);
	put32(h + 0x30, 0x8BADF00D);
	put32(h + 0xF88, 3);		/* DumpType HEADER */
	put64(h + 0xFC0, UINT64_C(116444736000000000) + UINT64_C(10000000) * 1000000000);
	d = open_mem(&r, h, sizeof h, &err);
	ok(d != NULL, "32-bit header opens (%s)", err.msg);
	if (!d)
		return;
	{
		const struct dump_info *in = dump_get_info(d);

		ok(in->bits == 32 && in->machine == 0x14C && in->build == 7601, "32-bit: machine and build");
		ok(in->bugcheck == 0x7E && in->args[0] == 0xC0000005 && in->args[1] == 0x8BADF00D, "32-bit: bugcheck and args");
		is_int(in->crash_time, INT64_C(1000000000) * 1000000, "32-bit: SystemTime at 0xFC0");
		is_int(in->format, DUMP_FORMAT_HEADER, "32-bit: DumpType 3 is header only");
		is_int(in->processors, 2, "32-bit: processors");
		ok(has_note(in, "header only"), "32-bit: header-only noted");
	}
	dump_free(d);
}

/* A physical source in memory: what dump_open_guest() gives libkdumpfile. */
struct phys_mem {
	unsigned char *file;
	size_t len;
};

static int
phys_mem_read(void *ctx, uint64_t pa, void *buf, size_t n)
{
	struct phys_mem *m = ctx;
	uint64_t pfn = pa >> 12, idx;

	/* the generated full dump's layout: run [0, 0x9F) then [0x100, ...) */
	if (pfn >= 0x9F && pfn < 0x100)
		return -1;
	idx = pfn < 0x9F ? pfn : 0x9F + pfn - 0x100;
	if (0x2000 + idx * 4096 + (pa & 0xFFF) + n > m->len)
		return -1;
	memcpy(buf, m->file + 0x2000 + idx * 4096 + (pa & 0xFFF), n);
	return 0;
}

static void
phys_mem_free(void *ctx)
{
	free(ctx);
}

static void
test_phys_source(void)
{
	size_t len;
	unsigned char *buf = gen(DUMPGEN_FULL, &len);
	struct phys_mem *m = malloc(sizeof *m);
	struct dump_phys_source src = {.read = phys_mem_read, .ctx = m, .free = phys_mem_free};
	struct dump *d = NULL;
	struct wb_err err = {{0}};

	*m = (struct phys_mem){.file = buf, .len = len};
	ok(dump_open_phys(buf, 0x2000, 0, &src, &d, &err) == 0, "external memory with a header (%s)", err.msg);
	if (d) {
		is_int(dump_get_info(d)->format, DUMP_FORMAT_GUEST, "external: guest format");
		check_machine(d, "external", true);
	}
	dump_free(d);
	m = malloc(sizeof *m);
	*m = (struct phys_mem){.file = buf, .len = len};
	src.ctx = m;
	buf[0] = 'X';
	ok(dump_open_phys(buf, 0x2000, 0, &src, &d, &err) < 0 && strstr(err.msg, "PAGEDU64"),
	   "external: a bad embedded header is refused");
	free(buf);
}

static void
test_guest_files(void)
{
	char path[] = "/tmp/wb-dumpgen-XXXXXX";
	struct dumpgen_opts o = {.kind = DUMPGEN_ELF, .ram_bytes = UINT64_C(16) << 20, .elf_header = true};
	struct dump *d = NULL;
	struct wb_err err = {{0}};
	int fd = mkstemp(path);

	if (fd < 0) {
		ok(0, "temporary file for ELF dumps");
		return;
	}
	close(fd);
	ok(dumpgen_file(&o, path) == 0, "ELF guest dump written");
	ok(dump_open_guest(path, &d, &err) == 0, "ELF guest dump with the Windows header opens (%s)", err.msg);
	if (d)
		check_machine(d, "elf", true);
	dump_free(d);
	d = NULL;
	o.elf_header = false;
	ok(dumpgen_file(&o, path) == 0 && dump_open_guest(path, &d, &err) == 0, "ELF guest dump without header opens");
	if (d) {
		const struct dump_info *in = dump_get_info(d);
		size_t loaded = 0;

		for (size_t i = 0; i < in->nmodules; i++)
			loaded += !in->modules[i].unloaded;
		ok(in->dtb != 0 && !in->has_bugcheck, "elf: CR3 from the QEMU note, no bugcheck");
		ok(has_note(in, "no Windows dump header"), "elf: missing header noted");
		ok(has_note(in, "kernel found at 0xfffff80000000000"), "elf: kernel found below IDT entry 0");
		is_int(in->build, DUMPGEN_BUILD, "elf: build from the exported NtBuildNumber");
		is_int(in->major, 0xF, "elf: free build");
		is_int(loaded, DUMPGEN_MODULES, "elf: module list from the exported PsLoadedModuleList");
		ok(in->pc == DUMPGEN_RIP && in->sp == DUMPGEN_RSP, "elf: context from the QEMU CPU note");
		is_int(in->nframes, DUMPGEN_FRAMES + 1, "elf: stack scanned");
		if (in->nframes > 3)
			is_str(in->frames[3].symbol, "IofCallDriver", "elf: frames named");
	}
	dump_free(d);
	d = NULL;
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, "makedumpfile\0\0\0\0", 16) == 16, "flattened kdump written");
	if (fd >= 0)
		close(fd);
	ok(dump_open_guest(path, &d, &err) < 0 && strstr(err.msg, "flattened"), "flattened kdump explained: %s", err.msg);
	unlink(path);
}

static void
test_helpers(void)
{
	char buf[32];

	is_str(dump_version_for_build(19041, buf, sizeof buf), "10.0.19041", "version of 19041");
	is_str(dump_version_for_build(7601, buf, sizeof buf), "6.1.7601", "version of 7601");
	is_str(dump_version_for_build(1234, buf, sizeof buf), NULL, "unknown build");
	is_str(dump_product_name(17763, 3), "Windows Server 2019", "product of 17763 server");
	is_str(dump_product_name(17763, 2), "Windows Server 2019", "product of 17763 domain controller");
	is_str(dump_product_name(19041, 1), "Windows 10", "product of 19041 workstation");
	is_str(dump_product_name(22621, 1), "Windows 11", "product of 22621 workstation");
	is_str(dump_product_name(19041, 3), NULL, "no name for a semi-annual server build");
	is_str(dump_product_name(17763, 0), NULL, "no name without ProductType");
	is_str(dump_product_type_name(2), "LanManNt", "ProductType 2 as WinDbg says it");
	is_str(dump_machine_name(0x8664, buf, sizeof buf), "x64", "machine x64");
	is_str(dump_machine_name(0x1234, buf, sizeof buf), "0x1234", "unknown machine in hex");
	is_int(dump_sniff((const unsigned char *)"PAGEDU64", 8), DUMP_FORMAT_FULL, "sniff PAGEDU64");
	is_int(dump_sniff((const unsigned char *)"MDMP\x93\xa7\0\0", 8), DUMP_FORMAT_USER, "sniff MDMP");
	is_int(dump_sniff((const unsigned char *)"\177ELF\2\1\1\0", 8), DUMP_FORMAT_GUEST, "sniff ELF");
	is_int(dump_sniff((const unsigned char *)"PAGEDU", 6), DUMP_FORMAT_UNKNOWN, "sniff short");
}

int
main(void)
{
	test_full();
	test_bitmap();
	test_rdmp();
	test_x86();
	test_triage();
	test_exception_context();
	test_damage();
	test_header32();
	test_mdmp();
	test_phys_source();
	test_guest_files();
	test_helpers();
	return tap_done();
}
