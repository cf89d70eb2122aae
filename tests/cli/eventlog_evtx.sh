#!/bin/sh
# EVTX import: every corpus file, record counts against libevtx's own tools,
# providers and IDs against python3-evtx, the decoders on real events, and
# errors for files that are not event logs.
. "$WB_SRCDIR/tests/lib.sh"
need_corpus evtx
command -v evtxinfo >/dev/null && command -v evtxexport >/dev/null ||
	skip_all "evtxinfo/evtxexport (libevtx-utils) not installed"

run_wb 0 new c
sql() {	# sql QUERY: one value
	"$WB" sql c "$1" | sed -n 2p
}

for f in $(find "$WB_CORPUS/evtx" -name '*.evtx' | sort); do
	name=${f#"$WB_CORPUS/"}
	live=$(evtxinfo "$f" 2>/dev/null | sed -n 's/.*Number of records[^:]*: *//p')
	# evtxinfo counts recovered candidates; the ones it can read are what
	# evtxexport -m recovered prints.
	rec=$(evtxexport -m recovered "$f" 2>/dev/null | grep -c '^Event number')
	"$WB" import c "$f" >"$TEST_TMP/out" 2>&1
	ok $? "$name imports"
	id=$(sed -n 's/.*: evidence \([0-9]*\) .*/\1/p' "$TEST_TMP/out")
	readable=$(evtxexport "$f" 2>/dev/null | grep -c '^Event number')
	got=$(sql "SELECT count(*) FROM events WHERE evidence_id = ${id:-0} AND recovered = 0")
	is "$got" "$readable" "$name: live records = evtxexport's"
	if [ "$readable" != "$live" ]; then
		w=$(sql "SELECT count(*) FROM evidence_warning WHERE evidence_id = ${id:-0} AND message LIKE 'live record at index%'")
		is "$w" "$((live - readable))" "$name: each unreadable live record is a warning"
	fi
	got=$(sql "SELECT count(*) FROM events WHERE evidence_id = ${id:-0} AND recovered = 1")
	is "$got" "$rec" "$name: recovered records = evtxexport -m recovered's"
	got=$(sql "SELECT records FROM evidence WHERE id = ${id:-0}")
	is "$got" "$((readable + rec))" "$name: evidence counts live + recovered"
	is "$(sql "SELECT sha256 || ' ' || hash_scope FROM evidence WHERE id = ${id:-0}")" \
		"$(sha256sum "$f" | cut -d' ' -f1) full" "$name: SHA-256 of the whole file"
done

# Providers and IDs agree with python3-evtx on the small files (on every
# file with WB_SLOW=1: python3-evtx needs minutes for the large ones).  (Record
# numbers are libevtx's record-header numbers, as evtxexport shows them; a
# "save selected events" file renumbers those but keeps the XML
# EventRecordID python3-evtx prints, so they are not compared here.)
PY=/usr/bin/python3
if $PY -c 'import Evtx.Evtx' 2>/dev/null; then
	size=-100k
	[ "${WB_SLOW:-0}" = 1 ] && size=-1000M
	for f in $(find "$WB_CORPUS/evtx" -name '*.evtx' -size "$size" | sort); do
		name=${f#"$WB_CORPUS/"}
		$PY - "$f" >"$TEST_TMP/py" 2>/dev/null <<'EOF' || { echo "# python3-evtx cannot read $name"; continue; }
import re, sys
import Evtx.Evtx as evtx
with evtx.Evtx(sys.argv[1]) as log:
    for r in log.records():
        x = r.xml()
        # libevtx names the source as Event Viewer does: EventSourceName
        # when the record has one, else the provider Name.
        prov = re.search(r'<Provider [^>]*>', x).group(0)
        m = re.search(r'EventSourceName="([^"]*)"', prov) or re.search(r'Name="([^"]*)"', prov)
        p = m.group(1)
        i = re.search(r'<EventID[^>]*>(\d+)<', x).group(1)
        print(p, i)
EOF
		sort "$TEST_TMP/py" >"$TEST_TMP/py.sorted"
		"$WB" sql c "SELECT s.s || ' ' || e.event_id FROM events e
			JOIN strings s ON s.id = e.provider JOIN evidence v ON v.id = e.evidence_id
			WHERE v.path = '$f' AND e.recovered = 0" | sed 1d | sort >"$TEST_TMP/wb.sorted"
		if [ ! -s "$TEST_TMP/py.sorted" ]; then
			:
		elif ! cmp -s "$TEST_TMP/wb.sorted" "$TEST_TMP/py.sorted" &&
		     evtxinfo "$f" 2>/dev/null | grep -q 'Is corrupted'; then
			# In a damaged chunk python3-evtx reads records libevtx does
			# not count as live (and some garbage): every pair wb has must
			# be one python3-evtx has.
			sort -u "$TEST_TMP/wb.sorted" >"$TEST_TMP/wb.u"
			sort -u "$TEST_TMP/py.sorted" >"$TEST_TMP/py.u"
			is "$(comm -23 "$TEST_TMP/wb.u" "$TEST_TMP/py.u")" "" "$name (corrupted): every provider and ID is one python3-evtx reads"
		else
			is "$(cat "$TEST_TMP/wb.sorted")" "$(cat "$TEST_TMP/py.sorted")" "$name: providers and IDs agree with python3-evtx"
		fi
	done
fi

# Decoders on real events.
zero="$WB_CORPUS/evtx/omerbenamram-evtx/sample-with-zero-data-size-event.evtx"
is "$(sql "SELECT count(*) FROM facts f JOIN evidence v ON v.id = f.evidence_id
	WHERE v.path = '$zero' AND f.key = 'disk.retry' AND f.value = 'SRB_STATUS_ERROR'")" 12 \
	"disk 153: twelve retries decoded as SRB_STATUS_ERROR"
is "$(sql "SELECT DISTINCT value FROM facts WHERE key = 'disk.retry.op'")" "SCSIOP_READ16" "disk 153: opcode 0x88 is READ16"
is "$(sql "SELECT DISTINCT value FROM facts WHERE key = 'disk.retry.scsi'")" "GOOD" "disk 153: SCSI status 0x00 GOOD"
is "$(sql "SELECT DISTINCT value FROM facts WHERE key = 'disk.retry.device'")" '\Device\Harddisk0\DR0' "disk 153: device"

crash="$WB_CORPUS/evtx/python-evtx/system.evtx"
where="f.evidence_id = (SELECT id FROM evidence WHERE path = '$crash')"
is "$(sql "SELECT group_concat(DISTINCT value) FROM facts f WHERE $where AND key = 'bugcheck.code'")" \
	"0x00010001" "BugCheck 1001 and Kernel-Power 41 give the bugcheck code"
is "$(sql "SELECT value FROM facts f WHERE $where AND key = 'bugcheck.dump'")" 'C:\Windows\MEMORY.DMP' "dump path"
is "$(sql "SELECT count(*) FROM facts f WHERE $where AND key = 'shutdown.unexpected'")" 4 \
	"two Kernel-Power 41 and two EventLog 6008 shutdown markers"
is "$(sql "SELECT text FROM facts f WHERE $where AND key = 'shutdown.unexpected' AND value = 'EventLog/6008' ORDER BY ts LIMIT 1")" \
	"The previous system shutdown at 9:59:13 AM on 4/6/2012 was unexpected." "6008 rendered, date marks removed"
is "$(sql "SELECT count(*) FROM timeline t WHERE t.evidence_id = (SELECT id FROM evidence WHERE path = '$crash') AND kind = 'event'")" \
	1601 "every record on the timeline"
is "$(sql "SELECT value FROM facts f WHERE $where AND key = 'event' AND num = 1001")" "BugCheck/1001" \
	"event fact keyed by provider and ID"
is "$(sql "SELECT s.s FROM events e JOIN strings s ON s.id = e.channel WHERE e.evidence_id = (SELECT id FROM evidence WHERE path = '$crash') LIMIT 1")" \
	"System" "channel from the record XML"
like "$(sql "SELECT summary FROM evidence WHERE path = '$crash'")" '^EVTX System, 1601 records, 0 recovered, dirty$' "summary"

app="$WB_CORPUS/evtx/deepbluecli/many-events-application.evtx"
is "$(sql "SELECT count(*) FROM facts f WHERE f.evidence_id = (SELECT id FROM evidence WHERE path = '$app') AND key = 'wer.report'")" \
	44 "WER 1001 reports decoded"

# Legacy EVT through libevt, counted against evtinfo/evtexport.
if command -v evtinfo >/dev/null && command -v evtexport >/dev/null; then
	for f in $(find "$WB_CORPUS/evt" -iname '*.evt' | sort); do
		name=${f#"$WB_CORPUS/"}
		run_wb 0 import c "$f"
		id=$(printf '%s' "$OUT" | sed -n 's/.*: evidence \([0-9]*\) .*/\1/p')
		is "$(sql "SELECT count(*) FROM events WHERE evidence_id = ${id:-0} AND recovered = 0")" \
			"$(evtexport "$f" 2>/dev/null | grep -c '^Event number')" "$name: live records = evtexport's"
		is "$(sql "SELECT count(*) FROM events WHERE evidence_id = ${id:-0} AND recovered = 1")" \
			"$(evtexport -m recovered "$f" 2>/dev/null | grep -c '^Event number')" "$name: recovered records = evtexport -m recovered's"
		is "$(sql "SELECT count(*) FROM events WHERE evidence_id = ${id:-0} AND recovered = 0")" \
			"$(evtinfo "$f" | sed -n 's/.*Number of records[^:]*: *//p')" "$name: live records = evtinfo's"
	done
	xp="$WB_CORPUS/evt/plaso/SysEvent.Evt"
	if [ -f "$xp" ]; then
		w="evidence_id = (SELECT id FROM evidence WHERE path = '$xp')"
		is "$(sql "SELECT count(*) FROM facts WHERE $w AND key = 'disk.error' AND value LIKE '\\Device\\Harddisk%'")" 29 \
			"Disk 51 paging errors decoded with their device"
		is "$(sql "SELECT s.s FROM events e JOIN strings s ON s.id = e.channel WHERE e.$w LIMIT 1")" "System" "channel from SysEvent.Evt"
		is "$(sql "SELECT qualifiers || ' ' || event_id FROM events e JOIN strings s ON s.id = e.provider WHERE e.$w AND s.s = 'LSASRV' AND e.record = 1392")" \
			"32768 40961" "message identifier split into qualifiers and ID"
		is "$(sql "SELECT count(*) FROM events WHERE $w AND ts IS NULL")" 0 "every EVT record dated"
	fi
fi

# Reader threads: records are parsed by several threads (one per CPU) and
# stored in file order; one and three readers give the same rows in the same
# order, warnings included (System.evtx: 5,009 records, ten blocks; the bad
# string cache file has unreadable records).
dump_case() {	# dump_case CASE: every stored row of the evidence, in storage order
	for q in "SELECT e.id, e.record, e.recovered, e.ts, e.level, e.event_id, e.qualifiers,
			p.s, e.message, e.data, hex(e.binary) FROM events e JOIN strings p ON p.id = e.provider ORDER BY e.id" \
		 "SELECT key, value, num, text, ts, ref_table, ref_id FROM facts ORDER BY id" \
		 "SELECT kind, ts, summary, ref_id FROM timeline ORDER BY id" \
		 "SELECT line, offset, message FROM evidence_warning ORDER BY id"; do
		"$WB" sql "$1" "$q"
	done
}
for f in "$WB_CORPUS/evtx/plaso/System.evtx" "$WB_CORPUS/evtx/omerbenamram-evtx/security_bad_string_cache.evtx"; do
	[ -f "$f" ] || continue
	name=${f#"$WB_CORPUS/"}
	for n in 1 3; do
		"$WB" new "r$n" >/dev/null 2>&1
		WB_EVTX_READERS=$n "$WB" import "r$n" "$f" >/dev/null 2>&1
		dump_case "r$n" >"$TEST_TMP/readers$n"
	done
	ok "$(cmp -s "$TEST_TMP/readers1" "$TEST_TMP/readers3" && echo 0 || echo 1)" \
		"$name: one and three reader threads store the same rows in the same order"
	is "$(grep -c . "$TEST_TMP/readers3")" "$(grep -c . "$TEST_TMP/readers1")" "$name: as many lines either way"
	rm -f "$WB_CASES/r1.wb" "$WB_CASES/r3.wb"
done

# Not event logs: a clear error, nothing stored.
before=$(sql "SELECT count(*) FROM events")
printf 'ElfFile\0garbage that is not a log' >"$TEST_TMP/bad.evtx"
run_wb 1 import c "$TEST_TMP/bad.evtx"
like "$ERR" "bad.evtx: not a readable EVTX event log" "damaged header explained"
printf 'just text\n' >"$TEST_TMP/text.evtx"
run_wb 1 import c --as evtx "$TEST_TMP/text.evtx"
like "$ERR" "text.evtx: not a readable EVTX event log \(expected the \"ElfFile\" header\)" "--as evtx on text explained"
is "$(sql "SELECT count(*) FROM events")" "$before" "failed imports store nothing"
head -c 70000 "$crash" >"$TEST_TMP/truncated.evtx"
run_wb 0 import c "$TEST_TMP/truncated.evtx"
like "$OUT" "truncated.evtx: evidence [0-9]+ \(evtx\), [1-9][0-9]* records" "a truncated log keeps what can be read"
done_testing
