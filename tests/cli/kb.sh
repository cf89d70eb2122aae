#!/bin/sh
# CLI: wb kb list, show, search, lint, and the user folder that adds or
# overrides articles without a rebuild.
. "$WB_SRCDIR/tests/lib.sh"

run_wb 0 kb list
for id in vss-legacy-trace-bugcheck symantec-kstack-0x7f azure-critical-service-failed vmware-vshield-drivers \
	missing-system-writer pool-corruption apc-disabled-io kdnet-setup storage-event-153-129 commit-failures \
	ndis-pnp-pending-nbl filter-load-order playbook-bugcheck playbook-backup-fails playbook-vm-no-boot \
	playbook-hang-network playbook-storage-timeouts; do
	like "$OUT" "^$id " "kb list has $id"
done
run_wb 0 kb list --json
like "$OUT" '"id": "vss-legacy-trace-bugcheck"' "list --json has ids"
like "$OUT" '"title_ja": "VSS レガシー トレース' "list --json has Japanese titles"
is "$(printf '%s\n' "$OUT" | grep -c '"title_en"')" "$(printf '%s\n' "$OUT" | grep -c '"id"')" "every entry has title_en"

run_wb 0 kb show vss-legacy-trace-bugcheck
like "$OUT" 'Set-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag -Name "\(Default\)" -Value "Disabled"' "show gives the exact command"
like "$OUT" 'KB5022840' "show names the update"
like "$OUT" 'exclude +fixed-build' "show lists the signature"
like "$OUT" 'ask +uses-wsb' "show lists the checklist"
run_wb 0 kb show symantec-kstack-0x7f --lang ja
like "$OUT" 'KStackMinFree' "Japanese view keeps the registry value"
like "$OUT" 'ダブル フォルト' "Japanese title shown with --lang ja"
run_wb 0 kb show kdnet-setup --json
like "$OUT" '"kind": "howto"' "show --json is the article document"
run_wb 1 kb show no-such-article
like "$ERR" "no article 'no-such-article'" "unknown article named"

run_wb 0 kb search 'tracknblowner'
is "$OUT" "$(printf 'ndis-pnp-pending-nbl             issue    %s' 'Server loses the network - NDIS PnP remove stuck waiting for NBLs held by the miniport (TrackNblOwner)')" "search is caseless"
run_wb 0 kb search 'KB2807849'
like "$OUT" '^missing-system-writer ' "search finds KB numbers"
run_wb 2 kb search '('
like "$ERR" 'bad regular expression' "a bad search regex is a usage error"
run_wb 2 kb
like "$ERR" 'missing subcommand' "kb without a subcommand"
run_wb 2 kb frob
like "$ERR" "unknown subcommand 'frob'" "unknown subcommand named"

run_wb 0 kb lint
like "$OUT" '^0 errors, [0-9]+ warnings in [0-9]+ articles$' "the shipped articles lint clean"
run_wb 0 kb lint --json
like "$OUT" '"errors": 0' "lint --json counts errors"

# A broken article: errors name file:line.
cat > "$TEST_TMP/bad.yaml" <<'YAML'
id: bad-article
title: {en: Bad, ja: 悪い}
summary: {en: x, ja: x}
signature:
  - require: a stop
    fact: {key: bugcheck.code, like: "0x7E"}
YAML
run_wb 1 kb lint "$TEST_TMP/bad.yaml"
like "$OUT" "bad.yaml:6: condition: unknown operator 'like'" "parse errors name file and line"
cat > "$TEST_TMP/bad2.yaml" <<'YAML'
id: bad-two
title: {en: Only English}
summary: {en: x, ja: x}
cause: x
resolution: x
references: [{title: nowhere}]
signature:
  - require: frames
    fact: {key: stack.frame, regex: 'volsnap!(Vsp'}
checklist:
  - check: uses a clause that is not there
    id: c
    clause: nope
  - do: shown after an answer nobody can give
    id: d
    if: c=yes
YAML
run_wb 1 kb lint "$TEST_TMP/bad2.yaml"
like "$OUT" 'title: Japanese text \(ja:\) missing' "lint wants both languages"
like "$OUT" 'bad2.yaml:8: error: clause c1: bad regular expression' "lint compiles regexes, with the line"
like "$OUT" "step c: clause 'nope' is not in the signature" "lint checks clause references"
like "$OUT" "step d: if: 'c' must name an earlier ask step" "lint checks if: references"

# The user folder adds and overrides articles.
mkdir -p "$XDG_CONFIG_HOME/wb/kb"
cat > "$XDG_CONFIG_HOME/wb/kb/site-backup-agent.yaml" <<'YAML'
id: site-backup-agent
kind: issue
title: {en: Our backup agent hangs VSS, ja: 当社バックアップ エージェントが VSS を止める}
summary: {en: Local knowledge., ja: 社内の知見。}
cause: The agent's filter.
resolution: Update the agent.
references: [{title: internal wiki}]
signature:
  - require: the agent's filter is loaded
    fact: {key: module.loaded, regex: '(?i)^bkagent\.sys$'}
checklist:
  - collect: Get the module list
    id: modules
    evidence: [dump, tooltext]
YAML
sed 's/^  en: Bugcheck 0x7E or 0x50 in volsnap.sys while VSS legacy tracing is on/  en: Site copy of the volsnap article/' \
	"$WB_SRCDIR/kb/articles/vss-legacy-trace-bugcheck.yaml" > "$XDG_CONFIG_HOME/wb/kb/vss-legacy-trace-bugcheck.yaml"
run_wb 0 kb list
like "$OUT" '^site-backup-agent +issue +Our backup agent hangs VSS \(user\)$' "a user article is added"
like "$OUT" '^vss-legacy-trace-bugcheck +issue +Site copy of the volsnap article \(user\)$' "a user article overrides a shipped one"
run_wb 0 kb lint "$XDG_CONFIG_HOME/wb/kb/site-backup-agent.yaml"
like "$OUT" '^0 errors' "a user article lints against the KB"
echo 'id: [' > "$XDG_CONFIG_HOME/wb/kb/zz-broken.yaml"
run_wb 1 kb list
like "$ERR" 'zz-broken.yaml:2: YAML syntax error' "a broken user article is reported with its line"

done_testing
