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
	[ -f "$build/kb.sqlite" ] && export WB_KB="$build/kb.sqlite"
	"$build/wb" new bench >/dev/null
	for kind in full bitmap; do
		"$build/tests/dumpgen" "$kind" "$tmp/$kind.dmp" 16384
		start=$(date +%s.%N)
		"$build/wb" import bench "$tmp/$kind.dmp" >/dev/null
		end=$(date +%s.%N)
		awk -v s="$start" -v e="$end" -v k="$kind" \
			'BEGIN { printf "wb import of a 16 GiB %s dump (with the sampled SHA-256): %.3f s\n", k, e - s }'
		"$build/wb" sql bench "SELECT 'hash scope: ' || hash_scope FROM evidence ORDER BY id DESC LIMIT 1" | tail -1
		rm -f "$tmp/$kind.dmp"
	done
fi
