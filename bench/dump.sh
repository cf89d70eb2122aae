#!/bin/sh
# bench/dump.sh [BUILDDIR]: triage of generated sparse 1 GiB and 16 GiB crash
# dumps (full and bitmap): time, bytes read and peak RSS with their ratios,
# then a whole `wb import` of each 16 GiB dump for comparison.
set -eu
build=${1:-.}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-dumpbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$build/bench/dump_bench" "$tmp"
if [ -x "$build/wb" ]; then
	export WB_CASES="$tmp/cases"
	"$build/wb" new bench >/dev/null
	for kind in full bitmap; do
		"$build/tests/dumpgen" "$kind" "$tmp/$kind.dmp" 16384
		start=$(date +%s.%N)
		"$build/wb" import bench "$tmp/$kind.dmp" >/dev/null
		end=$(date +%s.%N)
		echo "wb import of a 16 GiB $kind dump (incl. sampled SHA-256): $(echo "$end - $start" | bc) s"
		rm -f "$tmp/$kind.dmp"
	done
fi
