#!/bin/sh
# bench/procmon_bench.sh [ROWS]: generate a seeded Procmon capture of ROWS
# rows (default 1,000,000; bench/procmon_gen), import it with `wb import`
# and load the same file with `sqlite3 DB ".import --csv FILE t"`, in turns,
# RUNS times each (default 3).  Prints the best wall time of each, their
# ratio (target: wb <= sqlite3, ratio <= 1.0) and wb's peak RSS (target
# < 64 MiB), all measured with /usr/bin/time -v.  The CPU time ratio
# (user + sys) is printed too: on a shared machine it varies less than the
# wall time.  Exit status 1 when a target is missed.
set -eu
rows=${1:-1000000}
runs=${RUNS:-3}
builddir=${WB_BUILDDIR:-.}
wb=${WB:-$builddir/wb}
gen=$builddir/bench/procmon_gen
sqlite3=${SQLITE3_BIN:-sqlite3}
for tool in "$wb" "$gen" /usr/bin/time; do
	[ -x "$tool" ] || { echo "procmon_bench: $tool not found (build first)" >&2; exit 2; }
done
command -v "$sqlite3" >/dev/null || { echo "procmon_bench: sqlite3 not found" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wbbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
WB_CASES=$tmp/cases; export WB_CASES
csv=$tmp/capture.csv
"$gen" --rows "$rows" --seed 42 --scenario system-writer >"$csv"
mb=$(( $(stat -c %s "$csv") / 1048576 ))

# measure LOG CMD...: run CMD under /usr/bin/time -v; print "wall user sys rss_kib".
measure() {
	log=$1
	shift
	/usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 2; }
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
		/User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident set size/ { rss = $2 }
		END { printf "%.2f %.2f %.2f %d\n", wall, user, sys, rss }' "$log"
}

best_wb=; best_sq=; cpu_wb=; cpu_sq=; peak=0
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	rm -f "$tmp"/cases/* "$tmp/sqlite.db"
	"$wb" new bench >/dev/null
	set -- $(measure "$tmp/wb.log" "$wb" import bench "$csv" --date 2024-05-14 --tz +00:00)
	echo "run $i: wb import      ${1} s (user ${2} s, sys ${3} s), peak RSS $(( $4 / 1024 )) MiB"
	[ -z "$best_wb" ] || [ "$(echo "$1 < $best_wb" | bc)" = 1 ] && best_wb=$1
	c=$(echo "$2 + $3" | bc)
	[ -z "$cpu_wb" ] || [ "$(echo "$c < $cpu_wb" | bc)" = 1 ] && cpu_wb=$c
	[ "$4" -gt "$peak" ] && peak=$4
	set -- $(measure "$tmp/sq.log" "$sqlite3" "$tmp/sqlite.db" ".import --csv $csv t")
	echo "run $i: sqlite3 .import ${1} s (user ${2} s, sys ${3} s), peak RSS $(( $4 / 1024 )) MiB"
	[ -z "$best_sq" ] || [ "$(echo "$1 < $best_sq" | bc)" = 1 ] && best_sq=$1
	c=$(echo "$2 + $3" | bc)
	[ -z "$cpu_sq" ] || [ "$(echo "$c < $cpu_sq" | bc)" = 1 ] && cpu_sq=$c
done
ratio=$(printf "%.2f" "$(echo "scale=3; $best_wb / $best_sq" | bc)")
cpu_ratio=$(printf "%.2f" "$(echo "scale=3; $cpu_wb / $cpu_sq" | bc)")
echo "procmon: $rows rows, $mb MiB CSV: wb import ${best_wb} s, sqlite3 .import ${best_sq} s (best of $runs); ratio $ratio (target <= 1.0); CPU ${cpu_wb} s vs ${cpu_sq} s, ratio $cpu_ratio; wb peak RSS $((peak / 1024)) MiB (target < 64)"
[ "$(echo "$ratio <= 1.0" | bc)" = 1 ] && [ "$peak" -lt 65536 ]
