/* Unit tests for core/bugcheck.c (the code table) and core/culprit.c. */
#include <string.h>

#include "../../core/bugcheck.h"
#include "../../core/culprit.h"
#include "../tap.h"

static void
test_bugcheck_table(void)
{
	char name[96], code[16];
	const char *meaning;

	ok(bugcheck_name(0x7E, name, sizeof name), "0x7E is known");
	is_str(name, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", "0x7E name");
	ok(bugcheck_name(0x1000007E, name, sizeof name), "0x1000007E is known");
	is_str(name, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M", "_M form gets the suffix");
	is_int(bugcheck_base(0x1000007E), 0x7E, "_M form maps to its base code");
	is_int(bugcheck_base(0x10000050), 0x50, "undocumented _M form maps too");
	ok(bugcheck_name(0x10000050, name, sizeof name) && !strcmp(name, "PAGE_FAULT_IN_NONPAGED_AREA_M"), "_M name composed");
	is_int(bugcheck_base(0xDEADDEAD), 0xDEADDEAD, "0xDEADDEAD is a code of its own");
	ok(bugcheck_name(0xDEADDEAD, name, sizeof name) && !strcmp(name, "MANUALLY_INITIATED_CRASH1"),
	   "0xDEADDEAD name");
	ok(!bugcheck_name(0x2FF, name, sizeof name) && name[0] == '\0', "undocumented code is unknown");
	is_int(bugcheck_from_name("DRIVER_IRQL_NOT_LESS_OR_EQUAL"), 0xD1, "name -> code");
	is_int(bugcheck_from_name("KERNEL_MODE_EXCEPTION_NOT_HANDLED_M"), 0x1000008E, "_M name -> code");
	is_int(bugcheck_from_name("NOT_A_BUGCHECK"), 0, "unknown name -> 0");
	is_int(bugcheck_address_param(0xD1, &meaning), 4, "0xD1: P4 holds the faulting address");
	ok(strstr(meaning, "address") != NULL, "meaning is written out");
	is_int(bugcheck_address_param(0x1000008E, NULL), 2, "_M form uses its base's parameter");
	is_int(bugcheck_address_param(0x9F, &meaning), 0, "0x9F has no address parameter");
	bugcheck_format_code(0x7e, code, sizeof code);
	is_str(code, "0x0000007E", "code normalised to 8 upper-case hex digits");
}

static void
test_rule_parameter_in_module(void)
{
	static const struct culprit_module mods[] = {
		{.name = "ntoskrnl.exe", .base = 0xfffff80002000000, .size = 0x800000},
		{.name = "amdppm.sys", .base = 0xfffff88004a10000, .size = 0x16000},
	};
	struct culprit_input in = {
		.bugcheck = 0x7E,
		.args = {0xffffffffc0000005, 0xfffff88004a1334c, 0, 0},
		.has_args = 1,
		.modules = mods,
		.nmodules = 2,
		.image_name = "amdppm.sys",
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "amdppm.sys", "P2 of 0x7E inside amdppm.sys");
	ok(strstr(c.reason, "P2") && strstr(c.reason, "amdppm.sys+0x334c"), "reason names P2 and offset: %s",
	   c.reason);
	ok(c.confidence >= 80, "parameter rule is confident");
	is_str(c.disagreement, "", "agrees with IMAGE_NAME, no disagreement");

	in.bugcheck = 0x1000007E;
	culprit_find(&in, &c);
	is_str(c.module, "amdppm.sys", "0x1000007E treated as 0x7E");
}

static void
test_rule_unloaded(void)
{
	static const struct culprit_module mods[] = {
		{.name = "oldfilt.sys", .base = 0xfffff88001000000, .size = 0x10000, .unloaded = 1},
	};
	struct culprit_input in = {
		.bugcheck = 0xD1,
		.args = {0x10, 2, 0, 0xfffff88001000100},
		.has_args = 1,
		.modules = mods,
		.nmodules = 1,
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "oldfilt.sys", "P4 of 0xD1 in an unloaded driver");
	ok(strstr(c.reason, "unloaded") != NULL, "reason says unloaded: %s", c.reason);
}

static void
test_rule_stack(void)
{
	/* 0x139: no address parameter; the driver freed corrupted pool. */
	static const struct culprit_frame frames[] = {
		{.module = "nt", .symbol = "KeBugCheckEx"},
		{.module = "nt", .symbol = "KiBugCheckDispatch", .offset = 0x69},
		{.module = "nt", .symbol = "RtlRbRemoveNode", .offset = 0x249f73},
		{.module = "nt", .symbol = "ExFreePoolWithTag", .offset = 0x1a0},
		{.module = "Driver", .offset = 0x11b1},
		{.module = "nt", .symbol = "PnpCallDriverEntry", .offset = 0x54},
	};
	struct culprit_input in = {
		.bugcheck = 0x139,
		.args = {0x1d, 0xffffb88f1487ec30, 0xffffb88f1487eb88, 0},
		.has_args = 1,
		.frames = frames,
		.nframes = 6,
		.image_name = "Driver.sys",
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "Driver.sys", "first non-core frame, named as IMAGE_NAME spells it");
	ok(strstr(c.reason, "frame 4") && strstr(c.reason, "Driver+0x11b1"), "reason names the frame: %s",
	   c.reason);
	is_str(c.disagreement, "", "no disagreement");

	in.image_name = "ntkrnlmp.exe";
	culprit_find(&in, &c);
	is_str(c.module, "Driver.sys", "kernel-mode module without extension gets .sys");
	ok(strstr(c.disagreement, "ntkrnlmp.exe") && strstr(c.disagreement, "Driver.sys"),
	   "disagreement shows both: %s", c.disagreement);
}

static void
test_rule_core_parameter_then_stack(void)
{
	/* 0x50 whose P3 is inside nt: the stack says which driver called in. */
	static const struct culprit_module mods[] = {
		{.name = "ntoskrnl.exe", .base = 0xfffff80240ca8000, .size = 0x953000},
	};
	static const struct culprit_frame frames[] = {
		{.module = "nt", .symbol = "KeBugCheckEx"},
		{.module = "nt", .symbol = "MmAccessFault", .offset = 0x10},
		{.module = "nt", .symbol = "KiPageFault", .offset = 0x358},
		{.module = "nt", .symbol = "RtlSubtreePredecessor", .offset = 0x9,
		 .address = 0xfffff80240d322f9},
		{.module = "volsnap", .symbol = "VspDiagTrace", .offset = 0x197},
	};
	struct culprit_input in = {
		.bugcheck = 0x50,
		.args = {0xffffffff00000090, 0, 0xfffff80240d322f9, 0xc},
		.has_args = 1,
		.frames = frames,
		.nframes = 5,
		.modules = mods,
		.nmodules = 1,
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "volsnap.sys", "core parameter, then the first driver on the stack");
	ok(strstr(c.reason, "core") && strstr(c.reason, "VspDiagTrace"), "reason keeps both steps: %s",
	   c.reason);

	in.nframes = 4;
	culprit_find(&in, &c);
	is_str(c.module, "ntoskrnl.exe", "kernel faulted and no driver on the stack");
	ok(c.confidence > 0 && strstr(c.reason, "P3"), "reason names P3: %s", c.reason);
}

static void
test_rule_resolved_address(void)
{
	/* Old !analyze: FAULTING_IP names the function at P2, no lm output. */
	static const struct culprit_frame resolved[] = {
		{.module = "hal", .symbol = "HalpAllocateAdapterCallback", .offset = 0xef,
		 .address = 0xfffff80003006977},
	};
	static const struct culprit_frame frames[] = {
		{.module = "nt", .symbol = "KeBugCheckEx"},
		{.module = "eamonm", .offset = 0x1234},
	};
	struct culprit_input in = {
		.bugcheck = 0x1000007E,
		.args = {0xffffffffc0000005, 0xfffff80003006977, 0, 0},
		.has_args = 1,
		.resolved = resolved,
		.nresolved = 1,
		.frames = frames,
		.nframes = 2,
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "eamonm.sys", "P2 resolves to hal (core): the driver on the stack wins");
	ok(strstr(c.reason, "hal!HalpAllocateAdapterCallback+0xef") != NULL, "reason shows the resolved symbol: %s",
	   c.reason);

	in.nframes = 1;
	culprit_find(&in, &c);
	is_str(c.module, "hal.dll", "only core modules: the module the parameter points into");
}

static void
test_rule_image_name_and_default(void)
{
	static const struct culprit_frame frames[] = {
		{.module = "nt", .symbol = "KeBugCheckEx"},
		{.module = "nt", .symbol = "PopIrpWatchdogBugcheck", .offset = 0x12},
	};
	struct culprit_input in = {
		.bugcheck = 0x9F,
		.args = {3, 0xffffcd0990d7ade0, 0xfffff80058091850, 0xffffcd0990b93010},
		.has_args = 1,
		.frames = frames,
		.nframes = 2,
		.image_name = "BthPS3.sys",
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "BthPS3.sys", "stack all core: the debugger's IMAGE_NAME");
	ok(c.confidence > 0 && c.confidence < 70, "lower confidence for rule 3 (%d)", c.confidence);

	in.image_name = "memory_corruption";
	culprit_find(&in, &c);
	is_str(c.module, "ntoskrnl.exe", "memory_corruption is not a module");
	is_int(c.confidence, 0, "no candidate: confidence 0");
	ok(strstr(c.reason, "no better candidate") != NULL, "default reason");
	ok(c.disagreement[0] != '\0', "IMAGE_NAME memory_corruption differs from ntoskrnl.exe");

	memset(&in, 0, sizeof in);
	culprit_find(&in, &c);
	is_str(c.module, "ntoskrnl.exe", "empty input still answers");
	is_str(c.disagreement, "", "no IMAGE_NAME, no disagreement");
}

static void
test_rule_fault_address_and_hints(void)
{
	/* 0x139 names no code address; the .exr ExceptionAddress does. */
	static const struct culprit_frame resolved[] = {
		{.module = "btrfs", .symbol = "RtlFailFast", .offset = 5, .address = 0xfffff801bd282a85},
	};
	static const struct culprit_hint hints[] = {
		{.module = "PROCEXP152.sys", .why = "the debugger could not verify its timestamp"},
	};
	struct culprit_input in = {
		.bugcheck = 0x139,
		.args = {3, 0xfffff98886c5f0a0, 0xfffff98886c5eff8, 0},
		.has_args = 1,
		.resolved = resolved,
		.nresolved = 1,
		.fault_address = 0xfffff801bd282a85,
	};
	struct culprit c;

	culprit_find(&in, &c);
	is_str(c.module, "btrfs.sys", "exception address resolves to btrfs");
	ok(strstr(c.reason, "faulting instruction") != NULL, "reason: %s", c.reason);

	in.fault_address = 0;
	in.hints = hints;
	in.nhints = 1;
	culprit_find(&in, &c);
	is_str(c.module, "PROCEXP152.sys", "hint used when nothing else names a driver");
	ok(c.confidence < 50 && strstr(c.reason, "timestamp"), "weak, with the hint's why: %s", c.reason);

	in.image_name = "Other.sys";
	culprit_find(&in, &c);
	is_str(c.module, "Other.sys", "IMAGE_NAME beats a hint");

	in.param_module = "HidUsb.sys";
	in.param_reason = "P4 (the blocked IRP) is pending in \\Driver\\HidUsb";
	culprit_find(&in, &c);
	is_str(c.module, "HidUsb.sys", "a parameter resolved by the caller wins");
	ok(strstr(c.disagreement, "Other.sys") != NULL, "and disagrees with IMAGE_NAME: %s", c.disagreement);
}

static void
test_core_set(void)
{
	ok(culprit_is_core("nt"), "nt is core");
	ok(culprit_is_core("ntkrnlmp.exe"), "ntkrnlmp.exe is core");
	ok(culprit_is_core("Wdf01000"), "Wdf01000 is core (framework)");
	ok(culprit_is_core("FLTMGR.SYS"), "FltMgr is core, case-insensitive");
	ok(!culprit_is_core("volsnap"), "volsnap is not core");
	ok(!culprit_is_core("netkvm.sys"), "netkvm is not core");
	ok(culprit_is_core(NULL), "unknown module counts as core (never blamed)");
	ok(culprit_is_core("ntdll.dll") && culprit_is_core("KERNELBASE"), "user-mode loader and runtime are core");
	{
		static const struct culprit_frame frames[] = {
			{.module = "ntdll", .symbol = "RtlpFreeHeap", .offset = 0x3c},
			{.module = "ntdll", .symbol = "RtlFreeHeap", .offset = 0x51},
			{.module = "ucrtbase", .symbol = "_free_base", .offset = 0x1b},
			{.module = "contoso", .symbol = "Cache::Drop", .offset = 0x44},
		};
		struct culprit_input in = {.frames = frames, .nframes = 4};
		struct culprit c;

		culprit_find(&in, &c);
		is_str(c.module, "contoso", "user mode: the program under the heap and runtime, no .sys added");
	}
}

int
main(void)
{
	test_bugcheck_table();
	test_rule_parameter_in_module();
	test_rule_unloaded();
	test_rule_stack();
	test_rule_core_parameter_then_stack();
	test_rule_resolved_address();
	test_rule_image_name_and_default();
	test_rule_fault_address_and_hints();
	test_core_set();
	return tap_done();
}
