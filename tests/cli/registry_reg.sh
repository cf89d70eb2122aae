#!/bin/sh
# .reg exports written here in both encodings (version 5.00 UTF-16LE with BOM
# and CRLF; REGEDIT4 in UTF-8 and in CP932) with every value type, wrapped hex,
# deletions and comments: both encodings must store the same rows.  Then the
# control set mapping, VSS\Diag decoding, facts, and bad input with lines.
. "$WB_SRCDIR/tests/lib.sh"
command -v iconv >/dev/null || skip_all "iconv not installed"

sql() {
	"$WB" sql c "$1" | sed 1d
}

# hexbytes ENCODING TEXT...: each TEXT in ENCODING with a NUL terminator
# (one NUL unit), then one more NUL unit if there are several (REG_MULTI_SZ).
hexbytes() {
	enc=$1
	shift
	nul='\0'
	case "$enc" in UTF-16LE) nul='\0\0' ;; esac
	{
		for s in "$@"; do
			printf '%s' "$s" | iconv -f UTF-8 -t "$enc"
			printf "$nul"
		done
		[ $# -gt 1 ] && printf "$nul"
	} | od -An -v -tx1 | tr -s ' \n' '  ' | sed 's/^ //; s/ $//; s/ /,/g'
}

# wrap PREFIX HEX: regedit's layout: "PREFIX" then bytes, lines wrapped
# after a comma with ",\" and two leading spaces, 25 bytes a line at most.
wrap() {
	printf '%s' "$1"
	echo "$2" | tr ',' '\n' | awk -v first="$((25 - (${#1} + 2) / 3))" '
		{ b[NR] = $0 } END {
			line = 0; n = 0; lim = first
			for (i = 1; i <= NR; i++) {
				printf "%s%s", b[i], (i < NR ? "," : "")
				if (++n == lim && i < NR) { printf "\\\n  "; n = 0; lim = 25 }
			}
			printf "\n"
		}'
}

# body ENC: the export's lines after the header, strings encoded for ENC.
body() {
	enc=$1
	cat <<EOF

; a comment line
[HKEY_LOCAL_MACHINE\\SOFTWARE\\wbtest]
@="default value"
"Str"="a \\"quoted\\" C:\\\\path\\\\"
"Dw"=dword:0000003c
"DwMax"=dword:ffffffff
"Bin"=hex:00,ff,10
"None"=hex(0):
"Be"=hex(5):00,00,01,00
"Qw"=hex(b):08,07,06,05,04,03,02,01
"Res"=hex(8):01,02,03
"Odd"=hex(1234abcd):01
"Unicode 日本"="値 ✓"
$(wrap '"Exp"=hex(2):' "$(hexbytes "$enc" '%SystemRoot%\MEMORY.DMP')")
$(wrap '"Multi"=hex(7):' "$(hexbytes "$enc" 'C:\pagefile.sys 4096 8192' 'D:\pagefile.sys 0 0' 'E:\x')")
$(wrap '"Long"=hex:' "$(seq 0 199 | awk '{ printf "%s%02x", (NR > 1 ? "," : ""), $1 % 256 }')")
"Spaced"=hex: 01 , 02,\\

  03

[HKEY_LOCAL_MACHINE\\SOFTWARE\\wbtest\\Sub key]
"Del"=-
"Empty"=""

[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]
EOF
}

# A blank line inside wrapped hex ("Spaced") is allowed; so is a file without
# a final newline.
{ echo 'Windows Registry Editor Version 5.00'; body UTF-16LE; } | sed 's/$/\r/' |
	iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } >"$TEST_TMP/v5.reg"
{ echo 'REGEDIT4'; body UTF-8; } >"$TEST_TMP/v4.reg"

run_wb 0 new c
run_wb 0 import c "$TEST_TMP/v5.reg"
like "$OUT" 'evidence 1 \(reg\)' "version 5.00 UTF-16LE export detected as .reg"
run_wb 0 import c "$TEST_TMP/v4.reg"
like "$OUT" 'evidence 2 \(reg\)' "REGEDIT4 export detected as .reg"
like "$(sql "SELECT summary FROM evidence WHERE id = 1")" '^\.reg export \(version 5\.00, UTF-16LE\), 3 keys, 17 values' \
	"v5 summary: encoding and counts"
like "$(sql "SELECT summary FROM evidence WHERE id = 2")" '^\.reg export \(REGEDIT4, UTF-8\), 3 keys, 17 values' \
	"REGEDIT4 summary"

# Sizes and lines differ (UTF-16 bytes are twice as many): compare the rest.
rows="SELECT key, name, type, data, hex(raw) FROM registry WHERE evidence_id = %s ORDER BY id"
# shellcheck disable=SC2059
v5=$(sql "$(printf "$rows" 1)")
# shellcheck disable=SC2059
v4=$(sql "$(printf "$rows" 2)")
is "$v4" "$v5" "both encodings store the same rows (strings decoded from UTF-16 and ANSI alike)"

# value NAME COLUMN: one column of the v5 row of value NAME.
value() {
	sql "SELECT $2 FROM registry WHERE evidence_id = 1 AND name = '$1'"
}
is "$(value '' data)" "default value" "@= is the (Default) value, name ''"
is "$(value Str data)" 'a "quoted" C:\path\' "string escapes \\\" and \\\\ decoded"
is "$(value Dw type)|$(value Dw data)|$(value Dw size)" "REG_DWORD|60|4" "dword"
is "$(value DwMax data)" 4294967295 "dword:ffffffff is unsigned"
is "$(value Bin type)|$(value Bin 'hex(raw)')" "REG_BINARY|00FF10" "hex: bytes kept raw"
is "$(value None type)|$(value None size)" "REG_NONE|0" "hex(0): empty"
is "$(value Be type)|$(value Be data)" "REG_DWORD_BIG_ENDIAN|256" "hex(5) big-endian dword"
is "$(value Qw type)|$(value Qw data)" "REG_QWORD|$((0x0102030405060708))" "hex(b) little-endian qword"
is "$(value Res type)|$(value Res 'hex(raw)')" "REG_RESOURCE_LIST|010203" "hex(8) raw"
is "$(value Odd type)" "REG_0x1234abcd" "unknown hex(N) types keep their number"
is "$(value 'Unicode 日本' data)" "値 ✓" "non-ASCII names and data"
is "$(value Exp type)|$(value Exp data)" 'REG_EXPAND_SZ|%SystemRoot%\MEMORY.DMP' "hex(2) decoded across wrapped lines"
is "$(value Multi "replace(data, char(10), '|')")" 'C:\pagefile.sys 4096 8192|D:\pagefile.sys 0 0|E:\x' \
	"hex(7): one string per line"
is "$(value Multi size)" 104 "hex(7) size: the UTF-16 bytes with both terminators"
is "$(value Long size)" 200 "200 bytes wrapped over 9 lines"
is "$(value Long 'hex(raw)')" "$(seq 0 199 | awk '{ printf "%02X", $1 % 256 }')" "wrapped bytes in order"
is "$(value Spaced 'hex(raw)')" "010203" "spaces and a blank line inside hex tolerated"
is "$(sql "SELECT line FROM registry WHERE evidence_id = 2 AND name = 'Long'")" \
	"$(grep -n '^"Long"' "$TEST_TMP/v4.reg" | cut -d: -f1)" "a wrapped value keeps its first line"
is "$(value Del type)" "delete" '"name"=- stored as a deletion'
is "$(value Empty data)" "" 'empty string'
is "$(sql "SELECT type FROM registry WHERE evidence_id = 1 AND key = 'HKLM\\SOFTWARE\\Gone'")" "delete" \
	"[-key] stored as a deletion"
is "$(sql "SELECT count(*) FROM registry WHERE evidence_id = 1 AND key = 'HKLM\\SOFTWARE\\wbtest\\Sub key' AND name IS NULL")" 1 \
	"key rows: name NULL"

# REGEDIT4 from a Japanese system: CP932 text and CP932 bytes in hex(2).
{
	echo 'REGEDIT4'
	echo
	echo '[HKEY_LOCAL_MACHINE\SOFTWARE\wbtest]'
	echo '"Unicode 日本"="値 ✓"' | sed 's/ ✓//'
	wrap '"Exp"=hex(2):' "$(hexbytes CP932 'C:\ダンプ\MEMORY.DMP')"
} | iconv -f UTF-8 -t CP932 >"$TEST_TMP/cp932.reg"
run_wb 0 import c "$TEST_TMP/cp932.reg"
like "$(sql "SELECT summary FROM evidence WHERE id = 3")" 'REGEDIT4, CP932' "CP932 REGEDIT4 detected"
is "$(sql "SELECT data FROM registry WHERE evidence_id = 3 AND name = 'Unicode 日本'")" "値" "CP932 strings decoded"
is "$(sql "SELECT data FROM registry WHERE evidence_id = 3 AND name = 'Exp'")" 'C:\ダンプ\MEMORY.DMP' \
	"REGEDIT4 hex(2) bytes decoded from CP932"

# Control sets: ControlSet002 is current by Select; ControlSet001 stays.
cat >"$TEST_TMP/ccs.reg" <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\CrashControl]
"CrashDumpEnabled"=dword:00000003

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Control\CrashControl]
"CrashDumpEnabled"=dword:00000001
"FilterPages"=dword:00000001
"DumpFile"=hex(2):43,00,3a,00,5c,00,4d,00,2e,00,44,00,4d,00,50,00,00,00
"AutoReboot"=dword:00000000
"NMICrashDump"=dword:00000001

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\disk]
"TimeOutValue"=dword:000000b4

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\NDIS\Parameters]
"TrackNblOwner"=dword:00000003

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Control\Session Manager\Memory Management]
"VerifyDrivers"="vsepflt.sys Ntfs.sys"
"VerifyDriverLevel"=dword:0000209b
"PagingFiles"=hex(7):43,00,3a,00,5c,00,70,00,2e,00,73,00,79,00,73,00,20,00,31,00,\
  30,00,32,00,34,00,20,00,32,00,30,00,34,00,38,00,00,00,3f,00,3a,00,5c,00,70,\
  00,2e,00,73,00,79,00,73,00,00,00,00,00

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\vsepflt\Instances\vsepflt Instance]
"Altitude"="328200"
[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\bindflt\Parameters\Instances\bindflt Instance]
"Altitude"="409800.5"

[HKEY_LOCAL_MACHINE\SYSTEM\Select]
"Current"=dword:00000002
"Default"=dword:00000002
"Failed"=dword:00000000
"LastKnownGood"=dword:00000001

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]
"ProductName"="Windows Server 2019 Datacenter"
"CurrentBuild"="17763"
"CurrentBuildNumber"="17763"
"CurrentMajorVersionNumber"=dword:0000000a
"CurrentMinorVersionNumber"=dword:00000000
"UBR"=dword:00000d6b

[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\INTEL\LANDesk\VirusProtect6\CurrentVersion\Storages\Filesystem\RealTimeScan]
"KStackMinFree"=dword:00002200
EOF
run_wb 0 import c "$TEST_TMP/ccs.reg"
like "$(sql "SELECT summary FROM evidence WHERE id = 4")" 'CurrentControlSet = ControlSet002' \
	"Select\\Current names the current control set"
is "$(sql "SELECT group_concat(DISTINCT substr(key, 1, 29)) FROM registry WHERE evidence_id = 4 AND key LIKE 'HKLM\\SYSTEM\\C%'")" \
	'HKLM\SYSTEM\ControlSet001\Con,HKLM\SYSTEM\CurrentControlSet' "ControlSet002 stored as CurrentControlSet, 001 kept"
# fact KEY: "value|num" of the facts KEY of evidence 4.
fact() {
	sql "SELECT group_concat(coalesce(value, '') || '|' || coalesce(num, ''), ' ; ') FROM facts WHERE evidence_id = 4 AND key = '$1'"
}
is "$(fact crash.dump_type)" "active|1" "CrashDumpEnabled 1 with FilterPages 1: active dump, from the current set only"
is "$(fact crash.dump_file)" 'C:\M.DMP|' "crash.dump_file"
is "$(fact crash.auto_reboot)" "0|0" "crash.auto_reboot"
is "$(fact crash.nmi_dump)" "1|1" "crash.nmi_dump"
is "$(fact disk.timeout)" "180|180" "disk.timeout (Services\\disk, any case)"
is "$(fact ndis.track_nbl_owner)" "3|3" "ndis.track_nbl_owner"
is "$(fact verifier.drivers)" "vsepflt.sys Ntfs.sys|" "verifier.drivers"
is "$(fact verifier.level)" "0x0000209b|8347" "verifier.level in hex"
is "$(fact mem.pagefile)" 'C:\p.sys|2048 ; ?:\p.sys|' "mem.pagefile per entry, num = maximum MB"
is "$(fact filter)" "vsepflt|328200 ; bindflt|409800" "filter altitudes, both Instances layouts"
is "$(fact boot.control_set)" "ControlSet002|2" "boot.control_set"
is "$(fact os.build)" "17763|17763" "os.build once, from CurrentBuildNumber"
is "$(fact os.version)" "10.0.17763.3435|" "os.version major.minor.build.UBR"
is "$(fact os.product)" "Windows Server 2019 Datacenter|" "os.product"
is "$(fact av.kstack_min_free)" "0x00002200|8704" "Symantec KStackMinFree anywhere under SOFTWARE"
is "$(sql "SELECT value FROM facts WHERE evidence_id = 4 AND key = 'registry' AND value LIKE '%Altitude' ORDER BY id LIMIT 1")" \
	'HKLM\SYSTEM\CurrentControlSet\Services\vsepflt\Instances\vsepflt Instance\Altitude' \
	"registry fact: the value path in normal form"
is "$(sql "SELECT text FROM facts WHERE evidence_id = 4 AND key = 'registry' AND value LIKE '%\\TimeOutValue'")" 180 \
	"registry fact text: the data"

# Without Select, a lone control set is taken as current, with a warning.
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\VSS\\Diag]\n@="Disabled"\n' >"$TEST_TMP/lone.reg"
run_wb 0 import c "$TEST_TMP/lone.reg"
like "$OUT" '1 warnings' "lone control set: one warning"
like "$(sql "SELECT message FROM evidence_warning WHERE evidence_id = 5")" 'took ControlSet001, the only control set, as CurrentControlSet' \
	"the warning says what was assumed"
is "$(sql "SELECT value || ': ' || text FROM facts WHERE evidence_id = 5 AND key = 'vss.diag'")" \
	"disabled: (Default) = Disabled: legacy VSS tracing is off" "vss.diag disabled"
is "$(sql "SELECT value FROM facts WHERE evidence_id = 5 AND key = 'registry'")" \
	'HKLM\SYSTEM\CurrentControlSet\Services\VSS\Diag\(Default)' "the (Default) value path"

# VSS\Diag records: an SppCreate (Enter) newer than its Leave, and a writer's
# bare FREEZE whose phase says enter, are operations that never finished.
# diag US OP PHASE: a 0x48-byte record at unix seconds US.
diag() {
	ft=$((($1 + 11644473600) * 10000000))
	le() {
		v=$1
		i=0
		while [ $i -lt "$2" ]; do
			printf '%02x,' $((v & 255))
			v=$((v >> 8))
			i=$((i + 1))
		done
	}
	rec="$(le 72 4)$(le 0 4)$(le $ft 8)$(le 4242 4)$(le 77 4)$(le "$2" 4)$(le "$3" 4)$(le 0 4)"
	i=0
	while [ $i -lt 36 ]; do rec="${rec}00,"; i=$((i + 1)); done
	echo "${rec%,}"
}
{
	printf 'Windows Registry Editor Version 5.00\n\n'
	printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag\\SPP]\n'
	wrap '"SppCreate (Enter)"=hex:' "$(diag 1714557600 2000 0)"
	wrap '"SppCreate (Leave)"=hex:' "$(diag 1714557000 2000 1)"
	wrap '"SppEnumGroups (Enter)"=hex:' "$(diag 1714557000 2001 0)"
	wrap '"SppEnumGroups (Leave)"=hex:' "$(diag 1714557001 2001 1)"
	printf '\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag\\System Writer]\n'
	wrap '"FREEZE"=hex:' "$(diag 1714557700 3 0)"
	wrap '"IDENTIFY"=hex:' "$(diag 1714557500 1 1)"
} >"$TEST_TMP/diag.reg"
run_wb 0 import c "$TEST_TMP/diag.reg"
is "$(sql "SELECT group_concat(value || '@' || ts, ' ; ') FROM facts WHERE evidence_id = 6 AND key = 'vss.diag.unfinished'")" \
	"SPP\\SppCreate@1714557600000000 ; System Writer\\FREEZE@1714557700000000" \
	"unfinished: Enter newer than Leave, and a bare FREEZE still entered"
like "$(sql "SELECT text FROM facts WHERE evidence_id = 6 AND value = 'SPP\\SppCreate (Enter)'")" \
	'at 2024-05-01T10:00:00.000000Z, pid 4242, tid 77, operation 2000, phase enter' "Diag record decoded"
is "$(sql "SELECT count(*) || '/' || sum(level = 'warning') FROM timeline WHERE evidence_id = 6")" "8/2" \
	"six records and two unfinished operations on the timeline"

# A BCD store exported by regedit (HKLM\BCD00000000): bcdedit settings.
cat >"$TEST_TMP/bcd.reg" <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\12000004]
"Element"="Windows Server 2019"

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\25000080]
"Element"=hex:01,00,00,00,00,00,00,00

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\260000A0]
"Element"=hex:01

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\26000090]
"Element"=hex:00

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\250000e0]
"Element"=hex:01,00,00,00,00,00,00,00

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\16000049]
"Element"=hex:01

[HKEY_LOCAL_MACHINE\BCD00000000\Objects\{aaaaaaaa-0000-0000-0000-000000000001}\Elements\25000020]
"Element"=hex:01,00,00,00,00,00,00,00
EOF
run_wb 0 import c "$TEST_TMP/bcd.reg"
ev=$(sql "SELECT max(id) FROM evidence")
is "$(sql "SELECT group_concat(key || '=' || value || '/' || num, ' ') FROM facts WHERE evidence_id = $ev AND key LIKE 'bcd.%'")" \
	"bcd.safeboot=network/1 bcd.debug=on/1 bcd.bootlog=off/0 bcd.bootstatuspolicy=ignoreallfailures/1 bcd.testsigning=on/1" \
	"BCD elements decoded (booleans one byte, integers eight), unknown ones left alone"
is "$(sql "SELECT text FROM facts WHERE evidence_id = $ev AND key = 'bcd.safeboot'")" \
	'{aaaaaaaa-0000-0000-0000-000000000001} "Windows Server 2019": safeboot = network' "the text names the boot entry"

# Bad input: a clear error with the line, and nothing imported.
# bad NAME EXPECTED-REGEX DESCRIPTION: import $TEST_TMP/NAME.reg, expect the error.
bad() {
	run_wb 1 import c "$TEST_TMP/$1.reg" --as reg
	like "$ERR" "^wb: $TEST_TMP/$1.reg: $2" "$3"
}
printf 'REGEDIT5\n[HKEY_LOCAL_MACHINE\\X]\n' >"$TEST_TMP/header.reg"
bad header "line 1: expected the header 'Windows Registry Editor Version 5.00' or 'REGEDIT4', found 'REGEDIT5'" "wrong header"
: >"$TEST_TMP/empty.reg"
bad empty "line 1: expected the header .* found an empty file" "empty file"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"=hex:01,02,\\\n  03,zz,04\n' >"$TEST_TMP/hex.reg"
bad hex "line 5: bad hex data near 'zz'" "bad byte on a continuation line: that line"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"="open\n' >"$TEST_TMP/unterminated.reg"
bad unterminated "line 4: unterminated string" "unterminated string"
printf 'REGEDIT4\n\n[HKEY_NOWHERE\\X]\n' >"$TEST_TMP/root.reg"
bad root "line 3: unknown root key 'HKEY_NOWHERE'" "unknown root key"
printf 'REGEDIT4\n\n"a"="b"\n' >"$TEST_TMP/nokey.reg"
bad nokey "line 3: a value before any \\[key\\] line" "value before a key"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"=dword:123456789\n' >"$TEST_TMP/dword.reg"
bad dword "line 4: expected dword: and 1 to 8 hex digits" "dword too long"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"=hex(zz):01\n' >"$TEST_TMP/hextype.reg"
bad hextype "line 4: expected hex: or hex\\(N\\):" "bad hex type"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X\n' >"$TEST_TMP/bracket.reg"
bad bracket "line 3: a key line must end with '\\]'" "unclosed key"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a" "b"\n' >"$TEST_TMP/equals.reg"
bad equals "line 4: expected '=' after the value name" "missing ="
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\nfoo\033[2J\n' >"$TEST_TMP/garbage.reg"
bad garbage "line 4: expected a \\[key\\] line.*found 'foo\\^\\[\\[2J'" \
	"stray text, control characters made visible"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"=str:1\n' >"$TEST_TMP/data.reg"
bad data "line 4: unknown value data 'str:1'" "unknown data form"
is "$(sql "SELECT count(*) FROM evidence")" 7 "failed imports leave nothing behind"

# --lenient: bad lines become warnings with their line numbers.
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"=dword:1\n"b"=dword:xyz\n[HKEY_NOWHERE]\n"c"=dword:2\n[HKEY_LOCAL_MACHINE\\Y]\n"d"=dword:3\n' >"$TEST_TMP/lenient.reg"
run_wb 0 import --lenient c "$TEST_TMP/lenient.reg"
like "$OUT" '3 warnings' "--lenient: three bad lines skipped"
is "$(sql "SELECT group_concat(line, ',') FROM evidence_warning WHERE evidence_id = 8")" "5,6,7" \
	"--lenient: warnings carry the lines (a value under a bad key is skipped too)"
is "$(sql "SELECT group_concat(name || '=' || data, ',') FROM registry WHERE evidence_id = 8 AND name IS NOT NULL")" "a=1,d=3" \
	"--lenient: the good values are kept"

# A live export has CurrentControlSet and ControlSet001: nothing is stored twice.
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\disk]\n"TimeOutValue"=dword:0000003c\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\disk]\n"TimeOutValue"=dword:0000003c\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\n"Current"=dword:00000001\n' >"$TEST_TMP/live.reg"
run_wb 0 import c "$TEST_TMP/live.reg"
like "$(sql "SELECT summary FROM evidence WHERE id = 9")" 'CurrentControlSet = ControlSet001' "live export: the current set is named"
is "$(sql "SELECT count(*) FROM facts WHERE evidence_id = 9 AND key = 'disk.timeout'")" 1 \
	"live export: ControlSet001 is not mapped onto CurrentControlSet a second time"

# A wrap cut short by the next key line, and a file ending inside a wrap.
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n"a"=hex:01,02,\\\n[HKEY_LOCAL_MACHINE\\Y]\n"b"=hex:03,\\  ' >"$TEST_TMP/cut.reg"
run_wb 0 import c "$TEST_TMP/cut.reg"
is "$(sql "SELECT group_concat(name || '=' || hex(raw), ',') FROM registry WHERE evidence_id = 10 AND name IS NOT NULL")" "a=0102,b=03" \
	"a wrap ends at the next key line or at the end of the file"
done_testing
