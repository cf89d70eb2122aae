/*
 * WinDbg text: a pasted debugger session (several commands and their
 * output), or the output of one command without its prompt.
 *
 * Every line is kept in text_lines with the command it belongs to
 * (`section`) and what wb understood from it (`parsed`).  Lines are
 * recognised by the table of patterns below; stacks and `lm` rows, whose
 * columns vary between debugger versions, are read by small tokenisers.
 * Facts that several lines can supply (bugcheck code, IMAGE_NAME, build)
 * keep the best source and are written at the end, with the culprit.
 * docs/TOOLTEXT.md describes the formats and docs/FACTS.md the facts.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <inttypes.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/bugcheck.h"
#include "../core/culprit.h"
#include "../core/regex.h"
#include "../core/textin.h"
#include "importer.h"
#include "tooltext.h"

#define MAX_FRAMES 1024		/* per stack; deeper output is kept as text only */
#define MAX_MODULES 8192
#define MAX_RESOLVED 256
#define MAX_HINTS 32
#define MAX_IRPS 64

/* ---- the line patterns ---- */

enum wd_kind {
	K_PROMPT, K_BANNER, K_TITLE, K_UNKNOWN_CODE, K_ARG, K_KV_KEY, K_KV_VALUE,
	K_KERNEL_VERSION, K_BUILD_LAB, K_PRODUCT, K_SESSION_TIME, K_UPTIME, K_CODE_ARGLIST,
	K_FATAL, K_FATAL_ARGS, K_SUMMARY_CODE, K_SUMMARY_PARAMS, K_CAUSED_BY,
	K_EXCEPTION_ADDRESS, K_EXCEPTION_CODE, K_STACK_HEADER, K_STACK_LIST_HEADER,
	K_LM_HEADER, K_UNLOADED_HEADER, K_LM_DETAIL, K_VM_COUNTER, K_COMMIT_FAILED,
	K_RESOURCE, K_RESOURCE_COUNT, K_RESOURCE_THREADS, K_THREAD, K_WAIT_TICKS,
	K_IRP_ENTRY, K_IRP_CURRENT, K_IRP_DRIVER, K_HINT, K_VERIFIER_MODULE, K_POOL_CORRUPT,
	K_POOL_PAGE, K_POOL_ENTRY, K_KEY,
};

static const struct wd_pattern {
	enum wd_kind kind;
	const char *re;
} wd_patterns[] = {
	{K_PROMPT, "^\\s*(?:\\d+: )?l?kd> ?(.*?)\\s*$"},
	{K_PROMPT, "^\\s*\\d+:\\d+(?::\\w+)?> ?(.*?)\\s*$"},
	{K_PROMPT, "^\\s*(!analyze(?:\\s.*?)?)\\s*$"},
	{K_BANNER, "^[\\s*]*Bugcheck Analysis[\\s*]*$"},
	{K_TITLE, "^\\s*([A-Z][A-Z0-9_]{2,})\\s+\\(([0-9a-fA-F]{1,8})\\)\\s*$"},
	{K_UNKNOWN_CODE, "^\\s*Unknown bugcheck code \\(([0-9a-fA-F]{1,8})\\)"},
	{K_ARG, "^\\s*Arg([1-4]):\\s+([0-9a-fA-F`]{1,17})\\b"},
	{K_KV_KEY, "^\\s*Key\\s*:\\s*(\\S+)\\s*$"},
	{K_KV_VALUE, "^\\s*Value:\\s*(.*?)\\s*$"},
	{K_KERNEL_VERSION, "Kernel Version (\\d+)\\b"},
	{K_KERNEL_VERSION, "^\\s*Connected to Windows \\S+ (\\d+) "},
	{K_BUILD_LAB, "^\\s*(?:Edition build lab|Built by):\\s*(\\d+)\\.(\\d+)\\.(\\S+)"},
	{K_PRODUCT, "^\\s*Product:\\s*(\\w+),\\s*suite:\\s*(.*?)\\s*$"},
	{K_SESSION_TIME, "^\\s*Debug session time:\\s*\\w{3}\\s+(\\w{3})\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d\\d):(\\d\\d)"
			 "(?:\\.(\\d{1,6}))?\\s+(\\d{4})(?:\\s+\\((?:UTC|GMT)\\s*([+-])\\s*(\\d{1,2})(?::(\\d\\d))?\\))?"},
	{K_UPTIME, "^\\s*System Uptime:\\s*(\\d{1,5}) days? (\\d{1,2}):(\\d\\d):(\\d\\d)(?:\\.(\\d{1,6}))?"},
	{K_CODE_ARGLIST, "(?i)^\\s*Bugcheck:?\\s+([0-9a-f]{1,8}),?\\s+[({]([^)}]*)[)}]"},
	{K_FATAL, "^\\s*\\*\\*\\* Fatal System Error: 0x([0-9a-fA-F]{1,8})"},
	{K_FATAL_ARGS, "^\\s*\\((0x[0-9a-fA-F]+(?:\\s*,\\s*0x[0-9a-fA-F]+){3})\\)\\s*$"},
	{K_SUMMARY_CODE, "(?i)^\\s*Bug ?check code\\s*:?\\s*(?:0x)?([0-9a-f]{1,8})\\b"},
	{K_SUMMARY_PARAMS, "(?i)^\\s*(?:Parameters\\s*:|Arguments\\s)\\s*(.+)$"},
	{K_CAUSED_BY, "(?i)^\\s*(Probably caused by|Caused by driver|Faulting Module)\\s*:\\s*([^\\s(]+)"},
	{K_EXCEPTION_ADDRESS, "^\\s*ExceptionAddress:\\s*([0-9a-fA-F`]+)\\s*\\(([^)]+)\\)"},
	{K_EXCEPTION_CODE, "^\\s*ExceptionCode:\\s*([0-9a-fA-F]{8})\\b"},
	{K_STACK_HEADER, "(?:Child-SP|ChildEBP)\\s+RetAddr"},
	{K_STACK_LIST_HEADER, "(?i)^\\s*stack(?: trace| backtrace)?\\s*:\\s*$"},
	{K_LM_HEADER, "^\\s*start\\s+end\\s+module name"},
	{K_UNLOADED_HEADER, "^\\s*Unloaded modules:"},
	{K_LM_DETAIL, "^\\s+(Image name|Image path|Loaded symbol image file|Timestamp|File version|"
		      "Product version|CompanyName):\\s*(.*?)\\s*$"},
	{K_VM_COUNTER, "^\\s*(Physical Memory|Available Pages|Commit limit|Committed pages|"
		       "NonPagedPool Usage|NonPagedPool Max|PagedPool Usage|PagedPool Maximum):"
		       "\\s+(\\d+)\\s+\\(\\s*(\\d+) Kb\\)"},
	{K_COMMIT_FAILED, "(\\d+) commit requests have failed"},
	{K_RESOURCE, "^\\s*Resource @ (?:(\\S+) \\()?(0x[0-9a-fA-F`]+)\\)?\\s+(Exclusively owned|Shared (\\d+) owning threads)"},
	{K_RESOURCE_COUNT, "^\\s*(Contention Count|NumberOfExclusiveWaiters|NumberOfSharedWaiters)\\s*=\\s*(\\d+)"},
	{K_RESOURCE_THREADS, "^\\s*Threads:\\s*([0-9a-fA-F`]+)-"},
	{K_THREAD, "^\\s*THREAD ([0-9a-fA-F`]+)\\s+Cid (\\S+)\\s+Teb: \\S+\\s+Win32Thread: \\S+\\s*(.*?)\\s*$"},
	{K_WAIT_TICKS, "^\\s*Wait Start TickCount\\s+\\d+\\s+Ticks: (\\d+)(?: \\(([^)]*)\\))?"},
	{K_IRP_ENTRY, "^\\s*([0-9a-fA-F`]{8,17}): \\([0-9a-fA-F]{4},[0-9a-fA-F]{4}\\) Flags:"},
	{K_IRP_CURRENT, "^\\s*>\\s*\\["},
	{K_IRP_DRIVER, "^\\s*(\\\\(?:Driver|FileSystem)\\\\[\\w.$-]+)"},
	{K_HINT, "^\\s*\\*\\*\\* (WARNING: Unable to verify (?:timestamp|checksum)|ERROR: Module load completed but "
		 "symbols could not be loaded|ERROR: Symbol file could not be found\\.\\s+Defaulted to export "
		 "symbols) for (\\S+?)\\s*(?:-\\s*)?$"},
	{K_VERIFIER_MODULE, "^\\s*MODULE: 0x[0-9a-fA-F`]+ (\\S+) \\(Loaded\\)"},
	{K_POOL_CORRUPT, "(is freed \\(or corrupt\\) pool|Bad (?:previous|next) allocation size|"
			 "An error \\(or corruption\\) in the pool was detected|\\]: Corrupt region|is __inVALID)"},
	{K_POOL_PAGE, "^\\s*Pool page \\[?\\s*([0-9a-fA-F`]+)\\s*\\]?\\s+region is (.*?)\\s*$"},
	{K_POOL_ENTRY, "^\\s*\\*([0-9a-fA-F`]+) size:\\s*([0-9a-fA-F]+)\\s.*\\((\\w+)\\)\\s+\\*(\\S{1,4})"},
	{K_KEY, "^\\s*([A-Z][A-Z0-9_]{2,}):\\s*(.*?)\\s*$"},
};

#define NPATTERNS (sizeof wd_patterns / sizeof wd_patterns[0])

static pcre2_code *wd_compiled[NPATTERNS];

static int
patterns_compile(struct wb_err *err)
{
	for (size_t i = 0; i < NPATTERNS; i++) {
		int code;
		PCRE2_SIZE off;

		if (wd_compiled[i])
			continue;
		wd_compiled[i] = pcre2_compile((PCRE2_SPTR)wd_patterns[i].re, PCRE2_ZERO_TERMINATED,
					       PCRE2_UTF | PCRE2_NO_UTF_CHECK, &code, &off, NULL);
		if (!wd_compiled[i])
			return wb_errf(err, "windbg: pattern %zu does not compile at %zu", i, (size_t)off);
		if (regex_use_jit())
			pcre2_jit_compile(wd_compiled[i], PCRE2_JIT_COMPLETE);
	}
	return 0;
}

/* ---- what the import collects ---- */

/* A value several lines can supply: the best-ranked source wins. */
struct wd_val {
	char *s;
	int rank;
	int64_t ref;
	const char *source;	/* what supplied it, for the fact's text */
};

struct wd_frame {
	char *module, *symbol, *norm;
	uint64_t offset, address, retaddr;
	int index;
	int64_t ref;
};

struct wd_stack {
	struct wd_frame *frames;
	size_t n, cap;
	int numbered;		/* header had a '#' column */
	int from_analyze;	/* STACK_TEXT */
	int bare;		/* frame list without addresses */
	int crash;		/* may feed the culprit (not !thread, !locks, ...) */
	int param_thread;	/* !thread of the thread a bugcheck parameter names */
	char section[96];
};

struct wd_module {
	char *name, *image;	/* lm name "nvlddmkm", image "nvlddmkm.sys" */
	uint64_t base, end;
	int unloaded;
	char *detail;		/* symbol status, timestamp, version */
	int64_t ref;
};

struct wd_pending {
	const char *key;
	char *value, *text;
	int has_num;
	int64_t num;
};

enum wd_block { B_NONE, B_STACK, B_LM, B_UNLOADED };

struct wd {
	wb_ingest *ing;
	struct wb_err *err;
	int64_t lineno, rowid, nunderstood, ncommands;
	char section[96];
	enum wd_block block;
	const char *parsed;
	char kv_key[64];
	int expect_fatal_args;

	/* facts of the current line, written once its row id is known */
	struct wd_pending pending[8];
	size_t npending;
	struct wd_pending *frames_out;	/* stack.frame facts waiting for their row */
	int64_t *frames_out_ref;
	size_t nframes_out, capframes_out;

	/* the crash */
	uint32_t code;
	int code_rank;
	const char *code_implied;	/* the frame that implies the code, if no line stated it */
	int64_t code_ref;
	char title_name[96];
	uint64_t args[4];
	int have_arg[4];
	int64_t arg_ref[4];
	struct wd_val image_name, module_name, bucket, symbol, process, image_version,
		status, os_build, os_version, product_type;
	int64_t crash_ts;
	int have_crash_ts;
	int64_t uptime;		/* microseconds, -1 unknown */
	int64_t uptime_ref;

	struct wd_stack cur, best;
	size_t nframes_total;
	uint64_t *seen;		/* seen_before()'s hash set */
	size_t nseen, capseen;

	struct wd_module *modules;
	size_t nmodules, capmodules;
	ssize_t lm_current;	/* module the lmv detail lines describe, -1 none */

	uint64_t fault_address;	/* .exr ExceptionAddress or FAULTING_IP */
	int faulting_ip_next;	/* the symbol/address lines after FAULTING_IP: */
	struct culprit_hint hints[MAX_HINTS];
	size_t nhints;
	uint64_t irp;		/* address given to the current !irp command */
	int irp_current;	/* the '>' stack location was just seen */
	struct {
		uint64_t irp;
		char *driver;	/* driver of the IRP's current stack location */
	} irps[MAX_IRPS];
	size_t nirps;

	struct culprit_frame resolved[MAX_RESOLVED];
	char *resolved_strings[MAX_RESOLVED * 2];
	size_t nresolved;
	char *pending_symbol;	/* "hal!X+ef" waiting for its address line */

	/* !vm, !locks, !thread */
	int vm_seen, commit_failures_seen;
	int64_t vm_ref;
	struct {
		char *name, *owner;
		int exclusive;
		int64_t contention, xwaiters, swaiters, ref;
	} res;
	struct {
		char *addr, *state, *wait;
		int64_t ticks, irps, ref;
	} thr;
};

/* ---- small helpers ---- */

static void
val_set(struct wd_val *v, const char *s, size_t n, int rank, int64_t ref, const char *source)
{
	if (v->s && v->rank >= rank)
		return;
	free(v->s);
	v->s = xstrndup(s, n);
	v->rank = rank;
	v->ref = ref;
	v->source = source;
}

/* Hex with optional 0x and WinDbg's backtick; at most 16 digits.
 * Returns 0 on success. */
static int
parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '`')
			continue;
		if (!isxdigit(c))
			return -1;
		if (v == 0 && c == '0' && digits == 0)
			continue;	/* leading zeros do not count towards 16 */
		if (++digits > 16)
			return -1;
		v = v << 4 | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	*out = v;
	return n > 0 ? 0 : -1;
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void
pend(struct wd *w, const char *key, const char *value, int has_num, int64_t num, const char *text)
{
	struct wd_pending *p;

	if (w->npending == sizeof w->pending / sizeof w->pending[0])
		return;
	p = &w->pending[w->npending++];
	p->key = key;
	p->value = value ? xstrdup(value) : NULL;
	p->text = text ? xstrdup(text) : NULL;
	p->has_num = has_num;
	p->num = num;
	w->parsed = key;
}

static int
fact(struct wd *w, const char *key, const char *value, int has_num, int64_t num, const char *text,
     int64_t ref)
{
	struct wb_fact f = {
		.key = key,
		.value = value,
		.has_num = has_num,
		.num = num,
		.text = text,
		.ref_table = ref ? "text_lines" : NULL,
		.ref_id = ref,
	};

	return ingest_fact(w->ing, &f, w->err);
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* ---- stacks ---- */

/* kp prints each function's parameters: "foo(int a = 0n1, char * b = ...)".
 * Returns where the name ends without them ("operator()" keeps its own). */
static const char *
strip_parameters(const char *sym, const char *end)
{
	const char *p = end;
	int depth = 0;

	if (end <= sym || end[-1] != ')')
		return end;
	while (p > sym) {
		p--;
		if (*p == ')')
			depth++;
		else if (*p == '(' && --depth == 0)
			break;
	}
	if (depth != 0 || p == sym)
		return end;
	if (p - sym >= 8 && !memcmp(p - 8, "operator", 8))
		return end;	/* "operator()" itself */
	return p;
}

/* A call site: "module!symbol+0xoff", "module+0xoff", "module!symbol"
 * (x86 "NT!_RtlMoveMemory@12+0x3e", C++ "nt! ?? ::FNODOBFM::`string'+0x7bde",
 * SYMBOL_NAME "Driver+11b1" when hex_no_prefix) or a raw "0x..." address. */
static int
parse_call_site(const char *s, size_t n, int hex_no_prefix, struct wd_frame *f)
{
	const char *bang, *plus = NULL;
	size_t modlen;

	memset(f, 0, sizeof *f);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n > 4096)
		return -1;
	if (n > 2 && s[0] == '0' && s[1] == 'x') {
		uint64_t a;

		if (parse_hex(s, n, &a) < 0)
			return -1;
		f->address = a;
		f->norm = xstrndup(s, n);
		return 0;
	}
	bang = memchr(s, '!', n);
	modlen = bang ? (size_t)(bang - s) : n;
	/* offset: the last "+0x..." (or "+hex" in SYMBOL_NAME form) at the end */
	for (size_t i = n; i-- > 0;)
		if (s[i] == '+') {
			plus = s + i;
			break;
		}
	if (plus) {
		const char *h = plus + 1;
		size_t hn = (size_t)(s + n - h);
		int prefixed = hn > 2 && h[0] == '0' && h[1] == 'x';

		if ((prefixed || hex_no_prefix) && parse_hex(h, hn, &f->offset) == 0) {
			if (!bang)
				modlen = (size_t)(plus - s);
		} else {
			plus = NULL;
		}
	}
	if (!bang && !plus)
		return -1;	/* a bare word is not a frame */
	if (modlen == 0 || modlen > 128)
		return -1;
	for (size_t i = 0; i < modlen; i++) {
		int c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-' && c != '$')
			return -1;
	}
	f->module = xstrndup(s, modlen);
	if (bang) {
		const char *sym = bang + 1;
		const char *end = plus ? plus : s + n;

		end = strip_parameters(sym, end);
		if (end > sym)
			f->symbol = xstrndup(sym, (size_t)(end - sym));
	}
	if (f->symbol && plus)
		f->norm = xasprintf("%s!%s+0x%" PRIx64, f->module, f->symbol, f->offset);
	else if (f->symbol)
		f->norm = xasprintf("%s!%s", f->module, f->symbol);
	else
		f->norm = xasprintf("%s+0x%" PRIx64, f->module, f->offset);
	return 0;
}

static void
frame_free(struct wd_frame *f)
{
	free(f->module);
	free(f->symbol);
	free(f->norm);
}

static int
is_hex_token(const char *s, size_t n)
{
	size_t digits = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '`')
			continue;
		if (!isxdigit((unsigned char)s[i]))
			return 0;
		digits++;
	}
	return digits > 0;
}

static int
is_filler_token(const char *s, size_t n)
{
	static const char *const fillers[] = {":", "...", "(Inline", "Function)", "(Inline)", NULL};

	for (int i = 0; fillers[i]; i++)
		if (strlen(fillers[i]) == n && !memcmp(s, fillers[i], n))
			return 1;
	for (size_t i = 0; i < n; i++)	/* "--------`--------" */
		if (s[i] != '-' && s[i] != '`')
			return 0;
	return n > 0;
}

/* One stack line: [frame#] [frame size] addresses... [: args :] call site
 * [source] [(FPO..)].  need_addresses: how many address columns a line must
 * have to count (0 in a frame list after "Stack Trace:").  Returns 0 and
 * fills f (f->index = -1 when no frame number was printed). */
static int
parse_frame_line(const char *line, int numbered, int need_addresses, struct wd_frame *f)
{
	const char *p = line, *site;
	uint64_t addrs[2] = {0, 0};
	int naddr = 0, index = -1, first = 1, inline_frame = 0;
	size_t n;
	char *cut;

	for (;;) {
		const char *tok;
		size_t tn;

		while (*p == ' ' || *p == '\t')
			p++;
		tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		tn = (size_t)(p - tok);
		if (tn == 0)
			return -1;
		if (is_filler_token(tok, tn)) {
			if (tok[0] == '(' || tok[0] == '-')
				inline_frame = 1;
			if (tok[0] == '.')	/* "..." stands for elided columns */
				naddr++;
			first = 0;
			continue;
		}
		if (tn > 2 && tok[0] == '0' && tok[1] == 'x')
			break;	/* raw address call site */
		if (!is_hex_token(tok, tn))
			break;
		if (tn <= 3 && first && index < 0) {
			uint64_t v;

			if (parse_hex(tok, tn, &v) == 0)
				index = (int)v;
		} else if (tn >= 8) {
			uint64_t a;

			if (parse_hex(tok, tn, &a) < 0)
				return -1;
			if (naddr < 2)
				addrs[naddr] = a;
			naddr++;
		}		/* else: kf frame size column */
		first = 0;
	}
	/* Abridged stacks in articles keep only "0b volsnap!VspDiagTrace+0x197". */
	if (naddr < need_addresses && !(inline_frame && need_addresses > 0) && !(numbered && index >= 0))
		return -1;
	site = p - 0;
	/* back up to the start of the call site token */
	while (site > line && site[-1] != ' ' && site[-1] != '\t')
		site--;
	n = strlen(site);
	{
		/* annotations after the call site */
		static const char *const cuts[] = {" [", " (FPO:", " (CONV:", " (TrapFrame @", " ...", NULL};
		char *copy = xstrndup(site, n);

		for (int i = 0; cuts[i]; i++)
			if ((cut = strstr(copy, cuts[i])))
				*cut = '\0';
		if (parse_call_site(copy, strlen(copy), 0, f) < 0) {
			free(copy);
			return -1;
		}
		free(copy);
	}
	f->index = index;
	f->retaddr = naddr >= 2 ? addrs[1] : 0;
	return 0;
}

static void
stack_reset(struct wd_stack *s)
{
	for (size_t i = 0; i < s->n; i++)
		frame_free(&s->frames[i]);
	free(s->frames);
	memset(s, 0, sizeof *s);
}

static void
stack_push(struct wd_stack *s, struct wd_frame *f)
{
	if (s->n == MAX_FRAMES) {
		frame_free(f);
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->frames = xrealloc(s->frames, s->cap * sizeof *s->frames);
	}
	if (f->index < 0)
		f->index = (int)s->n;
	/* This frame's instruction address is where the frame below returns. */
	if (s->n > 0 && !f->address)
		f->address = s->frames[s->n - 1].retaddr;
	s->frames[s->n++] = *f;
}

static size_t
next_token(const char **p, const char **tok)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	*tok = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	return (size_t)(*p - *tok);
}

/* STACK_TEXT run into one line by a web page: "SP RET : args : site
 * [source] SP RET : ...".  Frames are pushed onto the current stack. */
static void
flat_stack(struct wd_stack *s, const char *p)
{
	for (;;) {
		const char *tok, *site;
		size_t n, sn;
		uint64_t a, ret;
		struct wd_frame f;

		if ((n = next_token(&p, &tok)) < 8 || parse_hex(tok, n, &a) < 0)
			return;
		if ((n = next_token(&p, &tok)) < 8 || parse_hex(tok, n, &ret) < 0)
			return;
		if ((n = next_token(&p, &tok)) == 1 && *tok == ':') {
			while ((n = next_token(&p, &tok)) && !(n == 1 && *tok == ':'))
				;
			n = next_token(&p, &tok);
		}
		if (!n)
			return;
		site = tok;
		sn = n;
		while (*p == ' ')
			p++;
		if (*p == '[' && strchr(p, ']'))
			p = strchr(p, ']') + 1;
		if (parse_call_site(site, sn, 0, &f) < 0)
			return;
		f.index = -1;
		f.retaddr = ret;
		stack_push(s, &f);
	}
}

static const char *const noncrash_commands[] = {
	"!thread", "!locks", "!stacks", "!process", "!verifier", "!deadlock", "dps", "!irp", NULL,
};

static void
stack_begin(struct wd *w, int numbered, int from_analyze, int bare)
{
	stack_reset(&w->cur);
	w->cur.numbered = numbered;
	w->cur.from_analyze = from_analyze;
	w->cur.bare = bare;
	w->cur.crash = 1;
	for (int i = 0; noncrash_commands[i]; i++)
		if (!strncasecmp(w->section, noncrash_commands[i], strlen(noncrash_commands[i])))
			w->cur.crash = 0;
	snprintf(w->cur.section, sizeof w->cur.section, "%s", w->section);
	w->block = B_STACK;
}

/* 0x9F with P1 = 4 names the thread holding the PnP lock in P3, 0xEA the
 * stuck thread in P1: `!thread` of that thread shows what it waits on. */
static int
thread_named_by_parameter(const struct wd *w, const char *arg)
{
	uint32_t base = bugcheck_base(w->code);
	uint64_t a;
	int p = 0;

	if (parse_hex(arg, strcspn(arg, " "), &a) < 0 || !a)
		return 0;
	if (base == 0x9F && w->have_arg[0] && w->args[0] == 4)
		p = 3;
	else if (base == 0xEA)
		p = 1;
	return p && w->have_arg[p - 1] && w->args[p - 1] == a;
}

/* Which stack the culprit reads: the thread a parameter names, else
 * !analyze's STACK_TEXT, else a stack through KeBugCheck*, else the first. */
static int
stack_score(const struct wd_stack *s)
{
	if (!s->n)
		return 0;
	if (s->param_thread)
		return 4;
	if (s->from_analyze)
		return 3;
	for (size_t i = 0; i < s->n; i++)
		if (s->frames[i].symbol && !strncmp(s->frames[i].symbol, "KeBugCheck", 10))
			return 2;
	return 1;
}

/* A set of 64-bit hashes: what was already written (a frame at an index,
 * an lm row), so that output shown twice (STACK_TEXT then k, lm then lmv)
 * gives one fact. */
static int
seen_before(struct wd *w, uint64_t h)
{
	size_t mask, i;

	if (!h)
		h = 1;
	if (w->nseen * 2 >= w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 256;
		uint64_t *t = xcalloc(cap, sizeof *t);

		for (size_t k = 0; k < w->capseen; k++)
			if (w->seen[k])
				for (i = w->seen[k] & (cap - 1);; i = (i + 1) & (cap - 1))
					if (!t[i]) {
						t[i] = w->seen[k];
						break;
					}
		free(w->seen);
		w->seen = t;
		w->capseen = cap;
	}
	mask = w->capseen - 1;
	for (i = h & mask; w->seen[i]; i = (i + 1) & mask)
		if (w->seen[i] == h)
			return 1;
	w->seen[i] = h;
	w->nseen++;
	return 0;
}

static int
frame_seen(struct wd *w, const struct wd_frame *f)
{
	return seen_before(w, fnv1a(1469598103934665603ULL ^ (uint64_t)(f->index + 1), f->norm));
}

/* Close the current stack: write its frames (each frame once) and keep it
 * as the culprit's stack when it is the best so far. */
static int
stack_end(struct wd *w)
{
	struct wd_stack *s = &w->cur;

	w->block = B_NONE;
	if (s->n == 0)
		return 0;
	if (!strncmp(s->section, "!thread ", 8) && thread_named_by_parameter(w, s->section + 8)) {
		s->crash = 1;
		s->param_thread = 1;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct wd_pending *p;

		if (frame_seen(w, &s->frames[i]))
			continue;
		if (w->nframes_out == w->capframes_out) {
			w->capframes_out = w->capframes_out ? 2 * w->capframes_out : 64;
			w->frames_out = xrealloc(w->frames_out, w->capframes_out * sizeof *w->frames_out);
			w->frames_out_ref = xrealloc(w->frames_out_ref,
						     w->capframes_out * sizeof *w->frames_out_ref);
		}
		p = &w->frames_out[w->nframes_out];
		*p = (struct wd_pending){
			.key = "stack.frame",
			.value = xstrdup(s->frames[i].norm),
			.text = s->section[0] ? xstrdup(s->section) : NULL,
			.has_num = 1,
			.num = s->frames[i].index,
		};
		w->frames_out_ref[w->nframes_out++] = s->frames[i].ref;
		w->nframes_total++;
	}
	if (s->crash && stack_score(s) > stack_score(&w->best)) {
		stack_reset(&w->best);
		w->best = *s;
		memset(s, 0, sizeof *s);
	} else {
		stack_reset(s);
	}
	return 0;
}

/* Write the frames of finished stacks; frames of the line just stored
 * (ref 0) point at it. */
static int
flush_frames(struct wd *w, int64_t rowid)
{
	int rc = 0;

	for (size_t i = 0; i < w->nframes_out; i++) {
		struct wd_pending *p = &w->frames_out[i];

		if (rc == 0 && fact(w, p->key, p->value, 1, p->num, p->text,
				    w->frames_out_ref[i] ? w->frames_out_ref[i] : rowid) < 0)
			rc = -1;
		free(p->value);
		free(p->text);
	}
	w->nframes_out = 0;
	return rc;
}

/* ---- lm ---- */

static int
parse_lm_row(struct wd *w, const char *line, int unloaded)
{
	const char *p = line, *tok[4];
	size_t tn[4];
	int nt = 0;
	uint64_t base, end;
	struct wd_module *m;

	while (nt < 3) {
		while (*p == ' ' || *p == '\t')
			p++;
		tok[nt] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		tn[nt] = (size_t)(p - tok[nt]);
		if (!tn[nt])
			return -1;
		nt++;
	}
	if (tn[0] < 8 || tn[1] < 8 || parse_hex(tok[0], tn[0], &base) < 0 ||
	    parse_hex(tok[1], tn[1], &end) < 0 || end <= base || tn[2] > 128)
		return -1;
	w->parsed = "module.loaded";
	{
		char *name = xstrndup(tok[2], tn[2]);
		int dup = seen_before(w, fnv1a(0x6c6d ^ base ^ (end << 1), name));

		/* The same module listed again (lm, then lmvm): later details
		 * belong to its first row. */
		w->lm_current = -1;
		for (size_t i = w->nmodules; dup && i-- > 0;)
			if (w->modules[i].base == base && w->modules[i].end == end &&
			    strlen(w->modules[i].name) == tn[2] && !memcmp(w->modules[i].name, tok[2], tn[2])) {
				w->lm_current = (ssize_t)i;
				break;
			}
		free(name);
		if (dup)
			return 0;
	}
	if (w->nmodules == MAX_MODULES)
		return 0;
	w->lm_current = (ssize_t)w->nmodules;
	if (w->nmodules == w->capmodules) {
		w->capmodules = w->capmodules ? w->capmodules * 2 : 64;
		w->modules = xrealloc(w->modules, w->capmodules * sizeof *w->modules);
	}
	m = &w->modules[w->nmodules++];
	memset(m, 0, sizeof *m);
	m->name = xstrndup(tok[2], tn[2]);
	m->base = base;
	m->end = end;
	m->unloaded = unloaded;
	m->ref = w->rowid;
	while (*p == ' ' || *p == '\t')
		p++;
	m->detail = xstrdup(p);
	for (size_t n = strlen(m->detail); n && isspace((unsigned char)m->detail[n - 1]);)
		m->detail[--n] = '\0';
	p = m->detail;
	/* A symbol file named after the module gives its extension:
	 * "werkernel   (export symbols)       werkernel.sys". */
	if (strchr(m->name, '.'))
		m->image = xstrdup(m->name);
	else {
		const char *last = strrchr(p, ' ');
		const char *file = last ? last + 1 : p;
		const char *slash = strrchr(file, '\\');

		if (slash)
			file = slash + 1;
		if (!strncasecmp(file, m->name, strlen(m->name)) && file[strlen(m->name)] == '.' &&
		    strcasecmp(file + strlen(m->name), ".pdb"))
			m->image = xstrdup(file);
	}
	w->parsed = "module.loaded";
	return 0;
}

static void
lm_detail(struct wd *w, const char *key, const char *value)
{
	struct wd_module *m;
	char *d;

	if (w->lm_current < 0 || (size_t)w->lm_current >= w->nmodules)
		return;
	m = &w->modules[w->lm_current];
	if (!strcmp(key, "Image name") && *value && strlen(value) < 128) {
		free(m->image);
		m->image = xstrdup(value);
	}
	d = xasprintf("%s; %s: %s", m->detail ? m->detail : "", key, value);
	free(m->detail);
	m->detail = d;
	w->parsed = "module.loaded";
}

/* The name module.loaded and the culprit use: the image file name when the
 * output gave one, else the lm name ("nt" -> "ntoskrnl.exe"). */
static const char *
module_file(const struct wd_module *m, char *buf, size_t len)
{
	if (m->image)
		snprintf(buf, len, "%s", m->image);
	else if (!strcasecmp(m->name, "nt"))
		snprintf(buf, len, "ntoskrnl.exe");
	else if (!strcasecmp(m->name, "hal"))
		snprintf(buf, len, "hal.dll");
	else
		snprintf(buf, len, "%s", m->name);
	lower(buf);
	return buf;
}

/* ---- addresses the debugger named outside stacks ---- */

static void
add_resolved(struct wd *w, uint64_t address, const char *symbol, size_t n, int hex_no_prefix)
{
	struct wd_frame f;

	if (w->nresolved == MAX_RESOLVED || !address)
		return;
	if (parse_call_site(symbol, n, hex_no_prefix, &f) < 0 || !f.module) {
		frame_free(&f);
		return;
	}
	w->resolved[w->nresolved] = (struct culprit_frame){
		.module = f.module,
		.symbol = f.symbol,
		.offset = f.offset,
		.address = address,
	};
	w->resolved_strings[2 * w->nresolved] = f.module;
	w->resolved_strings[2 * w->nresolved + 1] = f.symbol;
	w->nresolved++;
	free(f.norm);
	w->parsed = "fault.address";
}

/* A line holding only a symbol ("hal!HalpAllocateAdapterCallback+ef" after
 * FAULTING_IP:, "nt!RtlRbRemoveNode+0x249f73:" before a disassembly line). */
static int
symbol_only_line(const char *line)
{
	struct wd_frame f;
	size_t n;
	int ok;

	while (*line == ' ' || *line == '\t')
		line++;
	n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == ':'))
		n--;
	if (!n || memchr(line, ' ', n))
		return 0;
	ok = parse_call_site(line, n, 1, &f) == 0 && f.module && f.symbol;
	frame_free(&f);
	return ok;
}

/* "fffff800`03006977 448b6f2c  mov ..." after a symbol-only line. */
static void
resolve_pending_symbol(struct wd *w, const char *line)
{
	const char *p = line, *tok;
	uint64_t a;
	char *sym = w->pending_symbol;
	size_t n;

	w->pending_symbol = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	tok = p;
	while (*p && *p != ' ')
		p++;
	if ((size_t)(p - tok) >= 8 && parse_hex(tok, (size_t)(p - tok), &a) == 0) {
		n = strlen(sym);
		while (n && sym[n - 1] == ':')
			n--;
		add_resolved(w, a, sym, n, 1);
		if (w->faulting_ip_next && !w->fault_address)
			w->fault_address = a;
	}
	w->faulting_ip_next = 0;
	free(sym);
}

/* ---- the crash ---- */

static void
set_code(struct wd *w, uint32_t code, int rank)
{
	if (code == 0 || (w->code_rank >= rank))
		return;
	w->code = code;
	w->code_rank = rank;
	w->code_ref = w->rowid;
	w->parsed = "bugcheck.code";
}

static void
set_arg(struct wd *w, int i, uint64_t v)
{
	if (i < 0 || i > 3 || w->have_arg[i])
		return;
	w->args[i] = v;
	w->have_arg[i] = 1;
	w->arg_ref[i] = w->rowid;
	w->parsed = "bugcheck.arg";
}

/* "1D, FFFFB88F1487EC30, ..." or "0x62,0xFFFF...": up to four arguments. */
static void
set_arg_list(struct wd *w, const char *s)
{
	int i = 0;

	while (*s && i < 4) {
		const char *tok;
		uint64_t v;

		while (*s == ' ' || *s == ',' || *s == '\t')
			s++;
		tok = s;
		while (*s && *s != ',' && *s != ' ' && *s != '\t')
			s++;
		if (s == tok)
			break;
		if (parse_hex(tok, (size_t)(s - tok), &v) < 0)
			break;
		set_arg(w, i++, v);
	}
}

static int
parse_code(const char *s, size_t n, uint32_t *code)
{
	uint64_t v;

	if (parse_hex(s, n, &v) < 0 || v == 0 || v > 0xFFFFFFFFu)
		return -1;
	*code = (uint32_t)v;
	return 0;
}

/* fault.status: an NTSTATUS such as "c0000005". */
static void
set_status(struct wd *w, const char *s, int rank, const char *source)
{
	uint64_t v;
	char buf[16];
	const char *p = strstr(s, "0x");
	size_t n = 0;

	if (!p)
		p = s;
	while (p[n] && isxdigit((unsigned char)p[n + (p[0] == '0' && p[1] == 'x' ? 2 : 0)]))
		n++;
	if (p[0] == '0' && p[1] == 'x')
		n += 2;
	if (parse_hex(p, n, &v) < 0 || v == 0 || v > 0xFFFFFFFFu)
		return;
	snprintf(buf, sizeof buf, "%08" PRIx64, v);
	val_set(&w->status, buf, strlen(buf), rank, w->rowid, source);
	w->parsed = "fault.status";
}

/* ---- one !analyze key line ---- */

enum wd_action {
	A_CODE, A_P1, A_P2, A_P3, A_P4, A_CODE_STR, A_PROCESS, A_MODULE_NAME, A_IMAGE_NAME,
	A_IMAGE_VERSION, A_BUCKET, A_BUCKET_OLD, A_SYMBOL, A_OS_VERSION, A_STATUS, A_STACK,
	A_SYMBOL_BLOCK, A_FAULTING_MODULE,
};

static const struct wd_key {
	const char *key;
	enum wd_action act;
} wd_keys[] = {
	{"BUGCHECK_CODE", A_CODE},
	{"BUGCHECK_P1", A_P1},
	{"BUGCHECK_P2", A_P2},
	{"BUGCHECK_P3", A_P3},
	{"BUGCHECK_P4", A_P4},
	{"BUGCHECK_STR", A_CODE_STR},
	{"PROCESS_NAME", A_PROCESS},
	{"MODULE_NAME", A_MODULE_NAME},
	{"IMAGE_NAME", A_IMAGE_NAME},
	{"IMAGE_VERSION", A_IMAGE_VERSION},
	{"FAULTING_MODULE", A_FAULTING_MODULE},
	{"FAILURE_BUCKET_ID", A_BUCKET},
	{"BUCKET_ID", A_BUCKET_OLD},
	{"DEFAULT_BUCKET_ID", A_BUCKET_OLD},
	{"SYMBOL_NAME", A_SYMBOL},
	{"OS_VERSION", A_OS_VERSION},
	{"EXCEPTION_CODE_STR", A_STATUS},
	{"EXCEPTION_CODE", A_STATUS},
	{"ERROR_CODE", A_STATUS},
	{"STACK_TEXT", A_STACK},
	{"FAULTING_IP", A_SYMBOL_BLOCK},
	{"FOLLOWUP_IP", A_SYMBOL_BLOCK},
};

static void
analyze_key(struct wd *w, const char *key, const char *v, size_t vn)
{
	uint32_t code;
	uint64_t a;

	for (size_t i = 0; i < sizeof wd_keys / sizeof wd_keys[0]; i++) {
		if (strcmp(wd_keys[i].key, key))
			continue;
		switch (wd_keys[i].act) {
		case A_CODE:
			if (parse_code(v, vn, &code) == 0)
				set_code(w, code, 5);
			break;
		case A_P1:
		case A_P2:
		case A_P3:
		case A_P4:
			if (parse_hex(v, vn, &a) == 0)
				set_arg(w, (int)(wd_keys[i].act - A_P1), a);
			break;
		case A_CODE_STR:	/* old: "0xD1", "0xc4_IrqlExApcLte1_XDV" */
			if (vn > 2 && v[0] == '0' && v[1] == 'x') {
				size_t n = 2;

				while (n < vn && isxdigit((unsigned char)v[n]))
					n++;
				if (parse_code(v, n, &code) == 0)
					set_code(w, code, 2);
			}
			break;
		case A_PROCESS:
			val_set(&w->process, v, vn, 1, w->rowid, "PROCESS_NAME");
			w->parsed = "fault.process";
			break;
		case A_MODULE_NAME:
			val_set(&w->module_name, v, vn, 1, w->rowid, "MODULE_NAME");
			w->parsed = "fault.image_name";
			break;
		case A_IMAGE_NAME:
			val_set(&w->image_name, v, vn, 5, w->rowid, "IMAGE_NAME");
			w->parsed = "fault.image_name";
			break;
		case A_IMAGE_VERSION:
			val_set(&w->image_version, v, vn, 1, w->rowid, "IMAGE_VERSION");
			w->parsed = "fault.image_version";
			break;
		case A_BUCKET:
			val_set(&w->bucket, v, vn, 3, w->rowid, "FAILURE_BUCKET_ID");
			w->parsed = "fault.bucket";
			break;
		case A_BUCKET_OLD:
			val_set(&w->bucket, v, vn, 1, w->rowid, wd_keys[i].key);
			w->parsed = "fault.bucket";
			break;
		case A_SYMBOL:
			val_set(&w->symbol, v, vn, 1, w->rowid, "SYMBOL_NAME");
			w->parsed = "fault.symbol";
			break;
		case A_OS_VERSION:
			val_set(&w->os_version, v, vn, 2, w->rowid, "OS_VERSION");
			w->parsed = "os.version";
			break;
		case A_STATUS:
			set_status(w, v, 3, wd_keys[i].key);
			break;
		case A_STACK:
			stack_begin(w, 0, 1, 0);
			w->parsed = "stack";
			if (vn) {
				char *copy = xstrndup(v, vn);

				flat_stack(&w->cur, copy);
				free(copy);
				if (w->cur.n)
					w->parsed = "stack.frame";
			}
			break;
		case A_FAULTING_MODULE: {	/* old: "FAULTING_MODULE: 9fee1000 NdisTimedOidComplete" */
			const char *name = v + vn;

			while (name > v && name[-1] != ' ')
				name--;
			if (name < v + vn)
				val_set(&w->image_name, name, (size_t)(v + vn - name), 2, w->rowid, "FAULTING_MODULE");
			w->parsed = "fault.image_name";
			break;
		}
		case A_SYMBOL_BLOCK:
			if (vn == 0)
				w->parsed = "fault.address";
			w->faulting_ip_next = !strcmp(key, "FAULTING_IP");
			break;
		}
		return;
	}
}

/* "Key  : Failure.Bucket" / "Value: ..." pairs of KEY_VALUES_STRING. */
static void
kv_value(struct wd *w, const char *v, size_t vn)
{
	uint32_t code;

	if (!strcmp(w->kv_key, "Failure.Bucket")) {
		val_set(&w->bucket, v, vn, 2, w->rowid, "Failure.Bucket");
		w->parsed = "fault.bucket";
	} else if (!strncmp(w->kv_key, "Bugcheck.Code.", 14)) {
		if (parse_code(v, vn, &code) == 0)
			set_code(w, code, 2);
	} else if (!strcmp(w->kv_key, "WER.OS.Version")) {
		val_set(&w->os_version, v, vn, 1, w->rowid, "WER.OS.Version");
		w->parsed = "os.version";
	}
	w->kv_key[0] = '\0';
}

/* ---- !locks and !thread records, written when the next one starts ---- */

static int
flush_resource(struct wd *w)
{
	char *text;
	int rc = 0;

	if (!w->res.name)
		return 0;
	if (w->res.exclusive) {
		text = xasprintf("exclusively owned by thread %s; contention %" PRId64
				 "; exclusive waiters %" PRId64 "; shared waiters %" PRId64,
				 w->res.owner ? w->res.owner : "?", w->res.contention, w->res.xwaiters,
				 w->res.swaiters);
		rc = fact(w, "lock.exclusive", w->res.name, 1, w->res.xwaiters + w->res.swaiters, text,
			  w->res.ref);
		free(text);
	}
	free(w->res.name);
	free(w->res.owner);
	memset(&w->res, 0, sizeof w->res);
	return rc;
}

static int
flush_thread(struct wd *w)
{
	char *text;
	int rc;

	if (!w->thr.addr)
		return 0;
	text = xasprintf("%s%s%s; %" PRId64 " IRP(s)", w->thr.state ? w->thr.state : "",
			 w->thr.wait ? "; waiting " : "", w->thr.wait ? w->thr.wait : "", w->thr.irps);
	rc = fact(w, "thread", w->thr.addr, w->thr.ticks >= 0, w->thr.ticks, text, w->thr.ref);
	free(text);
	free(w->thr.addr);
	free(w->thr.state);
	free(w->thr.wait);
	memset(&w->thr, 0, sizeof w->thr);
	return rc;
}

/* ---- the line dispatcher ---- */

#define CAP(i) (line + ov[2 * (i)])
#define CAPLEN(i) ((size_t)(ov[2 * (i) + 1] - ov[2 * (i)]))
#define CAPSET(i) (ov[2 * (i)] != PCRE2_UNSET)

static int
month_number(const char *m)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int i = 0; i < 12; i++)
		if (!strncmp(months + 3 * i, m, 3))
			return i + 1;
	return 0;
}

static void
add_hint(struct wd *w, const char *module, const char *why)
{
	for (size_t i = 0; i < w->nhints; i++)
		if (!strcasecmp(w->hints[i].module, module))
			return;
	if (w->nhints == MAX_HINTS || !*module || strlen(module) > 128)
		return;
	w->hints[w->nhints++] = (struct culprit_hint){.module = xstrdup(module), .why = why};
	w->parsed = "fault.hint";
}

/* What a command's arguments tell: "!irp ADDR" names the IRP whose current
 * stack location follows; "!verifier 3 X.sys" the driver looked at. */
static void
command_arguments(struct wd *w)
{
	const char *p = w->section, *arg;
	uint64_t a;

	w->irp = 0;
	w->irp_current = 0;
	if (!strncmp(p, "!irp ", 5)) {
		arg = p + 5 + strspn(p + 5, " ");
		if (parse_hex(arg, strcspn(arg, " "), &a) == 0)
			w->irp = a;
	} else if (!strncmp(p, "!verifier", 9)) {
		while ((p = strchr(p, ' '))) {
			size_t n;

			p++;
			n = strcspn(p, " ");
			if (n > 4 && n < 128 && !strncasecmp(p + n - 4, ".sys", 4)) {
				char name[128];

				snprintf(name, sizeof name, "%.*s", (int)n, p);
				add_hint(w, name, "the engineer ran !verifier on it");
			}
		}
	}
}

static int
handle_match(struct wd *w, enum wd_kind kind, const char *line, const PCRE2_SIZE *ov)
{
	char buf[256];
	uint32_t code;
	uint64_t a;

	switch (kind) {
	case K_PROMPT:
		if (w->block == B_STACK && stack_end(w) < 0)
			return -1;
		if (flush_resource(w) < 0 || flush_thread(w) < 0)
			return -1;
		w->block = B_NONE;
		if (CAPLEN(1) > 0) {
			snprintf(w->section, sizeof w->section, "%.*s", (int)CAPLEN(1), CAP(1));
			w->ncommands++;
			command_arguments(w);
		}
		w->parsed = "command";
		break;
	case K_BANNER:
		if (strncmp(w->section, "!analyze", 8))
			snprintf(w->section, sizeof w->section, "!analyze -v");
		w->parsed = "command";
		break;
	case K_TITLE:
		if (parse_code(CAP(2), CAPLEN(2), &code) < 0)
			break;
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(1), CAP(1));
		/* Only a real bugcheck title: the name is the code's, or the
		 * code is one the table does not know yet. */
		if (bugcheck_from_name(buf) == code || !bugcheck_name(code, NULL, 0)) {
			snprintf(w->title_name, sizeof w->title_name, "%s", buf);
			set_code(w, code, 4);
		}
		break;
	case K_UNKNOWN_CODE:
		if (parse_code(CAP(1), CAPLEN(1), &code) == 0)
			set_code(w, code, 4);
		break;
	case K_ARG:
		if (parse_hex(CAP(2), CAPLEN(2), &a) == 0)
			set_arg(w, CAP(1)[0] - '1', a);
		break;
	case K_KV_KEY:
		snprintf(w->kv_key, sizeof w->kv_key, "%.*s", (int)CAPLEN(1), CAP(1));
		break;
	case K_KV_VALUE:
		if (w->kv_key[0])
			kv_value(w, CAP(1), CAPLEN(1));
		break;
	case K_KERNEL_VERSION:
		val_set(&w->os_build, CAP(1), CAPLEN(1), 3, w->rowid, "Kernel Version");
		w->parsed = "os.build";
		break;
	case K_BUILD_LAB:
		val_set(&w->os_build, CAP(1), CAPLEN(1), 2, w->rowid, "build lab");
		w->parsed = "os.build";
		break;
	case K_PRODUCT:
		val_set(&w->product_type, CAP(1), CAPLEN(1), 1, w->rowid, "Product");
		w->parsed = "os.product_type";
		break;
	case K_SESSION_TIME: {
		int mon = month_number(CAP(1)), day = atoi(CAP(2)), hour = atoi(CAP(3)), min = atoi(CAP(4)),
		    sec = atoi(CAP(5)), year = atoi(CAP(7));
		int64_t usec = 0;

		if (!mon || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60 || year < 1990 || year > 2200 ||
		    (CAPSET(9) && atoi(CAP(9)) > 14))
			break;	/* not a time: keep the line as text */
		if (CAPSET(6)) {
			char frac[8] = "000000";

			memcpy(frac, CAP(6), CAPLEN(6));
			usec = strtol(frac, NULL, 10);
		}
		w->crash_ts = wb_make_time(year, mon, day, hour, min, sec, usec);
		if (CAPSET(8)) {
			int64_t off = (atoi(CAP(9)) * 60 + (CAPSET(10) ? atoi(CAP(10)) : 0)) * 60 * WB_US_PER_SEC;

			w->crash_ts -= CAP(8)[0] == '-' ? -off : off;
		}
		w->have_crash_ts = 1;
		w->parsed = "crash.time";
		break;
	}
	case K_UPTIME: {
		char frac[8] = "000000";

		if (CAPSET(5))
			memcpy(frac, CAP(5), CAPLEN(5));
		w->uptime = (((int64_t)atoi(CAP(1)) * 24 + atoi(CAP(2))) * 3600 + atoi(CAP(3)) * 60 + atoi(CAP(4))) *
				    WB_US_PER_SEC + strtol(frac, NULL, 10);
		w->uptime_ref = w->rowid;
		w->parsed = "os.uptime";
		break;
	}
	case K_CODE_ARGLIST:
		if (parse_code(CAP(1), CAPLEN(1), &code) == 0) {
			set_code(w, code, 3);
			snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(2), CAP(2));
			set_arg_list(w, buf);
		}
		break;
	case K_FATAL:
		if (parse_code(CAP(1), CAPLEN(1), &code) == 0) {
			set_code(w, code, 3);
			w->expect_fatal_args = 1;
		}
		return 0;	/* keep expect_fatal_args for the next line */
	case K_FATAL_ARGS:
		if (w->expect_fatal_args) {
			snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(1), CAP(1));
			set_arg_list(w, buf);
		}
		break;
	case K_SUMMARY_CODE:
		if (parse_code(CAP(1), CAPLEN(1), &code) == 0)
			set_code(w, code, 3);
		break;
	case K_SUMMARY_PARAMS:
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(1), CAP(1));
		set_arg_list(w, buf);
		break;
	case K_CAUSED_BY:
		val_set(&w->image_name, CAP(2), CAPLEN(2), 3, w->rowid,
			tolower((unsigned char)CAP(1)[0]) == 'p' ? "Probably caused by" : "tool summary");
		w->parsed = "fault.image_name";
		break;
	case K_EXCEPTION_ADDRESS:
		if (parse_hex(CAP(1), CAPLEN(1), &a) == 0) {
			add_resolved(w, a, CAP(2), CAPLEN(2), 0);
			if (!w->fault_address)
				w->fault_address = a;
		}
		break;
	case K_IRP_CURRENT:
		w->irp_current = w->irp != 0;
		w->parsed = w->irp ? "irp" : NULL;
		return 0;
	case K_IRP_DRIVER:
		if (w->irp_current && w->nirps < MAX_IRPS) {
			w->irps[w->nirps].irp = w->irp;
			w->irps[w->nirps].driver = xstrndup(CAP(1), CAPLEN(1));
			pend(w, "irp.current", w->irps[w->nirps].driver, 0, 0, w->section);
			w->nirps++;
			w->irp_current = 0;
		}
		break;
	case K_HINT:
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(2), CAP(2));
		add_hint(w, buf, CAP(1)[0] == 'W' ? "the debugger could not verify its timestamp or checksum "
						    "(a module it looked at, not from Microsoft's symbol server)"
						  : "the debugger found no symbols for it while analysing");
		break;
	case K_VERIFIER_MODULE:
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(1), CAP(1));
		add_hint(w, buf, "Driver Verifier lists it among the verified drivers");
		break;
	case K_EXCEPTION_CODE:
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(1), CAP(1));
		set_status(w, buf, 2, "ExceptionCode");
		break;
	case K_STACK_HEADER:
		if (w->block == B_STACK && stack_end(w) < 0)
			return -1;
		stack_begin(w, strchr(line, '#') != NULL, 0, 0);
		w->parsed = "stack";
		break;
	case K_STACK_LIST_HEADER:
		if (w->block == B_STACK && stack_end(w) < 0)
			return -1;
		stack_begin(w, 0, 0, 1);
		w->parsed = "stack";
		break;
	case K_LM_HEADER:
		w->block = B_LM;
		w->parsed = "modules";
		break;
	case K_UNLOADED_HEADER:
		w->block = B_UNLOADED;
		w->parsed = "modules";
		break;
	case K_LM_DETAIL: {
		char key[64];

		snprintf(key, sizeof key, "%.*s", (int)CAPLEN(1), CAP(1));
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(2), CAP(2));
		if (w->block == B_LM || w->block == B_UNLOADED)
			lm_detail(w, key, buf);
		break;
	}
	case K_VM_COUNTER: {
		static const struct {
			const char *label, *key;
		} vm_keys[] = {
			{"Physical Memory", "mem.physical_kb"},
			{"Available Pages", "mem.available_kb"},
			{"Commit limit", "mem.commit_limit_kb"},
			{"Committed pages", "mem.committed_kb"},
			{"NonPagedPool Usage", "mem.nonpaged_kb"},
			{"NonPagedPool Max", "mem.nonpaged_max_kb"},
			{"PagedPool Usage", "mem.paged_kb"},
			{"PagedPool Maximum", "mem.paged_max_kb"},
		};
		int64_t kb = strtoll(CAP(3), NULL, 10);

		for (size_t i = 0; i < sizeof vm_keys / sizeof vm_keys[0]; i++)
			if (strlen(vm_keys[i].label) == CAPLEN(1) && !memcmp(vm_keys[i].label, CAP(1), CAPLEN(1))) {
				snprintf(buf, sizeof buf, "%" PRId64, kb);
				pend(w, vm_keys[i].key, buf, 1, kb, NULL);
			}
		if (!w->vm_seen)
			w->vm_ref = w->rowid;
		w->vm_seen = 1;
		break;
	}
	case K_COMMIT_FAILED: {
		int64_t n = strtoll(CAP(1), NULL, 10);

		snprintf(buf, sizeof buf, "%" PRId64, n);
		pend(w, "mem.commit_failures", buf, 1, n, NULL);
		w->commit_failures_seen = 1;
		break;
	}
	case K_RESOURCE:
		if (flush_resource(w) < 0)
			return -1;
		w->res.name = CAPSET(1) && CAPLEN(1) ? xstrndup(CAP(1), CAPLEN(1)) : xstrndup(CAP(2), CAPLEN(2));
		w->res.exclusive = CAP(3)[0] == 'E';
		w->res.ref = w->rowid;
		w->parsed = w->res.exclusive ? "lock.exclusive" : "lock.shared";
		break;
	case K_RESOURCE_COUNT:
		if (w->res.name) {
			int64_t n = strtoll(CAP(2), NULL, 10);

			if (CAP(1)[0] == 'C')
				w->res.contention = n;
			else if (CAP(1)[8] == 'E')	/* NumberOfExclusiveWaiters */
				w->res.xwaiters = n;
			else
				w->res.swaiters = n;
			w->parsed = "lock";
		}
		break;
	case K_RESOURCE_THREADS:
		if (w->res.name && !w->res.owner) {
			w->res.owner = xstrndup(CAP(1), CAPLEN(1));
			w->parsed = "lock";
		}
		break;
	case K_THREAD:
		if (flush_thread(w) < 0)
			return -1;
		w->thr.addr = xstrndup(CAP(1), CAPLEN(1));
		w->thr.state = xstrndup(CAP(3), CAPLEN(3));
		w->thr.ticks = -1;
		w->thr.ref = w->rowid;
		w->parsed = "thread";
		break;
	case K_WAIT_TICKS:
		if (w->thr.addr) {
			w->thr.ticks = strtoll(CAP(1), NULL, 10);
			if (CAPSET(2))
				w->thr.wait = xstrndup(CAP(2), CAPLEN(2));
			w->parsed = "thread";
		}
		break;
	case K_IRP_ENTRY:
		if (w->thr.addr) {
			w->thr.irps++;
			w->parsed = "thread.irp";
		}
		break;
	case K_POOL_CORRUPT:
		pend(w, "pool.corruption", w->section[0] ? w->section : "!pool", 0, 0, line);
		break;
	case K_POOL_PAGE:
		snprintf(buf, sizeof buf, "%.*s", (int)CAPLEN(2), CAP(2));
		pend(w, "pool.page", buf, 0, 0, line);
		break;
	case K_POOL_ENTRY: {
		char tag[8];

		snprintf(tag, sizeof tag, "%.*s", (int)CAPLEN(4), CAP(4));
		snprintf(buf, sizeof buf, "block %.*s, size 0x%.*s, %.*s", (int)CAPLEN(1), CAP(1),
			 (int)CAPLEN(2), CAP(2), (int)CAPLEN(3), CAP(3));
		pend(w, "pool.tag", tag, 0, 0, buf);
		break;
	}
	case K_KEY: {
		char key[64];

		snprintf(key, sizeof key, "%.*s", (int)CAPLEN(1), CAP(1));
		analyze_key(w, key, CAP(2), CAPLEN(2));
		break;
	}
	}
	w->expect_fatal_args = 0;
	return 0;
}

static int
classify(struct wd *w, const char *line, size_t len, pcre2_match_data *md)
{
	for (size_t i = 0; i < NPATTERNS; i++) {
		int rc = pcre2_match(wd_compiled[i], (PCRE2_SPTR)line, len, 0, PCRE2_NO_UTF_CHECK, md, NULL);

		if (rc > 0)
			return handle_match(w, wd_patterns[i].kind, line, pcre2_get_ovector_pointer(md));
	}
	w->expect_fatal_args = 0;
	return 0;
}

static int
blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Block-level reading (stacks, lm rows), then the pattern table. */
static int
wd_understand(struct wd *w, const char *line, size_t len, pcre2_match_data *md)
{
	struct wd_frame f;

	if (w->pending_symbol)
		resolve_pending_symbol(w, line);
	if (w->block == B_STACK) {
		if (blank(line)) {
			/* STACK_TEXT ends at a blank line; k output too. */
			return stack_end(w);
		}
		if (parse_frame_line(line, w->cur.numbered, w->cur.bare ? 0 : 1, &f) == 0) {
			f.ref = w->rowid;
			stack_push(&w->cur, &f);
			w->parsed = "stack.frame";
			return 0;
		}
		if (stack_end(w) < 0)
			return -1;
	} else if (w->block == B_LM || w->block == B_UNLOADED) {
		if (blank(line))
			return 0;
		if (parse_lm_row(w, line, w->block == B_UNLOADED) == 0)
			return 0;
		if (!isspace((unsigned char)line[0]))	/* lmv details are indented */
			w->block = B_NONE;
	} else if (!blank(line) && parse_frame_line(line, 0, 2, &f) == 0) {
		/* A stack pasted without its header: two address columns and a
		 * symbol ("fffff880`04822b80 fffff803`724476c7 nt!IovCallDriver+0xba"). */
		int symbol = f.module != NULL;

		frame_free(&f);
		if (symbol) {
			stack_begin(w, 0, 0, 0);
			return wd_understand(w, line, len, md);
		}
	}
	if (classify(w, line, len, md) < 0)
		return -1;
	if (!w->parsed && symbol_only_line(line)) {
		w->pending_symbol = xstrdup(line + strspn(line, " \t"));
		w->parsed = "fault.address";
	}
	return 0;
}

/* Is s an !analyze key ("BUGCHECK_P1: ", "Arg2: ", "Arguments:")? */
static int
key_at(const char *s)
{
	size_t n = 0;

	if (!strncmp(s, "Arguments:", 10))
		return 1;
	if (!strncmp(s, "Arg", 3) && s[3] >= '1' && s[3] <= '4' && s[4] == ':')
		return 1;
	if (!isupper((unsigned char)s[0]))
		return 0;
	while (isupper((unsigned char)s[n]) || isdigit((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n >= 3 && s[n] == ':' && (s[n + 1] == ' ' || s[n + 1] == '\0');
}

/* Pages that lost their line breaks run !analyze together ("DUMP_TYPE: 1
 * BUGCHECK_P1: 1 BUGCHECK_P2: ..."): such a line is read piece by piece,
 * cut before each key.  Returns the number of cuts (0: an ordinary line). */
static size_t
key_cuts(const char *line, size_t len, size_t *cuts, size_t max)
{
	size_t n = 0;

	for (size_t i = 1; i < len && n < max; i++)
		if (line[i - 1] == ' ' && key_at(line + i))
			cuts[n++] = i;
	return n >= 2 ? n : 0;
}

static int
wd_understand_pieces(struct wd *w, const char *line, size_t len, pcre2_match_data *md)
{
	size_t cuts[256], n = key_cuts(line, len, cuts, 256), start = 0;
	const char *parsed = NULL;

	if (!n)
		return wd_understand(w, line, len, md);
	for (size_t i = 0; i <= n; i++) {
		size_t end = i < n ? cuts[i] : len;
		char *piece = xstrndup(line + start, end - start);
		int rc;

		w->parsed = NULL;
		rc = wd_understand(w, piece, end - start, md);
		free(piece);
		if (rc < 0)
			return -1;
		if (w->parsed)
			parsed = w->parsed;
		start = end;
	}
	w->parsed = parsed;
	return 0;
}

/* Lines are understood before they are stored (the row carries what wb
 * understood), and facts written after (they point at the row).  The
 * few things that need the row id before it exists (stack frames, lm rows,
 * values kept for the end) get it patched in just after the insert. */
static int
wd_line(struct wd *w, const char *line, size_t len, pcre2_match_data *md)
{
	size_t nmodules_before = w->nmodules, plen = len;
	int rc = 0;
	char *copy;
	const char *plain = tooltext_plain(line, &plen, &copy);

	w->parsed = NULL;
	w->npending = 0;
	w->rowid = 0;
	if (wd_understand_pieces(w, plain, plen, md) < 0)
		rc = -1;
	free(copy);
	if (rc == 0 && tooltext_store_line(w->ing, w->lineno, line, len, w->section[0] ? w->section : NULL,
					   w->parsed, &w->rowid, w->err) < 0)
		rc = -1;
	if (rc == 0) {
		/* Whatever this line supplied still has ref 0: point it here. */
		if (w->parsed)
			w->nunderstood++;
		for (size_t i = 0; i < w->cur.n; i++)
			if (!w->cur.frames[i].ref)
				w->cur.frames[i].ref = w->rowid;
		for (size_t i = 0; i < w->best.n; i++)
			if (!w->best.frames[i].ref)
				w->best.frames[i].ref = w->rowid;
		for (size_t i = nmodules_before; i < w->nmodules; i++)
			w->modules[i].ref = w->rowid;
		if (w->code_rank && w->code_ref == 0)
			w->code_ref = w->rowid;
		for (int i = 0; i < 4; i++)
			if (w->have_arg[i] && w->arg_ref[i] == 0)
				w->arg_ref[i] = w->rowid;
		{
			struct wd_val *vals[] = {&w->image_name, &w->module_name, &w->bucket, &w->symbol,
						 &w->process, &w->image_version, &w->status, &w->os_build,
						 &w->os_version, &w->product_type};

			for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
				if (vals[i]->s && vals[i]->ref == 0)
					vals[i]->ref = w->rowid;
		}
		if (w->res.name && w->res.ref == 0)
			w->res.ref = w->rowid;
		if (w->thr.addr && w->thr.ref == 0)
			w->thr.ref = w->rowid;
		if (w->vm_seen && w->vm_ref == 0)
			w->vm_ref = w->rowid;
		if (w->uptime >= 0 && w->uptime_ref == 0)
			w->uptime_ref = w->rowid;
	}
	if (flush_frames(w, w->rowid) < 0)
		rc = -1;
	for (size_t i = 0; i < w->npending; i++) {
		struct wd_pending *p = &w->pending[i];

		if (rc == 0 && fact(w, p->key, p->value, p->has_num, p->num, p->text, w->rowid) < 0)
			rc = -1;
		free(p->value);
		free(p->text);
	}
	w->npending = 0;
	return rc;
}

/* ---- the end: facts that needed the whole file ---- */

static int
emit_val(struct wd *w, const char *key, struct wd_val *v, int lower_case)
{
	char *value;
	int rc;

	if (!v->s || !*v->s)
		return 0;
	value = xstrdup(v->s);
	if (lower_case)
		lower(value);
	rc = fact(w, key, value, 0, 0, v->source, v->ref);
	free(value);
	return rc;
}

static int
emit_crash(struct wd *w, struct culprit *c, int *have_culprit)
{
	char code[16], name[128], buf[64];
	uint32_t base = bugcheck_base(w->code);
	struct culprit_frame *frames = NULL;
	struct culprit_module *mods = NULL;
	char (*modnames)[160] = NULL;
	char *param_module = NULL, *param_reason = NULL;
	struct culprit_input in = {0};
	int rc = 0;

	*have_culprit = 0;
	if (w->code) {
		bugcheck_format_code(w->code, code, sizeof code);
		if (!bugcheck_name(w->code, name, sizeof name))
			snprintf(name, sizeof name, "%s", w->title_name);
		if (w->code_implied) {
			char *text = xasprintf("%s (implied by %s on the stack)", name, w->code_implied);

			rc = fact(w, "bugcheck.code", code, 1, w->code, text, w->code_ref);
			free(text);
		} else {
			rc = fact(w, "bugcheck.code", code, 1, w->code, name[0] ? name : NULL, w->code_ref);
		}
		if (rc < 0)
			return -1;
		if (name[0] && fact(w, "bugcheck.name", name, 0, 0, code, w->code_ref) < 0)
			return -1;
		bugcheck_format_code(base, buf, sizeof buf);
		if (fact(w, "bugcheck.base", buf, 1, base, NULL, w->code_ref) < 0)
			return -1;
		for (int i = 0; i < 4; i++) {
			static const char *const keys[] = {"bugcheck.arg1", "bugcheck.arg2", "bugcheck.arg3",
							   "bugcheck.arg4"};

			if (!w->have_arg[i])
				continue;
			snprintf(buf, sizeof buf, "0x%" PRIX64, w->args[i]);
			if (fact(w, keys[i], buf, 1, (int64_t)w->args[i], NULL, w->arg_ref[i]) < 0)
				return -1;
		}
		/* Exception bugchecks carry the NTSTATUS in P1. */
		if ((base == 0x1E || base == 0x7E || base == 0x8E || base == 0x3B) && w->have_arg[0] &&
		    (w->args[0] & 0xF0000000u) == 0xC0000000u) {
			snprintf(buf, sizeof buf, "%08" PRIx64, w->args[0] & 0xFFFFFFFFu);
			val_set(&w->status, buf, strlen(buf), 1, w->arg_ref[0], "P1 exception code");
		}
	}
	/* 0x5A_c0000428_IMAGE_filecrypt.sys: the status is in the bucket. */
	if (w->bucket.s) {
		const char *p = w->bucket.s;

		while ((p = strchr(p, '_'))) {
			p++;
			if ((p[0] == 'c' || p[0] == 'C') && strspn(p, "0123456789abcdefABCDEF") == 8 &&
			    (p[8] == '_' || p[8] == '\0')) {
				snprintf(buf, sizeof buf, "%.8s", p);
				lower(buf);
				val_set(&w->status, buf, 8, 1, w->bucket.ref, "FAILURE_BUCKET_ID");
				break;
			}
		}
	}

	if (!w->code && !w->best.n && !w->image_name.s)
		return 0;	/* no crash in this text: no culprit */

	in.bugcheck = w->code;
	for (int i = 0; i < 4; i++) {
		in.args[i] = w->args[i];
		in.has_args |= w->have_arg[i];
	}
	if (w->best.n) {
		frames = xcalloc(w->best.n, sizeof *frames);
		for (size_t i = 0; i < w->best.n; i++)
			frames[i] = (struct culprit_frame){
				.module = w->best.frames[i].module,
				.symbol = w->best.frames[i].symbol,
				.offset = w->best.frames[i].offset,
				.address = w->best.frames[i].address,
			};
		in.frames = frames;
		in.nframes = w->best.n;
	}
	if (w->nmodules) {
		mods = xcalloc(w->nmodules, sizeof *mods);
		modnames = xcalloc(w->nmodules, sizeof *modnames);
		for (size_t i = 0; i < w->nmodules; i++) {
			module_file(&w->modules[i], modnames[i], sizeof modnames[i]);
			mods[i] = (struct culprit_module){
				.name = modnames[i],
				.base = w->modules[i].base,
				.size = w->modules[i].end - w->modules[i].base,
				.unloaded = w->modules[i].unloaded,
			};
		}
		in.modules = mods;
		in.nmodules = w->nmodules;
	}
	in.image_name = w->image_name.s ? w->image_name.s : w->module_name.s;
	in.resolved = w->resolved;
	in.nresolved = w->nresolved;
	in.fault_address = w->fault_address;
	in.hints = w->hints;
	in.nhints = w->nhints;
	/* 0x9F with P1 = 3: P4 is the blocked IRP; !irp on it shows which
	 * driver holds it. */
	for (size_t i = 0; base == 0x9F && w->have_arg[0] && w->args[0] == 3 && w->have_arg[3] && i < w->nirps;
	     i++) {
		const char *driver = w->irps[i].driver, *slash = strrchr(driver, '\\');

		if (w->irps[i].irp != w->args[3])
			continue;
		param_module = xasprintf("%s.sys", slash ? slash + 1 : driver);
		param_reason = xasprintf("P4 0x%" PRIx64 " (the blocked power IRP of 0x9F) is pending in %s "
					 "(its current stack location in the !irp output)",
					 w->args[3], driver);
		in.param_module = param_module;
		in.param_reason = param_reason;
		break;
	}
	culprit_find(&in, c);
	*have_culprit = 1;
	{
		char *value = xstrdup(c->module);
		char *text = c->disagreement[0] ? xasprintf("%s. %s", c->reason, c->disagreement)
						: xstrdup(c->reason);

		lower(value);
		rc = fact(w, "fault.module", value, 1, c->confidence, text,
			  w->image_name.ref ? w->image_name.ref : w->code_ref);
		free(value);
		free(text);
	}
	free(frames);
	free(mods);
	free(modnames);
	free(param_module);
	free(param_reason);
	return rc;
}

/* A stack through the double-fault handler is bugcheck 0x7F with P1 = 8
 * (EXCEPTION_DOUBLE_FAULT) even when the paste shows no code. */
static void
implied_code(struct wd *w)
{
	if (w->code)
		return;
	for (size_t i = 0; i < w->best.n; i++) {
		const struct wd_frame *f = &w->best.frames[i];

		if (f->module && f->symbol && !strcasecmp(f->module, "nt") &&
		    (!strcmp(f->symbol, "KiDoubleFaultAbort") || !strcmp(f->symbol, "KiTrap08"))) {
			w->code = 0x7F;
			w->code_rank = 1;
			w->code_ref = f->ref;
			snprintf(w->title_name, sizeof w->title_name, "UNEXPECTED_KERNEL_MODE_TRAP");
			if (!w->have_arg[0]) {
				w->args[0] = 8;
				w->have_arg[0] = 1;
				w->arg_ref[0] = f->ref;
			}
			w->code_implied = f->norm;
			return;
		}
	}
}

static int
wd_finish(struct wd *w, struct wb_err *err)
{
	struct culprit c;
	int have_culprit = 0;
	char summary[512], buf[160];

	if (w->pending_symbol) {
		free(w->pending_symbol);
		w->pending_symbol = NULL;
	}
	if ((w->block == B_STACK && stack_end(w) < 0) || flush_frames(w, 0) < 0)
		return -1;
	if (flush_resource(w) < 0 || flush_thread(w) < 0)
		return -1;
	implied_code(w);
	if (w->nunderstood == 0)
		return wb_errf(err, _("%s: no WinDbg output found (expected a kd> prompt, !analyze -v, "
				      "a k stack, lm, !vm, !locks, !thread or !pool output)"),
			       ingest_path(w->ing));
	if (emit_crash(w, &c, &have_culprit) < 0)
		return -1;
	if (emit_val(w, "fault.image_name", &w->image_name, 1) < 0 ||
	    emit_val(w, "fault.bucket", &w->bucket, 0) < 0 ||
	    emit_val(w, "fault.process", &w->process, 0) < 0 ||
	    emit_val(w, "fault.image_version", &w->image_version, 0) < 0 ||
	    emit_val(w, "fault.status", &w->status, 1) < 0 ||
	    emit_val(w, "os.version", &w->os_version, 0) < 0 ||
	    emit_val(w, "os.product_type", &w->product_type, 0) < 0)
		return -1;
	if (w->symbol.s) {
		struct wd_frame f;

		if (parse_call_site(w->symbol.s, strlen(w->symbol.s), 1, &f) == 0 &&
		    fact(w, "fault.symbol", f.norm, 0, 0, w->symbol.s, w->symbol.ref) < 0) {
			frame_free(&f);
			return -1;
		}
		frame_free(&f);
	}
	if (w->os_build.s && fact(w, "os.build", w->os_build.s, 1, strtoll(w->os_build.s, NULL, 10),
				   w->os_build.source, w->os_build.ref) < 0)
		return -1;
	if (w->vm_seen && !w->commit_failures_seen &&
	    fact(w, "mem.commit_failures", "0", 1, 0, "!vm shows no failed commit requests", w->vm_ref) < 0)
		return -1;
	for (size_t i = 0; i < w->nmodules; i++) {
		const struct wd_module *m = &w->modules[i];
		char *text = xasprintf("%s%016" PRIx64 "-%016" PRIx64 " %s", m->unloaded ? "unloaded " : "",
				       m->base, m->end, m->detail ? m->detail : "");

		module_file(m, buf, sizeof buf);
		if (fact(w, m->unloaded ? "module.unloaded" : "module.loaded", buf, 0, 0, text, m->ref) < 0) {
			free(text);
			return -1;
		}
		free(text);
	}
	if (w->code) {
		char code[16], name[128];

		bugcheck_format_code(w->code, code, sizeof code);
		if (!bugcheck_name(w->code, name, sizeof name))
			snprintf(name, sizeof name, "%s", w->title_name[0] ? w->title_name : "unknown");
		snprintf(summary, sizeof summary, "WinDbg: bugcheck %s %s%s%.128s", code, name,
			 have_culprit ? ", culprit " : "", have_culprit ? c.module : "");
		if (w->have_crash_ts) {
			struct wb_tl tl = {
				.ts = w->crash_ts,
				.level = "critical",
				.kind = "bugcheck",
				.summary = summary,
				.ref_table = "text_lines",
				.ref_id = w->code_ref,
			};

			if (ingest_timeline(w->ing, &tl, err) < 0)
				return -1;
		}
	} else {
		snprintf(summary, sizeof summary, "WinDbg output");
	}
	/* The session time less the uptime is when the machine started. */
	if (w->have_crash_ts && w->uptime >= 0) {
		char up[96];
		struct wb_tl boot = {
			.ts = w->crash_ts - w->uptime,
			.level = "info",
			.kind = "boot",
			.summary = up,
			.ref_table = "text_lines",
			.ref_id = w->uptime_ref,
		};

		snprintf(up, sizeof up, "WinDbg: system started (%" PRId64 " s before the session time)",
			 w->uptime / WB_US_PER_SEC);
		if (ingest_timeline(w->ing, &boot, err) < 0)
			return -1;
	}
	snprintf(summary + strlen(summary), sizeof summary - strlen(summary),
		 "; %" PRId64 " command(s), %zu frame(s), %zu module(s)", w->ncommands, w->nframes_total,
		 w->nmodules);
	ingest_set_summary(w->ing, summary);
	return 0;
}

static void
wd_free(struct wd *w)
{
	for (size_t i = 0; i < w->nframes_out; i++) {
		free(w->frames_out[i].value);
		free(w->frames_out[i].text);
	}
	free(w->frames_out);
	free(w->frames_out_ref);
	free(w->seen);
	stack_reset(&w->cur);
	stack_reset(&w->best);
	for (size_t i = 0; i < w->nmodules; i++) {
		free(w->modules[i].name);
		free(w->modules[i].image);
		free(w->modules[i].detail);
	}
	free(w->modules);
	for (size_t i = 0; i < 2 * w->nresolved; i++)
		free(w->resolved_strings[i]);
	{
		struct wd_val *vals[] = {&w->image_name, &w->module_name, &w->bucket, &w->symbol, &w->process,
					 &w->image_version, &w->status, &w->os_build, &w->os_version,
					 &w->product_type};

		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
			free(vals[i]->s);
	}
	free(w->pending_symbol);
	for (size_t i = 0; i < w->nhints; i++)
		free((char *)w->hints[i].module);
	for (size_t i = 0; i < w->nirps; i++)
		free(w->irps[i].driver);
	free(w->res.name);
	free(w->res.owner);
	free(w->thr.addr);
	free(w->thr.state);
	free(w->thr.wait);
}

static int
windbg_import(wb_ingest *ing, struct wb_err *err)
{
	struct wd w = {.ing = ing, .err = err, .lm_current = -1, .uptime = -1};
	wb_textin *t;
	pcre2_match_data *md;
	const char *line;
	size_t len;
	int rc;

	if (patterns_compile(err) < 0)
		return -1;
	t = textin_new(ing);
	md = pcre2_match_data_create(16, NULL);
	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		w.lineno = textin_lineno(t);
		if (wd_line(&w, line, len, md) < 0) {
			rc = -1;
			break;
		}
		ingest_add_records(ing, 1);
		if ((w.lineno & 1023) == 0 && ingest_progress(ing, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0)
		rc = wd_finish(&w, err);
	if (rc == 0 && textin_replacements(t))
		ingest_warn(ing, -1, -1, "%llu invalid %s sequences replaced by U+FFFD",
			    (unsigned long long)textin_replacements(t), textin_encoding(t));
	pcre2_match_data_free(md);
	wd_free(&w);
	textin_free(t);
	return rc;
}

/* Content markers of debugger output, with how sure each makes us. */
static const struct {
	const char *marker;
	int score;
} wd_markers[] = {
	{"Bugcheck Analysis", 90},
	{"Microsoft (R) Windows Debugger", 90},
	{"*** Fatal System Error:", 85},
	{"BUGCHECK_CODE:", 85},
	{"BUGCHECK_STR:", 85},
	{"FAILURE_BUCKET_ID:", 85},
	{"kd> ", 80},
	{"Loading Dump File [", 80},
	{"Debug session time:", 70},
	{"Child-SP", 75},
	{"ChildEBP", 75},
	{"Probably caused by :", 75},
	{"Kernel Version ", 60},
	{"module name", 40},
	{"Caused by driver :", 60},
	{"commit requests have failed", 60},
	{"Pool page ", 60},
	{"Resource @ ", 50},
	{"Bugcheck Code:", 55},
	{"Bug check code :", 55},
	{"\nArg1: ", 60},
};

static int
windbg_detect(struct wb_probe *probe)
{
	const char *text;
	int best = 0;

	if (probe->len == 0)
		return 0;
	text = probe_text(probe);
	for (size_t i = 0; i < sizeof wd_markers / sizeof wd_markers[0]; i++)
		if (wd_markers[i].score > best && strstr(text, wd_markers[i].marker))
			best = wd_markers[i].score;
	return best;
}

const struct wb_importer importer_windbg = {
	.name = "windbg",
	.kind = "tooltext",
	.version = "1",
	.describe = N_("WinDbg output: !analyze -v, k stacks, lm, !vm, !locks, !thread, !pool"),
	.detect = windbg_detect,
	.import = windbg_import,
};
