#!/bin/sh
# `reg query` output pasted into a .txt: English in UTF-8, Japanese in
# UTF-16LE (as a redirected `reg query > out.txt` from PowerShell writes it);
# every type, the unnamed value, facts, and bad lines with their numbers.
. "$WB_SRCDIR/tests/lib.sh"
command -v iconv >/dev/null || skip_all "iconv not installed"

sql() {
	"$WB" sql c "$1" | sed 1d
}

cat >"$TEST_TMP/query.txt" <<'EOF'
C:\>reg query HKLM\SYSTEM\CurrentControlSet /s

HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\CrashControl
    AutoReboot    REG_DWORD    0x0
    CrashDumpEnabled    REG_DWORD    0x1
    FilterPages    REG_DWORD    0x1
    DumpFile    REG_EXPAND_SZ    D:\dumps\MEMORY.DMP
    DumpFilters    REG_MULTI_SZ    dumpfve.sys\0dumpxyz.sys
    Blob    REG_BINARY    0102AB
    Big    REG_QWORD    0x102030405060708
    Name with  spaces    REG_SZ    data with    four spaces
    Empty    REG_SZ
    (Default)    REG_SZ    (value not set)

HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\disk
    TimeOutValue    REG_DWORD    0x3c

End of search: 10 match(es) found.
EOF
run_wb 0 new c
run_wb 0 import c "$TEST_TMP/query.txt"
like "$OUT" 'evidence 1 \(reg-query\), 12 records, 0 warnings' "reg query output detected in a .txt"
value() {
	sql "SELECT $2 FROM registry WHERE evidence_id = ${3:-1} AND name = '$1'"
}
is "$(value AutoReboot "type || '=' || data || '/' || size")" "REG_DWORD=0/4" "dword"
is "$(value DumpFile data)" 'D:\dumps\MEMORY.DMP' "REG_EXPAND_SZ"
is "$(value DumpFilters "replace(data, char(10), '|')")" 'dumpfve.sys|dumpxyz.sys' "REG_MULTI_SZ split at \\0"
is "$(value Blob "hex(raw)")" "0102AB" "REG_BINARY hex"
is "$(value Big data)" "$((0x0102030405060708))" "REG_QWORD"
is "$(value 'Name with  spaces' data)" "data with    four spaces" "names and data with spaces"
is "$(value Empty "quote(data)")" "''" "an empty string"
is "$(sql "SELECT count(*) FROM registry WHERE evidence_id = 1 AND name = ''")" 0 "(Default) not set: no value"
is "$(value TimeOutValue line)" 16 "values keep their line"
is "$(sql "SELECT group_concat(key || '=' || value, ' ') FROM facts WHERE evidence_id = 1 AND key IN ('crash.dump_type', 'crash.dump_file', 'disk.timeout')")" \
	'crash.dump_type=active crash.dump_file=D:\dumps\MEMORY.DMP disk.timeout=60' "facts as from any registry source"

# Japanese Windows, UTF-16LE with BOM and CRLF.
printf '%s\r\n' '' 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\VSS\Diag' \
	'    (既定)    REG_SZ    Disabled' '' \
	'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion' \
	'    ProductName    REG_SZ    Windows Server 2016 Standard' \
	'    CurrentBuildNumber    REG_SZ    14393' \
	'    CurrentVersion    REG_SZ    6.3' \
	'    UBR    REG_DWORD    0x1234' '' |
	iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } >"$TEST_TMP/ja.txt"
run_wb 0 import c "$TEST_TMP/ja.txt"
like "$OUT" 'evidence 2 \(reg-query\)' "UTF-16LE reg query output detected"
like "$(sql "SELECT summary FROM evidence WHERE id = 2")" 'reg query output \(UTF-16LE\), 2 keys, 5 values' "summary"
is "$(sql "SELECT value FROM facts WHERE evidence_id = 2 AND key = 'vss.diag'")" "disabled" "(既定) is the unnamed value"
is "$(sql "SELECT value FROM facts WHERE evidence_id = 2 AND key = 'os.version'")" "6.3.14393.4660" "os.version"

# Bad lines: the line and what was expected; --lenient skips them.
printf 'HKEY_LOCAL_MACHINE\\X\n    a    REG_DWORD    0x1\n    b    REG_DWORD    12\n    c    REG_BINARY    0G\n    d    REG_FOO    1\n' >"$TEST_TMP/bad.txt"
run_wb 1 import c "$TEST_TMP/bad.txt"
is "$ERR" "wb: $TEST_TMP/bad.txt: line 3: expected a 0x hex number, found '    b    REG_DWORD    12'" "bad dword named with its line"
run_wb 0 import --lenient c "$TEST_TMP/bad.txt"
is "$(sql "SELECT group_concat(line || ': ' || message, ' | ') FROM evidence_warning WHERE evidence_id = 3")" \
	"3: skipped: line 3: expected a 0x hex number, found '    b    REG_DWORD    12' | 4: skipped: line 4: expected hex digits in pairs, found '    c    REG_BINARY    0G' | 5: skipped: line 5: expected 'name    REG_TYPE    data', found '    d    REG_FOO    1'" \
	"--lenient: each bad line a warning"
printf '    a    REG_DWORD    0x1\nHKEY_LOCAL_MACHINE\\X\n' >"$TEST_TMP/nokey.txt"
run_wb 1 import --as reg-query c "$TEST_TMP/nokey.txt"
like "$ERR" "nokey.txt: line 1: a value before any HKEY_ key line" "a value before any key"
printf 'just text\n' >"$TEST_TMP/none.txt"
run_wb 1 import --as reg-query c "$TEST_TMP/none.txt"
like "$ERR" "no HKEY_ key line: not \`reg query\` output" "text without keys refused"
is "$(sql "SELECT count(*) FROM evidence")" 3 "failed imports leave nothing behind"
done_testing
