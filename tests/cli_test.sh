#!/usr/bin/env bash
# End-to-end test of hubd and hubctl as people run them: exit codes and
# messages for each way a connection can go wrong, TLS versions, and a clean
# SIGTERM drain. Usage: cli_test.sh HUBD HUBCTL CERTS_DIR SOURCE_DIR
set -uo pipefail

hubd=$1 hubctl=$2 certs=$3 src=$4
. "$src/deploy/lib/hubd.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/cli_test.XXXXXX")
trap 'hubd_stop "$work/hubd.pid" >/dev/null 2>&1; hubd_stop "$work/impostor.pid" >/dev/null 2>&1; rm -rf "$work"' EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# expect NAME CODE PATTERN CMD...: CMD exits CODE and its output matches PATTERN.
expect() {
  local name=$1 code=$2 pattern=$3
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    pass "$name"
  else
    fail "$name (exit $rc, want $code; output: $out)"
  fi
}

# --- hubd policy check
expect "policy check accepts the demo partnership" 0 "OK \(9 partners, 16 principals, 1 agreements with 37 flow rules" \
  "$hubd" policy check "$src/deploy/demo/partnership.textproto"
printf 'trust_domain: "td.example"\npartners { id: "P-A" type: SCHOOL status: ACTIVE }\nprincipals { id: "U-A" partner_id: "P-NONE" roles: SCHOOL_DSL status: ACTIVE\n  spiffe_id: "spiffe://td.example/partner/p-none/user/u-a" }\n' >"$work/bad-policy.textproto"
expect "policy check names file:line:col of an unknown partner" 1 \
  "bad-policy.textproto:3:[0-9]+: principal 'U-A' names partner 'P-NONE'" \
  "$hubd" policy check "$work/bad-policy.textproto"

# --- hubd start-up failures name the config field
write_hub_config "$work/broken.textproto" "127.0.0.1:0" "$certs" "$work/nope.textproto" "$work/hub.db"
expect "hubd names a missing policy file" 1 "policy_file: cannot read .*nope.textproto" \
  "$hubd" --config "$work/broken.textproto"
expect "hubd without --config is a usage error" 1 "--config FILE is required" "$hubd"

# --- a real hub, on a copy of the test policy (the reload checks edit it)
cp "$src/tests/testdata/policy.textproto" "$work/policy.textproto"
write_hub_config "$work/hub.textproto" "127.0.0.1:0" "$certs" "$work/policy.textproto" "$work/hub.db"
hubd_start "$hubd" "$work/hub.textproto" "$work/hubd.log" "$work/hubd.pid" || {
  echo "FAIL hubd did not start"; exit 1; }
addr=$HUBD_ADDR
pass "hubd starts and reports $addr"

# An impostor: a hub whose own certificate another CA issued.
sed -e "s#$certs/hub.pem#$certs/bad/other-ca-hub.pem#; s#$certs/hub.key#$certs/bad/other-ca-hub.key#" \
  -e "s#$work/hub.db#$work/impostor.db#" "$work/hub.textproto" >"$work/impostor.textproto"
hubd_start "$hubd" "$work/impostor.textproto" "$work/impostor.log" "$work/impostor.pid" || {
  echo "FAIL impostor hubd did not start"; exit 1; }
impostor=$HUBD_ADDR

profile() { write_profile "$work/p/$1" "$addr" "$certs/$2.pem" "$certs/$3.key" "$certs/${4:-ca}.pem" "$certs/audit/signing.pub"; }
profile good clients/u-hokoro clients/u-hokoro
profile drwhit clients/u-drwhit clients/u-drwhit
profile revoked bad/revoked bad/revoked
profile unknown bad/unknown bad/unknown
profile suspended clients/u-suspdsl clients/u-suspdsl
profile expired bad/expired bad/expired
profile notyet bad/not-yet-valid bad/not-yet-valid
profile wrongkey bad/wrong-key bad/wrong-key
profile otherca bad/other-ca-client bad/other-ca-client
write_profile "$work/p/impostor" "$impostor" "$certs/clients/u-hokoro.pem" \
  "$certs/clients/u-hokoro.key" "$certs/ca.pem" "$certs/audit/signing.pub"
write_profile "$work/p/unreachable" "127.0.0.1:1" "$certs/clients/u-hokoro.pem" \
  "$certs/clients/u-hokoro.key" "$certs/ca.pem" "$certs/audit/signing.pub"

expect "whoami shows the principal" 0 "principal +U-HOKORO \(Test Coordinator" \
  "$hubctl" --profile "$work/p/good" whoami
# The backup the rollback check at the end restarts the hub on, taken while
# the hub serves; a second one under the same name is refused.
expect "hubd backup copies the serving database" 0 "hub-backup.db: backup of .*integrity ok" \
  "$hubd" backup --database "$work/hub.db" --out "$work/hub-backup.db"
expect "hubd backup never replaces a file" 1 "--out: .*hub-backup.db exists" \
  "$hubd" backup --database "$work/hub.db" --out "$work/hub-backup.db"
expect "whoami shows the partner and roles" 0 "roles +LA_PREVENT_COORDINATOR" \
  "$hubctl" --profile "$work/p/good" whoami
expect "whoami --json uses the protobuf JSON mapping" 0 '"principal_id":"U-HOKORO".*"partner_type":"LOCAL_AUTHORITY"' \
  "$hubctl" --profile "$work/p/good" whoami --json
expect "a revoked certificate is refused (2)" 2 "revoked" \
  "$hubctl" --profile "$work/p/revoked" whoami
expect "an unregistered identity is refused (2)" 2 "not registered with this hub" \
  "$hubctl" --profile "$work/p/unknown" whoami
expect "a suspended partner is refused (2)" 2 "partner P-SUSP is suspended" \
  "$hubctl" --profile "$work/p/suspended" whoami
expect "an expired certificate is explained (2)" 2 "your certificate expired at 2020-02-01" \
  "$hubctl" --profile "$work/p/expired" whoami
expect "a not-yet-valid certificate is explained (2)" 2 "your certificate is not valid until 2099" \
  "$hubctl" --profile "$work/p/notyet" whoami
expect "a certificate and key that do not match are explained (1)" 1 "do not match" \
  "$hubctl" --profile "$work/p/wrongkey" whoami
expect "a certificate from another CA is explained (1)" 1 "not issued by the partnership CA" \
  "$hubctl" --profile "$work/p/otherca" whoami
expect "a hub whose certificate our CA did not issue is an integrity failure (4)" 4 \
  "presented a certificate that the partnership CA did not issue" \
  "$hubctl" --profile "$work/p/impostor" whoami
expect "an unreachable hub is unavailable (3)" 3 "cannot reach the hub at 127.0.0.1:1" \
  "$hubctl" --profile "$work/p/unreachable" whoami
expect "a missing profile is a usage error (1)" 1 "profile.textproto" \
  "$hubctl" --profile "$work/p/none" whoami
expect "no command is a usage error (1)" 1 "" "$hubctl" --profile "$work/p/good"
expect "an unknown flag is a usage error (1)" 1 "" "$hubctl" --profile "$work/p/good" whoami --bogus

# --- hubctl deconflict (the allowed paths run against the demo policy in
# tests/deconfliction_test.cc and deploy/demo/run.sh story 2)
expect "deconflict without --referral is a usage error (1)" 1 "--referral: give the referral's reference" \
  "$hubctl" --profile "$work/p/good" deconflict --surname Marsh
expect "deconflict outcome names a bad --police-result (1)" 1 "--police-result" \
  "$hubctl" --profile "$work/p/good" deconflict outcome --referral PRV-WXC-2025-000001 \
  --query q --police-result MAYBE --routing-outcome POLICE_MANAGED
expect "a check the hub has no referral for is not found (2)" 2 "no case 'PRV-WXC-2025-000001'" \
  "$hubctl" --profile "$work/p/good" deconflict --referral PRV-WXC-2025-000001 \
  --purpose PREVENT_GATEWAY_DECONFLICTION --surname Marsh --justification "cli test"
expect "a status the hub has no referral for is not found (2)" 2 "no case 'PRV-WXC-2025-000001'" \
  "$hubctl" --profile "$work/p/good" deconflict --referral PRV-WXC-2025-000001

# --- hubctl briefing (the allowed paths run against the demo policy in
# tests/briefing_test.cc and deploy/demo/run.sh story 3)
printf 'title: "T"\nseries: BOGUS\n' >"$work/bad-briefing.textproto"
expect "briefing publish names the file and line of a bad draft (1)" 1 \
  "bad-briefing.textproto:.*BOGUS.*series" \
  "$hubctl" --profile "$work/p/good" briefing publish "$work/bad-briefing.textproto"
expect "briefing publish of a missing file is a local problem (1)" 1 "no-such-draft" \
  "$hubctl" --profile "$work/p/good" briefing publish "$work/no-such-draft.textproto"
expect "briefing read without an id is a usage error (1)" 1 "" \
  "$hubctl" --profile "$work/p/good" briefing read
expect "a briefing the caller was not sent is not found (2)" 2 "no briefing 'B-NONE'" \
  "$hubctl" --profile "$work/p/good" briefing read B-NONE

# --- hubctl policy explain
explain=("$hubctl" --profile "$work/p/good" policy explain --action READ --resource CASE
  --purpose PREVENT_REFERRAL_SUBMISSION --source P-NHS1 --area WXC)
expect "policy explain cites the agreement and rule of an allow" 0 \
  "decision +ALLOW.*agreement +A-TEST \(ISA-TEST v1\).*rule +F04: NHS referral.*fields +subject.identity, referral.concern_summary" \
  bash -c '"$@" | tr "\n" " "' _ "${explain[@]}" --state SUBMITTED
expect "policy explain gives the reason for a deny" 0 \
  "decision +DENY \(WRONG_WORKFLOW_STATE\)" "${explain[@]}" --state SCREENING
expect "policy explain --json uses the protobuf JSON mapping" 0 \
  '"allowed":true.*"rule_id":"F04"' "${explain[@]}" --state SUBMITTED --json
expect "the coordinator may explain another principal's access" 0 \
  "principal +U-DRWHIT" "${explain[@]}" --state SUBMITTED --as U-DRWHIT
expect "an unknown --action names the flag and the choices (1)" 1 \
  "--action: unknown value 'FETCH'; use one of SEND, READ" \
  "$hubctl" --profile "$work/p/good" policy explain --action FETCH --resource CASE --purpose PREVENT_SCREENING

# --- TLS versions: the hub itself refuses TLS 1.0 and 1.1 (the client is
# told to offer them at security level 0), and speaks 1.2 and 1.3.
# Prints openssl's "New, <version>, Cipher is <cipher>" line for version $1.
tls() {
  local out
  out=$(echo | timeout 10 openssl s_client -connect "$addr" "-$1" -cipher 'DEFAULT@SECLEVEL=0' \
    -cert "$certs/clients/u-hokoro.pem" -key "$certs/clients/u-hokoro.key" \
    -CAfile "$certs/ca.pem" -alpn h2 2>&1)
  grep -a "Cipher is" <<<"$out"
}
for v in tls1 tls1_1; do
  line=$(tls $v)
  if [[ "$line" == *"Cipher is (NONE)"* ]]; then pass "hub refuses $v"; else fail "hub accepted $v: $line"; fi
done
for v in tls1_2 tls1_3; do
  line=$(tls $v)
  if [[ -n "$line" && "$line" != *"(NONE)"* ]]; then pass "hub speaks $v"; else fail "hub refused $v: $line"; fi
done
if grep -q "unsupported protocol" "$work/hubd.log"; then
  pass "the hub logs the refused protocol"
else
  fail "no log of the refused protocol"
fi

# --- the log: one line per call, no personal data from the registry
if grep -q 'event=rpc method=/prevent.hub.v1.IdentityService/WhoAmI principal=U-HOKORO partner=P-LBW decision=ALLOW reason=ALLOWED rule=S01 status=OK' "$work/hubd.log"; then
  pass "one structured log line per call"
else
  fail "no structured log line for WhoAmI"
fi
if grep -q 'event=rpc_refused .*status=UNAUTHENTICATED' "$work/hubd.log"; then
  pass "refused calls are logged"
else
  fail "refused calls are not logged"
fi
if grep -qE 'Test Coordinator|Test Borough' "$work/hubd.log"; then
  fail "the log contains display names"
else
  pass "the log carries ids, not names"
fi

# --- SIGHUP reloads the policy; an invalid one is refused and the old one serves.
# --- the audit log: queries by role, verification, export, tampering
profile dpo clients/u-lbwdpo clients/u-lbwdpo
expect "every call left an event: the coordinator asks what the trust did (AQ2)" 0 \
  "DISCLOSE +U-HOKORO@P-LBW +ACCESS U-DRWHIT +U-HOKORO@P-LBW +AUDIT_AND_ASSURANCE +A-TEST/F60 +ALLOW" \
  "$hubctl" --profile "$work/p/good" audit query --partner P-NHS1
expect "AQ3 is refused to the coordinator (2)" 2 "does not allow you to query" \
  "$hubctl" --profile "$work/p/good" audit query --denials
expect "the DPO lists refusals (AQ3), each with its reason" 0 \
  "POLICY_DENY +U-HOKORO@P-LBW +AUDIT_LOG .*DENY AUDIT_QUERY_NOT_IN_RULE" \
  "$hubctl" --profile "$work/p/dpo" audit query --denials
expect "audit query --json prints the events" 0 '"operation":"POLICY_DENY"' \
  "$hubctl" --profile "$work/p/dpo" audit query --denials --json
expect "a refused certificate is in AQ3 as a LOGIN by its fingerprint" 0 \
  "LOGIN +cert:[0-9a-f]+ +- .*DENY UNAUTHENTICATED" \
  "$hubctl" --profile "$work/p/dpo" audit query --denials
"$hubctl" --profile "$work/p/dpo" audit query --subject S-003 >/dev/null 2>&1
expect "AQ1 finds events about a subject by its pseudonym (here the first AQ1 query itself)" 0 \
  "CONSULT +U-LBWDPO@P-LBW +AUDIT_LOG .*ALLOW" \
  "$hubctl" --profile "$work/p/dpo" audit query --subject S-003
if sqlite3 "$work/hub.db" "SELECT count(*) FROM audit_events WHERE instr(event, 'S-003') > 0" | grep -qx 0 &&
  sqlite3 "$work/hub.db" "SELECT count(*) FROM audit_events WHERE subject IS NOT NULL" | grep -qx 2; then
  pass "the subject id is stored only as its keyed pseudonym"
else
  fail "the subject id appears in the audit log"
fi
expect "audit query needs one selector (1)" 1 "give exactly one of --subject" \
  "$hubctl" --profile "$work/p/dpo" audit query
expect "a bad --since names the flag (1)" 1 "--since: 'yesterday' is not a time" \
  "$hubctl" --profile "$work/p/dpo" audit query --denials --since yesterday
expect "audit verify proves the log extends every checkpoint held" 0 \
  "OK: the hub's audit log \([0-9]+ events.*extends all [0-9]+ checkpoint\(s\) you hold and includes all [0-9]+ event" \
  "$hubctl" --profile "$work/p/dpo" audit verify
expect "audit export writes a bundle" 0 "wrote [0-9]+ event\(s\) with proofs" \
  "$hubctl" --profile "$work/p/dpo" audit export --denials --out "$work/bundle.json"
expect "audit verify --bundle checks it offline" 0 "OK: [0-9]+ event\(s\) in .*bundle.json are in the hub's signed log" \
  "$hubctl" --profile "$work/p/unreachable" audit verify --bundle "$work/bundle.json"
sed 's/"event": "C/"event": "D/' "$work/bundle.json" >"$work/tampered.json"
expect "an altered bundle fails verification (4)" 4 "is not in the signed log as exported" \
  "$hubctl" --profile "$work/p/unreachable" audit verify --bundle "$work/tampered.json"
sqlite3 "$work/hub.db" ".backup '$work/audit-copy.db'"
expect "hubd audit verify passes an untouched copy" 0 "audit log intact: [0-9]+ events" \
  "$hubd" audit verify --database "$work/audit-copy.db" --public-key "$certs/audit/signing.pub"
sqlite3 "$work/audit-copy.db" "UPDATE audit_events SET event = substr(event, 1, 20) || X'21' || substr(event, 22) WHERE leaf_index = 2"
expect "hubd audit verify catches an altered event (4)" 4 "audit event 2 does not match its commitment" \
  "$hubd" audit verify --database "$work/audit-copy.db" --public-key "$certs/audit/signing.pub"
expect "hubd audit verify refuses a missing database rather than create one (1)" 1 \
  "--database: no database file at .*no-such.db" \
  "$hubd" audit verify --database "$work/no-such.db" --public-key "$certs/audit/signing.pub"
if [ -e "$work/no-such.db" ]; then fail "hubd audit verify created a database"; else pass "and it creates none"; fi
sqlite3 "$work/hub.db" ".backup '$work/audit-copy2.db'"
sqlite3 "$work/audit-copy2.db" "UPDATE audit_events SET allowed = 1 WHERE allowed = 0"
expect "hubd audit verify catches a query column edited to hide denials (4)" 4 "query columns do not match its content" \
  "$hubd" audit verify --database "$work/audit-copy2.db" --public-key "$certs/audit/signing.pub"
grep -v audit_public_key_file "$work/p/good/profile.textproto" >"$work/p/nokey.textproto"
mkdir -p "$work/p/nokey" && mv "$work/p/nokey.textproto" "$work/p/nokey/profile.textproto"
expect "a profile without the hub's audit key is refused (1)" 1 "audit_public_key_file is required" \
  "$hubctl" --profile "$work/p/nokey" whoami

# wait_for_log PATTERN N: waits (event-driven, at most 20 s) until the hub's
# log holds N lines matching PATTERN.
wait_for_log() {
  local fifo=$work/log.fifo rc
  mkfifo "$fifo"
  tail -n +1 -f "$work/hubd.log" >"$fifo" &
  local tail_pid=$!
  timeout 20 grep -m "$2" -- "$1" <"$fifo" >/dev/null
  rc=$?
  kill "$tail_pid" 2>/dev/null
  wait "$tail_pid" 2>/dev/null
  rm -f "$fifo"
  return $rc
}
sed -i 's/id: "P-LBW" name: "Test Borough" type: LOCAL_AUTHORITY areas: "WXC" status: ACTIVE/id: "P-LBW" name: "Test Borough" type: LOCAL_AUTHORITY areas: "WXC" status: SUSPENDED/' \
  "$work/policy.textproto"
kill -HUP "$(cat "$work/hubd.pid")"
if wait_for_log "event=reloaded" 1; then pass "SIGHUP reloads the policy"; else fail "no reload logged"; fi
expect "after the reload the suspended partner is refused (2)" 2 "partner P-LBW is suspended" \
  "$hubctl" --profile "$work/p/good" whoami
echo "principals { display_name: Jane Smith }" >>"$work/policy.textproto"
kill -HUP "$(cat "$work/hubd.pid")"
if wait_for_log "event=reload_refused" 1; then pass "an invalid policy is refused on SIGHUP"; else fail "no refusal logged"; fi
if grep -q "event=reload_refused errors=\"policy_file: .*policy.textproto:[0-9]*:[0-9]*: (details withheld" "$work/hubd.log" && ! grep -q "Jane" "$work/hubd.log"; then
  pass "the refusal names file:line:column and withholds the text"
else
  fail "the refusal does not name file:line:column"
fi
expect "the previous policy keeps serving (2)" 2 "partner P-LBW is suspended" \
  "$hubctl" --profile "$work/p/good" whoami
expect "other partners are served throughout (0)" 0 "principal +U-DRWHIT" \
  "$hubctl" --profile "$work/p/drwhit" whoami
expect "another principal's access is not found for a non-coordinator (2)" 2 \
  "no principal 'U-HOKORO'" "$hubctl" --profile "$work/p/drwhit" policy explain \
  --as U-HOKORO --action READ --resource CASE --purpose PREVENT_SCREENING

# --- SIGTERM drains and exits 0
if hubd_stop "$work/hubd.pid"; then pass "SIGTERM drains and exits 0"; else fail "SIGTERM exit status"; fi
expect "after shutdown the hub is unreachable (3)" 3 "cannot reach the hub" \
  "$hubctl" --profile "$work/p/good" whoami

# --- a hub restarted on an older copy of its database (a rollback) is caught
# by a client that saw the later log
write_hub_config "$work/rollback.textproto" "127.0.0.1:0" "$certs" \
  "$src/tests/testdata/policy.textproto" "$work/hub-backup.db"
hubd_start "$hubd" "$work/rollback.textproto" "$work/hubd.log" "$work/hubd.pid" || {
  echo "FAIL rolled-back hubd did not start"; exit 1; }
write_profile "$work/p/dpo" "$HUBD_ADDR" "$certs/clients/u-lbwdpo.pem" \
  "$certs/clients/u-lbwdpo.key" "$certs/ca.pem" "$certs/audit/signing.pub"
expect "audit verify refuses a rolled-back log (4)" 4 "holds fewer events than the checkpoint you hold" \
  "$hubctl" --profile "$work/p/dpo" audit verify
expect "so does any later command (4)" 4 "rolled back or replaced" \
  "$hubctl" --profile "$work/p/dpo" whoami
hubd_stop "$work/hubd.pid"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
