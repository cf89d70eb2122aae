/*
 * The culprit heuristic (contract in culprit.h).  Like WinDbg's "Probably
 * caused by", but every answer carries the rule that produced it, so an
 * engineer can check it against the evidence instead of trusting it.
 */
#include "culprit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bugcheck.h"

/* Modules that are rarely the root cause when they appear on a crashing
 * stack: they report the crash, or run a driver's (or program's) request
 * on its behalf.
 * Compared on the base name without extension. */
static const char *const core_modules[] = {
	"nt", "ntoskrnl", "ntkrnlmp", "ntkrnlpa", "ntkrpamp", "ntkrla57",
	"hal", "halmacpi", "halacpi", "halaacpi", "halx86",
	"kd", "kdcom", "kdnet", "kdstub", "kd_02_8086", "kd_02_10ec", "kd_02_14e4",
	"wdf01000", "wdfldr", "wpprecorder", "fltmgr", "verifierext", "verifier",
	"clfs", "ci", "cng", "pshed", "werkernel", "msrpc", "ksecdd",
	/* user mode: the loader, heap and runtime a crashing program calls into */
	"ntdll", "kernelbase", "kernel32", "ucrtbase", "msvcrt", "vcruntime140", "wow64",
	"wow64cpu", "wow64win",
	NULL,
};

/* IMAGE_NAME values that name no module. */
static const char *const not_a_module[] = {
	"memory_corruption", "hardware", "hardware_ram", "hardware_disk",
	"unknown_image", "unknown_module", "unknown", "ntkrnlmp.exe?", NULL,
};

/* Base name of a module for comparisons: no directory, no extension,
 * lower case, kernel aliases folded to "ntoskrnl". */
static void
module_key(const char *name, char *buf, size_t len)
{
	const char *slash = strrchr(name, '\\');
	size_t n = 0;

	if (slash)
		name = slash + 1;
	while (name[n] && name[n] != '.' && n + 1 < len) {
		buf[n] = (char)tolower((unsigned char)name[n]);
		n++;
	}
	buf[n] = '\0';
	if (!strcmp(buf, "nt") || !strcmp(buf, "ntkrnlmp") || !strcmp(buf, "ntkrnlpa") ||
	    !strcmp(buf, "ntkrpamp"))
		snprintf(buf, len, "ntoskrnl");
}

static int
same_module(const char *a, const char *b)
{
	char ka[128], kb[128];

	module_key(a, ka, sizeof ka);
	module_key(b, kb, sizeof kb);
	return ka[0] && !strcmp(ka, kb);
}

int
culprit_is_core(const char *module)
{
	char key[128];

	if (!module || !*module)
		return 1;
	module_key(module, key, sizeof key);
	if (!strcmp(key, "ntoskrnl"))
		return 1;
	for (int i = 0; core_modules[i]; i++)
		if (!strcmp(key, core_modules[i]))
			return 1;
	return 0;
}

static int
names_a_module(const char *image)
{
	if (!image || !*image)
		return 0;
	for (int i = 0; not_a_module[i]; i++)
		if (!strcasecmp(image, not_a_module[i]))
			return 0;
	return 1;
}

/* Kernel context: a bugcheck, or the kernel or HAL on the stack. */
static int
is_kernel(const struct culprit_input *in)
{
	char key[128];

	if (in->bugcheck)
		return 1;
	for (size_t i = 0; i < in->nframes; i++) {
		if (!in->frames[i].module)
			continue;
		module_key(in->frames[i].module, key, sizeof key);
		if (!strcmp(key, "ntoskrnl") || !strncmp(key, "hal", 3))
			return 1;
	}
	return 0;
}

/* The name to show: a file name with its extension when anything in the
 * input spells it ("Driver" -> "Driver.sys"). */
static void
display_name(const struct culprit_input *in, const char *module, char *buf, size_t len)
{
	char key[128];

	for (size_t i = 0; i < in->nmodules; i++)
		if (in->modules[i].name && strchr(in->modules[i].name, '.') &&
		    same_module(in->modules[i].name, module)) {
			snprintf(buf, len, "%s", in->modules[i].name);
			return;
		}
	if (in->image_name && strchr(in->image_name, '.') && same_module(in->image_name, module)) {
		snprintf(buf, len, "%s", in->image_name);
		return;
	}
	module_key(module, key, sizeof key);
	if (!strcmp(key, "ntoskrnl"))
		snprintf(buf, len, "ntoskrnl.exe");
	else if (!strcmp(key, "hal"))
		snprintf(buf, len, "hal.dll");
	else if (!strchr(module, '.') && is_kernel(in))
		snprintf(buf, len, "%s.sys", module);
	else
		snprintf(buf, len, "%s", module);
}

static void
describe_frame(const struct culprit_frame *f, char *buf, size_t len)
{
	if (f->symbol)
		snprintf(buf, len, "%s!%s+0x%llx", f->module, f->symbol,
			 (unsigned long long)f->offset);
	else
		snprintf(buf, len, "%s+0x%llx", f->module, (unsigned long long)f->offset);
}

/* Rule 1: the module holding the address a bugcheck parameter names.
 * Returns 1 with *module set, and fills where. */
static int
module_at(const struct culprit_input *in, uint64_t addr, const char **module, int *unloaded,
	  char *where, size_t len)
{
	for (size_t i = 0; i < in->nmodules; i++) {
		const struct culprit_module *m = &in->modules[i];

		if (m->name && m->size && addr >= m->base && addr - m->base < m->size) {
			*module = m->name;
			*unloaded = m->unloaded;
			snprintf(where, len, "%s+0x%llx", m->name,
				 (unsigned long long)(addr - m->base));
			return 1;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		const struct culprit_frame *fs = pass ? in->resolved : in->frames;
		size_t n = pass ? in->nresolved : in->nframes;

		for (size_t i = 0; fs && i < n; i++)
			if (fs[i].address == addr && fs[i].module) {
				*module = fs[i].module;
				*unloaded = 0;
				describe_frame(&fs[i], where, len);
				return 1;
			}
	}
	return 0;
}

/* Rule 2: the first frame, innermost first, outside the core modules. */
static const struct culprit_frame *
first_noncore_frame(const struct culprit_input *in, size_t *index)
{
	for (size_t i = 0; i < in->nframes; i++)
		if (in->frames[i].module && !culprit_is_core(in->frames[i].module)) {
			*index = i;
			return &in->frames[i];
		}
	return NULL;
}

static void
set_answer(struct culprit *out, const struct culprit_input *in, const char *module,
	   int confidence)
{
	display_name(in, module, out->module, sizeof out->module);
	out->confidence = confidence;
}

void
culprit_find(const struct culprit_input *in, struct culprit *out)
{
	const char *meaning = "";
	int param = in->has_args ? bugcheck_address_param(in->bugcheck, &meaning) : 0;
	const struct culprit_frame *f;
	size_t fi = 0;
	const char *rule1_module = NULL;
	char code[16], rule1[256] = "", where[200];

	memset(out, 0, sizeof *out);
	bugcheck_format_code(in->bugcheck, code, sizeof code);

	if (in->param_module && *in->param_module) {
		set_answer(out, in, in->param_module, 85);
		snprintf(out->reason, sizeof out->reason, "%s",
			 in->param_reason ? in->param_reason : "a bugcheck parameter points into it");
		goto disagree;
	}
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: the parameter that holds a code address; pass 1: the
		 * exception address the debugger printed. */
		uint64_t addr = pass == 0 ? (param ? in->args[param - 1] : 0) : in->fault_address;
		const char *module;
		int unloaded;
		char what[160];

		if (!addr || rule1_module || !module_at(in, addr, &module, &unloaded, where, sizeof where))
			continue;
		if (pass == 0)
			snprintf(what, sizeof what, "P%d 0x%llx (%s of %s)", param, (unsigned long long)addr,
				 meaning, code);
		else
			snprintf(what, sizeof what, "the faulting instruction 0x%llx",
				 (unsigned long long)addr);
		if (unloaded) {
			set_answer(out, in, module, 90);
			snprintf(out->reason, sizeof out->reason,
				 "%s is in the unloaded driver %s: a call into a driver after it unloaded",
				 what, where);
			goto disagree;
		}
		if (!culprit_is_core(module)) {
			set_answer(out, in, module, pass == 0 ? 90 : 85);
			snprintf(out->reason, sizeof out->reason, "%s is %s", what, where);
			goto disagree;
		}
		/* The kernel faulted on a driver's behalf: look further, but
		 * remember what the address said. */
		rule1_module = module;
		snprintf(rule1, sizeof rule1, "%.150s is in %.80s (core); ", what, where);
	}

	if ((f = first_noncore_frame(in, &fi))) {
		describe_frame(f, where, sizeof where);
		set_answer(out, in, f->module, rule1[0] ? 75 : 70);
		snprintf(out->reason, sizeof out->reason,
			 "%sfirst module on the stack outside the kernel and frameworks: "
			 "frame %zu %s", rule1, fi, where);
		goto disagree;
	}

	if (names_a_module(in->image_name) && !culprit_is_core(in->image_name)) {
		set_answer(out, in, in->image_name, 50);
		snprintf(out->reason, sizeof out->reason,
			 "%sno parameter or stack frame names a driver; the debugger's "
			 "IMAGE_NAME/MODULE_NAME is %s", rule1, in->image_name);
		goto disagree;
	}

	for (size_t i = 0; i < in->nhints; i++)
		if (in->hints[i].module && !culprit_is_core(in->hints[i].module)) {
			set_answer(out, in, in->hints[i].module, 35);
			snprintf(out->reason, sizeof out->reason,
				 "%sno parameter, stack frame or IMAGE_NAME names a driver; %s: %s",
				 rule1, in->hints[i].module, in->hints[i].why ? in->hints[i].why : "named by the debugger");
			goto disagree;
		}

	if (rule1_module) {
		set_answer(out, in, rule1_module, 30);
		snprintf(out->reason, sizeof out->reason,
			 "%sno driver on the stack: the faulting code itself", rule1);
		goto disagree;
	}
	snprintf(out->module, sizeof out->module, "ntoskrnl.exe");
	snprintf(out->reason, sizeof out->reason, "ntoskrnl.exe (no better candidate)");
	out->confidence = 0;

disagree:
	if (in->image_name && *in->image_name && !same_module(in->image_name, out->module))
		snprintf(out->disagreement, sizeof out->disagreement,
			 "WinDbg's IMAGE_NAME is %.127s but wb says %s: wb goes by the rule "
			 "above, the debugger by its own triage rules, which skip or blame "
			 "modules differently", in->image_name, out->module);
}
