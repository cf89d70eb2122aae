#!/bin/sh
# Event log text exports: wevtutil /f:text, Event Viewer CSV/TXT in English
# and Japanese (UTF-8 BOM, CP932, UTF-16LE), PowerShell Export-Csv, the XP
# pasted form with its Data: hex dump, bare pasted messages; local times and
# the zone assumption; clear errors.
. "$WB_SRCDIR/tests/lib.sh"

run_wb 0 new c
sql() {	# sql QUERY: first value
	"$WB" sql c "$1" | sed -n 2p
}
ev() {	# ev FILE: evidence id of an imported file
	sql "SELECT id FROM evidence WHERE path = '$TEST_TMP/$1' ORDER BY id DESC LIMIT 1"
}
iso() {	# iso MICROSECONDS: UTC ISO 8601
	sql "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', $1 / 1000000, 'unixepoch')"
}

# Event Viewer CSV (en-US): five header names, six fields, quoted multi-line message.
printf 'Level,Date and Time,Source,Event ID,Task Category\r\n' >"$TEST_TMP/en.csv"
printf 'Error,4/9/2026 3:47:22 AM,EventLog,6008,None,"The previous system shutdown at 3:40:01 AM on 4/9/2026 was unexpected."\r\n' >>"$TEST_TMP/en.csv"
printf 'Critical,4/9/2026 3:47:20 AM,Microsoft-Windows-Kernel-Power,41,(63),"The system has rebooted without cleanly shutting down first."\r\n' >>"$TEST_TMP/en.csv"
printf 'Error,4/9/2026 12:05:00 PM,VSS,8193,None,"Volume Shadow Copy Service error: Unexpected error calling routine ConvertStringSidToSid.  hr = 0x80070539, The security ID structure is invalid.\r\n\r\nOperation:\r\n   Gathering Writer Data\r\n\r\nContext:\r\n   Writer Name: Shadow Copy Optimization Writer"\r\n' >>"$TEST_TMP/en.csv"
printf 'Information,4/9/2026 12:06:00 PM,Service Control Manager,7036,None,"The ""Print Spooler"" service entered the running state."\r\n' >>"$TEST_TMP/en.csv"
run_wb 0 import c --tz +09:00 "$TEST_TMP/en.csv"
like "$OUT" 'en.csv: evidence [0-9]+ \(event-csv\), 4 records, 0 warnings' "Event Viewer CSV detected and imported"
id=$(ev en.csv)
is "$(iso "$(sql "SELECT ts FROM events WHERE evidence_id = $id AND event_id = 6008")")" "2026-04-08T18:47:22Z" \
	"12-hour US local time converted with --tz +09:00"
is "$(sql "SELECT tz_assumption FROM evidence WHERE id = $id")" "--tz +09:00" "zone assumption recorded"
is "$(sql "SELECT count(*) FROM timeline WHERE evidence_id = $id AND local = 1")" 6 "timeline entries flagged local (4 events + 2 shutdown markers)"
is "$(sql "SELECT count(*) FROM events WHERE evidence_id = $id AND local = 1")" 4 "events flagged local"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'vss.writer.error'")" "Shadow Copy Optimization Writer" \
	"writer read from the multi-line quoted message"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'vss.hr'")" "0x80070539" "hr from the message"
is "$(sql "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE evidence_id = $id AND key = 'shutdown.unexpected' ORDER BY id)")" \
	"EventLog/6008 Kernel-Power/41" "shutdown markers from a CSV"
is "$(sql "SELECT message FROM events WHERE evidence_id = $id AND event_id = 7036")" \
	'The "Print Spooler" service entered the running state.' "doubled quotes unescaped"
is "$(sql "SELECT level FROM events WHERE evidence_id = $id AND event_id = 41")" 1 "Critical level"

# Japanese Event Viewer CSV: UTF-8 with BOM, then the same text in CP932.
printf '\357\273\277レベル,日付と時刻,ソース,イベント ID,タスクのカテゴリ\r\n' >"$TEST_TMP/ja.csv"
printf 'エラー,2026/04/09 13:02:03,Service Control Manager,7000,なし,"Foo サービスを、次のエラーが原因で開始できませんでした: \r\nそのサービスは指定時間内に開始要求または制御要求に応答しませんでした。"\r\n' >>"$TEST_TMP/ja.csv"
printf '情報,2026/4/9 9:05:07,EventLog,6005,なし,"イベント ログ サービスが開始されました。"\r\n' >>"$TEST_TMP/ja.csv"
printf '警告,2026/04/09 午後 1:30:00,disk,153,なし,"論理ブロック アドレス 0x1c3a2f での IO 操作が再試行されました。"\r\n' >>"$TEST_TMP/ja.csv"
tail -c +4 "$TEST_TMP/ja.csv" | iconv -f UTF-8 -t CP932 >"$TEST_TMP/ja_sjis.csv"
for f in ja.csv ja_sjis.csv; do
	run_wb 0 import c "$TEST_TMP/$f"
	like "$OUT" "$f: evidence [0-9]+ \\(event-csv\\), 3 records" "$f: Japanese headers understood"
	id=$(ev $f)
	is "$(sql "SELECT group_concat(level, ' ') FROM (SELECT level FROM events WHERE evidence_id = $id ORDER BY id)")" "2 4 3" \
		"$f: エラー/情報/警告 levels"
	is "$(iso "$(sql "SELECT ts FROM events WHERE evidence_id = $id AND event_id = 6005")")" "2026-04-09T09:05:07Z" \
		"$f: unpadded yyyy/M/d date, case zone +00:00"
	is "$(iso "$(sql "SELECT ts FROM events WHERE evidence_id = $id AND event_id = 153")")" "2026-04-09T13:30:00Z" \
		"$f: 午後 (PM) understood"
	like "$(sql "SELECT message FROM events WHERE evidence_id = $id AND event_id = 6005")" '^イベント ログ サービスが開始されました。$' \
		"$f: message converted to UTF-8"
	is "$(sql "SELECT tz_assumption FROM evidence WHERE id = $id")" "case zone +00:00 (assumed)" "$f: assumption says the case zone was assumed"
done
is "$(sql "SELECT summary FROM evidence WHERE id = $(ev ja_sjis.csv)")" "event log CSV, 3 events, CP932" "CP932 detected"

# Event Viewer "Text (Tab delimited)" in UTF-16LE.
printf 'Level\tDate and Time\tSource\tEvent ID\tTask Category\r\nInformation\t9/29/2026 10:01:02 AM\tService Control Manager\t7036\tNone\t"The Print Spooler service entered the running state."\r\nError\t9/29/2026 10:05:00 PM\tService Control Manager\t7034\tNone\t"The Foo service terminated unexpectedly.  It has done this 3 time(s)."\r\n' |
	iconv -f UTF-8 -t UTF-16 >"$TEST_TMP/tab.txt"
run_wb 0 import c "$TEST_TMP/tab.txt"
like "$OUT" 'tab.txt: evidence [0-9]+ \(event-csv\), 2 records' "UTF-16 tab-delimited TXT"
is "$(sql "SELECT value || ' ' || num FROM facts WHERE evidence_id = $(ev tab.txt) AND key = 'service.failure'")" "Foo 7034" \
	"service name recovered from the message by the template"

# PowerShell 5.1 Get-WinEvent | Export-Csv (with #TYPE, every field quoted).
printf '#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n"Message","Id","Version","Qualifiers","Level","Task","Opcode","Keywords","RecordId","ProviderName","ProviderId","LogName","ProcessId","ThreadId","MachineName","UserId","TimeCreated","LevelDisplayName","Properties"\r\n' >"$TEST_TMP/ps.csv"
printf '"The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000009f (0x0000000000000003, 0xffffe0001a2b3c40, 0xfffff80312345678, 0xffffe0001a2b4d50). A dump was saved in: C:\\Windows\\MEMORY.DMP. Report Id: 0b1c2d3e.","1001",,"16384","2","0","0","36028797018963968","8812","Microsoft-Windows-WER-SystemErrorReporting","{abce23e7-de45-4366-8631-84fa6c525952}","System","0","0","SRV01.contoso.local",,"6/3/2026 1:02:03 PM","Error","System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]"\r\n' >>"$TEST_TMP/ps.csv"
run_wb 0 import c "$TEST_TMP/ps.csv"
like "$OUT" 'ps.csv: evidence [0-9]+ \(event-csv\), 1 records' "PowerShell Export-Csv"
id=$(ev ps.csv)
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'event'")" "BugCheck/1001" "WER-SystemErrorReporting is BugCheck"
is "$(sql "SELECT value || ' ' || num FROM facts WHERE evidence_id = $id AND key = 'bugcheck.code'")" "0x0000009F 159" "bugcheck code from the message"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'bugcheck.arg2'")" "0xFFFFE0001A2B3C40" "bugcheck parameter"
is "$(sql "SELECT record || ' ' || qualifiers FROM events WHERE evidence_id = $id")" "8812 16384" "RecordId and Qualifiers kept"
is "$(sql "SELECT s.s FROM events e JOIN strings s ON s.id = e.computer WHERE e.evidence_id = $id")" "SRV01.contoso.local" "MachineName kept"

# Windows PowerShell Get-EventLog | Export-Csv.
printf '#TYPE System.Diagnostics.EventLogEntry#System/Service Control Manager/3221232506\r\n"EventID","MachineName","Data","Index","Category","CategoryNumber","EntryType","Message","Source","ReplacementStrings","InstanceId","TimeGenerated","TimeWritten","UserName","Site","Container"\r\n"7034","SRV01","System.Byte[]","4242","(0)","0","Error","The Foo service terminated unexpectedly.  It has done this 1 time(s).","Service Control Manager","System.String[]","3221232506","6/3/2026 1:02:03 PM","6/3/2026 1:02:03 PM",,,\r\n"4625","SRV01","System.Byte[]","4243","(12544)","12544","FailureAudit","An account failed to log on.","Microsoft-Windows-Security-Auditing","System.String[]","4625","6/3/2026 1:02:04 PM","6/3/2026 1:02:04 PM",,,\r\n' >"$TEST_TMP/getevl.csv"
run_wb 0 import c "$TEST_TMP/getevl.csv"
like "$OUT" 'getevl.csv: evidence [0-9]+ \(event-csv\), 2 records' "Get-EventLog Export-Csv"
id=$(ev getevl.csv)
is "$(sql "SELECT group_concat(record || '/' || level, ' ') FROM (SELECT record, level FROM events WHERE evidence_id = $id ORDER BY id)")" \
	"4242/2 4243/4" "Index and EntryType (FailureAudit is information level)"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'service.failure'")" "Foo" "SCM 7034 decoded"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'event' AND num = 4625")" "Security-Auditing/4625" \
	"Microsoft-Windows- dropped from the source"

# XP/2003 pasted form with Date:/Time: lines and the Data: hex dump of a disk 153.
printf 'Event Type:\tWarning\r\nEvent Source:\tDisk\r\nEvent Category:\tNone\r\nEvent ID:\t153\r\nDate:\t\t5/6/2011\r\nTime:\t\t2:15:07 PM\r\nUser:\t\tN/A\r\nComputer:\tSRV02\r\nDescription:\r\nThe IO operation at logical block address 0x3b2f10 for Disk 2 (PDO name: \\Device\\00000041) was retried.\r\n\r\nData:\r\n0000: 0f 01 04 00 04 00 2c 00   ......,.\r\n0008: 00 00 00 00 99 00 04 80   ........\r\n0010: 00 00 00 00 00 00 00 00   ........\r\n0018: 00 00 00 00 00 00 00 00   ........\r\n0020: 00 00 00 00 00 00 00 00   ........\r\n0028: 00 02 c9 2a               ...*\r\n' >"$TEST_TMP/xp.txt"
run_wb 0 import c "$TEST_TMP/xp.txt"
like "$OUT" 'xp.txt: evidence [0-9]+ \(event-text\), 1 records, 0 warnings' "XP pasted form"
id=$(ev xp.txt)
is "$(sql "SELECT length(binary) FROM events WHERE evidence_id = $id")" 44 "hex dump read into binary data"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'disk.retry'")" "SRB_STATUS_TIMEOUT" "SRB 0xC9 masked to TIMEOUT"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'disk.retry.op'")" "SCSIOP_WRITE" "opcode 0x2A"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'disk.retry.scsi'")" "CHECK_CONDITION" "SCSI status 0x02"
is "$(iso "$(sql "SELECT ts FROM events WHERE evidence_id = $id")")" "2011-05-06T14:15:07Z" "Date: and Time: lines combined"
unlike "$(sql "SELECT message FROM events WHERE evidence_id = $id")" '0000:' "hex dump not part of the message"

# wevtutil qe /f:text: local time without zone, and UTC with Z.
printf 'Event[0]:\r\n  Log Name: System\r\n  Source: Microsoft-Windows-Kernel-Power\r\n  Date: 2017-03-02T21:21:08.135\r\n  Event ID: 41\r\n  Level: Critical\r\n  Computer: GISEONG-PC\r\n  Description: \r\nThe system has rebooted without cleanly shutting down first.\r\n\r\nEvent[1]:\r\n  Log Name: Application\r\n  Source: VSS\r\n  Date: 2025-11-12T15:49:43.5630000Z\r\n  Event ID: 8194\r\n  Level: Error\r\n  Description: \r\nVolume Shadow Copy Service error: Unexpected error querying for the IVssWriterCallback interface.  hr = 0x80070005, Access is denied.\r\n\r\nContext:\r\n   Writer Name: System Writer\r\n' >"$TEST_TMP/wevt.txt"
run_wb 0 import c --tz -05:00 "$TEST_TMP/wevt.txt"
like "$OUT" 'wevt.txt: evidence [0-9]+ \(event-text\), 2 records' "wevtutil text"
id=$(ev wevt.txt)
is "$(sql "SELECT ts FROM events WHERE evidence_id = $id AND event_id = 41")" 1488507668135000 "local ISO time shifted by --tz -05:00, milliseconds kept"
is "$(sql "SELECT ts FROM events WHERE evidence_id = $id AND event_id = 8194")" 1762962583563000 "Z time taken as UTC, 7 fraction digits"
is "$(sql "SELECT group_concat(local) FROM (SELECT local FROM events WHERE evidence_id = $id ORDER BY id)")" "1,0" "only the zoneless time is local"
is "$(sql "SELECT group_concat(s.s) FROM events e JOIN strings s ON s.id = e.channel WHERE e.evidence_id = $id")" "System,Application" "Log Name kept as channel"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'vss.writer.error'")" "System Writer" "writer from wevtutil text"

# wevtutil /f:RenderedXml: elements without a root; Windows' rendered message kept.
cat >"$TEST_TMP/wevt.xml" <<'XML'
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="disk"/><EventID Qualifiers="32772">153</EventID><Level>3</Level><TimeCreated SystemTime="2022-10-25T10:20:14.5455978Z"/><EventRecordID>436</EventRecordID><Channel>System</Channel><Computer>W10</Computer></System><EventData><Data>\Device\Harddisk0\DR0</Data><Data>0x416e32</Data><Data>0</Data><Data>\Device\00000024</Data><Binary>0F01040004002C00000000009900048000000000000000000000000000000000000000000000000000000488</Binary></EventData></Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-WER-SystemErrorReporting" EventSourceName="BugCheck"/><EventID Qualifiers="16384">1001</EventID><Level>2</Level><TimeCreated SystemTime="2012-04-06T14:07:52.000000000Z"/><EventRecordID>13423</EventRecordID><Channel>System</Channel><Computer>WKS</Computer></System><EventData><Data Name="param1">0x0000009f (0x3, 0xffffe0001a2b3c40, 0x0, 0x0)</Data><Data Name="param2">C:\Windows\MEMORY.DMP</Data><Data Name="param3">x</Data></EventData><RenderingInfo Culture="ja-JP"><Message>コンピューターはバグチェック後に再起動されました。バグチェック: 0x0000009f (0x3, 0xffffe0001a2b3c40, 0x0, 0x0)。</Message><Level>エラー</Level></RenderingInfo></Event>
XML
run_wb 0 import c "$TEST_TMP/wevt.xml"
like "$OUT" 'wevt.xml: evidence [0-9]+ \(event-xml\), 2 records, 0 warnings' "wevtutil XML without a root"
id=$(ev wevt.xml)
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'disk.retry'")" "SRB_STATUS_ERROR" "<Binary> hex decoded"
is "$(sql "SELECT record || ' ' || qualifiers || ' ' || level || ' ' || ts FROM events WHERE evidence_id = $id AND event_id = 153")" \
	"436 32772 3 1666693214545597" "record, qualifiers, level and UTC time"
like "$(sql "SELECT message FROM events WHERE evidence_id = $id AND event_id = 1001")" '^コンピューターはバグチェック後' "RenderingInfo message kept"
is "$(sql "SELECT value FROM facts WHERE evidence_id = $id AND key = 'bugcheck.code'")" "0x0000009F" "decoded from the localized message"
is "$(sql "SELECT json_extract(data, '\$[1]') FROM events WHERE evidence_id = $id AND event_id = 1001")" 'C:\Windows\MEMORY.DMP' "<Data> values kept"

# Event Viewer "Save as XML": UTF-16 with a declaration and an <Events> root.
{ printf '<?xml version="1.0" encoding="UTF-16"?>\n<Events>\n'; sed -n 1p "$TEST_TMP/wevt.xml"; printf '</Events>\n'; } |
	iconv -f UTF-8 -t UTF-16 >"$TEST_TMP/saved.xml"
run_wb 0 import c "$TEST_TMP/saved.xml"
like "$OUT" 'saved.xml: evidence [0-9]+ \(event-xml\), 1 records' "UTF-16 Save as XML"
# Cut short inside an event: the complete ones are kept, with a warning.
head -c 900 "$TEST_TMP/wevt.xml" >"$TEST_TMP/cut.xml"
run_wb 0 import c "$TEST_TMP/cut.xml"
like "$OUT" 'cut.xml: evidence [0-9]+ \(event-xml\), 1 records, 1 warnings' "truncated XML keeps the complete events"
printf '<Event xmlns="x"><System><EventID>1</EventID></System>\n<oops></Event>\n' >"$TEST_TMP/bad.xml"
run_wb 1 import c "$TEST_TMP/bad.xml"
is "$ERR" "wb: $TEST_TMP/bad.xml:2: mismatched tag (expected <Event> elements as wevtutil /f:xml or Event Viewer's Save as XML writes them)" \
	"malformed XML: file, line and what was expected"

# The same log as EVTX and as evtxexport's XML gives the same facts.
sys="$WB_CORPUS/evtx/python-evtx/system.evtx"
if [ -f "$sys" ] && command -v evtxexport >/dev/null; then
	evtxexport -f xml "$sys" 2>/dev/null | sed 1,2d >"$TEST_TMP/system.xml"
	run_wb 0 import c "$TEST_TMP/system.xml"
	run_wb 0 import c "$sys"
	x=$(ev system.xml)
	b=$(sql "SELECT id FROM evidence WHERE path = '$sys'")
	q="SELECT group_concat(key || '=' || value || '@' || ts, ' ') FROM (SELECT key, value, ts FROM facts WHERE evidence_id = %s AND key <> 'event' ORDER BY key, value, ts)"
	is "$(sql "$(printf "$q" "$x")")" "$(sql "$(printf "$q" "$b")")" "XML export and EVTX give the same decoded facts"
	is "$(sql "SELECT count(*) FROM events WHERE evidence_id = $x")" "$(sql "SELECT count(*) FROM events WHERE evidence_id = $b")" \
		"and the same number of events"
fi

# A date wb cannot read: kept, undated, with a warning naming the line.
printf 'Level,Date and Time,Source,Event ID,Task Category\nError,yesterday,VSS,8193,None,"x"\n' >"$TEST_TMP/baddate.csv"
run_wb 0 import c "$TEST_TMP/baddate.csv"
is "$(sql "SELECT line || ': ' || message FROM evidence_warning WHERE evidence_id = $(ev baddate.csv)")" \
	"2: date 'yesterday' not understood (expected e.g. 2024-05-01T10:20:30, 5/1/2024 10:20:30 AM or 2024/05/01 10:20:30); event kept without a time" \
	"bad date warned with its line"

# Errors: nothing stored.
printf 'Level,Date and Time,Source,Event ID,Task Category\nError,4/9/2026 3:47:22 AM,VSS,8193,None,"fine"\nError,4/9/2026 3:47:22 AM,VSS,8193,None,"never closed\n' >"$TEST_TMP/open.csv"
run_wb 0 import c "$TEST_TMP/open.csv"
like "$(sql "SELECT message FROM evidence_warning WHERE evidence_id = $(ev open.csv)")" "ends inside a quoted field" "unclosed quote at the end warned"
before=$(sql "SELECT count(*) FROM events")
printf 'Name,Value\nfoo,1\n' >"$TEST_TMP/other.csv"
run_wb 1 import c --as event-csv "$TEST_TMP/other.csv"
is "$ERR" "wb: $TEST_TMP/other.csv:1: not an event log CSV header (expected columns such as Level,Date and Time,Source,Event ID,Task Category)" \
	"foreign CSV refused with file and line"
printf 'nothing to see\n' >"$TEST_TMP/none.txt"
run_wb 1 import c --as event-text "$TEST_TMP/none.txt"
like "$ERR" "none.txt: no events found \\(expected event text\\)" "text without events refused"
is "$(sql "SELECT count(*) FROM events")" "$before" "refused imports store nothing"

# Hostile text: stored as is, shown inert.
printf 'Log Name: System\nSource: VSS\nDate: 2026-01-01T00:00:00Z\nEvent ID: 8193\nDescription:\nevil \033]0;pwned\007 \033[2J end\n' >"$TEST_TMP/evil.txt"
run_wb 0 import c "$TEST_TMP/evil.txt"
run_wb 0 timeline c
like "$OUT" 'evil \^\[\]0;pwned\^G \^\[\[2J end' "the escape sequence is shown inert on the timeline"
printf '%s' "$OUT" | grep -q "$(printf '\033')"
ok $((! $?)) "timeline output carries no ESC"

# The corpus: Event Viewer copies, hand-written headers, bare pasted messages.
if [ -d "$WB_CORPUS/eventtext" ]; then
	T="$WB_CORPUS/eventtext"
	for f in gh_duplicati_287_vss8194_eventviewer_copy.txt gh_duplicati_3236_vss8194_server2016.txt gh_restic_5169_vss8194_wrapped.txt; do
		run_wb 0 import c "$T/$f"
		like "$OUT" "evidence [0-9]+ \\(event-text\\), 1 records" "$f detected as event text"
		is "$(sql "SELECT f.value FROM facts f JOIN evidence v ON v.id = f.evidence_id WHERE v.path = '$T/$f' AND f.key = 'event'")" \
			"VSS/8194" "$f: VSS/8194"
		is "$(sql "SELECT f.value FROM facts f JOIN evidence v ON v.id = f.evidence_id WHERE v.path = '$T/$f' AND f.key = 'vss.writer.error'")" \
			"System Writer" "$f: writer"
	done
	run_wb 0 import c "$T/gh_meshcentral_4819_app1000_scm7031_messages.txt"
	is "$(sql "SELECT group_concat(value, ' ') FROM (SELECT f.value FROM facts f JOIN evidence v ON v.id = f.evidence_id WHERE v.path = '$T/gh_meshcentral_4819_app1000_scm7031_messages.txt' AND f.key IN ('event', 'app.crash', 'service.failure') ORDER BY f.id)")" \
		"Application Error/1000 MeshAgent.exe Service Control Manager/7031 Mesh Agent background service" \
		"two bare messages recognised and decoded"
	run_wb 0 import c "$T/gh_conemu_762_wer1001_message.txt"
	is "$(sql "SELECT f.value FROM facts f JOIN evidence v ON v.id = f.evidence_id WHERE v.path = '$T/gh_conemu_762_wer1001_message.txt' AND f.key = 'bugcheck.code'")" \
		"0x0000000A" "bare bugcheck message gives the code"
	run_wb 0 import c "$T/gh_trafficmonitor_2360_wer1001_get-eventlog.txt"
	is "$(sql "SELECT f.value FROM facts f JOIN evidence v ON v.id = f.evidence_id WHERE v.path = '$T/gh_trafficmonitor_2360_wer1001_get-eventlog.txt' AND f.key = 'bugcheck.code'")" \
		"0x00000139" "Get-EventLog list: bugcheck from the insertion string"
	run_wb 0 import c "$T/gh_meshcentral_2087_dcom10016_eventviewer_copy.txt"
	is "$(sql "SELECT f.value FROM facts f JOIN evidence v ON v.id = f.evidence_id WHERE v.path = '$T/gh_meshcentral_2087_dcom10016_eventviewer_copy.txt' AND f.key = 'event'")" \
		"DistributedCOM/10016" "Event Viewer copy, Microsoft-Windows- dropped"
fi
done_testing
