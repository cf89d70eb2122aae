/*
 * dumpfile.h: reads Windows crash dumps without Windows, a debugger or
 * symbols.  A pure parser over a small pread-style reader, so tests and
 * fuzzers feed memory buffers and the importer feeds a file descriptor.
 *
 * What it understands (docs/DUMPS.md has the layouts and sources):
 *   - kernel dumps, 64-bit "PAGEDU64" and 32-bit "PAGEDUMP": full (DumpType 1,
 *     run list), bitmap (5/6, "SDMP"/"FDMP" with a rank index), legacy
 *     summary (2, only when its bitmap validates), kernel minidumps (4,
 *     TRIAGE_DUMP); physical reads, virtual reads through the x64 4-level or
 *     x86 PAE/2-level page walk; the module list (PsLoadedModuleList or the
 *     triage driver list), unloaded drivers, the crashing context and a raw
 *     stack scan mapped to module+offset, named from export tables when the
 *     module's pages are present;
 *   - user-mode minidumps ("MDMP"): exception, system info and module list,
 *     marked as user-mode;
 *   - hypervisor guest memory dumps (QEMU/libvirt ELF) through libkdumpfile,
 *     with or without the Windows header in their notes: see
 *     dump_open_guest().
 *
 * Dumps can be tens of GB: dump_open() reads only the header, the bitmap (one
 * bit per page) and the pages it needs; reader->bytes_read counts them.
 *
 * Ownership: struct dump owns everything reachable from dump_get_info(); the
 * reader is borrowed and must outlive the dump.  dump_open() fails only when
 * the file is not a dump it can read (the error names the offset and what
 * was expected); a missing page later on (paged out, not in the dump) only
 * shortens the result and adds a note.
 */
#ifndef WB_DUMPFILE_H
#define WB_DUMPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/util.h"

/* Random access to the dump file.  pread returns 0 when all n bytes at off
 * were read, -1 otherwise.  size is the file size; bytes_read and reads are
 * counted by the parser (the benchmark reports them). */
struct dump_reader {
	int (*pread)(void *ctx, void *buf, size_t n, uint64_t off);
	void *ctx;
	uint64_t size;
	uint64_t bytes_read;
	uint64_t reads;
};

/* A reader over a memory buffer (borrowed) or an open file descriptor. */
void dump_reader_mem(struct dump_reader *r, const void *buf, size_t len);
void dump_reader_fd(struct dump_reader *r, int fd, uint64_t size);

enum dump_format {
	DUMP_FORMAT_UNKNOWN = 0,
	DUMP_FORMAT_FULL,	/* kernel, DumpType 1: run list */
	DUMP_FORMAT_SUMMARY,	/* kernel, DumpType 2: legacy summary bitmap */
	DUMP_FORMAT_TRIAGE,	/* kernel minidump, DumpType 4 */
	DUMP_FORMAT_BITMAP,	/* kernel, DumpType 5/6: SDMP/FDMP bitmap */
	DUMP_FORMAT_HEADER,	/* kernel header whose memory wb cannot map */
	DUMP_FORMAT_USER,	/* user-mode minidump, MDMP */
	DUMP_FORMAT_GUEST,	/* hypervisor guest memory (ELF/kdump) */
};

struct dump_module {
	char *name;		/* base file name, "amdppm.sys" */
	char *path;		/* full path as recorded, or NULL */
	uint64_t base, size;
	uint32_t timestamp;	/* PE TimeDateStamp (a hash on /Brepro builds) */
	uint32_t checksum;
	bool unloaded;
};

struct dump_frame {
	uint64_t address;	/* return address or instruction pointer */
	uint64_t stack_at;	/* where on the stack it was found, 0 for the context PC */
	int module;		/* index into dump_info.modules, -1 when none */
	uint64_t offset;	/* from the module base */
	char *symbol;		/* nearest export at or below address, or NULL */
	uint64_t symbol_offset;
	bool from_context;	/* the context's instruction pointer */
	bool call_verified;	/* the bytes before it decode as a CALL */
};

struct dump_info {
	enum dump_format format;
	const char *format_name;	/* "PAGEDU64 full", "MDMP user-mode", ... */
	int bits;		/* 32 or 64 */
	uint32_t dump_type;	/* DumpType as in the header */
	uint32_t machine;	/* IMAGE_FILE_MACHINE: 0x8664, 0x14C, 0xAA64 */
	uint32_t major;		/* 0xF free, 0xC checked (kernel); OS major (MDMP) */
	uint32_t minor;		/* OS minor (MDMP only) */
	uint32_t build;		/* OS build number */
	uint32_t processors;
	bool has_bugcheck;
	uint32_t bugcheck;
	uint64_t args[4];
	int64_t crash_time;	/* µs UTC; 0 when the dump does not say */
	int64_t uptime;		/* µs; 0 when unknown */
	uint32_t product_type;	/* 1 workstation, 2 DC, 3 server; 0 unknown */
	uint32_t suite_mask;
	uint64_t dtb, loaded_module_list, kdbg;
	char build_lab[128];	/* "19041.1.amd64fre.vb_release.191206-1406" or "" */
	bool has_context;
	uint64_t pc, sp;	/* from the crashing context */
	char stack_source[96];	/* which context the frames come from, in words */
	bool has_exception;	/* MDMP: the exception stream */
	uint32_t exception_code;
	uint64_t exception_address;
	uint32_t exception_thread;
	struct dump_module *modules;	/* loaded first, then unloaded */
	size_t nmodules;
	struct dump_frame *frames;	/* context PC first, then the stack scan */
	size_t nframes;
	char **notes;		/* what could not be read, in words */
	size_t nnotes;
};

struct dump;

/* Parse a dump: header, memory layout, modules, context and stack.  Returns
 * 0, or -1 with err (offset and what was expected) when r is not a dump wb
 * can read. */
int dump_open(struct dump_reader *r, struct dump **out, struct wb_err *err);

/* Hypervisor guest memory dumps (ELF from QEMU/libvirt dump-guest-memory,
 * kdump-raw) opened with libkdumpfile from path.  Uses the embedded
 * PAGEDU64 header of the VMCOREINFO note when the guest had one, else the
 * QEMU CPU notes for CR3.  -1 with err for what libkdumpfile 0.5.1 cannot
 * read (flattened kdump, non-x86_64). */
int dump_open_guest(const char *path, struct dump **out, struct wb_err *err);

/* A Windows kernel whose physical memory lives in another container (used by
 * dump_open_guest(); tests use it with memory buffers).  header: a
 * DUMP_HEADER64 of len >= 0x2000 bytes, or NULL when there is none; then cpu
 * (what the hypervisor saved of a CPU in kernel mode) gives CR3, the context
 * and the IDT through which the kernel image is found.  Takes ownership of
 * src->ctx (src->free is called by dump_free(), or at once on error). */
struct dump_phys_source {
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t n);	/* 0 or -1 */
	void *ctx;
	void (*free)(void *ctx);
};
struct dump_phys_cpu {
	uint64_t cr3, pc, sp;
	uint64_t idt;		/* IDT base (IDTR) */
};
int dump_open_phys(const unsigned char *header, size_t len, const struct dump_phys_cpu *cpu,
		   const struct dump_phys_source *src, struct dump **out, struct wb_err *err);

const struct dump_info *dump_get_info(const struct dump *d);
void dump_free(struct dump *d);

/* Memory access (0, or -1 when any byte is not in the dump). */
int dump_read_phys(struct dump *d, uint64_t pa, void *buf, size_t n);
int dump_read_virt(struct dump *d, uint64_t va, void *buf, size_t n);
/* Virtual to physical for full/bitmap dumps; -1 when not mapped/paged out. */
int dump_translate(struct dump *d, uint64_t va, uint64_t *pa);

/* Module index containing address (loaded preferred over unloaded), or -1. */
int dump_module_at(const struct dump *d, uint64_t address);

/* What the first bytes say: DUMP_FORMAT_FULL for any kernel dump header
 * (its DumpType decides later), DUMP_FORMAT_USER for MDMP, DUMP_FORMAT_GUEST
 * for ELF and kdump containers, DUMP_FORMAT_UNKNOWN otherwise. */
enum dump_format dump_sniff(const unsigned char *head, size_t len);

/* Windows version for a kernel build number: "10.0.19041", "6.1.7601", or
 * NULL when the build is not one wb knows. */
const char *dump_version_for_build(uint32_t build, char *buf, size_t len);
/* Marketing name for a build and ProductType (1 workstation, 2 domain
 * controller, 3 server): "Windows Server 2019", "Windows 10"; NULL when
 * wb does not know the pair. */
const char *dump_product_name(uint32_t build, uint32_t product_type);
/* ProductType as WinDbg prints it: "WinNt", "LanManNt", "ServerNt"; NULL for others. */
const char *dump_product_type_name(uint32_t product_type);
/* "x64", "x86", "ARM64", "ARM", or "0x...". */
const char *dump_machine_name(uint32_t machine, char *buf, size_t len);

#endif
