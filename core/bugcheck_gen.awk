# bugcheck_gen.awk: data/bugcheck_codes.tsv -> core/bugcheck_table.c
# (run by the build; the table stays in one readable data file).
BEGIN {
	FS = "\t"
	print "/* Generated from data/bugcheck_codes.tsv by core/bugcheck_gen.awk; do not edit. */"
	print "#include \"core/bugcheck_table.h\""
	print ""
	print "const struct bugcheck_entry bugcheck_table[] = {"
	n = 0
}
/^#/ || NF == 0 { next }
{
	if (NF != 4 || $1 !~ /^0x[0-9A-F]+$/ || length($1) != 10 || $2 !~ /^[A-Z0-9_]+$/ || $3 !~ /^[0-4]$/) {
		printf "%s:%d: expected code<TAB>NAME<TAB>param<TAB>meaning\n", FILENAME, FNR > "/dev/stderr"
		bad = 1
		exit 1
	}
	gsub(/"/, "\\\"", $4)
	printf "\t{%s, \"%s\", %d, \"%s\"},\n", $1, $2, $3, ($4 == "-" ? "" : $4)
	n++
}
END {
	if (bad)
		exit 1
	print "};"
	printf "const size_t bugcheck_table_len = %d;\n", n
}
