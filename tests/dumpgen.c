/*
 * Generator of Windows crash dumps for tests and benchmarks (contract in
 * dumpgen.h).  Builds one machine's memory as a set of 4 KiB physical pages
 * with real page tables, then lays it out in the requested file format.
 * Every offset written here is the documented one (docs/DUMPS.md); the
 * generator shares no code with the parser, so a misreading on one side
 * shows up as a test failure.
 */
#include "dumpgen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG 4096u
#define HOLE_START 0x9Fu	/* legacy VGA hole: not in the run list */
#define HOLE_END 0x100u

const char *const dumpgen_module_names[DUMPGEN_MODULES] = {
	"ntoskrnl.exe", "hal.dll", "faulty.sys", "storport.sys",
};
const uint64_t dumpgen_module_bases[DUMPGEN_MODULES] = {
	DUMPGEN_NT_BASE, DUMPGEN_HAL_BASE, DUMPGEN_FAULTY_BASE, DUMPGEN_STORPORT_BASE,
};
const uint32_t dumpgen_module_sizes[DUMPGEN_MODULES] = {0x10000, 0x8000, 0x8000, 0x20000};
const uint32_t dumpgen_module_stamps[DUMPGEN_MODULES] = {0x5BA1D8A3, 0x1C6C3AE1, 0x65A0B0C0, 0x3E2F1A00};

static const char *const module_paths[DUMPGEN_MODULES] = {
	"\\SystemRoot\\system32\\ntoskrnl.exe",
	"\\SystemRoot\\system32\\hal.dll",
	"\\SystemRoot\\System32\\drivers\\faulty.sys",
	"\\SystemRoot\\System32\\drivers\\storport.sys",
};

/* Exports of the modules whose pages are present; the image's name table
 * is sorted as a linker sorts it.  ntoskrnl's data exports point into its
 * data pages (the list head and NtBuildNumber). */
struct gen_export {
	const char *name;
	uint32_t rva;
};
#define MAX_GEN_EXPORTS 6
static const struct gen_export exports[3][MAX_GEN_EXPORTS] = {
	{{"KeBugCheckEx", 0x2000}, {"ExAllocatePoolWithTag", 0x2400}, {"IofCallDriver", 0x3000},
	 {"PsLoadedModuleList", (uint32_t)(DUMPGEN_LDR_HEAD - DUMPGEN_NT_BASE)},
	 {"NtBuildNumber", (uint32_t)(DUMPGEN_LDR_HEAD - DUMPGEN_NT_BASE + 0x800)}, {NULL, 0}},
	{{"HalReturnToFirmware", 0x2000}, {NULL, 0}},
	{{"FaultyDispatch", 0x2000}, {"FaultyWorker", 0x2800}, {NULL, 0}},
};

const struct dumpgen_frame dumpgen_frames[DUMPGEN_FRAMES + 1] = {
	{2, 0x2040, "FaultyDispatch", 0x40, false},	/* context RIP */
	{2, 0x2105, "FaultyDispatch", 0x105, true},	/* E8 call at 0x2100 */
	{3, 0x1234, NULL, 0, false},			/* storport: no pages, unverified */
	{0, 0x3006, "IofCallDriver", 0x6, true},	/* FF 15 call at 0x3000 */
	{0, 0x2105, "KeBugCheckEx", 0x105, true},	/* E8 call at 0x2100 */
};

const struct dumpgen_unloaded dumpgen_unloaded[DUMPGEN_UNLOADED] = {
	{"oldfilt.sys", DUMPGEN_OLDFILT_BASE, 0x8000},
	{"dump_storport.sys", UINT64_C(0xFFFFF80000700000), 0x10000},
};

struct page {
	uint64_t pfn;
	unsigned char data[PG];
};

struct mapping {
	uint64_t va, pfn;	/* one 4 KiB page */
};

struct gen {
	const struct dumpgen_opts *o;
	unsigned ptr;		/* pointer size: 8, or 4 for x86 */
	uint64_t ram_pages;
	struct page **pages;
	size_t npages;
	struct mapping *maps;
	size_t nmaps;
	uint64_t next_pfn, dtb_pfn, large_pfn;
};

/* ---- little-endian stores ---- */

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
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

/* ASCII to UTF-16LE; returns bytes written (no terminator). */
static size_t
put_utf16(unsigned char *p, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		put16(p + 2 * i, (unsigned char)s[i]);
	return 2 * n;
}

static uint64_t
filetime(int64_t us)
{
	return (uint64_t)us * 10 + UINT64_C(116444736000000000);
}

/* ---- physical pages ---- */

static struct page *
page_get(struct gen *g, uint64_t pfn)
{
	struct page *p;

	for (size_t i = 0; i < g->npages; i++)
		if (g->pages[i]->pfn == pfn)
			return g->pages[i];
	p = calloc(1, sizeof *p);
	g->pages = realloc(g->pages, (g->npages + 1) * sizeof *g->pages);
	if (!p || !g->pages)
		abort();
	p->pfn = pfn;
	g->pages[g->npages++] = p;
	return p;
}

static const struct page *
page_find(const struct gen *g, uint64_t pfn)
{
	for (size_t i = 0; i < g->npages; i++)
		if (g->pages[i]->pfn == pfn)
			return g->pages[i];
	return NULL;
}

static uint64_t
alloc_pfn(struct gen *g)
{
	uint64_t pfn = g->next_pfn++;

	page_get(g, pfn);
	return pfn;
}

/* Present in the dump?  Full dumps: outside the hole.  Bitmap dumps also
 * leave out every third page of a low range, to exercise the rank index. */
static bool
pfn_in_dump(const struct gen *g, uint64_t pfn)
{
	if (pfn >= g->ram_pages || (pfn >= HOLE_START && pfn < HOLE_END))
		return false;
	if ((g->o->kind == DUMPGEN_BITMAP || g->o->kind == DUMPGEN_SUMMARY) && pfn >= 0x10 && pfn < 0x90 && pfn % 3 == 0)
		return false;
	return true;
}

/* ---- page tables ---- */

static unsigned char *
table_entry(struct gen *g, uint64_t table_pfn, unsigned idx)
{
	return page_get(g, table_pfn)->data + 8 * idx;
}

/* The table one level down, created on demand. */
static uint64_t
next_table(struct gen *g, uint64_t table_pfn, unsigned idx)
{
	unsigned char *e = table_entry(g, table_pfn, idx);
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | e[i];
	if (!(v & 1)) {
		uint64_t pfn = alloc_pfn(g);

		v = pfn << 12 | 0x3;	/* present, writable */
		put64(table_entry(g, table_pfn, idx), v);
	}
	return (v >> 12) & 0xFFFFFFFFFULL;
}

uint64_t
dumpgen_va(const struct dumpgen_opts *o, uint64_t va)
{
	if (!o->x86)
		return va;
	/* kernel images and data at 0x80000000, stacks at 0xA0000000 */
	return ((va >> 44) == 0xFFFFF ? UINT64_C(0x80000000) : UINT64_C(0xA0000000)) | (va & 0x0FFFFFFF);
}

/* The page directory holding va's PDE: 4-level x64, or PAE (PDPT of four
 * 8-byte entries, then 512-entry directories and tables). */
static uint64_t
directory_for(struct gen *g, uint64_t va)
{
	uint64_t t = g->dtb_pfn;

	if (g->o->x86)
		return next_table(g, t, (unsigned)(va >> 30) & 3);
	t = next_table(g, t, (unsigned)(va >> 39) & 0x1FF);
	return next_table(g, t, (unsigned)(va >> 30) & 0x1FF);
}

static void
add_mapping(struct gen *g, uint64_t va, uint64_t pfn)
{
	g->maps = realloc(g->maps, (g->nmaps + 1) * sizeof *g->maps);
	if (!g->maps)
		abort();
	g->maps[g->nmaps++] = (struct mapping){.va = va & ~(uint64_t)(PG - 1), .pfn = pfn};
}

/* va is the x64 address; x86 builds map dumpgen_va(va). */
static void
map_page(struct gen *g, uint64_t va, uint64_t pfn, bool transition)
{
	uint64_t t;

	va = dumpgen_va(g->o, va);
	t = next_table(g, directory_for(g, va), (unsigned)(va >> 21) & 0x1FF);
	/* a transition PTE: not present, bit 11 set, frame still valid */
	put64(table_entry(g, t, (unsigned)(va >> 12) & 0x1FF), pfn << 12 | (transition ? 0x800 : 0x3));
	add_mapping(g, va, pfn);
	page_get(g, pfn);
}

/* A 2 MiB page (PS bit in the PDE); only its pages that get data exist. */
static void
map_large(struct gen *g, uint64_t va, uint64_t pfn)
{
	va = dumpgen_va(g->o, va);
	put64(table_entry(g, directory_for(g, va), (unsigned)(va >> 21) & 0x1FF), pfn << 12 | 0x83);
	for (uint64_t i = 0; i < 512; i++)
		add_mapping(g, va + i * PG, pfn + i);
}

static unsigned char *
vptr(struct gen *g, uint64_t va)
{
	va = dumpgen_va(g->o, va);
	for (size_t i = 0; i < g->nmaps; i++)
		if (g->maps[i].va == (va & ~(uint64_t)(PG - 1)))
			return page_get(g, g->maps[i].pfn)->data + (va & (PG - 1));
	abort();	/* the generator wrote to memory it did not map */
}

static void
vwrite(struct gen *g, uint64_t va, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n > 0) {
		size_t chunk = PG - (size_t)(va & (PG - 1));

		if (chunk > n)
			chunk = n;
		memcpy(vptr(g, va), p, chunk);
		va += chunk;
		p += chunk;
		n -= chunk;
	}
}

/* A pointer as the target stores it: 8 bytes, or 4 bytes of the x86 address. */
static void
vwptr(struct gen *g, uint64_t va, uint64_t v)
{
	unsigned char b[8];

	put64(b, dumpgen_va(g->o, v));
	vwrite(g, va, b, g->ptr);
}

/* KDDEBUGGER_DATA64 keeps 64-bit fields on x86 too, sign-extended. */
static uint64_t
kdbg_ptr(struct gen *g, uint64_t v)
{
	v = dumpgen_va(g->o, v);
	return g->o->x86 && (v & 0x80000000) ? v | UINT64_C(0xFFFFFFFF00000000) : v;
}

static void
vread(struct gen *g, uint64_t va, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		size_t chunk = PG - (size_t)(va & (PG - 1));

		if (chunk > n)
			chunk = n;
		memcpy(p, vptr(g, va), chunk);
		va += chunk;
		p += chunk;
		n -= chunk;
	}
}

/* ---- the machine ---- */

static int
cmp_export_name(const void *a, const void *b)
{
	return strcmp(((const struct gen_export *)a)->name, ((const struct gen_export *)b)->name);
}

/* A PE image: headers, export directory (with one forwarder, which the
 * parser must skip), and two pages of code with the calls that precede the
 * stack's return addresses. */
static void
build_image(struct gen *g, unsigned m)
{
	const uint64_t base = dumpgen_module_bases[m];
	struct gen_export list[MAX_GEN_EXPORTS + 1];
	unsigned char *h, *x;
	uint32_t n = 0, name_at = 0x1200;

	for (uint64_t off = 0; off < 4 * PG; off += PG)
		map_page(g, base + off, alloc_pfn(g), false);
	h = vptr(g, base);
	h[0] = 'M';
	h[1] = 'Z';
	put32(h + 0x3C, 0x80);
	memcpy(h + 0x80, "PE\0\0", 4);
	put16(h + 0x84, g->o->x86 ? 0x14C : 0x8664);
	put32(h + 0x88, dumpgen_module_stamps[m]);
	put16(h + 0x94, g->o->x86 ? 0xE0 : 0xF0);	/* SizeOfOptionalHeader */
	put16(h + 0x98, g->o->x86 ? 0x10B : 0x20B);	/* PE32 / PE32+ */
	put32(h + 0x98 + 0x38, dumpgen_module_sizes[m]);
	put32(h + 0x98 + 0x40, 0xC0FFEE00u + m);	/* CheckSum */
	{
		/* the data directories: at 0x60 in PE32, 0x70 in PE32+ */
		unsigned char *dd = h + 0x98 + (g->o->x86 ? 0x60 : 0x70);

		put32(dd - 4, 16);
		put32(dd, 0x1000);			/* export directory */
		put32(dd + 4, 0x400);
	}

	while (n < MAX_GEN_EXPORTS && exports[m][n].name) {
		list[n] = exports[m][n];
		n++;
	}
	/* the forwarder's "address" is a string inside the directory */
	list[n++] = (struct gen_export){"ForwardedThing", 0x13F0};
	qsort(list, n, sizeof list[0], cmp_export_name);
	x = vptr(g, base + 0x1000);
	put32(x + 0x0C, 0x1100);
	put32(x + 0x10, 1);
	put32(x + 0x14, n);
	put32(x + 0x18, n);
	put32(x + 0x1C, 0x1040);
	put32(x + 0x20, 0x1060);
	put32(x + 0x24, 0x1080);
	memcpy(x + 0x100, dumpgen_module_names[m], strlen(dumpgen_module_names[m]));
	for (uint32_t i = 0; i < n; i++) {
		put32(x + 0x40 + 4 * i, list[i].rva);
		put32(x + 0x60 + 4 * i, name_at);
		put16(x + 0x80 + 2 * i, (uint16_t)i);
		memcpy(x + (name_at - 0x1000), list[i].name, strlen(list[i].name));
		name_at += (uint32_t)strlen(list[i].name) + 1;
	}
	memcpy(x + 0x3F0, "NTOSKRNL.Other", 14);
}

static void
write_code(struct gen *g)
{
	static const unsigned char call_rip[6] = {0xFF, 0x15, 0x10, 0x20, 0x00, 0x00};

	*vptr(g, DUMPGEN_FAULTY_BASE + 0x2100) = 0xE8;
	*vptr(g, DUMPGEN_NT_BASE + 0x2100) = 0xE8;
	vwrite(g, DUMPGEN_NT_BASE + 0x3000, call_rip, sizeof call_rip);
	/* 0x3010 in faulty.sys follows no call: a data pointer, not a frame */
	memset(vptr(g, DUMPGEN_FAULTY_BASE + 0x3000), 0x90, 0x10);
}

/* Stack slots are pointer-sized: the same values at slot n, not byte n. */
static void
build_stack(struct gen *g)
{
	const uint64_t sp = DUMPGEN_RSP, page2 = DUMPGEN_STACK_BASE + PG, p = g->ptr;

	map_page(g, DUMPGEN_STACK_BASE, alloc_pfn(g), false);
	map_page(g, page2, alloc_pfn(g), true);
	vwptr(g, sp + 0 * p, 2);
	vwptr(g, sp + 1 * p, DUMPGEN_FAULTY_BASE + 0x2105);
	vwptr(g, sp + 2 * p, DUMPGEN_FAULTY_BASE + 0x3010);
	vwptr(g, sp + 3 * p, 0x1234);
	vwptr(g, sp + 5 * p, DUMPGEN_STORPORT_BASE + 0x1234);
	/* below RSP: not part of the scan from RSP */
	vwptr(g, sp - 2 * p, DUMPGEN_HAL_BASE + 0x2105);
	vwptr(g, page2 + 2 * p, DUMPGEN_NT_BASE + 0x3006);
	vwptr(g, page2 + 32 * p, DUMPGEN_NT_BASE + 0x2105);
	if (g->o->bugcheck_8e || g->o->trap_frame) {
		/* KTRAP_FRAME (0x190 bytes): Rip 0x168, SegCs 0x170, Rsp 0x180 */
		unsigned char tf[0x190] = {0};

		put64(tf + 0x168, DUMPGEN_RIP);
		put16(tf + 0x170, 0x10);
		put64(tf + 0x180, DUMPGEN_RSP);
		vwrite(g, DUMPGEN_EXC_CONTEXT, tf, sizeof tf);
	}
	if (g->o->bugcheck_7e) {
		/* the exception's CONTEXT and EXCEPTION_RECORD below RSP */
		unsigned char ctx[0x4D0] = {0}, rec[0x98] = {0};

		put32(ctx + 0x30, 0x10001F);
		put64(ctx + 0x98, DUMPGEN_RSP);
		put64(ctx + 0xF8, DUMPGEN_RIP);
		vwrite(g, DUMPGEN_EXC_CONTEXT, ctx, sizeof ctx);
		put32(rec, 0xC0000005);
		put64(rec + 0x10, DUMPGEN_RIP);
		vwrite(g, DUMPGEN_EXC_RECORD, rec, sizeof rec);
	}
}

/* UNICODE_STRING: {u16 Length, u16 MaximumLength, pointer Buffer} with the
 * buffer at +8 on x64, +4 on x86. */
static void
put_unicode_string(struct gen *g, uint64_t at, size_t len, uint64_t buf)
{
	unsigned char b[4];

	put16(b, (uint16_t)len);
	put16(b + 2, (uint16_t)(len + 2));
	vwrite(g, at, b, 4);
	vwptr(g, at + g->ptr, buf);
}

/* PsLoadedModuleList and KLDR_DATA_TABLE_ENTRY records (x64: DllBase 0x30,
 * SizeOfImage 0x40, FullDllName 0x48, BaseDllName 0x58; x86: 0x18, 0x20,
 * 0x24, 0x2C). */
static void
build_module_list(struct gen *g)
{
	const uint64_t head = DUMPGEN_LDR_HEAD, names = DUMPGEN_LDR_HEAD + PG;
	const bool x86 = g->o->x86;
	uint64_t name_at = names;

	map_page(g, head, alloc_pfn(g), false);
	map_page(g, names, alloc_pfn(g), false);
	for (unsigned i = 0; i < DUMPGEN_MODULES; i++) {
		const uint64_t e = head + 0x100 * (i + 1);
		const uint64_t next = i + 1 < DUMPGEN_MODULES ? e + 0x100 : head;
		const uint64_t prev = i ? e - 0x100 : head;
		unsigned char buf[512], size[4];
		size_t flen = put_utf16(buf, module_paths[i]);
		size_t blen = 2 * strlen(dumpgen_module_names[i]);

		vwptr(g, e, next);
		vwptr(g, e + g->ptr, prev);
		vwptr(g, e + (x86 ? 0x18 : 0x30), dumpgen_module_bases[i]);
		vwptr(g, e + (x86 ? 0x1C : 0x38), dumpgen_module_bases[i] + 0x1000);
		put32(size, dumpgen_module_sizes[i]);
		vwrite(g, e + (x86 ? 0x20 : 0x40), size, 4);
		/* FullDllName and BaseDllName: the base name is the path's tail */
		vwrite(g, name_at, buf, flen);
		put_unicode_string(g, e + (x86 ? 0x24 : 0x48), flen, name_at);
		put_unicode_string(g, e + (x86 ? 0x2C : 0x58), blen, name_at + flen - blen);
		name_at += (flen + 2 + 7) & ~(size_t)7;
	}
	vwptr(g, head, head + 0x100);
	vwptr(g, head + g->ptr, head + 0x100 * DUMPGEN_MODULES);
	/* NtBuildNumber: the build, 0xF in the top nibble for a free build */
	{
		unsigned char nb[4];

		put32(nb, 0xF0000000u | (x86 ? DUMPGEN_BUILD_X86 : DUMPGEN_BUILD));
		vwrite(g, head + 0x800, nb, sizeof nb);
	}
}

/* IDT entry 0 (divide error) points into ntoskrnl's code: how a dump
 * without a Windows header leads to the kernel image. */
static void
build_idt(struct gen *g)
{
	const uint64_t handler = DUMPGEN_NT_BASE + 0x3100;
	unsigned char e[16] = {0};

	map_page(g, DUMPGEN_IDT, alloc_pfn(g), false);
	put16(e, (uint16_t)handler);
	put16(e + 2, 0x10);
	e[5] = 0x8E;
	put16(e + 6, (uint16_t)(handler >> 16));
	put32(e + 8, (uint32_t)(handler >> 32));
	vwrite(g, DUMPGEN_IDT, e, sizeof e);
}

/* KDDEBUGGER_DATA64 (64-bit fields on x86 too) with NtBuildLab and
 * MmUnloadedDrivers: 50 UNLOADED_DRIVERS {UNICODE_STRING Name; Start; End;
 * CurrentTime} of 0x28 bytes (x86: 0x18), two used. */
static void
build_kdbg(struct gen *g)
{
	unsigned char k[0x380] = {0};
	const unsigned esize = g->o->x86 ? 0x18 : 0x28;

	map_large(g, DUMPGEN_KDBG & ~UINT64_C(0x1FFFFF), g->large_pfn);
	put32(k + 0x10, 0x4742444B);	/* "KDBG" */
	put32(k + 0x14, sizeof k);
	put64(k + 0x18, kdbg_ptr(g, DUMPGEN_NT_BASE));
	put64(k + 0x48, kdbg_ptr(g, DUMPGEN_LDR_HEAD));
	put64(k + 0x208, kdbg_ptr(g, DUMPGEN_KDBG + 0x800));
	put64(k + 0x220, kdbg_ptr(g, DUMPGEN_KDBG + 0x900));	/* &MmUnloadedDrivers */
	put64(k + 0x228, kdbg_ptr(g, DUMPGEN_KDBG + 0x908));	/* &MmLastUnloadedDriver */
	vwrite(g, DUMPGEN_KDBG, k, sizeof k);
	vwrite(g, DUMPGEN_KDBG + 0x800, DUMPGEN_BUILD_LAB, sizeof DUMPGEN_BUILD_LAB);
	vwptr(g, DUMPGEN_KDBG + 0x900, DUMPGEN_KDBG + 0xA00);
	vwptr(g, DUMPGEN_KDBG + 0x908, DUMPGEN_UNLOADED);
	for (unsigned i = 0; i < DUMPGEN_UNLOADED; i++) {
		const uint64_t e = DUMPGEN_KDBG + 0xA00 + esize * i, name = DUMPGEN_KDBG + 0x1400 + 0x100 * i;
		const uint64_t start = dumpgen_unloaded[i].start, end = start + dumpgen_unloaded[i].size;
		unsigned char buf[128], t[8];
		size_t len = put_utf16(buf, dumpgen_unloaded[i].name);

		vwrite(g, name, buf, len);
		put_unicode_string(g, e, len, name);
		vwptr(g, e + 2 * g->ptr, start);
		vwptr(g, e + 3 * g->ptr, end);
		put64(t, filetime(DUMPGEN_TIME_US - 60 * INT64_C(1000000)));
		vwrite(g, e + 4 * g->ptr, t, 8);
	}
}

static void
build_machine(struct gen *g)
{
	g->ptr = g->o->x86 ? 4 : 8;
	g->ram_pages = (g->o->ram_bytes ? g->o->ram_bytes : UINT64_C(16) << 20) / PG;
	g->next_pfn = g->ram_pages - 0x400;
	g->large_pfn = ((g->ram_pages - 0x400) & ~UINT64_C(0x1FF)) - 0x200;
	g->dtb_pfn = alloc_pfn(g);
	for (unsigned m = 0; m < 3; m++)
		build_image(g, m);
	write_code(g);
	build_stack(g);
	build_module_list(g);
	build_kdbg(g);
	if (!g->o->x86)
		build_idt(g);
}

/* ---- file formats ---- */

/* DUMP_HEADER64: "PAGE" everywhere the kernel leaves a field unset. */
static void
build_header(struct gen *g, unsigned char *h, uint32_t dump_type)
{
	for (unsigned i = 0; i < 0x2000; i += 4)
		memcpy(h + i, "PAGE", 4);
	memcpy(h + 4, "DU64", 4);
	put32(h + 0x08, 0xF);
	put32(h + 0x0C, DUMPGEN_BUILD);
	put64(h + 0x10, g->dtb_pfn << 12 | 0x2);	/* PCID bits must be masked */
	put64(h + 0x18, UINT64_C(0xFFFFFA8000000000));
	put64(h + 0x20, DUMPGEN_LDR_HEAD);
	put64(h + 0x28, DUMPGEN_LDR_HEAD + 0x900);
	put32(h + 0x30, 0x8664);
	put32(h + 0x34, DUMPGEN_CPUS);
	put32(h + 0x38, DUMPGEN_BUGCHECK);
	put64(h + 0x40, 0);				/* address referenced */
	put64(h + 0x48, 2);				/* IRQL */
	put64(h + 0x50, 0);				/* read */
	put64(h + 0x58, DUMPGEN_RIP);			/* the faulting code */
	put64(h + 0x80, DUMPGEN_KDBG);
	memset(h + 0x348, 0, 0x4D0);
	put32(h + 0x348 + 0x30, 0x10001F);
	put64(h + 0x348 + 0x98, DUMPGEN_RSP);
	put64(h + 0x348 + 0xF8, DUMPGEN_RIP);
	if (g->o->trap_frame) {
		put64(h + 0x348 + 0x98, DUMPGEN_BUGCHECK_RSP);
		put64(h + 0x348 + 0xF8, DUMPGEN_BUGCHECK_RIP);
	}
	if (g->o->bugcheck_8e) {
		put32(h + 0x38, 0x8E);
		put64(h + 0x40, UINT64_C(0xFFFFFFFFC0000005));
		put64(h + 0x48, DUMPGEN_RIP);
		put64(h + 0x50, DUMPGEN_EXC_CONTEXT);
		put64(h + 0x58, 0);
		put64(h + 0x348 + 0x98, DUMPGEN_BUGCHECK_RSP);
		put64(h + 0x348 + 0xF8, DUMPGEN_BUGCHECK_RIP);
	}
	if (g->o->bugcheck_7e) {
		put32(h + 0x38, 0x7E);
		put64(h + 0x40, UINT64_C(0xFFFFFFFFC0000005));
		put64(h + 0x48, DUMPGEN_RIP);
		put64(h + 0x50, DUMPGEN_EXC_RECORD);
		put64(h + 0x58, DUMPGEN_EXC_CONTEXT);
		put64(h + 0x348 + 0x98, DUMPGEN_BUGCHECK_RSP);
		put64(h + 0x348 + 0xF8, DUMPGEN_BUGCHECK_RIP);
	}
	memset(h + 0xF00, 0, 0x98);
	put32(h + 0xF00, 0x80000003);
	put32(h + 0xF98, dump_type);
	put64(h + 0xFA8, filetime(DUMPGEN_TIME_US));
	put64(h + 0x1030, UINT64_C(36000000000));	/* one hour */
	put32(h + 0x1040, 3);				/* server */
	put32(h + 0x1044, 0x110);
}

/* DUMP_HEADER32 (0x1000 bytes; after the context the fields are in another
 * order than in the 64-bit header) of a PAE full dump. */
static void
build_header32(struct gen *g, unsigned char *h)
{
	for (unsigned i = 0; i < 0x1000; i += 4)
		memcpy(h + i, "PAGE", 4);
	memcpy(h + 4, "DUMP", 4);
	put32(h + 0x08, 0xF);
	put32(h + 0x0C, DUMPGEN_BUILD_X86);
	put32(h + 0x10, (uint32_t)(g->dtb_pfn << 12));
	put32(h + 0x18, (uint32_t)dumpgen_va(g->o, DUMPGEN_LDR_HEAD));
	put32(h + 0x1C, (uint32_t)dumpgen_va(g->o, DUMPGEN_LDR_HEAD + 0x900));
	put32(h + 0x20, 0x14C);
	put32(h + 0x24, DUMPGEN_CPUS);
	put32(h + 0x28, DUMPGEN_BUGCHECK);
	put32(h + 0x2C, 0);
	put32(h + 0x30, 2);
	put32(h + 0x34, 0);
	put32(h + 0x38, (uint32_t)dumpgen_va(g->o, DUMPGEN_RIP));
	h[0x5C] = 1;					/* PaeEnabled */
	put32(h + 0x60, (uint32_t)dumpgen_va(g->o, DUMPGEN_KDBG));
	memset(h + 0x320, 0, 0x2CC);
	put32(h + 0x320, 0x10007);
	put32(h + 0x320 + 0xB8, (uint32_t)dumpgen_va(g->o, DUMPGEN_RIP));
	put32(h + 0x320 + 0xC4, (uint32_t)dumpgen_va(g->o, DUMPGEN_RSP));
	memset(h + 0x7D0, 0, 0x50);
	put32(h + 0xF88, 1);
	put32(h + 0xF94, 3);
	put32(h + 0xF98, 0x110);
	put64(h + 0xFB8, UINT64_C(36000000000));
	put64(h + 0xFC0, filetime(DUMPGEN_TIME_US));
}

static int
write_page_data(struct gen *g, const struct dumpgen_sink *s, uint64_t pfn, uint64_t off)
{
	const struct page *p = page_find(g, pfn);

	return p ? s->write(s->ctx, off, p->data, PG) : 0;
}

static int
write_full(struct gen *g, const struct dumpgen_sink *s)
{
	unsigned char h[0x2000];
	const uint64_t run1 = g->ram_pages - HOLE_END, npages = HOLE_START + run1;

	if (g->o->x86) {
		/* PHYSICAL_MEMORY_DESCRIPTOR32 at 0x64: u32 runs, u32 pages, {u32 base, u32 count} */
		build_header32(g, h);
		put32(h + 0x64, 2);
		put32(h + 0x68, (uint32_t)npages);
		put32(h + 0x6C, 0);
		put32(h + 0x70, HOLE_START);
		put32(h + 0x74, HOLE_END);
		put32(h + 0x78, (uint32_t)run1);
		put64(h + 0xFA0, 0x1000 + npages * PG);
		if (s->set_size(s->ctx, 0x1000 + npages * PG) < 0 || s->write(s->ctx, 0, h, 0x1000) < 0)
			return -1;
		for (size_t i = 0; i < g->npages; i++) {
			uint64_t pfn = g->pages[i]->pfn;
			uint64_t idx = pfn < HOLE_START ? pfn : HOLE_START + (pfn - HOLE_END);

			if (pfn_in_dump(g, pfn) && write_page_data(g, s, pfn, 0x1000 + idx * PG) < 0)
				return -1;
		}
		return 0;
	}
	build_header(g, h, 1);
	put32(h + 0x88, 2);
	put32(h + 0x8C, 0);
	put64(h + 0x90, npages);
	put64(h + 0x98, 0);
	put64(h + 0xA0, HOLE_START);
	put64(h + 0xA8, HOLE_END);
	put64(h + 0xB0, run1);
	put64(h + 0xFA0, 0x2000 + npages * PG);
	if (s->set_size(s->ctx, 0x2000 + npages * PG) < 0 || s->write(s->ctx, 0, h, sizeof h) < 0)
		return -1;
	for (size_t i = 0; i < g->npages; i++) {
		uint64_t pfn = g->pages[i]->pfn;
		uint64_t idx = pfn < HOLE_START ? pfn : HOLE_START + (pfn - HOLE_END);

		if (pfn_in_dump(g, pfn) && write_page_data(g, s, pfn, 0x2000 + idx * PG) < 0)
			return -1;
	}
	return 0;
}

/* WinDbgX .dump /k (DumpType 8): an "RDMP" header at 0x2000, {pfn, count}
 * pairs from 0x2030 (MetadataSize bytes), pages packed from FirstPageOffset. */
static int
write_rdmp(struct gen *g, const struct dumpgen_sink *s)
{
	unsigned char h[0x2000], r[0x50] = {0};
	const uint64_t run1 = g->ram_pages - HOLE_END, npages = HOLE_START + run1, first = 0x3000;

	build_header(g, h, 8);
	put64(h + 0xFA0, first + npages * PG);
	put32(r, 0x40);
	memcpy(r + 4, "RDMP", 4);
	memcpy(r + 8, "DUMP", 4);
	put64(r + 0x10, 2 * 16);
	put64(r + 0x18, first);
	put64(r + 0x30, 0);
	put64(r + 0x38, HOLE_START);
	put64(r + 0x40, HOLE_END);
	put64(r + 0x48, run1);
	if (s->set_size(s->ctx, first + npages * PG) < 0 || s->write(s->ctx, 0, h, sizeof h) < 0 ||
	    s->write(s->ctx, 0x2000, r, sizeof r) < 0)
		return -1;
	for (size_t i = 0; i < g->npages; i++) {
		uint64_t pfn = g->pages[i]->pfn;
		uint64_t idx = pfn < HOLE_START ? pfn : HOLE_START + (pfn - HOLE_END);

		if (pfn_in_dump(g, pfn) && write_page_data(g, s, pfn, first + idx * PG) < 0)
			return -1;
	}
	return 0;
}

static int
write_bitmap(struct gen *g, const struct dumpgen_sink *s)
{
	unsigned char h[0x2000], b[0x38] = {0};
	const uint64_t bytes = (g->ram_pages + 7) / 8;
	unsigned char *bitmap = calloc(1, (size_t)bytes);
	uint64_t *rank = calloc((size_t)g->ram_pages + 1, sizeof *rank), pages = 0, first;
	int rc = -1;

	if (!bitmap || !rank)
		goto out;
	for (uint64_t pfn = 0; pfn < g->ram_pages; pfn++) {
		rank[pfn] = pages;
		if (pfn_in_dump(g, pfn)) {
			bitmap[pfn / 8] |= (unsigned char)(1u << (pfn % 8));
			pages++;
		}
	}
	if (g->o->kind == DUMPGEN_SUMMARY) {
		/* legacy SUMMARY_DUMP64 (all u32; RTL_BITMAP bits at +0x28),
		 * HeaderSize = the absolute offset of the first page */
		first = (0x2028 + bytes + PG - 1) & ~(uint64_t)(PG - 1);
		build_header(g, h, 2);
		memcpy(b, "SDMP", 4);
		memcpy(b + 4, "DUMP", 4);
		put32(b + 0x08, 0x1);
		put32(b + 0x0C, (uint32_t)first);
		put32(b + 0x10, (uint32_t)g->ram_pages);
		put32(b + 0x14, (uint32_t)pages);
		put32(b + 0x18, (uint32_t)g->ram_pages);
	} else {
		first = 0x2038 + bytes;
		build_header(g, h, 5);
		memcpy(b, "SDMP", 4);
		memcpy(b + 4, "DUMP", 4);
		put32(b + 8, 0x1);
		put64(b + 0x20, first);
		put64(b + 0x28, pages);
		put64(b + 0x30, g->ram_pages);
	}
	put64(h + 0xFA0, first + pages * PG);
	if (s->set_size(s->ctx, first + pages * PG) < 0 || s->write(s->ctx, 0, h, sizeof h) < 0 ||
	    s->write(s->ctx, 0x2000, b, g->o->kind == DUMPGEN_SUMMARY ? 0x28 : 0x38) < 0 ||
	    s->write(s->ctx, g->o->kind == DUMPGEN_SUMMARY ? 0x2028 : 0x2038, bitmap, (size_t)bytes) < 0)
		goto out;
	for (size_t i = 0; i < g->npages; i++) {
		uint64_t pfn = g->pages[i]->pfn;

		if (pfn_in_dump(g, pfn) && write_page_data(g, s, pfn, first + rank[pfn] * PG) < 0)
			goto out;
	}
	rc = 0;
out:
	free(bitmap);
	free(rank);
	return rc;
}

/* Kernel minidump layout (absolute offsets, all inside the file). */
enum {
	TRI_UNLOADED = 0x2080,
	TRI_DRIVERS = 0x2100,
	TRI_POOL = TRI_DRIVERS + DUMPGEN_MODULES * 0x90,
	TRI_KDBG = 0x2800,
	TRI_STACK = 0x3000,
	TRI_STACK_SIZE = 0x2000,
	TRI_BLOCKS = 0x5000,
	TRI_DATA = 0x6000,
};

static int
write_triage(struct gen *g, const struct dumpgen_sink *s)
{
	/* data blocks: code around return addresses, the build lab string */
	static const struct { uint64_t va; uint32_t size; } blocks[] = {
		{DUMPGEN_FAULTY_BASE + 0x2000, 0x2000},
		{DUMPGEN_NT_BASE + 0x2000, 0x2000},
		{DUMPGEN_NT_BASE, 0x1000},
		{DUMPGEN_KDBG + 0x800, 0x100},
	};
	const size_t nblocks = sizeof blocks / sizeof blocks[0];
	unsigned char *f;
	uint64_t size, data = TRI_DATA, pool = TRI_POOL;
	int rc;

	size = TRI_DATA;
	for (size_t i = 0; i < nblocks; i++)
		size += blocks[i].size;
	size += 4;
	f = calloc(1, (size_t)size);
	if (!f)
		return -1;
	build_header(g, f, 4);
	put32(f + 0x1038, 0xCFF);
	put64(f + 0xFA0, size);
	put32(f + 0x2000 + 0x04, (uint32_t)size);
	put32(f + 0x2000 + 0x08, (uint32_t)size - 4);
	put32(f + 0x2000 + 0x0C, 0x348);
	put32(f + 0x2000 + 0x10, 0xF00);
	put32(f + 0x2000 + 0x18, TRI_UNLOADED);
	put32(f + 0x2000 + 0x28, TRI_STACK);
	put32(f + 0x2000 + 0x2C, TRI_STACK_SIZE);
	put32(f + 0x2000 + 0x30, TRI_DRIVERS);
	put32(f + 0x2000 + 0x34, DUMPGEN_MODULES);
	put32(f + 0x2000 + 0x38, TRI_POOL);
	put32(f + 0x2000 + 0x3C, 0x400);
	put32(f + 0x2000 + 0x44, 0xFFFFFFFF);
	put64(f + 0x2000 + 0x48, DUMPGEN_STACK_BASE);
	put32(f + 0x2000 + 0x70, TRI_KDBG);
	put32(f + 0x2000 + 0x74, 0x380);
	put32(f + 0x2000 + 0x78, TRI_BLOCKS);
	put32(f + 0x2000 + 0x7C, (uint32_t)nblocks);

	put32(f + TRI_UNLOADED, DUMPGEN_UNLOADED);
	for (unsigned i = 0; i < DUMPGEN_UNLOADED; i++) {
		unsigned char *e = f + TRI_UNLOADED + 8 + 0x38 * i, name[64];
		size_t len = put_utf16(name, dumpgen_unloaded[i].name);

		put16(e, (uint16_t)len);
		put16(e + 2, (uint16_t)len);
		memcpy(e + 0x10, name, len < 24 ? len : 24);	/* inline, truncated to 12 chars */
		put64(e + 0x28, dumpgen_unloaded[i].start);
		put64(e + 0x30, dumpgen_unloaded[i].start + dumpgen_unloaded[i].size);
	}
	for (unsigned i = 0; i < DUMPGEN_MODULES; i++) {
		unsigned char *e = f + TRI_DRIVERS + 0x90 * i;
		size_t len = strlen(module_paths[i]);

		put32(e, (uint32_t)pool);
		put64(e + 0x38, dumpgen_module_bases[i]);
		put32(e + 0x48, dumpgen_module_sizes[i]);
		put32(e + 0x80, 0xC0FFEE00u + i);
		put32(e + 0x88, dumpgen_module_stamps[i]);
		put32(f + pool, (uint32_t)len);		/* UTF-16 units, not bytes */
		put_utf16(f + pool + 4, module_paths[i]);
		pool += (4 + 2 * len + 2 + 7) & ~(uint64_t)7;
	}
	vread(g, DUMPGEN_KDBG, f + TRI_KDBG, 0x380);
	vread(g, DUMPGEN_STACK_BASE, f + TRI_STACK, TRI_STACK_SIZE);
	for (size_t i = 0; i < nblocks; i++) {
		put64(f + TRI_BLOCKS + 16 * i, blocks[i].va);
		put32(f + TRI_BLOCKS + 16 * i + 8, (uint32_t)data);
		put32(f + TRI_BLOCKS + 16 * i + 12, blocks[i].size);
		vread(g, blocks[i].va, f + data, blocks[i].size);
		data += blocks[i].size;
	}
	memcpy(f + size - 4, "TRGD", 4);
	rc = s->set_size(s->ctx, size) < 0 || s->write(s->ctx, 0, f, (size_t)size) < 0 ? -1 : 0;
	free(f);
	return rc;
}

/* QEMU dump-guest-memory ELF: PT_NOTE (CORE prstatus, QEMU CPU state, and
 * optionally the Windows header in VMCOREINFO), then one PT_LOAD per run. */
static int
write_elf(struct gen *g, const struct dumpgen_sink *s)
{
	const uint64_t runs[2][2] = {{0, HOLE_START}, {HOLE_END, g->ram_pages - HOLE_END}};
	unsigned char eh[64] = {0}, ph[3][56], notes[0x3000] = {0};
	size_t nlen = 0;
	uint64_t data, at;

	/* NT_PRSTATUS: libkdumpfile counts CPUs from it */
	put32(notes + nlen, 5);
	put32(notes + nlen + 4, 336);
	put32(notes + nlen + 8, 1);
	memcpy(notes + nlen + 12, "CORE", 5);
	nlen += 12 + 8 + 336;
	put32(notes + nlen, 5);
	put32(notes + nlen + 4, 0x1B8);
	put32(notes + nlen + 8, 0);
	memcpy(notes + nlen + 12, "QEMU", 5);
	{
		unsigned char *q = notes + nlen + 20;

		put32(q, 1);
		put32(q + 4, 0x1B8);
		put64(q + 0x38, DUMPGEN_RSP);
		put64(q + 0x88, DUMPGEN_RIP);
		put64(q + 0x108, UINT64_C(0xFFFFF80001000000));	/* kernel GS: bit 63 */
		put64(q + 0x180, DUMPGEN_IDT);
		put64(q + 0x1A0, g->dtb_pfn << 12);
	}
	nlen += 20 + 0x1B8;
	if (g->o->elf_header) {
		put32(notes + nlen, 11);
		put32(notes + nlen + 4, 0x2000);
		put32(notes + nlen + 8, 0);
		memcpy(notes + nlen + 12, "VMCOREINFO", 11);
		build_header(g, notes + nlen + 24, 1);
		nlen += 24 + 0x2000;
	}
	memcpy(eh, "\177ELF", 4);
	eh[4] = 2;
	eh[5] = 1;
	eh[6] = 1;
	put16(eh + 0x10, 4);		/* ET_CORE */
	put16(eh + 0x12, 62);		/* EM_X86_64 */
	put32(eh + 0x14, 1);
	put64(eh + 0x20, 64);
	put16(eh + 0x34, 64);
	put16(eh + 0x36, 56);
	put16(eh + 0x38, 3);
	memset(ph, 0, sizeof ph);
	put32(ph[0], 4);		/* PT_NOTE */
	put64(ph[0] + 8, 64 + 3 * 56);
	put64(ph[0] + 0x20, nlen);
	put64(ph[0] + 0x28, nlen);
	data = (64 + 3 * 56 + nlen + PG - 1) & ~(uint64_t)(PG - 1);
	at = data;
	for (int i = 0; i < 2; i++) {
		put32(ph[1 + i], 1);	/* PT_LOAD */
		put32(ph[1 + i] + 4, 7);
		put64(ph[1 + i] + 8, at);
		put64(ph[1 + i] + 0x18, runs[i][0] * PG);
		put64(ph[1 + i] + 0x20, runs[i][1] * PG);
		put64(ph[1 + i] + 0x28, runs[i][1] * PG);
		at += runs[i][1] * PG;
	}
	if (s->set_size(s->ctx, at) < 0 || s->write(s->ctx, 0, eh, sizeof eh) < 0 ||
	    s->write(s->ctx, 64, ph, sizeof ph) < 0 || s->write(s->ctx, 64 + sizeof ph, notes, nlen) < 0)
		return -1;
	for (size_t i = 0; i < g->npages; i++) {
		uint64_t pfn = g->pages[i]->pfn;
		uint64_t idx = pfn < HOLE_START ? pfn : HOLE_START + (pfn - HOLE_END);

		if (pfn_in_dump(g, pfn) && write_page_data(g, s, pfn, data + idx * PG) < 0)
			return -1;
	}
	return 0;
}

int
dumpgen_write(const struct dumpgen_opts *o, const struct dumpgen_sink *sink)
{
	struct gen g = {.o = o};
	int rc;

	if ((o->ram_bytes && (o->ram_bytes < (UINT64_C(8) << 20) || o->ram_bytes % (UINT64_C(2) << 20))) ||
	    (o->bugcheck_7e + o->bugcheck_8e + o->trap_frame > 1) ||
	    (o->x86 && (o->kind != DUMPGEN_FULL || o->bugcheck_7e || o->bugcheck_8e || o->trap_frame ||
			o->ram_bytes > (UINT64_C(4) << 30)))) {
		errno = EINVAL;
		return -1;
	}
	build_machine(&g);
	switch (o->kind) {
	case DUMPGEN_FULL: rc = write_full(&g, sink); break;
	case DUMPGEN_BITMAP:
	case DUMPGEN_SUMMARY: rc = write_bitmap(&g, sink); break;
	case DUMPGEN_TRIAGE: rc = write_triage(&g, sink); break;
	case DUMPGEN_RDMP: rc = write_rdmp(&g, sink); break;
	case DUMPGEN_ELF: rc = write_elf(&g, sink); break;
	default: errno = EINVAL; rc = -1; break;
	}
	for (size_t i = 0; i < g.npages; i++)
		free(g.pages[i]);
	free(g.pages);
	free(g.maps);
	return rc;
}

/* ---- sinks ---- */

struct mem_sink {
	unsigned char *buf;
	uint64_t size;
};

static int
mem_set_size(void *ctx, uint64_t size)
{
	struct mem_sink *m = ctx;

	if (size > (UINT64_C(1) << 31))
		return -1;
	m->buf = calloc(1, (size_t)size);
	m->size = size;
	return m->buf ? 0 : -1;
}

static int
mem_write(void *ctx, uint64_t off, const void *buf, size_t n)
{
	struct mem_sink *m = ctx;

	if (off > m->size || n > m->size - off)
		return -1;
	memcpy(m->buf + off, buf, n);
	return 0;
}

unsigned char *
dumpgen_mem(const struct dumpgen_opts *o, size_t *len)
{
	struct mem_sink m = {0};
	struct dumpgen_sink s = {.set_size = mem_set_size, .write = mem_write, .ctx = &m};

	if (dumpgen_write(o, &s) < 0) {
		free(m.buf);
		return NULL;
	}
	*len = (size_t)m.size;
	return m.buf;
}

static int
fd_set_size(void *ctx, uint64_t size)
{
	return ftruncate(*(int *)ctx, (off_t)size);
}

static int
fd_write(void *ctx, uint64_t off, const void *buf, size_t n)
{
	return pwrite(*(int *)ctx, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

int
dumpgen_file(const struct dumpgen_opts *o, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct dumpgen_sink s = {.set_size = fd_set_size, .write = fd_write, .ctx = &fd};
	int rc;

	if (fd < 0)
		return -1;
	rc = dumpgen_write(o, &s);
	if (close(fd) < 0)
		rc = -1;
	return rc;
}
