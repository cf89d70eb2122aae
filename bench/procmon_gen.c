/*
 * procmon_gen: write a realistic, seeded Process Monitor CSV export to
 * stdout, for the benchmark and the tests.
 *
 *   procmon_gen [--rows N] [--seed S] [--columns default|full] [--clock 12h|24h|ja]
 *               [--scenario none|system-writer] [--utc-offset MINUTES]
 *
 * Rows look like a busy server: registry and file system traffic from a
 * dozen processes, Process Start rows whose environment block holds bare CR,
 * quoted command lines, REG_BINARY data, directory listings.  With
 * --scenario system-writer, a third of the way in, the System Writer
 * (svchost.exe hosting CryptSvc) enters IDENTIFY, enumerates a folder of
 * 12,000 files, is denied a file and leaves IDENTIFY; the Registry Writer
 * completes IDENTIFY normally; the WMI Writer enters IDENTIFY and never
 * leaves.  The VSS\Diag data carries the UTC FILETIME of each write, the
 * clock being --utc-offset minutes ahead of UTC.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_2024_05_14 19857		/* days since 1970-01-01 */
#define TICKS_PER_SEC 10000000LL
#define FILETIME_UNIX_EPOCH 116444736000000000LL
#define WRITER_DIR_FILES 12000
#define WRITER_DIR "C:\\Windows\\Microsoft.NET\\assembly\\GAC_MSIL"

struct opts {
	long rows;
	uint64_t seed;
	bool full;
	int clock;		/* 12, 24 or 'j' */
	bool scenario;
	int utc_offset;
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* xorshift64*: deterministic for a seed on every platform */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rng() % n);
}

struct proc {
	const char *name;
	int pid;
	const char *image;
	const char *cmdline;
	const char *user;
};

static const struct proc procs[] = {
	{"svchost.exe", 1032, "C:\\Windows\\system32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p", "NT AUTHORITY\\SYSTEM"},
	{"MsMpEng.exe", 3120, "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2205.7-0\\MsMpEng.exe", "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2205.7-0\\MsMpEng.exe\"", "NT AUTHORITY\\SYSTEM"},
	{"System", 4, "System", "", "NT AUTHORITY\\SYSTEM"},
	{"lsass.exe", 708, "C:\\Windows\\system32\\lsass.exe", "C:\\Windows\\system32\\lsass.exe", "NT AUTHORITY\\SYSTEM"},
	{"Explorer.EXE", 5344, "C:\\Windows\\Explorer.EXE", "C:\\Windows\\Explorer.EXE", "CONTOSO\\admin"},
	{"sqlservr.exe", 2876, "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe", "\"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe\" -sMSSQLSERVER", "NT Service\\MSSQLSERVER"},
	{"w3wp.exe", 6120, "C:\\Windows\\system32\\inetsrv\\w3wp.exe", "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\"", "IIS APPPOOL\\DefaultAppPool"},
	{"VSSVC.exe", 4480, "C:\\Windows\\system32\\vssvc.exe", "C:\\Windows\\system32\\vssvc.exe", "NT AUTHORITY\\SYSTEM"},
	{"WmiPrvSE.exe", 3960, "C:\\Windows\\system32\\wbem\\wmiprvse.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", "NT AUTHORITY\\NETWORK SERVICE"},
	{"svchost.exe", 1508, "C:\\Windows\\system32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s CryptSvc", "NT AUTHORITY\\NETWORK SERVICE"},
};
#define NPROCS (sizeof procs / sizeof *procs)
#define CRYPTSVC (&procs[9])
#define VSSVC (&procs[7])
#define WMIPRVSE (&procs[8])

static const char *const reg_keys[] = {
	"HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters",
	"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options",
	"HKLM\\System\\CurrentControlSet\\Control\\Session Manager",
	"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender",
	"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Advanced",
	"HKLM\\SOFTWARE\\Microsoft\\Cryptography\\Defaults\\Provider",
	"HKLM\\System\\CurrentControlSet\\Services\\W32Time\\Config",
	"HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQLServer",
	"HKU\\S-1-5-21-3623811015-3361044348-30300820-1013\\Software\\Classes",
	"HKLM\\System\\CurrentControlSet\\Control\\Nls\\Sorting\\Versions",
};
static const char *const reg_values[] = {
	"Hostname", "Domain", "PendingFileRenameOperations", "DisableAntiSpyware", "Hidden",
	"Type", "MaxPosPhaseCorrection", "BackupDirectory", "(Default)", "",
};
static const char *const files[] = {
	"C:\\Windows\\System32\\kernel32.dll", "C:\\Windows\\System32\\ntdll.dll",
	"C:\\Windows\\System32\\config\\SOFTWARE", "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex240514.log",
	"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\DATA\\tempdb.mdf",
	"C:\\Windows\\Temp\\MpCmdRun.log", "C:\\Users\\admin\\Desktop\\report, final.docx",
	"C:\\Windows\\WinSxS\\amd64_microsoft-windows-crypt32-dll_31bf3856ad364e35_10.0.17763.1_none_1",
	"C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\Service\\DetectionHistory",
	"C:\\Windows\\System32\\drivers\\etc\\hosts", "C:\\Windows\\System32\\catroot2\\edb.log",
	"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll",
};
static const char *const dirs[] = {
	"C:\\Windows\\System32", "C:\\Windows\\Temp", "C:\\inetpub\\wwwroot", "C:\\Users\\admin\\Desktop",
	"C:\\Windows\\System32\\drivers",
};
static const char *const results_file[] = {
	"SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "NAME NOT FOUND",
	"NAME NOT FOUND", "PATH NOT FOUND", "BUFFER OVERFLOW", "REPARSE", "IS DIRECTORY",
	"SHARING VIOLATION", "FAST IO DISALLOWED",
};
static const char *const results_reg[] = {
	"SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "NAME NOT FOUND", "NAME NOT FOUND",
	"BUFFER TOO SMALL", "BUFFER OVERFLOW", "NO MORE ENTRIES", "REPARSE",
};
#define N(a) (sizeof a / sizeof *a)

/* Component names: the pools are sized so that, as in the real exports of
 * the shared corpus, about a tenth of the Path and Detail bytes are
 * distinct (docs/PROCMON.md, "Benchmark"). */
static const char *
name(unsigned i)
{
	static const char *const stems[] = {"Microsoft", "Windows", "Contoso", "Cache", "Policy",
					    "Config", "Crypto", "Shell", "Network", "Update"};
	static char buf[8][48];
	static unsigned turn;
	char *b = buf[turn++ % 8];

	snprintf(b, sizeof buf[0], "%s%s%04X", stems[i % 10], stems[i / 10 % 10], i);
	return b;
}

static const struct opts *O;
static int64_t now_ticks;	/* local time, ticks since 1970 */
static long written;

static void
put_field(const char *s, bool last)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
	fputs(last ? "\r\n" : ",", stdout);
}

static void
format_tod(int64_t ticks, char *buf, size_t len)
{
	int64_t t = ticks % (86400 * TICKS_PER_SEC);
	int h = (int)(t / (3600 * TICKS_PER_SEC)), m = (int)(t / (60 * TICKS_PER_SEC) % 60);
	int s = (int)(t / TICKS_PER_SEC % 60);
	long frac = (long)(t % TICKS_PER_SEC);

	if (O->clock == 12)
		snprintf(buf, len, "%d:%02d:%02d.%07ld %s", h % 12 ? h % 12 : 12, m, s, frac, h < 12 ? "AM" : "PM");
	else if (O->clock == 24)
		snprintf(buf, len, "%02d:%02d:%02d,%07ld", h, m, s, frac);
	else
		snprintf(buf, len, "%d:%02d:%02d.%07ld", h, m, s, frac);
}

static void
civil(int64_t days, int *y, int *mo, int *d)
{
	/* Howard Hinnant's civil_from_days */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mo = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*mo <= 2));
}

static void
row(const struct proc *p, const char *op, const char *path, const char *result, const char *detail)
{
	char tod[48], date[64], buf[32];
	int64_t day = now_ticks / (86400 * TICKS_PER_SEC);
	int y, mo, d;

	now_ticks += 1 + (int64_t)pick(4000);	/* up to 400 us apart: ~250,000 rows a minute */
	format_tod(now_ticks, tod, sizeof tod);
	put_field(tod, false);
	put_field(p->name, false);
	snprintf(buf, sizeof buf, "%d", p->pid);
	put_field(buf, false);
	put_field(op, false);
	put_field(path, false);
	put_field(result, false);
	put_field(detail, !O->full);
	if (O->full) {
		int64_t t = now_ticks % (86400 * TICKS_PER_SEC);
		int h = (int)(t / (3600 * TICKS_PER_SEC));

		civil(day, &y, &mo, &d);
		if (O->clock == 12)
			snprintf(date, sizeof date, "%d/%d/%d %d:%02d:%02d %s", mo, d, y, h % 12 ? h % 12 : 12,
				 (int)(t / (60 * TICKS_PER_SEC) % 60), (int)(t / TICKS_PER_SEC % 60), h < 12 ? "AM" : "PM");
		else if (O->clock == 24)
			snprintf(date, sizeof date, "%02d/%02d/%d %02d:%02d:%02d", d, mo, y, h,
				 (int)(t / (60 * TICKS_PER_SEC) % 60), (int)(t / TICKS_PER_SEC % 60));
		else
			snprintf(date, sizeof date, "%d/%02d/%02d %d:%02d:%02d", y, mo, d, h,
				 (int)(t / (60 * TICKS_PER_SEC) % 60), (int)(t / TICKS_PER_SEC % 60));
		put_field(date, false);
		snprintf(buf, sizeof buf, "0.%07u", pick(20000));
		put_field(buf, false);
		snprintf(buf, sizeof buf, "%d", p->pid + 4 + (int)pick(3) * 4);
		put_field(buf, false);
		put_field(p->image, false);
		put_field(p->cmdline, false);
		put_field(p->user, true);
	}
	written++;
}

/* Rows come in bursts, as in real captures: in the corpus exports 85-99 %
 * of rows have the process of the row before and 26-64 % its path. */
static void
noise(void)
{
	static unsigned cur, k;
	static char last_reg[512], last_file[512];
	const struct proc *p;
	char path[512], detail[1024];

	if (pick(100) >= 92)
		cur = pick(NPROCS - 1);
	p = &procs[cur];
	if (pick(100) >= 60)
		k = pick(100);

	if (k < 55) {
		static const char *const ops[] = {"RegOpenKey", "RegQueryValue", "RegCloseKey", "RegQueryKey", "RegEnumKey"};
		const char *op = ops[pick(N(ops))];
		const char *result = pick(100) < 70 ? "SUCCESS" : results_reg[pick(N(results_reg))];

		if (last_reg[0] && pick(100) < 35) {
			snprintf(path, sizeof path, "%s", last_reg);
			snprintf(detail, sizeof detail, "Desired Access: Read");
		} else if (!strcmp(op, "RegQueryValue")) {
			snprintf(path, sizeof path, "%s\\%s\\%s", reg_keys[pick(N(reg_keys))], name(pick(2000)),
				 reg_values[pick(N(reg_values))]);
			if (!strcmp(result, "SUCCESS"))
				snprintf(detail, sizeof detail, "Type: REG_DWORD, Length: 4, Data: %u", pick(100000));
			else
				snprintf(detail, sizeof detail, "Length: %u", 12 + pick(500));
		} else {
			snprintf(path, sizeof path, "%s\\%s", reg_keys[pick(N(reg_keys))], name(pick(2000)));
			snprintf(detail, sizeof detail, "Desired Access: Read");
		}
		snprintf(last_reg, sizeof last_reg, "%s", path);
		row(p, op, path, result, detail);
	} else if (k < 92) {
		static const char *const ops[] = {"CreateFile", "ReadFile", "CloseFile", "QueryBasicInformationFile", "WriteFile", "QueryStandardInformationFile"};
		const char *op = ops[pick(N(ops))];

		if (last_file[0] && pick(100) < 45)
			snprintf(path, sizeof path, "%s", last_file);
		else if (pick(4))
			snprintf(path, sizeof path, "%s\\%s.dll", dirs[pick(N(dirs))], name(pick(5000)));
		else
			snprintf(path, sizeof path, "%s", files[pick(N(files))]);
		snprintf(last_file, sizeof last_file, "%s", path);
		if (!strcmp(op, "CreateFile"))
			snprintf(detail, sizeof detail, "Desired Access: Generic Read, Disposition: Open, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: n/a, ShareMode: Read, Write, AllocationSize: n/a, OpenResult: Opened");
		else if (!strcmp(op, "ReadFile") || !strcmp(op, "WriteFile"))
			snprintf(detail, sizeof detail, "Offset: %u,%03u, Length: 4,096, I/O Flags: Non-cached, Paging I/O, Synchronous Paging I/O, Priority: Normal",
				 pick(10000) * 4, pick(16) * 64);
		else
			detail[0] = '\0';
		row(p, op, path, pick(100) < 70 ? "SUCCESS" : results_file[pick(N(results_file))], detail);
	} else if (k < 96) {
		unsigned n = 2 + pick(40), len;

		snprintf(path, sizeof path, "%s", dirs[pick(N(dirs))]);
		len = (unsigned)snprintf(detail, sizeof detail, "0: ., 1: .., FileInformationClass: FileIdBothDirectoryInformation");
		for (unsigned i = 3; i < n && len < sizeof detail - 40; i++)
			len += (unsigned)snprintf(detail + len, sizeof detail - len, ", %u: %s.dll", i, name(i * 7 % 5000));
		row(p, "QueryDirectory", path, "SUCCESS", detail);
		row(p, "QueryDirectory", path, "NO MORE FILES", "");
	} else if (k < 99) {
		snprintf(detail, sizeof detail, "Thread ID: %u", 1000 + pick(9000));
		row(p, pick(2) ? "Thread Create" : "Thread Exit", "", "SUCCESS", detail);
	} else {
		/* Environment blocks separate entries with CR ; TAB and no LF. */
		snprintf(detail, sizeof detail,
			 "Parent PID: 712, Command line: %s, Current directory: C:\\Windows\\system32\\, Environment: \r;\t=::=::\\\r;\tALLUSERSPROFILE=C:\\ProgramData\r;\tComSpec=C:\\Windows\\system32\\cmd.exe\r;\tPATH=C:\\Windows\\system32;C:\\Windows",
			 p->cmdline);
		row(p, "Process Start", "", "SUCCESS", detail);
	}
}

static void
diag(const struct proc *p, const char *writer, const char *value)
{
	char path[512], detail[256];
	int64_t ft = now_ticks - (int64_t)O->utc_offset * 60 * TICKS_PER_SEC + FILETIME_UNIX_EPOCH;
	int len;

	snprintf(path, sizeof path, "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\%s", writer);
	row(p, "RegCreateKey", path, "SUCCESS", "Desired Access: Maximum Allowed, Disposition: REG_OPENED_EXISTING_KEY");
	snprintf(path, sizeof path, "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\%s\\%s", writer, value);
	len = snprintf(detail, sizeof detail, "Type: REG_BINARY, Length: 72, Data: 48 00 00 00 00 00 00 00");
	for (int i = 0; i < 8; i++)
		len += snprintf(detail + len, sizeof detail - (size_t)len, " %02X", (unsigned)((ft + 10) >> (8 * i)) & 0xFF);
	row(p, "RegSetValue", path, "SUCCESS", detail);
	snprintf(path, sizeof path, "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\%s", writer);
	row(p, "RegCloseKey", path, "SUCCESS", "");
}

/* The System Writer's IDENTIFY, as in the "Missing System Writer" case. */
static void
scenario(void)
{
	char detail[8192], path[512];

	diag(VSSVC, "SPP", "SppGatherWriterMetadata (Enter)");
	diag(CRYPTSVC, "System Writer", "IDENTIFY (Enter)");
	diag(WMIPRVSE, "WMI Writer", "IDENTIFY (Enter)");
	for (int i = 0; i < 50; i++)
		noise();
	diag(&procs[0], "Registry Writer", "IDENTIFY (Enter)");
	noise();
	diag(&procs[0], "Registry Writer", "IDENTIFY (Leave)");
	row(CRYPTSVC, "CreateFile", "C:\\Windows\\WinSxS\\FileMaps\\$$.cdf-ms", "ACCESS DENIED",
	    "Desired Access: Read Attributes, Disposition: Open, Options: Open Reparse Point, Attributes: n/a, ShareMode: Read, Write, Delete, AllocationSize: n/a");
	row(CRYPTSVC, "CreateFile", WRITER_DIR, "SUCCESS",
	    "Desired Access: Read Data/List Directory, Synchronize, Disposition: Open, Options: Directory, Synchronous IO Non-Alert, Attributes: n/a, ShareMode: Read, Write, Delete, AllocationSize: n/a, OpenResult: Opened");
	for (int done = 0; done < WRITER_DIR_FILES;) {
		int len = 0, batch = 150;

		for (int i = 0; i < batch && done < WRITER_DIR_FILES; i++, done++)
			len += snprintf(detail + len, sizeof detail - (size_t)len, "%s%d: Assembly%05d", i ? ", " : "", i, done);
		row(CRYPTSVC, "QueryDirectory", WRITER_DIR, "SUCCESS", detail);
		if (pick(4) == 0)
			noise();
		if (done % 1500 == 0) {
			snprintf(path, sizeof path, WRITER_DIR "\\Assembly%05d", done - 1);
			row(CRYPTSVC, "CreateFile", path, "SUCCESS", "Desired Access: Read Attributes, Disposition: Open, Options: Open Reparse Point, Attributes: n/a, ShareMode: Read, Write, Delete, AllocationSize: n/a, OpenResult: Opened");
		}
	}
	for (int i = 0; i < 20; i++)
		noise();
	row(CRYPTSVC, "QueryDirectory", WRITER_DIR, "NO MORE FILES", "");
	row(CRYPTSVC, "CloseFile", WRITER_DIR, "SUCCESS", "");
	diag(CRYPTSVC, "System Writer", "IDENTIFY (Leave)");
	diag(VSSVC, "SPP", "SppGatherWriterMetadata (Leave)");
}

static int
usage(void)
{
	fputs("usage: procmon_gen [--rows N] [--seed S] [--columns default|full] [--clock 12h|24h|ja]\n"
	      "                   [--scenario none|system-writer] [--utc-offset MINUTES]\n", stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	struct opts o = {.rows = 1000000, .seed = 1, .clock = 12};
	static char outbuf[1 << 20];
	bool scenario_done = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--rows"))
			o.rows = atol(v);
		else if (!strcmp(a, "--seed"))
			o.seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--columns"))
			o.full = !strcmp(v, "full");
		else if (!strcmp(a, "--clock"))
			o.clock = !strcmp(v, "24h") ? 24 : !strcmp(v, "ja") ? 'j' : 12;
		else if (!strcmp(a, "--scenario"))
			o.scenario = !strcmp(v, "system-writer");
		else if (!strcmp(a, "--utc-offset"))
			o.utc_offset = atoi(v);
		else
			return usage();
	}
	O = &o;
	rng_state = o.seed * 0x9E3779B97F4A7C15ULL + 1;
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	now_ticks = (int64_t)DAY_2024_05_14 * 86400 * TICKS_PER_SEC + (int64_t)(10 * 3600 + 15 * 60) * TICKS_PER_SEC;
	fputs("\xEF\xBB\xBF\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"", stdout);
	fputs(o.full ? ",\"Date & Time\",\"Duration\",\"TID\",\"Image Path\",\"Command Line\",\"User\"\r\n" : "\r\n", stdout);
	while (written < o.rows) {
		if (o.scenario && !scenario_done && written >= o.rows / 3) {
			scenario();
			scenario_done = true;
		}
		noise();
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
