/*
 * culprit.h: wb's own view of the likely faulting module of a crash, with
 * the reason written out.  Shared by the dump importer and the WinDbg text
 * importer: they collect what they know (bugcheck code and parameters, stack
 * frames, loaded and unloaded modules, the debugger's IMAGE_NAME) and ask.
 *
 * Rules, in order (each gives its reason in words):
 *   1. a bugcheck parameter that holds a faulting address / driver address
 *      (per bugcheck code) falling inside a loaded or unloaded module;
 *   2. the first non-core module on the stack above the exception/bugcheck
 *      frames (core = nt/ntoskrnl/ntkrnlmp/hal/...; see culprit.c);
 *   3. MODULE_NAME / IMAGE_NAME from the debugger, when present, then the
 *      modules the debugger singled out (hints);
 *   4. "ntoskrnl.exe (no better candidate)".
 * When the debugger's IMAGE_NAME is given and differs, `disagreement` says so.
 *
 * Implemented by the WinDbg importer's owner (core/culprit.c).
 */
#ifndef WB_CULPRIT_H
#define WB_CULPRIT_H

#include <stddef.h>
#include <stdint.h>

struct culprit_module {
	const char *name;	/* "amdppm.sys" */
	uint64_t base, size;	/* 0,0 when unknown */
	int unloaded;
};

struct culprit_frame {
	const char *module;	/* "volsnap" or "volsnap.sys", NULL when unknown */
	const char *symbol;	/* "VspDiagTrace" or NULL */
	uint64_t offset;	/* offset from symbol or module start */
	uint64_t address;	/* return address / instruction pointer, 0 if unknown */
};

struct culprit_hint {
	const char *module;	/* "BthPS3.sys" */
	const char *why;	/* "the debugger could not verify its timestamp" */
};

struct culprit_input {
	uint32_t bugcheck;	/* 0 when unknown; 0x1000007E forms are normalised */
	uint64_t args[4];
	int has_args;
	const struct culprit_frame *frames;	/* innermost first */
	size_t nframes;
	const struct culprit_module *modules;
	size_t nmodules;
	const char *image_name;	/* debugger's IMAGE_NAME / MODULE_NAME or NULL */
	/* Other addresses the debugger already named (FAULTING_IP,
	 * ExceptionAddress, ln/u output): rule 1 uses them when no module range
	 * covers a parameter.  Same shape as frames; may be NULL. */
	const struct culprit_frame *resolved;
	size_t nresolved;
	/* The faulting instruction when the debugger printed one (.exr
	 * ExceptionAddress, FAULTING_IP); 0 when unknown.  Rule 1 uses it for
	 * bugchecks whose parameters hold no code address (0x139, ...). */
	uint64_t fault_address;
	/* A parameter the caller already resolved to a module by other means,
	 * e.g. the driver holding the blocked IRP that P4 of 0x9F names (from
	 * !irp).  Rule 1 when set; reason says how. */
	const char *param_module;
	const char *param_reason;
	/* Modules the debugger itself singled out while analysing (symbols
	 * or timestamp missing, !verifier's driver list): the weakest rule,
	 * tried after IMAGE_NAME. */
	const struct culprit_hint *hints;
	size_t nhints;
};

struct culprit {
	char module[128];	/* "amdppm.sys" */
	char reason[512];	/* "P2 0xfffff880... is amdppm.sys+0x334c (P2 of 0x7E is the faulting address)" */
	char disagreement[512];	/* empty, or why the debugger's IMAGE_NAME differs */
	int confidence;		/* 0 none .. 100 */
};

/* True for the modules rule 2 looks past: the kernel, HAL, kernel debugger
 * transports, and frameworks that only pass a driver's request along
 * (Wdf01000, FltMgr, the verifier).  Takes "nt", "ntkrnlmp.exe", ... */
int culprit_is_core(const char *module);

/* Fill out; always produces an answer (possibly "ntoskrnl.exe (no better
 * candidate)" with confidence 0).  Never fails. */
void culprit_find(const struct culprit_input *in, struct culprit *out);

#endif
