/*
 * dumpgen.h: builds Windows crash dumps from the documented layouts
 * (docs/DUMPS.md), because no small real full or bitmap MEMORY.DMP is public.
 *
 * One imaginary x64 Windows Server 2019 machine crashes with bugcheck 0xD1 in
 * faulty.sys; the generator writes its memory as a full dump (run list with
 * a hole), a bitmap dump (rank index over a bitmap with gaps), a legacy
 * summary dump (pre-Windows 8 SUMMARY_DUMP64: u32 fields, bits at +0x28), a
 * kernel minidump (TRIAGE_DUMP with driver list, unloaded drivers, stack window,
 * data blocks and KDBG copy) or a QEMU-style ELF guest dump.  The memory
 * holds real 4-level page tables (one 2 MiB page, one transition PTE), a
 * PsLoadedModuleList, PE images with export tables and code, a KDBG with
 * NtBuildLab and MmUnloadedDrivers, an IDT, and a stack with return
 * addresses after CALL instructions.
 *
 * The constants below are the generator's inputs; tests compare the
 * parser's output with them.  Files are written sparse: only pages with
 * data are written, so a 16 GiB dump costs a few hundred KiB of disk.
 */
#ifndef WB_DUMPGEN_H
#define WB_DUMPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dumpgen_kind {
	DUMPGEN_FULL,
	DUMPGEN_BITMAP,
	DUMPGEN_TRIAGE,
	DUMPGEN_ELF,
	DUMPGEN_SUMMARY,	/* DumpType 2, legacy SUMMARY_DUMP64 layout */
	DUMPGEN_RDMP,		/* DumpType 8, WinDbgX "RDMP" range table */
};

struct dumpgen_opts {
	enum dumpgen_kind kind;
	uint64_t ram_bytes;	/* physical memory; >= 8 MiB, multiple of 2 MiB; 0 = 16 MiB */
	bool elf_header;	/* ELF: put the Windows header in a VMCOREINFO note */
	/* Bugcheck 0x7E instead of 0xD1: P2 the faulting address, P4 the
	 * exception CONTEXT on the stack; the header's context is then the CPU
	 * inside KeBugCheckEx (DUMPGEN_BUGCHECK_RIP/RSP). */
	bool bugcheck_7e;
	/* Bugcheck 0x8E: P2 the faulting address, P3 a KTRAP_FRAME on the stack. */
	bool bugcheck_8e;
	/* Bugcheck 0xD1 as Windows writes it: the header's context inside
	 * KeBugCheckEx, the faulting code's KTRAP_FRAME on the stack, named by
	 * nothing but its Rip (= P4). */
	bool trap_frame;
	/* A 32-bit x86 PAE machine (Windows Server 2008, build 6002): full dumps
	 * only.  Addresses are the x64 ones moved by dumpgen_va(). */
	bool x86;
};

/* Where an x64 address of this header lives in the generated machine:
 * itself, or for x86 0x80000000 + low 28 bits (kernel) / 0xA0000000 + low
 * 28 bits (stack). */
uint64_t dumpgen_va(const struct dumpgen_opts *o, uint64_t va);

#define DUMPGEN_BUGCHECK 0xD1u
#define DUMPGEN_BUILD 17763u
#define DUMPGEN_BUILD_X86 6002u
#define DUMPGEN_BUILD_LAB "17763.1.amd64fre.rs5_release.180914-1434"
#define DUMPGEN_CPUS 4u
#define DUMPGEN_TIME_US INT64_C(1714558830000000)	/* 2024-05-01T10:20:30Z */
#define DUMPGEN_NT_BASE UINT64_C(0xFFFFF80000000000)
#define DUMPGEN_HAL_BASE UINT64_C(0xFFFFF80000100000)
#define DUMPGEN_FAULTY_BASE UINT64_C(0xFFFFF80000200000)
#define DUMPGEN_STORPORT_BASE UINT64_C(0xFFFFF80000300000)	/* no pages present */
#define DUMPGEN_OLDFILT_BASE UINT64_C(0xFFFFF80000500000)	/* unloaded */
#define DUMPGEN_MODULES 4u
#define DUMPGEN_UNLOADED 2u	/* triage: driver list; others: MmUnloadedDrivers via KDBG */
#define DUMPGEN_RIP (DUMPGEN_FAULTY_BASE + 0x2040)	/* in FaultyDispatch */
#define DUMPGEN_RSP UINT64_C(0xFFFF800000010F00)
#define DUMPGEN_STACK_BASE UINT64_C(0xFFFF800000010000)	/* 2 pages, the 2nd a transition PTE */
#define DUMPGEN_BUGCHECK_RIP (DUMPGEN_NT_BASE + 0x2050)		/* 0x7E: inside KeBugCheckEx */
#define DUMPGEN_BUGCHECK_RSP (DUMPGEN_STACK_BASE + 0x400)
#define DUMPGEN_EXC_CONTEXT (DUMPGEN_STACK_BASE + 0x800)	/* 0x7E P4, 0x8E P3 (trap frame) */
#define DUMPGEN_EXC_RECORD (DUMPGEN_STACK_BASE + 0xD00)		/* 0x7E P3 */
#define DUMPGEN_KDBG UINT64_C(0xFFFFF80000600000)	/* inside a 2 MiB page */
#define DUMPGEN_LDR_HEAD (DUMPGEN_NT_BASE + 0x4000)	/* in ntoskrnl's data, exported */
#define DUMPGEN_IDT UINT64_C(0xFFFFF80000800000)
/* Stack frames the scan must find, innermost first, after the context PC. */
#define DUMPGEN_FRAMES 4u

/* The expected frames as (module index, offset, export or NULL, export
 * offset, verified by a CALL).  Index 0 is the context PC. */
struct dumpgen_frame {
	unsigned module;
	uint64_t offset;
	const char *symbol;
	uint64_t symbol_offset;
	bool verified;
};
extern const struct dumpgen_frame dumpgen_frames[DUMPGEN_FRAMES + 1];
extern const char *const dumpgen_module_names[DUMPGEN_MODULES];
extern const uint64_t dumpgen_module_bases[DUMPGEN_MODULES];
extern const uint32_t dumpgen_module_sizes[DUMPGEN_MODULES];
extern const uint32_t dumpgen_module_stamps[DUMPGEN_MODULES];
struct dumpgen_unloaded {
	const char *name;	/* minidumps keep the first 12 characters */
	uint64_t start, size;
};
extern const struct dumpgen_unloaded dumpgen_unloaded[DUMPGEN_UNLOADED];

/* Where bytes go.  write() is called with increasing or random offsets;
 * size is the final file size, set once before any write. */
struct dumpgen_sink {
	int (*set_size)(void *ctx, uint64_t size);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t n);
	void *ctx;
};

int dumpgen_write(const struct dumpgen_opts *o, const struct dumpgen_sink *sink);

/* The whole file in memory (for small ram_bytes); NULL on failure. */
unsigned char *dumpgen_mem(const struct dumpgen_opts *o, size_t *len);

/* A sparse file; 0 or -1 (errno set). */
int dumpgen_file(const struct dumpgen_opts *o, const char *path);

#endif
