#!/bin/sh
# CLI: wb import with the notes importer, duplicates, errors, evidence --json.
. "$WB_SRCDIR/tests/lib.sh"

run_wb 0 new c
printf 'Customer says the backup fails every night.\r\nSince KB update.\r\n' >"$TEST_TMP/mail.txt"
run_wb 0 import c "$TEST_TMP/mail.txt"
is "$OUT" "$TEST_TMP/mail.txt: evidence 1 (notes), 2 records, 0 warnings" "import reports evidence id and counts"
run_wb 0 evidence c --json
sha=$(sha256sum "$TEST_TMP/mail.txt" | cut -d' ' -f1)
like "$OUT" "\"sha256\": \"$sha\"" "sha256 matches sha256sum"
like "$OUT" '"kind": "text"' "kind recorded"
like "$OUT" '"records": 2' "records recorded"
like "$OUT" '"warnings": \[\]' "warnings is an array"
like "$OUT" "\"path\": \"$TEST_TMP/mail.txt\"" "absolute path recorded"
like "$OUT" "\"size\": $(stat -c %s "$TEST_TMP/mail.txt")," "size recorded"

run_wb 1 import c "$TEST_TMP/mail.txt"
is "$ERR" "wb: $TEST_TMP/mail.txt was already imported as evidence 1 ($TEST_TMP/mail.txt, same SHA-256); use --force to import it again" "duplicate refused naming the evidence"
run_wb 0 import --force c "$TEST_TMP/mail.txt"
like "$OUT" "evidence 2" "--force imports again"

run_wb 1 import c "$TEST_TMP/nosuch.txt"
is "$ERR" "wb: $TEST_TMP/nosuch.txt: No such file or directory" "missing file named"
head -c 300 /dev/urandom >"$TEST_TMP/blob.bin"
printf '\0\1\2\3' >>"$TEST_TMP/blob.bin"
run_wb 1 import c "$TEST_TMP/blob.bin"
like "$ERR" "not a format wb recognises; wb can read:" "unknown format explained"
like "$ERR" "notes +free text" "the error lists the importers"
: >"$TEST_TMP/empty.txt"
run_wb 1 import c "$TEST_TMP/empty.txt"
like "$ERR" "the file is empty" "empty file explained"
run_wb 2 import c "$TEST_TMP/mail.txt" --as nonsense
like "$ERR" "unknown importer 'nonsense'" "--as checks the importer"
run_wb 2 import c "$TEST_TMP/mail.txt" --tz 25:00
like "$ERR" "bad time zone" "--tz checked before work"
run_wb 2 import c "$TEST_TMP/mail.txt" --date 2024-02-30x
like "$ERR" "bad date" "--date checked before work"
run_wb 2 import c
like "$ERR" "missing FILE" "import without files"

# A mail that only mentions the tools is free text, not their output.
printf 'Hi,\r\nattached the fltmc and vssadmin list writers output and !analyze -v.\r\nThe backup (Windows Server Backup) fails.\r\n' >"$TEST_TMP/mention.txt"
run_wb 0 import c "$TEST_TMP/mention.txt"
like "$OUT" "mention.txt: evidence [0-9]+ \(notes\)" "mentions of fltmc, vssadmin and !analyze do not claim a mail"

# Hostile text: stored as is, shown inert.
printf 'evil \033]0;pwned\007 \033[2J \302\233 31m \342\200\256 end\n' >"$TEST_TMP/evil.txt"
run_wb 0 import c "$TEST_TMP/evil.txt"
run_wb 0 sql c "SELECT text FROM text_lines WHERE evidence_id = 4"
unlike "$(printf '%s' "$OUT" | od -c)" '033' "wb sql output carries no ESC"
like "$OUT" 'evil \^\[\]0;pwned\^G \^\[\[2J <U\+009B> 31m <U\+202E> end' "escape sequences made visible"
run_wb 0 sql --json c "SELECT text FROM text_lines WHERE evidence_id = 4"
like "$OUT" 'u001[bB]' "JSON escapes ESC"

# Several files: one fails, the others land, exit 1.
printf 'second\n' >"$TEST_TMP/b.txt"
run_wb 1 import c "$TEST_TMP/nosuch2.txt" "$TEST_TMP/b.txt"
like "$OUT" "b.txt: evidence 5" "good file imported despite a bad one"
run_wb 0 sql c "SELECT count(*) FROM evidence"
is "$OUT" "count(*)
5" "failed imports leave nothing behind"
done_testing
