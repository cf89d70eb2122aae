# report_case.sh: sourced by the report tests (after lib.sh).  Builds the case
# "rep" through wb (new, import, note) and adds, with sqlite3, what a matcher
# and a guided session would have written, with fixed times and users so that
# the report is the same on every run.  Needs $SQLITE3_BIN.
[ -n "${SQLITE3_BIN:-}" ] || skip_all "sqlite3 not found"

rep_sql() {
	"$SQLITE3_BIN" "$WB_CASES/rep.wb" "$@"
}

"$WB" new rep --title "FS01 bugcheck during backup; 夜間バックアップ失敗" \
	--symptom "bugcheck / unexpected reboot" --tz +09:00 >/dev/null || exit 1
mkdir -p "$TEST_TMP/in"
cat >"$TEST_TMP/in/mail.txt" <<'MAIL'
From: Kenji Sato (Contoso IT)
FS01 rebooted with a blue screen at 02:13 JST during the nightly backup.
BUGCHECK_CODE:  7e
夜間バックアップ中にブルースクリーンが発生し、サーバーが再起動しました。システム状態のバックアップも失敗しています。
Markdown *stars*, <b>tags</b> | pipes & `ticks` # hash
MAIL
"$WB" import rep "$TEST_TMP/in/mail.txt" --as notes >/dev/null 2>&1 || exit 1
"$WB" note rep "$(printf 'Asked for MEMORY.DMP\nand the System log.')" >/dev/null || exit 1

rep_sql <<SQL || exit 1
UPDATE case_info SET value = '2024-05-01T00:00:00Z' WHERE field = 'created';
UPDATE evidence SET imported_at = '2024-05-01T01:00:00Z', imported_by = 'alice',
	path = replace(path, '$TEST_TMP', '/cases');
INSERT INTO evidence_warning (evidence_id, line, message) VALUES (1, 4, 'line longer than 80 columns');
UPDATE notes SET user = 'alice', at = '2024-05-01T02:00:00Z';
INSERT INTO notes (user, at, text, list, step) VALUES
	('bob', '2024-05-01T02:30:00Z', 'customer runs 2019 (build 17763)', 'test-playbook', 'ask-os');
INSERT INTO facts (id, evidence_id, key, value, ref_table, ref_id) VALUES
	(101, 1, 'bugcheck.code', '0x0000007E', 'text_lines', (SELECT id FROM text_lines WHERE line = 3)),
	(102, 1, 'os.build', '17763', NULL, NULL),
	(105, 1, 'os.product', 'Windows Server 2019', NULL, NULL),
	(103, 1, 'mail.text', 'japanese', 'text_lines', (SELECT id FROM text_lines WHERE line = 4)),
	(104, 1, 'mail.text', 'markdown', 'text_lines', (SELECT id FROM text_lines WHERE line = 5));
INSERT INTO findings (article, rank, score, state, detail, updated_at) VALUES
	('test-volsnap', 1, 15, 'open', json_object(
		'article', 'test-volsnap', 'title', 'Bugcheck 0x7E in volsnap.sys', 'score', 15.0,
		'hits', json_array(
			json_object('clause', 'c1', 'kind', 'require', 'label', 'Stop code 0x7E', 'weight', 5.0,
				'count', 1, 'more', json('false'), 'facts', json_array(
				json_object('id', 101, 'evidence_id', 1, 'ref_table', 'text_lines',
					'ref_id', (SELECT id FROM text_lines WHERE line = 3),
					'key', 'bugcheck.code', 'value', '0x0000007E'))),
			json_object('clause', 'c3', 'kind', 'support', 'label', 'Customer text', 'weight', 2.5,
				'count', 2, 'more', json('false'), 'facts', json_array(
				json_object('id', 103, 'evidence_id', 1, 'ref_table', 'text_lines',
					'ref_id', (SELECT id FROM text_lines WHERE line = 4), 'key', 'mail.text', 'value', 'japanese'),
				json_object('id', 104, 'evidence_id', 1, 'ref_table', 'text_lines',
					'ref_id', (SELECT id FROM text_lines WHERE line = 5), 'key', 'mail.text', 'value', 'markdown')))),
		'missing', json_array(json_object('clause', 'c2', 'kind', 'require', 'label', 'VSS\Diag set',
			'collect', 'the VSS registry key (reg export)')),
		'failed', json_array(), 'excluded_by', json_array(), 'why_rank', NULL),
	 '2024-05-01T03:00:00Z'),
	('test-other', 2, 1, 'ruled-out', json_object(
		'article', 'test-other', 'title', 'Fixed on this build', 'score', 1.0,
		'hits', json_array(),
		'missing', json_array(),
		'failed', json_array(json_object('clause', 'c1', 'kind', 'support', 'label', 'Event 8193')),
		'excluded_by', json_array(json_object('clause', 'x1', 'kind', 'exclude', 'label', 'Build 17763',
			'weight', 0.0, 'count', 1, 'more', json('false'), 'facts', json_array(
			json_object('id', 102, 'evidence_id', 1, 'ref_table', NULL, 'ref_id', 0,
				'key', 'os.build', 'value', '17763'),
			json_object('id', 105, 'evidence_id', 1, 'ref_table', NULL, 'ref_id', 0,
				'key', 'os.product', 'value', 'Windows Server 2019')))),
		'why_rank', 'test-volsnap ranks higher: score 15 vs 1'),
	 '2024-05-01T03:00:00Z');
INSERT INTO decisions (article, state, reason, user, at) VALUES
	('test-volsnap', 'confirmed', 'volsnap!VspDiagTrace on the stack', 'bob', '2024-05-01T04:00:00Z'),
	('test-other', 'dismissed', 'not this build', 'bob', '2024-05-01T04:05:00Z'),
	('test-other', 'reopened', 'second look', 'carol', '2024-05-01T04:10:00Z');
INSERT INTO checklist (list, step, state, answer, user, at) VALUES
	('test-playbook', '', 'started', NULL, 'alice', '2024-05-01T05:00:00Z'),
	('test-playbook', 'collect-dump', 'done', NULL, 'alice', '2024-05-01T05:01:00Z'),
	('test-playbook', 'ask-os', 'answered', '2019', 'bob', '2024-05-01T05:02:00Z'),
	('test-playbook', 'collect-dump', 'skipped', NULL, 'carol', '2024-05-01T05:03:00Z');
-- Timeline: a bugcheck with neighbours inside and outside its window, a
-- later error in a window of its own, and a time read from a local clock.
INSERT INTO timeline (evidence_id, ts, local, level, kind, summary) VALUES
	(1, 1714529000000000, 0, 'info', 'event', 'too early: not in any window'),
	(1, 1714529400000000, 0, 'info', 'event', 'backup started'),
	(1, 1714529580000000, 1, 'warning', 'procmon.vss', 'System Writer: IDENTIFY entered and never left'),
	(1, 1714529700000000, 0, 'critical', 'bugcheck', 'bugcheck 0x0000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, culprit volsnap.sys'),
	(1, 1714529760000000, 0, 'info', 'boot', 'system started'),
	(1, 1714533300000000, 0, 'info', 'event', 'an hour later: not in any window'),
	(1, 1714536900000000, 0, 'error', 'event', 'VSS 8193: XML document is too long');
SQL
