/*
 * Windows crash dump parser: headers, physical and virtual memory, modules,
 * context and stack.  Every field is read with explicit little-endian loads
 * at the offsets documented in docs/DUMPS.md; nothing from the file is
 * trusted before it is bounds-checked, and every list walk is capped.
 */
#include "dumpfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/bugcheck.h"

#define PAGE_SIZE 0x1000u
#define PAGE_SHIFT 12

#define SIG_PAGE 0x45474150u	/* "PAGE", also the fill value for unset fields */
#define SIG_DU64 0x34365544u
#define SIG_DUMP 0x504D5544u
#define SIG_SDMP 0x504D4453u
#define SIG_FDMP 0x504D4446u
#define SIG_RDMP 0x504D4452u
#define SIG_MDMP 0x504D444Du
#define SIG_TRGD 0x44475254u	/* the bytes "TRGD" closing a triage dump */
#define SIG_KDBG 0x4742444Bu

#define HDR64_SIZE 0x2000u
#define HDR32_SIZE 0x1000u

#define MACHINE_X86 0x14Cu
#define MACHINE_AMD64 0x8664u
#define MACHINE_ARM64 0xAA64u
#define MACHINE_ARMNT 0x1C4u

/* Caps on anything the file counts for us. */
#define MAX_MODULES 4096
#define MAX_UNLOADED 1024
#define MAX_FRAMES 256
#define MAX_NOTES 64
#define MAX_REGIONS 65536
#define MAX_NAME_CHARS 1024
#define MAX_EXPORTS 65536
#define MAX_BITMAP_PAGES (UINT64_C(1) << 34)	/* 64 TiB of RAM */
#define STACK_SCAN_BYTES (64 * 1024)
#define EXPORT_MAX_DELTA 0x10000	/* further from an export, the name is a guess: omit it */

#define RANK_BITS 4096			/* bitmap bits per rank entry */
#define RANK_BYTES (RANK_BITS / 8)
#define PT_CACHE 16

#define PFN_MASK UINT64_C(0x000FFFFFFFFFF000)

enum phys_kind { PHYS_NONE, PHYS_RUNS, PHYS_BITMAP, PHYS_EXTERNAL };

struct phys_run {
	uint64_t pfn, count, file_off;
};

/* Memory that the file holds by virtual address: the triage stack window and
 * data blocks, MDMP memory lists. */
struct va_region {
	uint64_t va, size, file_off;
};

struct export_entry {
	uint32_t rva, name_rva;
};

struct module_exports {
	bool loaded;
	struct export_entry *e;	/* sorted by rva */
	size_t n;
};

struct dump {
	struct dump_info info;
	struct dump_reader *r;
	struct dump_reader own_reader;	/* dump_open_phys(): over hdr_copy */
	unsigned char *hdr_copy;
	uint32_t hdr_size;

	enum phys_kind phys;
	struct phys_run *runs;
	size_t nruns;
	uint64_t bitmap_off, bitmap_bits, first_page;
	uint64_t *rank;
	uint64_t block_idx;		/* bitmap block in `block`, UINT64_MAX none */
	unsigned char block[RANK_BYTES];
	int (*ext_read)(void *ctx, uint64_t pa, void *buf, size_t n);
	void *ext_ctx;
	void (*ext_free)(void *ctx);

	bool virt_by_regions;		/* triage/MDMP: no page tables */
	bool pae;
	struct va_region *regions;
	size_t nregions;
	uint64_t stack_lo, stack_hi;	/* triage stack window */
	uint32_t mdmp_threads;		/* MDMP ThreadList rva, 0 none */
	uint32_t mdmp_ctx_size, mdmp_ctx_rva;	/* exception thread's context */

	uint64_t pt_pfn[PT_CACHE];
	bool pt_valid[PT_CACHE];
	unsigned char pt_page[PT_CACHE][PAGE_SIZE];

	struct module_exports *exports;
	size_t frames_cap, modules_cap;
};

/* ---- little-endian loads ---- */

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The kernel fills unset fields with "PAGE". */
static uint32_t
set32(uint32_t v)
{
	return v == SIG_PAGE ? 0 : v;
}

static uint64_t
set64(uint64_t v)
{
	return (uint32_t)v == SIG_PAGE || (v >> 32) == SIG_PAGE ? 0 : v;
}

/* ---- readers ---- */

static int
mem_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	memcpy(buf, (const unsigned char *)ctx + off, n);
	return 0;
}

void
dump_reader_mem(struct dump_reader *r, const void *buf, size_t len)
{
	*r = (struct dump_reader){.pread = mem_pread, .ctx = (void *)(uintptr_t)buf, .size = len};
}

static int
fd_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	int fd = (int)(intptr_t)ctx;
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = pread(fd, p, n, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		off += (uint64_t)got;
		n -= (size_t)got;
	}
	return 0;
}

void
dump_reader_fd(struct dump_reader *r, int fd, uint64_t size)
{
	*r = (struct dump_reader){.pread = fd_pread, .ctx = (void *)(intptr_t)fd, .size = size};
}

/* Read n bytes at a file offset; -1 when outside the file. */
static int
file_read(struct dump *d, uint64_t off, void *buf, size_t n)
{
	struct dump_reader *r = d->r;

	if (off > r->size || n > r->size - off)
		return -1;
	r->reads++;
	r->bytes_read += n;
	return r->pread(r->ctx, buf, n, off);
}

static bool
file_has(const struct dump *d, uint64_t off, uint64_t n)
{
	return off <= d->r->size && n <= d->r->size - off;
}

/* ---- results ---- */

static void
note(struct dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(struct dump *d, const char *fmt, ...)
{
	char msg[WB_ERR_MAX];
	va_list ap;

	if (d->info.nnotes >= MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d->info.notes = xrealloc(d->info.notes, (d->info.nnotes + 1) * sizeof *d->info.notes);
	d->info.notes[d->info.nnotes++] = xstrdup(msg);
}

static struct dump_module *
add_module(struct dump *d)
{
	struct dump_module *m;

	if (d->info.nmodules == d->modules_cap) {
		d->modules_cap = d->modules_cap ? 2 * d->modules_cap : 64;
		d->info.modules = xrealloc(d->info.modules, d->modules_cap * sizeof *d->info.modules);
	}
	m = &d->info.modules[d->info.nmodules++];
	*m = (struct dump_module){0};
	return m;
}

/* UTF-16LE to UTF-8; unpaired surrogates become U+FFFD; stops at NUL. */
static char *
utf16_to_utf8(const unsigned char *p, size_t units)
{
	struct wb_buf b = {0};

	for (size_t i = 0; i < units; i++) {
		uint32_t c = le16(p + 2 * i);
		unsigned char out[4];
		size_t n;

		if (c == 0)
			break;
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units) {
			uint32_t lo = le16(p + 2 * (i + 1));

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else
				c = 0xFFFD;
		} else if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		if (c < 0x80) {
			out[0] = (unsigned char)c;
			n = 1;
		} else if (c < 0x800) {
			out[0] = (unsigned char)(0xC0 | c >> 6);
			out[1] = (unsigned char)(0x80 | (c & 0x3F));
			n = 2;
		} else if (c < 0x10000) {
			out[0] = (unsigned char)(0xE0 | c >> 12);
			out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			out[2] = (unsigned char)(0x80 | (c & 0x3F));
			n = 3;
		} else {
			out[0] = (unsigned char)(0xF0 | c >> 18);
			out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
			out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			out[3] = (unsigned char)(0x80 | (c & 0x3F));
			n = 4;
		}
		buf_append(&b, out, n);
	}
	if (!b.data)
		return xstrdup("");
	return b.data;
}

/* "\SystemRoot\system32\ntoskrnl.exe" -> "ntoskrnl.exe" */
static char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '\\');

	if (!slash)
		slash = strrchr(path, '/');
	return xstrdup(slash ? slash + 1 : path);
}

/* FILETIME (100 ns since 1601) to µs since 1970; 0 when unset or absurd. */
static int64_t
filetime_us(uint64_t ft)
{
	const uint64_t epoch = UINT64_C(116444736000000000);
	const uint64_t year3000 = UINT64_C(32503680000) * 10000000 + epoch;

	if (ft <= epoch || ft >= year3000 || set64(ft) == 0)
		return 0;
	return (int64_t)((ft - epoch) / 10);
}

/* ---- physical memory ---- */

static int
pfn_file_offset(struct dump *d, uint64_t pfn, uint64_t *off)
{
	if (d->phys == PHYS_RUNS) {
		size_t lo = 0, hi = d->nruns;

		while (lo < hi) {	/* runs are sorted by pfn and do not overlap */
			size_t mid = lo + (hi - lo) / 2;
			const struct phys_run *run = &d->runs[mid];

			if (pfn < run->pfn)
				hi = mid;
			else if (pfn - run->pfn >= run->count)
				lo = mid + 1;
			else {
				*off = run->file_off + (pfn - run->pfn) * PAGE_SIZE;
				return 0;
			}
		}
		return -1;
	}
	if (d->phys == PHYS_BITMAP) {
		uint64_t blk = pfn / RANK_BITS, before;
		unsigned bit = (unsigned)(pfn % RANK_BITS);

		if (pfn >= d->bitmap_bits)
			return -1;
		if (d->block_idx != blk) {
			uint64_t bytes = (d->bitmap_bits + 7) / 8 - blk * RANK_BYTES;

			memset(d->block, 0, sizeof d->block);
			if (file_read(d, d->bitmap_off + blk * RANK_BYTES, d->block,
				      bytes < RANK_BYTES ? (size_t)bytes : RANK_BYTES) < 0)
				return -1;
			d->block_idx = blk;
		}
		if (!(d->block[bit / 8] >> (bit % 8) & 1))
			return -1;
		before = d->rank[blk];
		for (unsigned i = 0; i < bit / 8; i++)
			before += (uint64_t)__builtin_popcount(d->block[i]);
		before += (uint64_t)__builtin_popcount(d->block[bit / 8] & ((1u << (bit % 8)) - 1));
		*off = d->first_page + before * PAGE_SIZE;
		return 0;
	}
	return -1;
}

int
dump_read_phys(struct dump *d, uint64_t pa, void *buf, size_t n)
{
	unsigned char *p = buf;

	if (d->phys == PHYS_EXTERNAL)
		return d->ext_read(d->ext_ctx, pa, buf, n);
	while (n > 0) {
		size_t in_page = PAGE_SIZE - (size_t)(pa & (PAGE_SIZE - 1));
		size_t chunk = n < in_page ? n : in_page;
		uint64_t off;

		if (pfn_file_offset(d, pa >> PAGE_SHIFT, &off) < 0 ||
		    file_read(d, off + (pa & (PAGE_SIZE - 1)), p, chunk) < 0)
			return -1;
		p += chunk;
		pa += chunk;
		n -= chunk;
	}
	return 0;
}

/* A page-table entry, through a small cache of page-table pages. */
static int
read_pte(struct dump *d, uint64_t table, unsigned idx, unsigned size, uint64_t *e)
{
	uint64_t pfn = table >> PAGE_SHIFT;
	unsigned slot = (unsigned)(pfn % PT_CACHE);
	uint64_t at = (table & (PAGE_SIZE - 1)) + (uint64_t)idx * size;

	if (at + size > PAGE_SIZE)
		return -1;
	if (!d->pt_valid[slot] || d->pt_pfn[slot] != pfn) {
		if (dump_read_phys(d, pfn << PAGE_SHIFT, d->pt_page[slot], PAGE_SIZE) < 0)
			return -1;
		d->pt_pfn[slot] = pfn;
		d->pt_valid[slot] = true;
	}
	*e = size == 8 ? le64(d->pt_page[slot] + at) : le32(d->pt_page[slot] + at);
	return 0;
}

/* A not-present leaf entry still names a readable page when it is a
 * transition PTE (bit 11 set, prototype bit 10 clear): the page is on the
 * standby/modified list, still in RAM at that frame. */
static bool
transition_pte(uint64_t e)
{
	return (e & 1) == 0 && (e >> 11 & 1) && !(e >> 10 & 1);
}

static int
translate_x64(struct dump *d, uint64_t va, uint64_t *pa)
{
	static const unsigned shifts[4] = {39, 30, 21, 12};
	uint64_t table = d->info.dtb & PFN_MASK, e = 0;

	for (int level = 0; level < 4; level++) {
		if (read_pte(d, table, (unsigned)(va >> shifts[level]) & 0x1FF, 8, &e) < 0)
			return -1;
		if (!(e & 1)) {
			if (level == 3 && transition_pte(e))
				break;
			return -1;
		}
		if (level == 1 && (e & 0x80)) {
			*pa = (e & UINT64_C(0x000FFFFFC0000000)) | (va & 0x3FFFFFFF);
			return 0;
		}
		if (level == 2 && (e & 0x80)) {
			*pa = (e & UINT64_C(0x000FFFFFFFE00000)) | (va & 0x1FFFFF);
			return 0;
		}
		table = e & PFN_MASK;
	}
	*pa = (e & PFN_MASK) | (va & 0xFFF);
	return 0;
}

static int
translate_x86(struct dump *d, uint64_t va, uint64_t *pa)
{
	uint64_t e;

	va &= 0xFFFFFFFF;
	if (d->pae) {
		if (read_pte(d, d->info.dtb & ~UINT64_C(0x1F), (unsigned)(va >> 30), 8, &e) < 0 || !(e & 1))
			return -1;
		if (read_pte(d, e & PFN_MASK, (unsigned)(va >> 21) & 0x1FF, 8, &e) < 0 || !(e & 1))
			return -1;
		if (e & 0x80) {
			*pa = (e & UINT64_C(0x000FFFFFFFE00000)) | (va & 0x1FFFFF);
			return 0;
		}
		if (read_pte(d, e & PFN_MASK, (unsigned)(va >> 12) & 0x1FF, 8, &e) < 0)
			return -1;
		if (!(e & 1) && !transition_pte(e))
			return -1;
		*pa = (e & PFN_MASK) | (va & 0xFFF);
		return 0;
	}
	if (read_pte(d, d->info.dtb & 0xFFFFF000, (unsigned)(va >> 22), 4, &e) < 0 || !(e & 1))
		return -1;
	if (e & 0x80) {
		*pa = (e & 0xFFC00000) | (va & 0x3FFFFF);
		return 0;
	}
	if (read_pte(d, e & 0xFFFFF000, (unsigned)(va >> 12) & 0x3FF, 4, &e) < 0)
		return -1;
	if (!(e & 1) && !transition_pte(e))
		return -1;
	*pa = (e & 0xFFFFF000) | (va & 0xFFF);
	return 0;
}

int
dump_translate(struct dump *d, uint64_t va, uint64_t *pa)
{
	if (d->phys == PHYS_NONE || d->virt_by_regions || !d->info.dtb)
		return -1;
	if (d->info.machine == MACHINE_AMD64)
		return translate_x64(d, va, pa);
	if (d->info.machine == MACHINE_X86)
		return translate_x86(d, va, pa);
	return -1;
}

static int
read_regions(struct dump *d, uint64_t va, unsigned char *p, size_t n)
{
	while (n > 0) {
		const struct va_region *hit = NULL;
		size_t chunk;

		for (size_t i = 0; i < d->nregions; i++) {
			const struct va_region *g = &d->regions[i];

			if (va >= g->va && va - g->va < g->size) {
				hit = g;
				break;
			}
		}
		if (!hit)
			return -1;
		chunk = hit->size - (va - hit->va) < n ? (size_t)(hit->size - (va - hit->va)) : n;
		if (file_read(d, hit->file_off + (va - hit->va), p, chunk) < 0)
			return -1;
		p += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

int
dump_read_virt(struct dump *d, uint64_t va, void *buf, size_t n)
{
	unsigned char *p = buf;

	if (d->virt_by_regions)
		return read_regions(d, va, p, n);
	while (n > 0) {
		size_t in_page = PAGE_SIZE - (size_t)(va & (PAGE_SIZE - 1));
		size_t chunk = n < in_page ? n : in_page;
		uint64_t pa;

		if (dump_translate(d, va, &pa) < 0 || dump_read_phys(d, pa, p, chunk) < 0)
			return -1;
		p += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

/* A NUL-terminated ASCII string at va (at most len-1 bytes), or "" . */
static void
read_cstring(struct dump *d, uint64_t va, char *out, size_t len)
{
	size_t got = 0;

	out[0] = '\0';
	while (got + 1 < len) {
		char c;

		if (dump_read_virt(d, va + got, &c, 1) < 0 || c == '\0')
			break;
		out[got++] = (c >= 0x20 && c < 0x7F) ? c : '?';
		out[got] = '\0';
	}
}

/* A counted UTF-16 string (UNICODE_STRING: length in bytes) at va. */
static char *
read_unicode(struct dump *d, uint64_t va, size_t bytes)
{
	unsigned char *raw;
	char *s;

	if (bytes == 0 || bytes > 2 * MAX_NAME_CHARS)
		return NULL;
	raw = xmalloc(bytes);
	if (dump_read_virt(d, va, raw, bytes) < 0) {
		free(raw);
		return NULL;
	}
	s = utf16_to_utf8(raw, bytes / 2);
	free(raw);
	return s;
}

/* ---- modules ---- */

int
dump_module_at(const struct dump *d, uint64_t address)
{
	int unloaded = -1;

	for (size_t i = 0; i < d->info.nmodules; i++) {
		const struct dump_module *m = &d->info.modules[i];

		if (address >= m->base && address - m->base < m->size) {
			if (!m->unloaded)
				return (int)i;
			if (unloaded < 0)
				unloaded = (int)i;
		}
	}
	return unloaded;
}

/* The PE header of an in-memory image: NT header VA and optional header
 * magic; -1 when its first page is not in the dump. */
static int
pe_header(struct dump *d, uint64_t base, unsigned char *nt, size_t ntlen)
{
	unsigned char mz[0x40];
	uint32_t lfanew;

	if (dump_read_virt(d, base, mz, sizeof mz) < 0 || mz[0] != 'M' || mz[1] != 'Z')
		return -1;
	lfanew = le32(mz + 0x3C);
	if (lfanew < 0x40 || lfanew > 0x1000)
		return -1;
	if (dump_read_virt(d, base + lfanew, nt, ntlen) < 0 || memcmp(nt, "PE\0\0", 4))
		return -1;
	return 0;
}

static void
module_pe_fields(struct dump *d, struct dump_module *m)
{
	unsigned char nt[0x60];

	if (pe_header(d, m->base, nt, sizeof nt) < 0)
		return;
	m->timestamp = le32(nt + 8);
	m->checksum = le32(nt + 0x18 + 0x40);	/* same offset in PE32 and PE32+ */
}

static int
cmp_export(const void *a, const void *b)
{
	const struct export_entry *x = a, *y = b;

	return x->rva < y->rva ? -1 : x->rva > y->rva;
}

/* Named exports of module i, sorted by address; empty when the export
 * directory's pages are absent. */
static void
load_exports(struct dump *d, size_t i)
{
	struct module_exports *ex = &d->exports[i];
	const struct dump_module *m = &d->info.modules[i];
	unsigned char nt[0x100], dir[0x28];
	uint32_t dir_rva, dir_size, nfuncs, nnames, off;
	uint32_t *funcs = NULL, *names = NULL;
	uint16_t *ords = NULL;
	unsigned char *raw = NULL;

	ex->loaded = true;
	if (m->unloaded || pe_header(d, m->base, nt, sizeof nt) < 0)
		return;
	off = le16(nt + 0x18) == 0x20B ? 0x18 + 0x70 : 0x18 + 0x60;
	if (le16(nt + 0x14) < off - 0x18 + 8)	/* SizeOfOptionalHeader too small */
		return;
	dir_rva = le32(nt + off);
	dir_size = le32(nt + off + 4);
	if (!dir_rva || dir_rva >= m->size || dump_read_virt(d, m->base + dir_rva, dir, sizeof dir) < 0)
		return;
	nfuncs = le32(dir + 0x14);
	nnames = le32(dir + 0x18);
	if (!nfuncs || !nnames || nfuncs > MAX_EXPORTS || nnames > MAX_EXPORTS)
		return;
	funcs = xmalloc((size_t)nfuncs * 4);
	names = xmalloc((size_t)nnames * 4);
	ords = xmalloc((size_t)nnames * 2);
	raw = xmalloc((size_t)(nfuncs > nnames ? nfuncs : nnames) * 4);
	if (dump_read_virt(d, m->base + le32(dir + 0x1C), raw, (size_t)nfuncs * 4) < 0)
		goto out;
	for (uint32_t k = 0; k < nfuncs; k++)
		funcs[k] = le32(raw + 4 * k);
	if (dump_read_virt(d, m->base + le32(dir + 0x20), raw, (size_t)nnames * 4) < 0)
		goto out;
	for (uint32_t k = 0; k < nnames; k++)
		names[k] = le32(raw + 4 * k);
	if (dump_read_virt(d, m->base + le32(dir + 0x24), raw, (size_t)nnames * 2) < 0)
		goto out;
	for (uint32_t k = 0; k < nnames; k++)
		ords[k] = le16(raw + 2 * k);
	ex->e = xmalloc((size_t)nnames * sizeof *ex->e);
	for (uint32_t k = 0; k < nnames; k++) {
		uint32_t rva;

		if (ords[k] >= nfuncs)
			continue;
		rva = funcs[ords[k]];
		/* forwarders point into the export directory: not code */
		if (rva == 0 || rva >= m->size || (rva >= dir_rva && rva - dir_rva < dir_size))
			continue;
		ex->e[ex->n++] = (struct export_entry){.rva = rva, .name_rva = names[k]};
	}
	qsort(ex->e, ex->n, sizeof *ex->e, cmp_export);
out:
	free(funcs);
	free(names);
	free(ords);
	free(raw);
}

/* Name the frame from the nearest export at or below it. */
static void
symbolise(struct dump *d, struct dump_frame *f)
{
	struct module_exports *ex;
	const struct dump_module *m;
	size_t lo = 0, hi;
	char name[128];

	if (f->module < 0)
		return;
	m = &d->info.modules[f->module];
	ex = &d->exports[f->module];
	if (!ex->loaded)
		load_exports(d, (size_t)f->module);
	hi = ex->n;
	while (lo < hi) {	/* first entry above the offset */
		size_t mid = lo + (hi - lo) / 2;

		if (ex->e[mid].rva <= f->offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || f->offset - ex->e[lo - 1].rva > EXPORT_MAX_DELTA)
		return;
	read_cstring(d, m->base + ex->e[lo - 1].name_rva, name, sizeof name);
	if (!name[0])
		return;
	f->symbol = xstrdup(name);
	f->symbol_offset = f->offset - ex->e[lo - 1].rva;
}

/* PsLoadedModuleList: LIST_ENTRY links at offset 0 of each
 * (K)LDR_DATA_TABLE_ENTRY, so a Flink is the entry's address. */
static void
walk_module_list(struct dump *d)
{
	const bool is64 = d->info.bits == 64;
	const unsigned ptr = is64 ? 8 : 4;
	const unsigned o_base = is64 ? 0x30 : 0x18, o_size = is64 ? 0x40 : 0x20;
	const unsigned o_full = is64 ? 0x48 : 0x24, o_name = is64 ? 0x58 : 0x2C;
	uint64_t head = d->info.loaded_module_list, cur;
	unsigned char e[0x68], link[8] = {0};
	size_t count = 0;

	if (!head) {
		note(d, "the header gives no PsLoadedModuleList: no module list");
		return;
	}
	if (dump_read_virt(d, head, link, ptr) < 0) {
		note(d, "PsLoadedModuleList 0x%llx is not in the dump: no module list",
		     (unsigned long long)head);
		return;
	}
	cur = is64 ? le64(link) : le32(link);
	while (cur != head && count < MAX_MODULES) {
		struct dump_module *m;
		uint64_t next;

		if (dump_read_virt(d, cur, e, is64 ? 0x68 : 0x34) < 0) {
			note(d, "module list entry at 0x%llx is not in the dump; the list stops after %zu modules",
			     (unsigned long long)cur, count);
			return;
		}
		m = add_module(d);
		m->base = is64 ? le64(e + o_base) : le32(e + o_base);
		m->size = le32(e + o_size);
		m->path = read_unicode(d, is64 ? le64(e + o_full + 8) : le32(e + o_full + 4), le16(e + o_full));
		{
			char *name = read_unicode(d, is64 ? le64(e + o_name + 8) : le32(e + o_name + 4),
						  le16(e + o_name));

			if (name && name[0])
				m->name = name;
			else {
				free(name);
				m->name = m->path ? base_name(m->path) : xasprintf("module@0x%llx",
										 (unsigned long long)m->base);
			}
		}
		module_pe_fields(d, m);
		count++;
		next = is64 ? le64(e) : le32(e);
		if (next == cur)
			break;
		cur = next;
	}
	if (count == MAX_MODULES)
		note(d, "module list longer than %d entries: stopped (a loop?)", MAX_MODULES);
}

/* MmUnloadedDrivers: KDBG+0x220 holds the address of the kernel variable
 * that points to the array of MI_UNLOADED_DRIVERS (50) UNLOADED_DRIVERS
 * entries {UNICODE_STRING Name; StartAddress; EndAddress; CurrentTime};
 * unused slots have an empty name. */
static void
read_unloaded_drivers(struct dump *d, uint64_t var)
{
	const bool is64 = d->info.bits == 64;
	const unsigned ptr = is64 ? 8 : 4, esize = is64 ? 0x28 : 0x18;
	unsigned char p[8] = {0}, e[0x28];
	uint64_t array;

	if (!var || dump_read_virt(d, var, p, ptr) < 0)
		return;
	array = is64 ? le64(p) : le32(p);
	for (unsigned i = 0; array && i < 50; i++) {
		uint64_t start, end, buf;
		struct dump_module *m;
		char *name;

		if (dump_read_virt(d, array + (uint64_t)i * esize, e, esize) < 0)
			return;
		buf = is64 ? le64(e + 8) : le32(e + 4);
		start = is64 ? le64(e + 0x10) : le32(e + 8);
		end = is64 ? le64(e + 0x18) : le32(e + 0xC);
		if (!le16(e) || end <= start || end - start > (UINT64_C(1) << 30))
			continue;
		if (!(name = read_unicode(d, buf, le16(e))))
			continue;
		m = add_module(d);
		m->name = name;
		m->base = start;
		m->size = end - start;
		m->unloaded = true;
	}
}

/* KDDEBUGGER_DATA64: trust it only with its tag and a sane size. */
static void
read_kdbg(struct dump *d, uint64_t va)
{
	unsigned char k[0x230];
	uint32_t size;
	const bool is64 = d->info.bits == 64;

	if (!va || dump_read_virt(d, va, k, sizeof k) < 0)
		return;
	size = le32(k + 0x14);
	if (le32(k + 0x10) != SIG_KDBG || size < sizeof k || size > 0x1000)
		return;
	read_cstring(d, is64 ? le64(k + 0x208) : le32(k + 0x208), d->info.build_lab, sizeof d->info.build_lab);
	read_unloaded_drivers(d, is64 ? le64(k + 0x220) : le32(k + 0x220));
}

/* ---- context and stack ---- */

static void
parse_context(struct dump *d, const unsigned char *ctx, size_t len)
{
	struct dump_info *in = &d->info;

	if (in->machine == MACHINE_AMD64 && len >= 0x100) {
		in->sp = le64(ctx + 0x98);
		in->pc = le64(ctx + 0xF8);
	} else if (in->machine == MACHINE_X86 && len >= 0xCC) {
		in->pc = le32(ctx + 0xB8);
		in->sp = le32(ctx + 0xC4);
	} else if (in->machine == MACHINE_ARM64 && len >= 0x110) {
		in->sp = le64(ctx + 0x100);
		in->pc = le64(ctx + 0x108);
	} else
		return;
	in->has_context = in->pc != 0 || in->sp != 0;
}

/* Does the code just before a return address end in a call?  x86/x64:
 * E8 rel32, or FF /2 in its 2-, 3-, 4-, 6- and 7-byte forms; ARM64: BL or BLR. */
static bool
follows_call(uint32_t machine, const unsigned char *b)
{
	static const int ff_len[] = {2, 3, 4, 6, 7};

	if (machine == MACHINE_ARM64) {
		uint32_t insn = le32(b + 4);

		return (insn & 0xFC000000) == 0x94000000 || (insn & 0xFFFFFC1F) == 0xD63F0000;
	}
	if (b[3] == 0xE8)
		return true;
	for (size_t i = 0; i < sizeof ff_len / sizeof ff_len[0]; i++)
		if (b[8 - ff_len[i]] == 0xFF && (b[8 - ff_len[i] + 1] >> 3 & 7) == 2)
			return true;
	return false;
}

static void
add_frame(struct dump *d, uint64_t address, uint64_t stack_at, bool from_context, bool verified)
{
	struct dump_frame *f;

	if (d->info.nframes >= MAX_FRAMES)
		return;
	if (d->info.nframes == d->frames_cap) {
		d->frames_cap = d->frames_cap ? 2 * d->frames_cap : 32;
		d->info.frames = xrealloc(d->info.frames, d->frames_cap * sizeof *d->info.frames);
	}
	f = &d->info.frames[d->info.nframes++];
	*f = (struct dump_frame){.address = address, .stack_at = stack_at, .from_context = from_context,
				 .call_verified = verified, .module = dump_module_at(d, address)};
	if (f->module >= 0) {
		f->offset = address - d->info.modules[f->module].base;
		symbolise(d, f);
	}
}

/* Raw stack scan: every aligned pointer-sized value that falls inside a
 * module is a candidate return address.  When the code before it is in the
 * dump and is not a call, it was data, not a frame: dropped. */
static void
scan_stack(struct dump *d, uint64_t lo, uint64_t hi)
{
	const unsigned ptr = d->info.bits == 64 ? 8 : 4;
	unsigned char page[PAGE_SIZE];
	uint64_t va = lo & ~(uint64_t)(ptr - 1);
	size_t kept = 0, dropped = 0;

	while (va < hi && d->info.nframes < MAX_FRAMES) {
		size_t chunk = PAGE_SIZE - (size_t)(va & (PAGE_SIZE - 1));

		if (hi - va < chunk)
			chunk = (size_t)(hi - va);
		if (dump_read_virt(d, va, page, chunk) < 0)
			break;
		for (size_t i = 0; i + ptr <= chunk; i += ptr) {
			uint64_t v = ptr == 8 ? le64(page + i) : le32(page + i);
			unsigned char code[8];
			bool verified = false;

			if (v < 8 || dump_module_at(d, v) < 0)
				continue;
			if (dump_read_virt(d, v - 8, code, sizeof code) == 0) {
				if (!follows_call(d->info.machine, code)) {
					dropped++;
					continue;
				}
				verified = true;
			}
			add_frame(d, v, va + i, false, verified);
			kept++;
		}
		va += chunk;
	}
	if (!kept && !dropped)
		note(d, "stack scan from 0x%llx found no return addresses", (unsigned long long)lo);
}

/* The header's context is the CPU inside KeBugCheckEx.  Some bugchecks name
 * the state of the code that faulted: 0x7E (and its _M form) the exception's
 * CONTEXT in P4, 0x3B in P3, and 0x8E (x64) a KTRAP_FRAME in P3 (Rip 0x168,
 * SegCs 0x170, Rsp 0x180).  It is trusted when it reads back as such and its
 * instruction pointer is P2, the faulting address. */
static void
use_exception_context(struct dump *d)
{
	struct dump_info *in = &d->info;
	uint32_t code = in->bugcheck & ~UINT32_C(0x10000000);
	int param = code == 0x7E ? 4 : code == 0x3B || code == 0x8E ? 3 : 0;
	uint32_t flag = in->machine == MACHINE_AMD64 ? 0x100000 : in->machine == MACHINE_X86 ? 0x10000
		      : in->machine == MACHINE_ARM64 ? 0x400000 : 0;
	unsigned char ctx[0x190];
	uint64_t pc = in->pc, sp = in->sp, at;
	size_t len = in->machine == MACHINE_X86 ? 0xCC : 0x110;
	unsigned flags_at = in->machine == MACHINE_AMD64 ? 0x30 : 0;

	if (!in->has_bugcheck || !param || !flag || !(at = in->args[param - 1]))
		return;
	if (code == 0x8E) {
		if (in->machine != MACHINE_AMD64 || dump_read_virt(d, at, ctx, 0x190) < 0 ||
		    (le16(ctx + 0x170) & 3) != 0 || le64(ctx + 0x168) != in->args[1])
			return;
		in->pc = le64(ctx + 0x168);
		in->sp = le64(ctx + 0x180);
		in->has_context = true;
		snprintf(in->stack_source, sizeof in->stack_source, "trap frame at P3 0x%llx",
			 (unsigned long long)at);
		return;
	}
	if (dump_read_virt(d, at, ctx, len) < 0 || !(le32(ctx + flags_at) & flag))
		return;
	parse_context(d, ctx, len);
	if (in->pc != in->args[1]) {
		in->pc = pc;
		in->sp = sp;
		return;
	}
	snprintf(in->stack_source, sizeof in->stack_source, "exception context at P%d 0x%llx", param,
		 (unsigned long long)at);
}

/* Bugchecks whose parameter is the faulting instruction but names no
 * context (0xD1 and 0x0A P4, 0x50 P3, ...): on x64 the page-fault or trap
 * handler pushed a KTRAP_FRAME on this stack.  A 0x190-byte frame whose Rip
 * (0x168) is that address, with a kernel CS (0x170) and an Rsp (0x180) just
 * above it, is that frame; its Rsp is where the faulting code's stack is. */
static void
find_trap_frame(struct dump *d)
{
	struct dump_info *in = &d->info;
	int param = in->has_bugcheck ? bugcheck_address_param(in->bugcheck, NULL) : 0;
	uint64_t addr = param ? in->args[param - 1] : 0, lo = in->sp, hi, got = 0;
	unsigned char *win;

	if (in->machine != MACHINE_AMD64 || !addr || addr == in->pc || !lo)
		return;
	hi = d->stack_hi > d->stack_lo && lo >= d->stack_lo && lo < d->stack_hi ? d->stack_hi : lo + STACK_SCAN_BYTES;
	if (hi < lo || hi - lo > STACK_SCAN_BYTES)
		hi = lo + STACK_SCAN_BYTES;
	win = xmalloc(STACK_SCAN_BYTES);
	while (lo + got < hi) {
		uint64_t va = lo + got;
		size_t chunk = PAGE_SIZE - (size_t)(va & (PAGE_SIZE - 1));

		if (hi - va < chunk)
			chunk = (size_t)(hi - va);
		if (dump_read_virt(d, va, win + got, chunk) < 0)
			break;
		got += chunk;
	}
	for (uint64_t at = (8 - (lo & 7)) & 7; at + 0x18 + 8 <= got; at += 8) {
		uint64_t frame = lo + at - 0x168, rsp;
		uint16_t cs;

		if (le64(win + at) != addr || at < 0x168)
			continue;
		cs = le16(win + at + 8);
		rsp = le64(win + at + 0x18);
		if (cs == 0 || (cs & 3) != 0 || rsp < frame + 0x190 || rsp - frame > STACK_SCAN_BYTES)
			continue;
		in->pc = addr;
		in->sp = rsp;
		snprintf(in->stack_source, sizeof in->stack_source, "trap frame at 0x%llx (Rip = P%d)",
			 (unsigned long long)frame, param);
		break;
	}
	free(win);
}

static void
stack_from_context(struct dump *d)
{
	struct dump_info *in = &d->info;

	snprintf(in->stack_source, sizeof in->stack_source, "%s",
		 in->format == DUMP_FORMAT_GUEST && !d->hdr_copy ? "hypervisor CPU state" : "header context");
	use_exception_context(d);
	if (!strcmp(in->stack_source, "header context"))
		find_trap_frame(d);
	if (!in->has_context) {
		note(d, "no context record: no stack");
		return;
	}
	if (in->pc)
		add_frame(d, in->pc, 0, true, false);
	if (d->stack_hi > d->stack_lo) {
		/* triage: the saved window; from SP when SP lies inside it */
		uint64_t from = in->sp >= d->stack_lo && in->sp < d->stack_hi ? in->sp : d->stack_lo;

		scan_stack(d, from, d->stack_hi - from < STACK_SCAN_BYTES ? d->stack_hi : from + STACK_SCAN_BYTES);
	} else if (in->sp)
		scan_stack(d, in->sp, in->sp + STACK_SCAN_BYTES);
}

/* ---- kernel dump header ---- */

static int
setup_runs(struct dump *d, const unsigned char *h, struct wb_err *err)
{
	const bool is64 = d->info.bits == 64;
	const unsigned blk = is64 ? 0x88 : 0x64, runsz = is64 ? 16 : 8;
	const uint32_t max_runs = is64 ? 43 : 86;
	uint32_t nruns = le32(h + blk);
	uint64_t npages = is64 ? le64(h + blk + 8) : le32(h + blk + 4), sum = 0;

	if (nruns == SIG_PAGE || nruns == 0 || nruns > max_runs)
		return wb_errf(err, _("offset 0x%x: expected a run count of 1..%u in the physical memory block, found %u"),
			       blk, max_runs, nruns);
	d->runs = xcalloc(nruns, sizeof *d->runs);
	for (uint32_t i = 0; i < nruns; i++) {
		const unsigned char *p = h + blk + (is64 ? 0x10 : 8) + i * runsz;
		struct phys_run *run = &d->runs[i];

		run->pfn = is64 ? le64(p) : le32(p);
		run->count = is64 ? le64(p + 8) : le32(p + 4);
		if (run->count > (UINT64_C(1) << 40) || run->pfn > (UINT64_C(1) << 40) ||
		    (i > 0 && run->pfn < d->runs[i - 1].pfn + d->runs[i - 1].count))
			return wb_errf(err, _("offset 0x%x: run %u (page 0x%llx, %llu pages) overlaps or is out of order"),
				       (unsigned)(blk + (is64 ? 0x10 : 8) + i * runsz), i,
				       (unsigned long long)run->pfn, (unsigned long long)run->count);
		run->file_off = d->hdr_size + sum * PAGE_SIZE;
		sum += run->count;
	}
	d->nruns = nruns;
	if (sum != npages)
		return wb_errf(err, _("offset 0x%x: the runs hold %llu pages but NumberOfPages says %llu"),
			       blk, (unsigned long long)sum, (unsigned long long)npages);
	if (!file_has(d, d->hdr_size, sum * PAGE_SIZE))
		note(d, "file truncated: %llu pages expected after the header, the file holds %llu; "
			"memory past the end is missing",
		     (unsigned long long)sum, (unsigned long long)((d->r->size - d->hdr_size) / PAGE_SIZE));
	d->phys = PHYS_RUNS;
	return 0;
}

/* The bitmap: one bit per PFN, the present pages stored in PFN order from
 * first_page.  Builds the rank index (pages before each RANK_BITS block)
 * reading the bitmap once in large chunks; checks the count. */
static int
setup_bitmap(struct dump *d, uint64_t bitmap_off, uint64_t bits, uint64_t pages, uint64_t first_page,
	     struct wb_err *err)
{
	uint64_t bytes = (bits + 7) / 8, nblocks = (bits + RANK_BITS - 1) / RANK_BITS, total = 0;
	unsigned char *chunk;
	const size_t chunk_blocks = 128;

	if (bits == 0 || bits > MAX_BITMAP_PAGES)
		return wb_errf(err, _("offset 0x%llx: expected a bitmap of 1..%llu pages, found %llu"),
			       (unsigned long long)(bitmap_off - 8), (unsigned long long)MAX_BITMAP_PAGES,
			       (unsigned long long)bits);
	if (!file_has(d, bitmap_off, bytes))
		return wb_errf(err, _("offset 0x%llx: the bitmap of %llu bytes runs past the end of the file"),
			       (unsigned long long)bitmap_off, (unsigned long long)bytes);
	if (first_page < bitmap_off + bytes || first_page > d->r->size)
		return wb_errf(err, _("offset 0x%llx: the first page offset 0x%llx must follow the bitmap (ends at 0x%llx) within the file"),
			       (unsigned long long)bitmap_off, (unsigned long long)first_page,
			       (unsigned long long)(bitmap_off + bytes));
	d->rank = xmalloc((size_t)nblocks * sizeof *d->rank);
	chunk = xmalloc(chunk_blocks * RANK_BYTES);
	for (uint64_t b = 0; b < nblocks; b += chunk_blocks) {
		uint64_t n = nblocks - b < chunk_blocks ? nblocks - b : chunk_blocks;
		uint64_t want = bytes - b * RANK_BYTES < n * RANK_BYTES ? bytes - b * RANK_BYTES : n * RANK_BYTES;

		memset(chunk, 0, chunk_blocks * RANK_BYTES);
		if (file_read(d, bitmap_off + b * RANK_BYTES, chunk, (size_t)want) < 0) {
			free(chunk);
			return wb_errf(err, _("offset 0x%llx: cannot read the bitmap"),
				       (unsigned long long)(bitmap_off + b * RANK_BYTES));
		}
		/* bits past the bitmap's end do not count */
		if (b + n == nblocks && bits % 8)
			chunk[want - 1] &= (unsigned char)((1u << (bits % 8)) - 1);
		for (uint64_t k = 0; k < n; k++) {
			d->rank[b + k] = total;
			for (size_t i = 0; i < RANK_BYTES; i += 8)
				total += (uint64_t)__builtin_popcountll(le64(chunk + k * RANK_BYTES + i));
		}
	}
	free(chunk);
	if (total != pages)
		return wb_errf(err, _("offset 0x%llx: the bitmap has %llu pages set but the header says %llu"),
			       (unsigned long long)bitmap_off, (unsigned long long)total, (unsigned long long)pages);
	if (!file_has(d, first_page, pages * PAGE_SIZE))
		note(d, "file truncated: %llu pages expected from 0x%llx; memory past the end is missing",
		     (unsigned long long)pages, (unsigned long long)first_page);
	d->bitmap_off = bitmap_off;
	d->bitmap_bits = bits;
	d->first_page = first_page;
	d->block_idx = UINT64_MAX;
	d->phys = PHYS_BITMAP;
	return 0;
}

static int
setup_bitmap_header(struct dump *d, struct wb_err *err)
{
	unsigned char b[0x38];
	uint32_t sig;

	if (file_read(d, d->hdr_size, b, sizeof b) < 0)
		return wb_errf(err, _("offset 0x%x: expected the bitmap header (\"SDMP\" or \"FDMP\"), the file ends"),
			       d->hdr_size);
	sig = le32(b);
	if ((sig != SIG_SDMP && sig != SIG_FDMP) || le32(b + 4) != SIG_DUMP)
		return wb_errf(err, _("offset 0x%x: expected the bitmap header signature \"SDMP\" or \"FDMP\" followed by \"DUMP\""),
			       d->hdr_size);
	return setup_bitmap(d, d->hdr_size + 0x38, le64(b + 0x30), le64(b + 0x28), le64(b + 0x20), err);
}

/* DumpType 2: either the Windows 8 layout or the older all-u32 one; accept
 * whichever validates (docs/DUMPS.md, "legacy summary"). */
static int
setup_summary(struct dump *d, struct wb_err *err)
{
	unsigned char b[0x38];
	uint64_t base = d->hdr_size;
	uint32_t hsize, bits, pages;
	struct wb_err ignored;

	if (file_read(d, base, b, sizeof b) < 0 || le32(b) != SIG_SDMP)
		return wb_errf(err, _("offset 0x%llx: expected the summary header signature \"SDMP\""),
			       (unsigned long long)base);
	if (setup_bitmap(d, base + 0x38, le64(b + 0x30), le64(b + 0x28), le64(b + 0x20), &ignored) == 0)
		return 0;
	free(d->rank);
	d->rank = NULL;
	hsize = le32(b + 0x0C);
	bits = le32(b + 0x10);
	pages = le32(b + 0x14);
	{
		const uint64_t bitmap_at = base + (d->info.bits == 64 ? 0x28 : 0x20);
		const uint64_t firsts[2] = {hsize, base + hsize};

		for (int i = 0; i < 2; i++) {
			if (setup_bitmap(d, bitmap_at, bits, pages, firsts[i], &ignored) == 0)
				return 0;
			free(d->rank);
			d->rank = NULL;
		}
	}
	return wb_errf(err, _("offset 0x%llx: the summary dump's bitmap does not validate in either known layout"),
		       (unsigned long long)base);
}

/* DumpType 8/9/0xA (WinDbgX .dump /k, /ka, /f): an "RDMP" header at 0x2000
 * with {pfn, count} pairs and the pages packed from FirstPageOffset. */
static int
setup_rdmp(struct dump *d, struct wb_err *err)
{
	unsigned char h[0x30], pair[16];
	uint64_t first, nranges, sum = 0;

	if (file_read(d, 0x2000, h, sizeof h) < 0 || le32(h + 4) != SIG_RDMP)
		return wb_errf(err, _("offset 0x2004: expected the \"RDMP\" header of DumpType %u"),
			       d->info.dump_type);
	first = le64(h + 0x18);
	nranges = d->info.dump_type == 0xA ? le32(h + 0x20) : le64(h + 0x10) / 16;
	if (nranges == 0 || nranges > 65536 || first > d->r->size)
		return wb_errf(err, _("offset 0x2010: expected 1..65536 memory ranges before the first page, found %llu"),
			       (unsigned long long)nranges);
	d->runs = xcalloc((size_t)nranges, sizeof *d->runs);
	for (uint64_t i = 0; i < nranges; i++) {
		struct phys_run *run = &d->runs[i];

		if (file_read(d, 0x2030 + i * 16, pair, sizeof pair) < 0)
			return wb_errf(err, _("offset 0x%llx: the range table runs past the end of the file"),
				       (unsigned long long)(0x2030 + i * 16));
		run->pfn = le64(pair);
		run->count = le64(pair + 8);
		if (run->count > (UINT64_C(1) << 40) || run->pfn > (UINT64_C(1) << 40) ||
		    (i > 0 && run->pfn < d->runs[i - 1].pfn + d->runs[i - 1].count))
			return wb_errf(err, _("offset 0x%llx: range %llu overlaps or is out of order"),
				       (unsigned long long)(0x2030 + i * 16), (unsigned long long)i);
		run->file_off = first + sum * PAGE_SIZE;
		sum += run->count;
		d->nruns++;
	}
	if (!file_has(d, first, sum * PAGE_SIZE))
		note(d, "file truncated: %llu pages expected from 0x%llx", (unsigned long long)sum,
		     (unsigned long long)first);
	d->phys = PHYS_RUNS;
	return 0;
}

static void
add_region(struct dump *d, uint64_t va, uint64_t size, uint64_t file_off)
{
	if (!size || d->nregions >= MAX_REGIONS || !file_has(d, file_off, size) || va + size < va)
		return;
	d->regions = xrealloc(d->regions, (d->nregions + 1) * sizeof *d->regions);
	d->regions[d->nregions++] = (struct va_region){.va = va, .size = size, .file_off = file_off};
}

/* A DUMP_STRING in a triage string pool: u32 length in UTF-16 units. */
static char *
triage_string(struct dump *d, uint32_t off)
{
	unsigned char len[4], *raw;
	uint32_t units;
	char *s;

	if (file_read(d, off, len, 4) < 0)
		return NULL;
	units = le32(len);
	if (units == 0 || units > MAX_NAME_CHARS)
		return NULL;
	raw = xmalloc((size_t)units * 2);
	if (file_read(d, (uint64_t)off + 4, raw, (size_t)units * 2) < 0) {
		free(raw);
		return NULL;
	}
	s = utf16_to_utf8(raw, units);
	free(raw);
	return s;
}

static void
triage_drivers(struct dump *d, uint32_t list, uint32_t count, uint32_t pool)
{
	const bool is64 = d->info.bits == 64;
	uint32_t stride = is64 ? 0x90 : 0x5C;
	unsigned char e[0x90];

	if (count > MAX_MODULES) {
		note(d, "driver list claims %u entries; reading the first %d", count, MAX_MODULES);
		count = MAX_MODULES;
	}
	if (count && pool > list) {
		uint32_t s = (pool - list) / count;

		/* x64 strides seen: 0x90, 0x98, 0xA8; x86 (no sample): any
		 * 4-aligned size that holds the entry */
		if (is64 ? (s == 0x90 || s == 0x98 || s == 0xA8) : (s >= 0x48 && s <= 0x80 && s % 4 == 0))
			stride = s;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct dump_module *m;
		char *path;

		if (file_read(d, (uint64_t)list + (uint64_t)i * stride, e, is64 ? 0x90 : 0x48) < 0) {
			note(d, "driver list entry %u at 0x%llx is past the end of the file", i,
			     (unsigned long long)((uint64_t)list + (uint64_t)i * stride));
			return;
		}
		m = add_module(d);
		path = triage_string(d, le32(e));
		if (is64) {
			m->base = le64(e + 0x38);
			m->size = le32(e + 0x48);
			m->checksum = le32(e + 0x80);
			m->timestamp = le32(e + 0x88);
		} else {
			m->base = le32(e + 0x1C);
			m->size = le32(e + 0x24);
			m->checksum = le32(e + 0x44);
		}
		if (path && path[0]) {
			m->path = path;
			m->name = base_name(path);
		} else {
			free(path);
			m->name = xasprintf("module@0x%llx", (unsigned long long)m->base);
		}
	}
}

static void
triage_unloaded(struct dump *d, uint32_t off)
{
	unsigned char hdr[8], e[0x38];
	uint32_t count;

	if (!off || d->info.bits != 64 || file_read(d, off, hdr, sizeof hdr) < 0)
		return;
	count = le32(hdr);
	if (count > MAX_UNLOADED) {
		note(d, "unloaded driver list claims %u entries: ignored", count);
		return;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct dump_module *m;
		uint32_t units;

		if (file_read(d, (uint64_t)off + 8 + (uint64_t)i * 0x38, e, sizeof e) < 0) {
			note(d, "unloaded driver %u is past the end of the file", i);
			return;
		}
		units = le16(e) / 2;
		m = add_module(d);
		m->name = utf16_to_utf8(e + 0x10, units < 12 ? units : 12);
		m->base = le64(e + 0x28);
		m->size = le64(e + 0x30) > m->base ? le64(e + 0x30) - m->base : 0;
		m->unloaded = true;
	}
}

/* Kernel minidump: TRIAGE_DUMP at the end of the header; every offset in it
 * is absolute.  Memory is what the writer saved by address: the stack
 * window, the optional data page and the data blocks. */
static int
setup_triage(struct dump *d, struct wb_err *err)
{
	const bool is64 = d->info.bits == 64;
	unsigned char t[0x80], valid[4];
	uint32_t size_of_dump, valid_off, list, count, pool, blocks_off, nblocks, dbg_off, dbg_size;
	uint64_t top, stack_size, stack_off;

	if (file_read(d, d->hdr_size, t, is64 ? 0x80 : 0x68) < 0)
		return wb_errf(err, _("offset 0x%x: expected the TRIAGE_DUMP header of a kernel minidump, the file ends"),
			       d->hdr_size);
	size_of_dump = le32(t + 0x04);
	valid_off = le32(t + 0x08);
	if (file_read(d, valid_off, valid, 4) < 0 || le32(valid) != SIG_TRGD)
		return wb_errf(err, _("offset 0x%x: expected \"TRGD\" at ValidOffset 0x%x (SizeOfDump 0x%x); the minidump is truncated or damaged"),
			       d->hdr_size + 8, valid_off, size_of_dump);
	d->virt_by_regions = true;
	stack_off = le32(t + 0x28);
	stack_size = le32(t + 0x2C);
	list = le32(t + 0x30);
	count = le32(t + 0x34);
	pool = le32(t + 0x38);
	if (is64) {
		top = le64(t + 0x48);
		add_region(d, le64(t + 0x60), le32(t + 0x6C), le32(t + 0x68));
		dbg_off = le32(t + 0x70);
		dbg_size = le32(t + 0x74);
		blocks_off = le32(t + 0x78);
		nblocks = le32(t + 0x7C);
	} else {
		top = le32(t + 0x48);
		add_region(d, le32(t + 0x4C), le32(t + 0x54), le32(t + 0x50));
		dbg_off = le32(t + 0x58);
		dbg_size = le32(t + 0x5C);
		blocks_off = le32(t + 0x60);
		nblocks = le32(t + 0x64);
	}
	if (stack_off && stack_size && file_has(d, stack_off, stack_size)) {
		add_region(d, top, stack_size, stack_off);
		d->stack_lo = top;
		d->stack_hi = top + stack_size;
	} else
		note(d, "the minidump has no readable stack window");
	if (nblocks > MAX_REGIONS) {
		note(d, "minidump claims %u data blocks; reading the first %d", nblocks, MAX_REGIONS);
		nblocks = MAX_REGIONS;
	}
	if (nblocks && file_has(d, blocks_off, (uint64_t)nblocks * 16)) {
		unsigned char *b = xmalloc((size_t)nblocks * 16);

		if (file_read(d, blocks_off, b, (size_t)nblocks * 16) == 0)
			for (uint32_t i = 0; i < nblocks; i++)
				add_region(d, le64(b + 16 * i), le32(b + 16 * i + 12), le32(b + 16 * i + 8));
		free(b);
	} else if (nblocks)
		note(d, "the data block table at 0x%x is past the end of the file", blocks_off);
	triage_drivers(d, list, count, pool);
	triage_unloaded(d, le32(t + 0x18));
	if (dbg_off && dbg_size >= 0x210 && dbg_size <= 0x1000 && file_has(d, dbg_off, dbg_size)) {
		unsigned char k[0x210];

		if (file_read(d, dbg_off, k, sizeof k) == 0 && le32(k + 0x10) == SIG_KDBG)
			read_cstring(d, is64 ? le64(k + 0x208) : le32(k + 0x208), d->info.build_lab,
				     sizeof d->info.build_lab);
	}
	return 0;
}

/* The header's fields (h holds hdr_size bytes). */
static int
parse_kernel_header(struct dump *d, const unsigned char *h, struct wb_err *err)
{
	struct dump_info *in = &d->info;
	const bool is64 = in->bits == 64;

	in->major = le32(h + 8);
	in->build = set32(le32(h + 0xC));
	if (is64) {
		in->dtb = set64(le64(h + 0x10));
		in->loaded_module_list = set64(le64(h + 0x20));
		in->machine = le32(h + 0x30);
		in->processors = set32(le32(h + 0x34));
		in->bugcheck = le32(h + 0x38);
		for (int i = 0; i < 4; i++)
			in->args[i] = le64(h + 0x40 + 8 * i);
		in->kdbg = set64(le64(h + 0x80));
		in->dump_type = le32(h + 0xF98);
		in->crash_time = filetime_us(le64(h + 0xFA8));
		in->uptime = (int64_t)(set64(le64(h + 0x1030)) / 10);
		in->product_type = set32(le32(h + 0x1040));
		in->suite_mask = set32(le32(h + 0x1044));
	} else {
		in->dtb = set32(le32(h + 0x10));
		in->loaded_module_list = set32(le32(h + 0x18));
		in->machine = le32(h + 0x20);
		in->processors = set32(le32(h + 0x24));
		in->bugcheck = le32(h + 0x28);
		for (int i = 0; i < 4; i++)
			in->args[i] = le32(h + 0x2C + 4 * i);
		d->pae = h[0x5C] == 1;
		in->kdbg = set32(le32(h + 0x60));
		in->dump_type = le32(h + 0xF88);
		in->crash_time = filetime_us(le64(h + 0xFC0));
		in->uptime = (int64_t)(set64(le64(h + 0xFB8)) / 10);
		in->product_type = set32(le32(h + 0xF94));
		in->suite_mask = set32(le32(h + 0xF98));
	}
	if (is64 && in->machine != MACHINE_AMD64 && in->machine != MACHINE_ARM64)
		return wb_errf(err, _("offset 0x30: expected MachineImageType 0x8664 (x64) or 0xAA64 (ARM64) in a PAGEDU64 header, found 0x%x"),
			       in->machine);
	if (!is64 && in->machine != MACHINE_X86 && in->machine != MACHINE_ARMNT)
		return wb_errf(err, _("offset 0x20: expected MachineImageType 0x14C (x86) or 0x1C4 (ARM) in a PAGEDUMP header, found 0x%x"),
			       in->machine);
	in->has_bugcheck = in->bugcheck != SIG_PAGE;
	if (!in->has_bugcheck)
		in->bugcheck = 0;
	parse_context(d, h + (is64 ? 0x348 : 0x320), is64 ? 0xBB8 : 1200);
	return 0;
}

/* Where the memory is, by DumpType. */
static int
setup_memory(struct dump *d, const unsigned char *h, struct wb_err *err)
{
	struct dump_info *in = &d->info;
	const bool is64 = in->bits == 64;

	switch (in->dump_type) {
	case 1:
		in->format = DUMP_FORMAT_FULL;
		in->format_name = is64 ? "PAGEDU64 full" : "PAGEDUMP full";
		return setup_runs(d, h, err);
	case 2:
		in->format = DUMP_FORMAT_SUMMARY;
		in->format_name = is64 ? "PAGEDU64 summary (legacy, experimental)"
				       : "PAGEDUMP summary (legacy, experimental)";
		return setup_summary(d, err);
	case 4:
		in->format = DUMP_FORMAT_TRIAGE;
		in->format_name = is64 ? "PAGEDU64 kernel minidump" : "PAGEDUMP kernel minidump";
		return setup_triage(d, err);
	case 5:
	case 6:
		in->format = DUMP_FORMAT_BITMAP;
		in->format_name = is64 ? "PAGEDU64 bitmap" : "PAGEDUMP bitmap";
		return setup_bitmap_header(d, err);
	case 8:
	case 9:
	case 0xA:
		if (is64) {
			in->format = DUMP_FORMAT_FULL;
			in->format_name = "PAGEDU64 RDMP (experimental)";
			return setup_rdmp(d, err);
		}
		/* fall through */
	default:
		in->format = DUMP_FORMAT_HEADER;
		in->format_name = is64 ? "PAGEDU64 header only" : "PAGEDUMP header only";
		note(d, "DumpType %u: wb reads the header only (no memory layout it knows)", in->dump_type);
		return 0;
	}
}

/* Module list and KDBG through the page tables. */
static void
read_kernel_virtual(struct dump *d)
{
	struct dump_info *in = &d->info;

	if (in->format == DUMP_FORMAT_TRIAGE || d->phys == PHYS_NONE)
		return;
	if (in->machine == MACHINE_ARM64 || in->machine == MACHINE_ARMNT)
		note(d, "virtual memory of ARM dumps is not translated: no module list or stack");
	else if (!in->dtb)
		note(d, "the header gives no DirectoryTableBase: no virtual memory");
	else {
		walk_module_list(d);
		read_kdbg(d, in->kdbg);
	}
}

static int
parse_kernel(struct dump *d, struct wb_err *err)
{
	const bool is64 = d->info.bits == 64;
	unsigned char *h;
	int rc = -1;

	d->hdr_size = is64 ? HDR64_SIZE : HDR32_SIZE;
	h = xmalloc(d->hdr_size);
	if (file_read(d, 0, h, d->hdr_size) < 0)
		wb_errf(err, _("offset 0: expected a %u-byte %s header, the file has only %llu bytes"),
			d->hdr_size, is64 ? "PAGEDU64" : "PAGEDUMP", (unsigned long long)d->r->size);
	else if (parse_kernel_header(d, h, err) == 0 && setup_memory(d, h, err) == 0) {
		read_kernel_virtual(d);
		rc = 0;
	}
	free(h);
	return rc;
}

/* ---- user-mode minidump (MDMP) ---- */

static uint32_t
mdmp_machine(uint16_t arch)
{
	switch (arch) {
	case 0: return MACHINE_X86;
	case 5: return MACHINE_ARMNT;
	case 9: return MACHINE_AMD64;
	case 12: return MACHINE_ARM64;
	default: return 0;
	}
}

/* MINIDUMP_STRING: u32 length in bytes, then UTF-16. */
static char *
mdmp_string(struct dump *d, uint32_t rva)
{
	unsigned char len[4], *raw;
	uint32_t bytes;
	char *s;

	if (file_read(d, rva, len, 4) < 0)
		return NULL;
	bytes = le32(len);
	if (bytes == 0 || bytes > 2 * MAX_NAME_CHARS)
		return NULL;
	raw = xmalloc(bytes);
	if (file_read(d, (uint64_t)rva + 4, raw, bytes) < 0) {
		free(raw);
		return NULL;
	}
	s = utf16_to_utf8(raw, bytes / 2);
	free(raw);
	return s;
}

static void
mdmp_modules(struct dump *d, uint32_t rva, uint32_t size, bool unloaded)
{
	unsigned char hdr[12], e[108];
	uint32_t count, esize, first;

	if (file_read(d, rva, hdr, sizeof hdr) < 0)
		return;
	if (unloaded) {		/* {SizeOfHeader, SizeOfEntry, NumberOfEntries} */
		first = le32(hdr);
		esize = le32(hdr + 4);
		count = le32(hdr + 8);
		if (esize < 24 || esize > 1024 || first < 12 || first > size)
			return;
	} else {
		first = 4;
		esize = 108;
		count = le32(hdr);
	}
	if (count > MAX_MODULES) {
		note(d, "module list claims %u modules; reading the first %d", count, MAX_MODULES);
		count = MAX_MODULES;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct dump_module *m;
		char *path;

		if (file_read(d, (uint64_t)rva + first + (uint64_t)i * esize, e, unloaded ? 24 : 108) < 0) {
			note(d, "module %u of the list at 0x%x is past the end of the file", i, rva);
			return;
		}
		m = add_module(d);
		m->base = le64(e);
		m->size = le32(e + 8);
		m->checksum = le32(e + 0xC);
		m->timestamp = le32(e + 0x10);
		m->unloaded = unloaded;
		path = mdmp_string(d, le32(e + 0x14));
		if (path && path[0]) {
			m->path = path;
			m->name = base_name(path);
		} else {
			free(path);
			m->name = xasprintf("module@0x%llx", (unsigned long long)m->base);
		}
	}
}

static void
mdmp_memory(struct dump *d, uint32_t type, uint32_t rva)
{
	unsigned char hdr[16], e[16];

	if (type == 5) {	/* MemoryList: u32 count, {u64 start, u32 size, u32 rva} */
		uint32_t n;

		if (file_read(d, rva, hdr, 4) < 0)
			return;
		n = le32(hdr);
		for (uint32_t i = 0; i < n && i < MAX_REGIONS && d->nregions < MAX_REGIONS; i++) {
			if (file_read(d, (uint64_t)rva + 4 + (uint64_t)i * 16, e, 16) < 0)
				return;
			add_region(d, le64(e), le32(e + 8), le32(e + 12));
		}
	} else {		/* Memory64List: u64 count, u64 base rva, {u64 start, u64 size} */
		uint64_t n, off;

		if (file_read(d, rva, hdr, 16) < 0)
			return;
		n = le64(hdr);
		off = le64(hdr + 8);
		for (uint64_t i = 0; i < n && i < MAX_REGIONS && d->nregions < MAX_REGIONS; i++) {
			if (file_read(d, (uint64_t)rva + 16 + i * 16, e, 16) < 0)
				return;
			add_region(d, le64(e), le64(e + 8), off);
			if (off + le64(e + 8) < off)
				return;
			off += le64(e + 8);
		}
	}
}

/* The crashing thread's context and stack memory (ThreadList entry). */
static void
mdmp_thread(struct dump *d, uint32_t rva, uint32_t ctx_size, uint32_t ctx_rva)
{
	unsigned char hdr[4], t[48];
	uint32_t n;

	if (ctx_size && ctx_size <= 0x2000 && file_has(d, ctx_rva, ctx_size)) {
		unsigned char *ctx = xmalloc(ctx_size);

		if (file_read(d, ctx_rva, ctx, ctx_size) == 0)
			parse_context(d, ctx, ctx_size);
		free(ctx);
	}
	if (!rva || file_read(d, rva, hdr, 4) < 0)
		return;
	n = le32(hdr);
	for (uint32_t i = 0; i < n && i < MAX_MODULES; i++) {
		if (file_read(d, (uint64_t)rva + 4 + (uint64_t)i * 48, t, sizeof t) < 0)
			return;
		if (le32(t) == d->info.exception_thread) {
			d->stack_lo = le64(t + 0x18);
			d->stack_hi = d->stack_lo + le32(t + 0x20);
			add_region(d, d->stack_lo, le32(t + 0x20), le32(t + 0x24));
			return;
		}
	}
}

static int
parse_mdmp(struct dump *d, struct wb_err *err)
{
	struct dump_info *in = &d->info;
	unsigned char h[0x20], e[12];
	uint32_t nstreams, dir, threads = 0, ctx_size = 0, ctx_rva = 0;

	if (file_read(d, 0, h, sizeof h) < 0)
		return wb_errf(err, _("offset 0: expected a 32-byte MDMP header, the file has only %llu bytes"),
			       (unsigned long long)d->r->size);
	if (le16(h + 4) != 0xA793)
		return wb_errf(err, _("offset 4: expected MDMP version 0xA793 in the low word, found 0x%04x"),
			       le16(h + 4));
	nstreams = le32(h + 8);
	dir = le32(h + 12);
	if (nstreams == 0 || nstreams > 4096 || !file_has(d, dir, (uint64_t)nstreams * 12))
		return wb_errf(err, _("offset 8: expected 1..4096 streams with a directory inside the file, found %u at 0x%x"),
			       nstreams, dir);
	in->format = DUMP_FORMAT_USER;
	in->format_name = "MDMP user-mode minidump";
	in->crash_time = (int64_t)le32(h + 0x14) * WB_US_PER_SEC;
	d->virt_by_regions = true;
	for (uint32_t i = 0, seen = 0; i < nstreams; i++) {
		uint32_t type, size, rva;

		if (file_read(d, (uint64_t)dir + (uint64_t)i * 12, e, sizeof e) < 0)
			break;
		type = le32(e);
		size = le32(e + 4);
		rva = le32(e + 8);
		if (!file_has(d, rva, size)) {
			note(d, "stream %u (type %u) at 0x%x runs past the end of the file", i, type, rva);
			continue;
		}
		/* a dump has one stream of each type; a repeated one is ignored
		 * (so a hostile directory cannot multiply the work) */
		if (type < 32) {
			if (seen >> type & 1) {
				note(d, "stream %u repeats type %u: ignored", i, type);
				continue;
			}
			seen |= UINT32_C(1) << type;
		}
		switch (type) {
		case 3:
			threads = rva;
			break;
		case 4:
			mdmp_modules(d, rva, size, false);
			break;
		case 14:
			mdmp_modules(d, rva, size, true);
			break;
		case 5:
		case 9:
			mdmp_memory(d, type, rva);
			break;
		case 6:
			if (size >= 0xA8) {
				unsigned char x[0xA8];

				if (file_read(d, rva, x, sizeof x) == 0) {
					in->has_exception = true;
					in->exception_thread = le32(x);
					in->exception_code = le32(x + 8);
					in->exception_address = le64(x + 0x18);
					ctx_size = le32(x + 0xA0);
					ctx_rva = le32(x + 0xA4);
				}
			}
			break;
		case 7:
			if (size >= 0x18) {
				unsigned char s[0x18];

				if (file_read(d, rva, s, sizeof s) == 0) {
					in->machine = mdmp_machine(le16(s));
					in->processors = s[6];
					in->product_type = s[7];
					in->major = le32(s + 8);
					in->minor = le32(s + 0xC);
					in->build = le32(s + 0x10);
				}
			}
			break;
		default:
			break;
		}
	}
	in->bits = in->machine == MACHINE_AMD64 || in->machine == MACHINE_ARM64 ? 64 : 32;
	d->mdmp_threads = threads;
	d->mdmp_ctx_size = ctx_size;
	d->mdmp_ctx_rva = ctx_rva;
	return 0;
}

/* User-mode: the exception address, then the crashing thread's stack. */
static void
mdmp_stack(struct dump *d)
{
	struct dump_info *in = &d->info;

	if (!in->has_exception) {
		note(d, "no exception stream: the dump was taken without a crash (or the stream is missing)");
		return;
	}
	mdmp_thread(d, d->mdmp_threads, d->mdmp_ctx_size, d->mdmp_ctx_rva);
	snprintf(in->stack_source, sizeof in->stack_source, "exception thread %u", in->exception_thread);
	add_frame(d, in->exception_address, 0, true, false);
	if (d->stack_hi > d->stack_lo) {
		uint64_t from = in->sp >= d->stack_lo && in->sp < d->stack_hi ? in->sp : d->stack_lo;

		scan_stack(d, from, d->stack_hi - from < STACK_SCAN_BYTES ? d->stack_hi
									   : from + STACK_SCAN_BYTES);
	}
}

/* ---- front ---- */

enum dump_format
dump_sniff(const unsigned char *head, size_t len)
{
	if (len >= 8 && le32(head) == SIG_PAGE && (le32(head + 4) == SIG_DU64 || le32(head + 4) == SIG_DUMP))
		return DUMP_FORMAT_FULL;	/* some kernel dump; DumpType decides which */
	if (len >= 4 && le32(head) == SIG_MDMP)
		return DUMP_FORMAT_USER;	/* the version is checked by the parser */
	if (len >= 4 && !memcmp(head, "\177ELF", 4))
		return DUMP_FORMAT_GUEST;
	if (len >= 8 && (!memcmp(head, "KDUMP   ", 8) || !memcmp(head, "makedumpfile", len < 12 ? len : 12)))
		return DUMP_FORMAT_GUEST;
	return DUMP_FORMAT_UNKNOWN;
}

static struct dump *
dump_new(struct dump_reader *r)
{
	struct dump *d = xcalloc(1, sizeof *d);

	d->r = r;
	d->block_idx = UINT64_MAX;
	return d;
}

/* Frames, once the modules are known. */
static void
finish(struct dump *d)
{
	d->exports = xcalloc(d->info.nmodules + 1, sizeof *d->exports);
	if (d->info.format == DUMP_FORMAT_USER)
		mdmp_stack(d);
	else if (d->info.format != DUMP_FORMAT_HEADER)
		stack_from_context(d);
}

int
dump_open(struct dump_reader *r, struct dump **out, struct wb_err *err)
{
	unsigned char head[8];
	struct dump *d;
	int rc;

	*out = NULL;
	if (r->size < 8 || r->pread(r->ctx, head, sizeof head, 0) < 0)
		return wb_errf(err, _("offset 0: expected a dump signature (\"PAGEDU64\", \"PAGEDUMP\" or \"MDMP\"), the file has %llu bytes"),
			       (unsigned long long)r->size);
	r->reads++;
	r->bytes_read += 8;
	d = dump_new(r);
	switch (dump_sniff(head, sizeof head)) {
	case DUMP_FORMAT_FULL:
		d->info.bits = le32(head + 4) == SIG_DU64 ? 64 : 32;
		rc = parse_kernel(d, err);
		break;
	case DUMP_FORMAT_USER:
		rc = parse_mdmp(d, err);
		break;
	case DUMP_FORMAT_GUEST:
		rc = wb_errf(err, _("offset 0: an ELF or kdump guest memory dump; open it with dump_open_guest()"));
		break;
	default:
		rc = wb_errf(err, _("offset 0: expected a dump signature (\"PAGEDU64\", \"PAGEDUMP\" or \"MDMP\")"));
		break;
	}
	if (rc < 0) {
		dump_free(d);
		return -1;
	}
	finish(d);
	*out = d;
	return 0;
}

/* The address of a named export of the image at base.  Export names are
 * sorted (the loader binary-searches them), so this reads a dozen names. */
static int
export_by_name(struct dump *d, uint64_t base, const char *want, uint64_t *va)
{
	unsigned char nt[0x100], dir[0x28], b[4];
	uint32_t off, dir_rva, nnames, nfuncs, lo = 0, hi;
	char name[128];

	if (pe_header(d, base, nt, sizeof nt) < 0)
		return -1;
	off = le16(nt + 0x18) == 0x20B ? 0x18 + 0x70 : 0x18 + 0x60;
	dir_rva = le32(nt + off);
	if (!dir_rva || dump_read_virt(d, base + dir_rva, dir, sizeof dir) < 0)
		return -1;
	nfuncs = le32(dir + 0x14);
	nnames = le32(dir + 0x18);
	hi = nnames < MAX_EXPORTS ? nnames : MAX_EXPORTS;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int cmp;

		if (dump_read_virt(d, base + le32(dir + 0x20) + 4 * (uint64_t)mid, b, 4) < 0)
			return -1;
		read_cstring(d, base + le32(b), name, sizeof name);
		cmp = strcmp(name, want);
		if (cmp == 0) {
			uint16_t ord;

			if (dump_read_virt(d, base + le32(dir + 0x24) + 2 * (uint64_t)mid, b, 2) < 0)
				return -1;
			ord = le16(b);
			if (ord >= nfuncs || dump_read_virt(d, base + le32(dir + 0x1C) + 4 * (uint64_t)ord, b, 4) < 0)
				return -1;
			*va = base + le32(b);
			return 0;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Without a Windows header: the kernel image is found below the handler of
 * IDT entry 0 (a page with "MZ" that exports PsLoadedModuleList, as elf2dmp
 * looks for it), which gives the module list and NtBuildNumber. */
static void
find_kernel(struct dump *d, uint64_t idt)
{
	struct dump_info *in = &d->info;
	unsigned char e[16];
	uint64_t handler, va, list, nb;

	if (!idt || dump_read_virt(d, idt, e, sizeof e) < 0) {
		note(d, "the IDT at 0x%llx is not readable: the kernel cannot be found", (unsigned long long)idt);
		return;
	}
	handler = le16(e) | (uint64_t)le16(e + 6) << 16 | (uint64_t)le32(e + 8) << 32;
	va = handler & ~(uint64_t)(PAGE_SIZE - 1);
	for (unsigned i = 0; i < 4096 && va >= PAGE_SIZE; i++, va -= PAGE_SIZE) {
		unsigned char mz[2];

		if (dump_read_virt(d, va, mz, 2) < 0 || mz[0] != 'M' || mz[1] != 'Z')
			continue;
		if (export_by_name(d, va, "PsLoadedModuleList", &list) < 0)
			continue;
		in->loaded_module_list = list;
		if (export_by_name(d, va, "NtBuildNumber", &nb) == 0 && dump_read_virt(d, nb, e, 4) == 0) {
			in->build = le32(e) & 0xFFFF;
			in->major = le32(e) >> 28;
		}
		note(d, "kernel found at 0x%llx below IDT entry 0; PsLoadedModuleList from its exports",
		     (unsigned long long)va);
		return;
	}
	note(d, "no kernel image (\"MZ\" exporting PsLoadedModuleList) within 16 MiB below IDT entry 0 at 0x%llx",
	     (unsigned long long)handler);
}

int
dump_open_phys(const unsigned char *header, size_t len, const struct dump_phys_cpu *cpu,
	       const struct dump_phys_source *src, struct dump **out, struct wb_err *err)
{
	struct dump *d;

	*out = NULL;
	if (header && (len < HDR64_SIZE || le32(header) != SIG_PAGE || le32(header + 4) != SIG_DU64)) {
		if (src->free)
			src->free(src->ctx);
		return wb_errf(err, _("embedded dump header: expected %u bytes starting \"PAGEDU64\""), HDR64_SIZE);
	}
	d = dump_new(NULL);
	d->r = &d->own_reader;
	/* the embedded header is the only "file" data; memory comes from src */
	d->hdr_copy = header ? xmalloc(HDR64_SIZE) : NULL;
	if (header)
		memcpy(d->hdr_copy, header, HDR64_SIZE);
	dump_reader_mem(&d->own_reader, d->hdr_copy, header ? HDR64_SIZE : 0);
	d->phys = PHYS_EXTERNAL;
	d->ext_read = src->read;
	d->ext_ctx = src->ctx;
	d->ext_free = src->free;
	d->info.bits = 64;
	d->hdr_size = HDR64_SIZE;
	d->info.format = DUMP_FORMAT_GUEST;
	if (header) {
		d->info.format_name = "guest memory with Windows dump header";
		if (parse_kernel_header(d, header, err) < 0) {
			dump_free(d);
			return -1;
		}
	} else {
		d->info.format_name = "guest memory";
		d->info.machine = MACHINE_AMD64;
		note(d, "no Windows dump header in the guest notes: no bugcheck data");
		if (cpu) {
			d->info.dtb = cpu->cr3 & PFN_MASK;
			d->info.pc = cpu->pc;
			d->info.sp = cpu->sp;
			d->info.has_context = cpu->pc || cpu->sp;
			find_kernel(d, cpu->idt);
		}
	}
	read_kernel_virtual(d);
	finish(d);
	*out = d;
	return 0;
}

const struct dump_info *
dump_get_info(const struct dump *d)
{
	return &d->info;
}

void
dump_free(struct dump *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->info.nmodules; i++) {
		free(d->info.modules[i].name);
		free(d->info.modules[i].path);
		if (d->exports)
			free(d->exports[i].e);
	}
	for (size_t i = 0; i < d->info.nframes; i++)
		free(d->info.frames[i].symbol);
	for (size_t i = 0; i < d->info.nnotes; i++)
		free(d->info.notes[i]);
	free(d->info.modules);
	free(d->info.frames);
	free(d->info.notes);
	free(d->exports);
	free(d->runs);
	free(d->rank);
	free(d->regions);
	free(d->hdr_copy);
	if (d->ext_free)
		d->ext_free(d->ext_ctx);
	free(d);
}

const char *
dump_version_for_build(uint32_t build, char *buf, size_t len)
{
	static const struct { uint32_t from, to; const char *version; } map[] = {
		{2600, 2600, "5.1"}, {3790, 3790, "5.2"}, {6000, 6003, "6.0"},
		{7600, 7601, "6.1"}, {9200, 9200, "6.2"}, {9600, 9600, "6.3"},
		{10240, 99999, "10.0"},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (build >= map[i].from && build <= map[i].to) {
			snprintf(buf, len, "%s.%u", map[i].version, build);
			return buf;
		}
	return NULL;
}

const char *
dump_product_name(uint32_t build, uint32_t product_type)
{
	static const struct { uint32_t from, to; const char *client, *server; } map[] = {
		{2600, 2600, "Windows XP", NULL},
		{3790, 3790, "Windows XP x64", "Windows Server 2003"},
		{6000, 6003, "Windows Vista", "Windows Server 2008"},
		{7600, 7601, "Windows 7", "Windows Server 2008 R2"},
		{9200, 9200, "Windows 8", "Windows Server 2012"},
		{9600, 9600, "Windows 8.1", "Windows Server 2012 R2"},
		{14393, 14393, "Windows 10", "Windows Server 2016"},
		{17763, 17763, "Windows 10", "Windows Server 2019"},
		{20348, 20348, NULL, "Windows Server 2022"},
		{26100, 26100, "Windows 11", "Windows Server 2025"},
		{10240, 21999, "Windows 10", NULL},
		{22000, 99999, "Windows 11", NULL},
	};

	if (product_type < 1 || product_type > 3)
		return NULL;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (build >= map[i].from && build <= map[i].to)
			return product_type == 1 ? map[i].client : map[i].server;
	return NULL;
}

const char *
dump_product_type_name(uint32_t product_type)
{
	switch (product_type) {
	case 1: return "WinNt";
	case 2: return "LanManNt";
	case 3: return "ServerNt";
	default: return NULL;
	}
}

const char *
dump_machine_name(uint32_t machine, char *buf, size_t len)
{
	switch (machine) {
	case MACHINE_AMD64: return "x64";
	case MACHINE_X86: return "x86";
	case MACHINE_ARM64: return "ARM64";
	case MACHINE_ARMNT: return "ARM";
	default:
		snprintf(buf, len, "0x%x", machine);
		return buf;
	}
}
