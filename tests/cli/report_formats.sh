#!/bin/sh
# wb report: every format against its expected file, the same bytes on every
# run, HTML well-formed, plain text within 80 columns.
# WB_REPORT_UPDATE=1 rewrites the expected files (review the diff).
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/cli/report_case.sh"
expected="$WB_SRCDIR/tests/expected/report"

for fmt in md html txt json; do
	"$WB" report rep --format $fmt >"$TEST_TMP/rep.$fmt" 2>"$TEST_TMP/err"
	is "$?" 0 "wb report --format $fmt exits 0"
	is "$(cat "$TEST_TMP/err")" "" "wb report --format $fmt says nothing on stderr"
	if [ "${WB_REPORT_UPDATE:-}" = 1 ]; then
		cp "$TEST_TMP/rep.$fmt" "$expected/rep.$fmt"
	fi
	diff -u "$expected/rep.$fmt" "$TEST_TMP/rep.$fmt" >"$TEST_TMP/diff"
	ok $? "$fmt report matches tests/expected/report/rep.$fmt"
	sed 's/^/#   /' "$TEST_TMP/diff" | head -40
	"$WB" report rep --format $fmt >"$TEST_TMP/again.$fmt"
	cmp -s "$TEST_TMP/rep.$fmt" "$TEST_TMP/again.$fmt"
	ok $? "$fmt report is byte-identical on a second run"
	iconv -f UTF-8 -t UTF-8 "$TEST_TMP/rep.$fmt" >/dev/null 2>&1
	ok $? "$fmt report is valid UTF-8"
done

# With the knowledge base: the case's articles as a user adds them
# ($XDG_CONFIG_HOME/wb/kb), so the expected text is this test's own.
mkdir -p "$XDG_CONFIG_HOME/wb/kb"
cat >"$XDG_CONFIG_HOME/wb/kb/test-volsnap.yaml" <<'YAML'
id: test-volsnap
title: {en: Bugcheck 0x7E in volsnap.sys while legacy tracing is on, ja: レガシー トレース有効時の volsnap.sys での 0x7E}
summary:
  en: |-
    The volume shadow copy driver crashes in its legacy tracing path,
    typically while a backup runs.
  ja: |-
    ボリューム シャドウ コピー ドライバーがレガシー トレースの処理中に
    停止します。多くはバックアップ中です。
cause: A defect in VspDiagTrace.
resolution:
  en: |-
    Turn legacy tracing off (no reboot needed).  In an elevated PowerShell:
      Set-ItemProperty -Path HKLM:\SYSTEM\CurrentControlSet\Services\VSS\Diag -Name "(Default)" -Value "Disabled"
    On Windows Server 2019 install the February 2023 update first, with which
    Windows Server Backup keeps working.
    1. Disable tracing.
    2. Watch the next backup.
  ja: |-
    レガシー トレースを無効にします。管理者 PowerShell で:
      Set-ItemProperty -Path HKLM:\SYSTEM\CurrentControlSet\Services\VSS\Diag -Name "(Default)" -Value "Disabled"
    Windows Server 2019 では先に 2023 年 2 月の更新を
    適用してください。
applies_to:
  fixed_in: Windows Server 2022
references:
  - title: Test reference
    url: https://example.invalid/volsnap
kb: [KB5022840]
signature:
  - require: Stop code 0x7E
    fact: {key: bugcheck.code, in: ["0x0000007E"]}
YAML
cat >"$XDG_CONFIG_HOME/wb/kb/test-playbook.yaml" <<'YAML'
id: test-playbook
kind: playbook
title: {en: "Test: bugcheck during backup", ja: "テスト: バックアップ中の停止"}
summary: {en: Where a test session starts, ja: テスト用のセッション}
checklist:
  - collect: Get the customer's description
    id: collect-text
    evidence: [text]
  - collect: Get the memory dump
    id: collect-dump
    evidence: [dump]
  - ask: Which release runs?
    id: ask-os
    answers: ["2016", "2019"]
  - do: Disable legacy tracing
    id: disable
    if: ask-os=2019
    command: reg add HKLM\SYSTEM\CurrentControlSet\Services\VSS\Diag /ve /d Disabled /f
  - do: Nothing to do on 2016
    id: nothing
    if: ask-os=2016
YAML
for variant in "md" "txt" "txt --lang ja"; do
	name=rep-kb$(printf '%s' "$variant" | sed 's/ --lang /-/; s/^/./; s/^\.\([a-z]*\)\(.*\)$/\2.\1/')
	"$WB" report rep --format $variant >"$TEST_TMP/$name" 2>"$TEST_TMP/err"
	is "$?" 0 "wb report --format $variant with the KB exits 0"
	is "$(cat "$TEST_TMP/err")" "" "the test articles load without a word"
	if [ "${WB_REPORT_UPDATE:-}" = 1 ]; then
		cp "$TEST_TMP/$name" "$expected/$name"
	fi
	diff -u "$expected/$name" "$TEST_TMP/$name" >"$TEST_TMP/diff"
	ok $? "$variant report with the KB matches tests/expected/report/$name"
	sed 's/^/#   /' "$TEST_TMP/diff" | head -40
done
rm -r "$XDG_CONFIG_HOME/wb/kb"

# The default format is Markdown.
"$WB" report rep >"$TEST_TMP/default"
cmp -s "$TEST_TMP/default" "$TEST_TMP/rep.md"
ok $? "default format is md"

# HTML: well-formed as XML and as HTML, self-contained.
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$TEST_TMP/rep.html" 2>"$TEST_TMP/xml"
	ok $? "HTML report is well-formed XML"
	sed 's/^/#   /' "$TEST_TMP/xml" | head -10
	xmllint --html --noout "$TEST_TMP/rep.html" 2>"$TEST_TMP/xml"
	ok $? "HTML report parses as HTML without errors"
	sed 's/^/#   /' "$TEST_TMP/xml" | head -10
fi
unlike "$(cat "$TEST_TMP/rep.html")" '(src|href)=|@import|url\(' "HTML report loads nothing from outside"

# Plain text: at most 80 display columns (Japanese characters take two).
width=$(wc -L <"$TEST_TMP/rep.txt")
[ "$width" -le 80 ] && [ "$width" -ge 70 ]
ok $? "plain text is filled to 80 columns, not beyond (widest line: $width)"
like "$(cat "$TEST_TMP/rep.txt")" '夜間バックアップ中に' "Japanese text kept"

# JSON: parses, and says what the documented schema says.
if command -v jq >/dev/null 2>&1; then
	is "$(jq -r '[.report, .version, .case.name, (.evidence | length), (.findings | length),
		.findings[0].decision.state, (.findings[1].decision == null), (.checklist[0].steps | length),
		(.notes | length), (.timeline.windows | length), (.timeline.windows[0].entries | length)]
		| map(tostring) | join(" ")' "$TEST_TMP/rep.json")" \
		"wb case report 1 rep 1 2 confirmed true 2 2 2 4" "JSON model members"
fi

# The timeline excerpt: the windows around the key events, nothing else.
unlike "$(cat "$TEST_TMP/rep.txt")" 'not in any window' "entries outside the windows left out"
like "$(cat "$TEST_TMP/rep.txt")" '~2024-05-01T02:13:00.000000Z' "local-clock times marked"

# --now is the only way the current time gets in.
"$WB" report rep --now >"$TEST_TMP/now.md"
diff "$TEST_TMP/rep.md" "$TEST_TMP/now.md" | grep '^[<>]' >"$TEST_TMP/nowdiff"
is "$(wc -l <"$TEST_TMP/nowdiff")" 1 "--now adds one line"
like "$(cat "$TEST_TMP/nowdiff")" "^> - \*\*Generated:\*\* $(date -u +%Y-%m-%d)T" "--now states the generation time"
done_testing
