#!/bin/sh
# wb report: hostile evidence text (OSC, CSI, C1, bidi override, invalid
# UTF-8, markup) is inert in every format: visible in md and txt, escaped in
# HTML, escaped by JSON; no raw ESC, C1 or bidi control reaches the output.
. "$WB_SRCDIR/tests/lib.sh"
[ -n "${SQLITE3_BIN:-}" ] || skip_all "sqlite3 not found"

"$WB" new evil --title "$(printf 'title \033]0;pwned\007 <script>alert(1)</script>')" >/dev/null
printf 'line \033]0;owned\007 \033[2J\033[31mred \302\233 c1 \342\200\256 rtl end\n' >"$TEST_TMP/evil.txt"
"$WB" import evil "$TEST_TMP/evil.txt" --as notes >/dev/null 2>&1
# Text that does not wrap at spaces: one long token, a long Japanese line.
long=$(printf 'C:\\Windows\\WinSxS\\%0300d' 0)
ja=$(printf '%s' 'システム状態のバックアップが失敗しました。' 'システム状態のバックアップが失敗しました。' \
	'システム状態のバックアップが失敗しました。' 'システム状態のバックアップが失敗しました。')
"$WB" note evil "$long" >/dev/null
"$WB" note evil "$ja$long" >/dev/null
"$WB" note evil "$(printf 'note \033[1mbold\033[0m <img src=x onerror=alert(1)> ]]> &amp;')" >/dev/null
# What no importer writes but a damaged or crafted case may hold: a raw C1
# byte and invalid UTF-8, in the timeline and in a matcher's finding.
"$SQLITE3_BIN" "$WB_CASES/evil.wb" <<'SQL'
INSERT INTO timeline (evidence_id, ts, level, kind, summary) VALUES
	(1, 1714529700000000, 'critical', 'bugcheck', CAST(X'6275670d9b33316d20fffe1b5d383b3b0707e280ae6f6b' AS TEXT));
INSERT INTO facts (id, evidence_id, key, value, ref_table, ref_id) VALUES
	(1, 1, 'evil.key', CAST(X'1b5b324a9b' AS TEXT), 'text_lines', (SELECT id FROM text_lines WHERE line = 1));
INSERT INTO findings (article, rank, score, state, detail, updated_at) VALUES
	('evil-article', 1, 1, 'open', json_object('title', 'Evil </h3><h1>title', 'hits', json_array(
		json_object('clause', 'c1', 'kind', 'require', 'label', 'label ' || char(27) || '[5m blink',
			'weight', 1.0, 'count', 1, 'facts', json_array(json_object('id', 1, 'evidence_id', 1,
			'ref_table', 'text_lines', 'ref_id', (SELECT id FROM text_lines WHERE line = 1),
			'key', 'evil.key', 'value', 'x' || char(27) || ']52;c;Zm9v' || char(7)))))),
	 '2024-05-01T00:00:00Z');
SQL

esc=$(printf '\033')
c1=$(printf '\302\233')
rlo=$(printf '\342\200\256')
for fmt in md txt html json; do
	"$WB" report evil --format $fmt >"$TEST_TMP/evil.$fmt" 2>"$TEST_TMP/err"
	is "$?" 0 "wb report --format $fmt on hostile evidence exits 0"
	out=$(cat "$TEST_TMP/evil.$fmt")
	unlike "$out" "$esc" "$fmt: no raw ESC"
	unlike "$out" "$c1" "$fmt: no raw C1 control"
	unlike "$out" "$rlo" "$fmt: no raw bidi override"
	is "$(tr -d '\n\t' <"$TEST_TMP/evil.$fmt" | LC_ALL=C tr -d ' -~\200-\377' | wc -c)" 0 \
		"$fmt: no control character but newline and tab"
	iconv -f UTF-8 -t UTF-8 "$TEST_TMP/evil.$fmt" >/dev/null 2>&1
	ok $? "$fmt: valid UTF-8"
done

for fmt in md txt html; do
	out=$(cat "$TEST_TMP/evil.$fmt")
	like "$out" '\^\[\]0;owned\^G' "$fmt: OSC made visible"
	like "$out" '\^\[\[2J' "$fmt: CSI made visible"
	like "$out" '<U\+009B>|&lt;U\+009B&gt;' "$fmt: C1 made visible"
	like "$out" '<U\+202E>|&lt;U\+202E&gt;' "$fmt: bidi override made visible"
	like "$out" '\\xFF' "$fmt: invalid UTF-8 made visible"
done
like "$(cat "$TEST_TMP/evil.json")" '\\u001[bB]\]0;owned\\u0007' "json: OSC escaped"
like "$(cat "$TEST_TMP/evil.json")" '\\\\xFF' "json: invalid UTF-8 as the text \\xFF"

width=$(wc -L <"$TEST_TMP/evil.txt")
[ "$width" -le 80 ]
ok $? "txt: long tokens and Japanese broken within 80 columns (widest line: $width)"
like "$(tr -d '\n ' <"$TEST_TMP/evil.txt")" "$ja" "txt: the Japanese text is all there"

# HTML: markup from evidence is text, and the document stays well-formed.
html=$(cat "$TEST_TMP/evil.html")
unlike "$html" '<script|<img|</h3><h1>' "html: evidence markup not live"
like "$html" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "html: title escaped"
like "$html" '&lt;img src=x onerror=alert\(1\)&gt; \]\]&gt; &amp;amp;' "html: note escaped"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$TEST_TMP/evil.html" 2>"$TEST_TMP/xml"
	ok $? "html: hostile report is well-formed XML"
	sed 's/^/#   /' "$TEST_TMP/xml" | head -10
fi
# Markdown: evidence cannot open markup either.
unlike "$(cat "$TEST_TMP/evil.md")" '[^\\]<script' "md: evidence markup escaped"
done_testing
