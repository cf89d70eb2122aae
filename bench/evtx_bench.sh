#!/bin/sh
# bench/evtx_bench.sh [MIB]: import copies of every EVTX file of the shared
# corpus, as many as make MIB MiB (default 1024: about 1,200 real logs, 1.1
# million records), with one `wb import --force`, and export the same files
# with `evtxexport -m all` to /dev/null, in turns, RUNS times each (default
# 3).  Then python3-evtx on one corpus file, against wb on the same file.
# Prints the best wall time of each, the ratios (targets: wb / evtxexport <=
# 1.0, python3-evtx / wb >= 10) and wb's peak RSS.  Exit status 1 when a
# target is missed, 2 when a tool or the corpus is missing.
set -eu
want_mib=${1:-1024}
runs=${RUNS:-3}
builddir=${WB_BUILDDIR:-.}
wb=${WB:-$builddir/wb}
corpus=${WB_CORPUS:-$(dirname "$0")/../../shared/corpus}
py=/usr/bin/python3
for tool in "$wb" /usr/bin/time; do
	[ -x "$tool" ] || { echo "evtx_bench: $tool not found (build first)" >&2; exit 2; }
done
command -v evtxexport >/dev/null || { echo "evtx_bench: evtxexport (libevtx-utils) not found" >&2; exit 2; }
[ -d "$corpus/evtx" ] || { echo "evtx_bench: no corpus at $corpus/evtx (set WB_CORPUS)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wbbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
WB_CASES=$tmp/cases; export WB_CASES
WB_KB=$tmp/no-kb.sqlite; export WB_KB	# measure the import, not the matching after it
find "$corpus/evtx" -name '*.evtx' | sort >"$tmp/one"
one_bytes=$(xargs stat -c %s <"$tmp/one" | awk '{ s += $1 } END { print s }')
copies=$(( (want_mib * 1048576 + one_bytes - 1) / one_bytes ))
: >"$tmp/files"
i=0
while [ "$i" -lt "$copies" ]; do
	i=$((i + 1))
	cat "$tmp/one" >>"$tmp/files"
done
nfiles=$(wc -l <"$tmp/files")
mb=$(xargs stat -c %s <"$tmp/files" | awk '{ s += $1 } END { printf "%.0f", s / 1048576 }')

# measure LOG CMD...: run CMD under /usr/bin/time -v; print "wall user sys rss_kib".
measure() {
	log=$1
	shift
	/usr/bin/time -v "$@" >/dev/null 2>"$log" || true
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
		/User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident set size/ { rss = $2 }
		END { printf "%.2f %.2f %.2f %d\n", wall, user, sys, rss }' "$log"
}
min() {
	if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc)" = 1 ]; then echo "$2"; else echo "$1"; fi
}

cat >"$tmp/export_all.sh" <<EOF
while read -r f; do evtxexport -m all "\$f" >/dev/null 2>&1; done <"$tmp/files"
EOF
best_wb=; best_ex=; cpu_wb=; cpu_ex=; peak=0
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	rm -rf "$tmp/cases"
	"$wb" new bench >/dev/null
	set -- $(measure "$tmp/wb.log" xargs -a "$tmp/files" "$wb" import --force bench)
	echo "run $i: wb import      ${1} s (user ${2} s, sys ${3} s), peak RSS $(( $4 / 1024 )) MiB"
	best_wb=$(min "$best_wb" "$1")
	cpu_wb=$(min "$cpu_wb" "$(echo "$2 + $3" | bc)")
	[ "$4" -gt "$peak" ] && peak=$4
	set -- $(measure "$tmp/ex.log" sh "$tmp/export_all.sh")
	echo "run $i: evtxexport -m all ${1} s (user ${2} s, sys ${3} s)"
	best_ex=$(min "$best_ex" "$1")
	cpu_ex=$(min "$cpu_ex" "$(echo "$2 + $3" | bc)")
done
records=$("$wb" sql bench "SELECT count(*) FROM events" | sed -n 2p)
ratio=$(echo "scale=2; $best_wb / $best_ex" | bc)
cpuratio=$(echo "scale=2; $cpu_wb / $cpu_ex" | bc)
echo "evtx: $nfiles files ($copies x the corpus), $mb MiB, $records records: wb import ${best_wb} s, evtxexport ${best_ex} s (best of $runs); ratio $ratio (target <= 1.0); CPU (user+sys) wb ${cpu_wb} s, evtxexport ${cpu_ex} s, ratio $cpuratio; wb peak RSS $((peak / 1024)) MiB"
echo "evtx: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (wb parses in one thread per CPU while another stores: its wall time needs free CPUs)"
status=0
[ "$(echo "$ratio <= 1.0" | bc)" = 1 ] || status=1

# python3-evtx is slow: one file, records per second against wb's on the same file.
one="$corpus/evtx/python-evtx/system.evtx"
if $py -c 'import Evtx.Evtx' 2>/dev/null && [ -f "$one" ]; then
	cat >"$tmp/py.py" <<'EOF'
import sys
import Evtx.Evtx as evtx
with evtx.Evtx(sys.argv[1]) as log:
    for r in log.records():
        r.xml()
EOF
	set -- $(measure "$tmp/py.log" $py "$tmp/py.py" "$one")
	py_s=$1
	best_one=
	for i in 1 2 3; do
		set -- $(measure "$tmp/one.log" "$wb" import --force bench "$one")
		best_one=$(min "$best_one" "$1")
	done
	# /usr/bin/time has 10 ms resolution: never divide by zero.
	[ "$(echo "$best_one < 0.01" | bc)" = 1 ] && best_one=0.01
	pyratio=$(echo "scale=1; $py_s / $best_one" | bc)
	echo "evtx: $(basename "$one") (1601 records): python3-evtx ${py_s} s, wb import ${best_one} s; python3-evtx / wb = $pyratio (target >= 10)"
	[ "$(echo "$pyratio >= 10" | bc)" = 1 ] || status=1
else
	echo "evtx: python3-evtx not installed; skipped that comparison"
fi
exit $status
