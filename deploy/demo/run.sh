#!/usr/bin/env bash
# The demo partnership (SPEC §5: every name fictional) on one machine.
#   deploy/demo/run.sh [walkthrough]  up, show each demo principal's identity and what the
#                                     agreement lets them do (policy explain), down
#   deploy/demo/run.sh up             build if needed, make the demo PKI and profiles under
#                                     .demo/, start hubd on 127.0.0.1 in the background
#   deploy/demo/run.sh down           stop hubd (SIGTERM: drain, exit 0)
# After `up`: .demo/hub.addr holds the address; try
#   build/client/hubctl --profile .demo/profiles/u-hokoro whoami
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
demo=$root/.demo
build=${HUB_BUILD_DIR:-$root/build}
. "$root/deploy/lib/hubd.sh"

hubd=$build/hub/hubd
hubctl=$build/client/hubctl
policy=$root/deploy/demo/partnership.textproto
# Each demo user's offline cache is sealed under this (fictional) passphrase.
export HUBCTL_PASSPHRASE=${HUBCTL_PASSPHRASE:-demo passphrase, not for real use}

running() { [ -f "$demo/hubd.pid" ] && kill -0 "$(cat "$demo/hubd.pid")" 2>/dev/null; }

build_binaries() {
  "$root/deploy/install-deps.sh"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$(nproc)" --target hubd hubctl >/dev/null
}

up() {
  if running; then
    echo "demo hub already running on $(cat "$demo/hub.addr") (deploy/demo/run.sh down to stop)"
    return 0
  fi
  echo "== building hubd and hubctl"
  build_binaries
  "$hubd" policy check "$policy"
  mkdir -p "$demo"
  # A fresh PKI means a fresh audit signing key: start a fresh log with it.
  rm -f "$demo"/hub.db "$demo"/hub.db-wal "$demo"/hub.db-shm
  echo "== making the demo PKI (partnership CA, hub, one certificate per principal)"
  "$root/certs/make_certs.sh" --out "$demo/pki" --policy "$policy"
  write_hub_config "$demo/hub.textproto" "127.0.0.1:0" "$demo/pki" "$policy" "$demo/hub.db"
  hubd_start "$hubd" "$demo/hub.textproto" "$demo/hubd.log" "$demo/hubd.pid"
  echo "$HUBD_ADDR" >"$demo/hub.addr"
  rm -rf "$demo/profiles"
  for cert in "$demo"/pki/clients/*.pem; do
    user=$(basename "$cert" .pem)
    write_profile "$demo/profiles/$user" "$HUBD_ADDR" "$cert" "${cert%.pem}.key" "$demo/pki/ca.pem" \
      "$demo/pki/audit/signing.pub"
  done
  echo "== hubd serving on $HUBD_ADDR (log: .demo/hubd.log; profiles: .demo/profiles/)"
}

down() {
  if ! running; then
    rm -f "$demo/hubd.pid"
    echo "demo hub is not running"
    return 0
  fi
  hubd_stop "$demo/hubd.pid"
  echo "== hubd stopped"
}

walkthrough() {
  trap down EXIT
  up
  # The backup story 4 rolls the hub back to.
  "$hubctl" --profile "$demo/profiles/u-hokoro" whoami >/dev/null
  sqlite3 "$demo/hub.db" ".backup '$demo/hub-backup.db'"
  echo
  echo "== Who is who: each demo principal asks the hub who it takes them to be"
  for profile in "$demo"/profiles/*/; do
    user=$(basename "$profile")
    echo "-- hubctl --profile .demo/profiles/$user whoami"
    "$hubctl" --profile "$profile" whoami
  done
  echo
  echo "== What the agreement allows: the policy engine decides every call and says why"
  explain() {
    local user=$1
    shift
    echo "-- hubctl --profile .demo/profiles/$user policy explain $*"
    "$hubctl" --profile "$demo/profiles/$user" policy explain "$@"
  }
  echo "# Story 1: the NHS Prevent lead may send a referral (F04, F05)"
  explain u-drwhit --action SEND --resource CASE --purpose PREVENT_REFERRAL_SUBMISSION --state SUBMITTED
  echo "# ... the coordinator receives it, less what F04 withholds"
  explain u-hokoro --action READ --resource CASE --purpose PREVENT_REFERRAL_SUBMISSION \
    --source P-NHS1 --area WXC --state SUBMITTED
  echo "# ... the school DSL who did not refer it sees nothing (deny by default)"
  explain u-rcaldwell --action READ --resource CASE --purpose PREVENT_SCREENING \
    --source P-NHS1 --area WXC --state SCREENING
  echo "# Story 2: the CT gateway's deconfliction needs a justification (F13)"
  explain u-dsallenby --action QUERY --resource CASE --purpose PREVENT_GATEWAY_DECONFLICTION \
    --source P-NHS1 --area WXC --state SCREENING
  explain u-dsallenby --action QUERY --resource CASE --purpose PREVENT_GATEWAY_DECONFLICTION \
    --source P-NHS1 --area WXC --state SCREENING --fact justification
  echo "# Story 3: the school DSL may read the SCHOOLS briefing rendition offline (F40), not the members' (F41)"
  explain u-rcaldwell --action READ --resource BRIEFING --purpose CTLP_BRIEFING \
    --source P-SO15D --area WXC --audience SCHOOLS
  explain u-rcaldwell --action READ --resource BRIEFING --purpose CTLP_BRIEFING \
    --source P-SO15D --area WXC --audience ELECTED_MEMBERS
  echo "# Story 4: the coordinator may have anyone's access explained (F60); others may not"
  explain u-hokoro --as U-ABROOKS --action READ --resource CASE --purpose CHANNEL_PANEL \
    --source P-LBW --area WXC --state PANEL_LISTED --fact panel-member
  explain u-drwhit --as U-HOKORO --action READ --resource CASE --purpose PREVENT_SCREENING ||
    echo "(exit $?: another principal's access is hidden from the NHS lead)"
  echo
  story1
  story2
  story3
  story5
  story4
}

# Story 1: referrals submitted by their referrers (SPEC §5.3), and what each
# partner sees of the same referral (docs/referrals.md).
story1() {
  referral() {
    local user=$1
    shift
    echo "-- hubctl --profile .demo/profiles/$user referral $*"
    "$hubctl" --profile "$demo/profiles/$user" referral "$@"
  }
  # Submits FILE as USER with REQUEST_ID; prints the reference the hub gave.
  submit() {
    "$hubctl" --profile "$demo/profiles/$1" referral submit "$root/deploy/demo/referrals/$2" \
      --request-id "$3" --json | sed -n 's/.*"referral_ref": *"\([^"]*\)".*/\1/p'
  }
  echo "== Story 1: an NHS referral, and what each partner sees of it"
  echo "# The community nurse submits the referral about Ryan Marsh (T1)"
  referral u-nurse submit "$root/deploy/demo/referrals/000123-ryan-marsh.textproto" \
    --request-id demo-000123
  ryan=$(submit u-nurse 000123-ryan-marsh.textproto demo-000123)
  echo "# A retry with the same request id returns the first answer; nothing is stored twice"
  referral u-nurse submit "$root/deploy/demo/referrals/000123-ryan-marsh.textproto" \
    --request-id demo-000123
  echo "# An immediate risk is not a Prevent referral: the client says to call 999"
  referral u-nurse submit "$root/deploy/demo/referrals/immediate-risk.textproto" ||
    echo "(exit $?: refused, nothing sent)"
  echo "# The referrer sees a status bucket, and later approved feedback (F50)"
  referral u-nurse show "$ryan"
  echo "# The coordinator sees the agreed subset: no political opinion, criminal or ethnicity data (F12)"
  referral u-hokoro show "$ryan"
  echo "# The SO15 gateway sees the full referral (F05)"
  referral u-dsallenby show "$ryan" --purpose PREVENT_REFERRAL_SUBMISSION
  echo "# A school sees nothing: the same answer as for a referral that does not exist"
  referral u-rcaldwell show "$ryan" || echo "(exit $?: not found)"
  echo "# The school's referrals: a child (the MASH is notified, T2) and a third referral"
  echo "# about the same pupil within 24 months (the repeat-referral flag, P18)"
  callum=$(submit u-rcaldwell 000101-callum-reeve.textproto demo-000101)
  submit u-rcaldwell 000117-jordan-pike.textproto demo-000117-a >/dev/null
  submit u-rcaldwell 000117-jordan-pike.textproto demo-000117-b >/dev/null
  jordan=$(submit u-rcaldwell 000117-jordan-pike.textproto demo-000117-c)
  gary=$(submit u-imercer 000140-gary-dunmore.textproto demo-000140)
  rian=$(submit u-imercer 000150-rian-marsh.textproto demo-000150)
  echo "# The MASH sees the minimised set for the child (F03)"
  referral u-mash1 show "$callum"
  echo "# The coordinator's list of the area's referrals; the referrer's list of their own"
  referral u-hokoro list
  referral u-rcaldwell list
  echo "# Screening starts (T3); the gateway takes the case to the police gateway (T5)"
  referral u-hokoro transition "$ryan" --to SCREENING --reason "Initial suitability discussion with SO15"
  referral u-hokoro transition "$ryan" --to POLICE_GATEWAY --reason "Ready for the gateway" ||
    echo "(exit $?: T5 is the CT gateway's move)"
  referral u-dsallenby transition "$ryan" --to POLICE_GATEWAY --reason "Deconfliction checks to run" \
    --justification "Gateway assessment of referral $ryan"
  referral u-nurse show "$ryan"
  echo
  demo_referral=$ryan
}

# Story 2: the SO15 gateway deconflicts (SPEC §5.4) and records routing
# outcomes; the council sees status and routing, the referrer nothing
# (docs/deconfliction.md).
story2() {
  deconflict() {
    local user=$1
    shift
    echo "-- hubctl --profile .demo/profiles/$user deconflict $*"
    "$hubctl" --profile "$demo/profiles/$user" deconflict "$@"
  }
  # Runs the gateway's check of REF for the person given; prints its query id.
  check_id() {
    local ref=$1
    shift
    "$hubctl" --profile "$demo/profiles/u-dsallenby" deconflict --referral "$ref" "$@" --json |
      sed -n 's/.*"query_id": *"\([^"]*\)".*/\1/p'
  }
  to_gateway() {
    referral u-hokoro transition "$1" --to SCREENING --reason "Initial suitability discussion" >/dev/null
    referral u-dsallenby transition "$1" --to POLICE_GATEWAY --reason "Deconfliction checks to run" \
      --justification "Gateway assessment of referral $1" >/dev/null
  }
  echo "== Story 2: SO15 deconfliction, and what each partner sees of it"
  to_gateway "$jordan"
  to_gateway "$rian"
  to_gateway "$gary"
  echo "# DQ-0457: Jordan Pike, a third referral. The police view: candidates and reasons"
  deconflict u-dsallenby --referral "$jordan" --forenames Jordan --surname Pike --dob 2011-09-02 \
    --postcode "ZZ1 7PQ" --justification "Gateway assessment; third referral"
  q=$(check_id "$jordan" --forenames Jordan --surname Pike --dob 2011-09-02 --postcode "ZZ1 7PQ" \
    --justification "Gateway assessment; third referral")
  deconflict u-dsallenby outcome --referral "$jordan" --query "$q" \
    --police-result LINKED_TO_EXISTING_PREVENT_CASE \
    --routing-outcome PROCEED_TO_CHANNEL_INFO_GATHERING --justification "Outcome of police checks"
  echo "# The coordinator's view: status, routing outcome and prior referrals in the area; no candidates"
  deconflict u-hokoro --referral "$jordan"
  echo "# The MASH (a child): the same as the coordinator"
  deconflict u-mash1 --referral "$jordan"
  echo "# The referrer: nothing about deconfliction, only the status bucket"
  deconflict u-rcaldwell --referral "$jordan" || echo "(exit $?: not found)"
  referral u-rcaldwell show "$jordan"
  echo "# Only the gateway runs a check: the coordinator asking for one gets not found"
  deconflict u-hokoro --referral "$jordan" --purpose PREVENT_GATEWAY_DECONFLICTION \
    --forenames Jordan --surname Pike --dob 2011-09-02 --justification "Curious" ||
    echo "(exit $?: not found)"
  echo "# DQ-0463: Rian Marsh, a spelling variant of Ryan Marsh with the same date of birth"
  deconflict u-dsallenby --referral "$rian" --forenames Rian --surname Marsh --dob 2003-01-27 \
    --justification "Gateway assessment"
  q=$(check_id "$rian" --forenames Rian --surname Marsh --dob 2003-01-27 \
    --justification "Gateway assessment")
  deconflict u-dsallenby outcome --referral "$rian" --query "$q" --police-result CLEAR \
    --routing-outcome PROCEED_TO_CHANNEL_INFO_GATHERING --justification "Outcome of police checks"
  deconflict u-hokoro --referral "$rian"
  echo "# DQ-0470: Gary Dunmore. A police interest hold stays with the police; the council sees POLICE_MANAGED"
  q=$(check_id "$gary" --forenames Gary --surname Dunmore --dob 1984-11-30 \
    --justification "Gateway assessment")
  deconflict u-dsallenby outcome --referral "$gary" --query "$q" --police-result POLICE_INTEREST_HOLD \
    --routing-outcome POLICE_MANAGED --justification "Outcome of police checks"
  deconflict u-hokoro --referral "$gary"
  echo "# The gateway decides routing (T6), which needs the recorded outcome"
  referral u-dsallenby transition "$jordan" --to INFO_GATHERING --reason "Proceed to Channel" \
    --routing-outcome PROCEED_TO_CHANNEL_INFO_GATHERING --paf-code PAF-DEMO-3 \
    --justification "Gateway decision"
  referral u-dsallenby transition "$gary" --to POLICE_MANAGED --reason "Police-led management" \
    --routing-outcome POLICE_MANAGED --paf-code PAF-DEMO-9 --justification "Gateway decision"
  echo
}

# Story 3: SO15's CTLP owner publishes SPEC §5.5's briefing; each reader
# gets only their audience's rendition, after accepting its handling
# conditions; the coordinator sees who has not acknowledged (AQ5;
# docs/briefings.md).
story3() {
  briefing() {
    local user=$1
    shift
    echo "-- hubctl --profile .demo/profiles/$user briefing $*"
    "$hubctl" --profile "$demo/profiles/$user" briefing "$@"
  }
  echo "== Story 3: the CTLP briefing, a rendition per audience"
  echo "# The CTLP owner publishes the briefing; the policy names the recipients (F40-F43)"
  briefing u-ctlpown publish "$root/deploy/demo/briefings/b-wxc-2025-26.textproto" \
    --request-id demo-ctlp-2025-26
  local id
  id=$("$hubctl" --profile "$demo/profiles/u-ctlpown" briefing publish \
    "$root/deploy/demo/briefings/b-wxc-2025-26.textproto" --request-id demo-ctlp-2025-26 --json |
    sed -n 's/.*"briefing_id": *"\([^"]*\)".*/\1/p')
  echo "# The school DSL lists it: marking, conditions and expiry, no content"
  briefing u-rcaldwell list
  echo "# Reading before accepting the handling conditions is refused"
  briefing u-rcaldwell read "$id" || echo "(exit $?: conditions not yet accepted)"
  briefing u-rcaldwell ack "$id" --accept
  echo "# The schools' rendition: sections 2, 7 (education rows; 3 shown as <5) and 11 only"
  briefing u-rcaldwell read "$id"
  echo "# The head has it delivered but has not acknowledged it"
  briefing u-head1 list
  echo "# The coordinator's LA core rendition: the full local threat picture and statistics"
  briefing u-hokoro ack "$id" --accept
  briefing u-hokoro read "$id"
  echo "# The elected member's rendition: read online only, no copy kept"
  briefing u-cllr ack "$id" --accept
  briefing u-cllr read "$id"
  echo "# Nobody else was sent it: the NHS referrer gets not found"
  briefing u-nurse read "$id" || echo "(exit $?: not found)"
  echo "# AQ5: the coordinator sees each copy's state and who has not acknowledged"
  briefing u-hokoro status "$id"
  echo
  story3_briefing=$id
}

# Story 5: the offline client (docs/offline.md). The NHS lead submits while
# the hub is down and syncs when it is back; the school DSL's device keeps a
# briefing for offline reading and purges it, with an attestation, when it
# expires.
story5() {
  ctl() {
    local user=$1
    shift
    echo "-- hubctl --profile .demo/profiles/$user $*"
    "$hubctl" --profile "$demo/profiles/$user" "$@"
  }
  restart_hub() {
    hubd_start "$hubd" "$demo/hub.textproto" "$demo/hubd.log" "$demo/hubd.pid"
    echo "$HUBD_ADDR" >"$demo/hub.addr"
    sed -i "s/^hub_address: .*/hub_address: \"$HUBD_ADDR\"/" "$demo"/profiles/*/profile.textproto
  }
  echo "== Story 5: working offline"
  echo "# The school DSL's device syncs: her referrals' status and the briefings she accepted"
  ctl u-rcaldwell sync
  echo "# The hub goes down (a clinic with no network, a school on a bad line)"
  hubd_stop "$demo/hubd.pid"
  echo "# The NHS Prevent lead submits anyway: the referral is sealed in the outbox (exit 3)"
  ctl u-drwhit referral submit "$root/deploy/demo/referrals/000160-dana-holt.textproto" \
    --request-id demo-000160 || echo "(exit $?: queued for the next sync)"
  ctl u-drwhit outbox list
  echo "# The DSL reads the CTLP briefing from her device's encrypted cache"
  ctl u-rcaldwell briefing read "$story3_briefing" | tail -n 3
  echo "# The hub is back: sync sends the queued referral (once), then brings the cache up to date"
  restart_hub
  ctl u-drwhit sync
  echo "# A second sync sends nothing again: the hub holds one referral for request demo-000160"
  ctl u-drwhit sync
  ctl u-drwhit referral list
  echo "# An incident briefing for schools, expiring in a few seconds"
  local expires id
  expires=$(($(date +%s) + 6))
  sed "s/EXPIRES/$expires/" "$root/deploy/demo/briefings/incident-template.textproto" \
    >"$demo/incident.textproto"
  id=$("$hubctl" --profile "$demo/profiles/u-ctlpown" briefing publish "$demo/incident.textproto" \
    --request-id demo-incident-1 --json | sed -n 's/.*"briefing_id": *"\([^"]*\)".*/\1/p')
  echo "published incident briefing $id, expiring $(date -u -d "@$expires" +%FT%TZ)"
  ctl u-rcaldwell briefing ack "$id" --accept >/dev/null
  ctl u-rcaldwell sync
  echo "# (waiting for the incident briefing to expire)"
  while [ "$(date +%s)" -le "$expires" ]; do sleep 1; done
  echo "# The next sync deletes the expired copy and attests the purge to the hub"
  ctl u-rcaldwell sync
  ctl u-rcaldwell briefing read "$id" || echo "(exit $?: expired and purged)"
  echo "# AQ5: the CTLP owner sees the school's copy purged and attested"
  ctl u-ctlpown briefing status "$id"
  echo
}

# Story 4: who shared what with whom, and proof that the log was not
# rewritten (docs/audit.md).
story4() {
  audit() {
    local user=$1
    shift
    echo "-- hubctl --profile .demo/profiles/$user audit $*"
    "$hubctl" --profile "$demo/profiles/$user" audit "$@"
  }
  echo "== Story 4: the audit log recorded every call above, allowed or refused"
  echo "# The coordinator: what did the NHS trust send or receive, under which rule (AQ2)?"
  audit u-hokoro query --partner P-NHS1 --justification "Quarterly ISA assurance"
  echo "# The LA DPO: every refusal (AQ3), and who received or saw the NHS referral (AQ1)"
  audit u-lbwdpo query --denials
  audit u-lbwdpo query --subject "$demo_referral"
  audit u-hokoro query --denials || echo "(exit $?: AQ3 is the DPO's query, not the coordinator's)"
  echo "# Every hubctl keeps the checkpoints the hub signed; verify proves the log extends them"
  audit u-hokoro verify
  audit u-lbwdpo export --partner P-NHS1 --out "$demo/audit-bundle.json"
  audit u-lbwdpo verify --bundle "$demo/audit-bundle.json"
  echo "# A copy of the database with one event altered fails the offline check"
  sqlite3 "$demo/hub.db" ".backup '$demo/audit-copy.db'"
  echo "-- hubd audit verify --database .demo/audit-copy.db (untouched)"
  "$hubd" audit verify --database "$demo/audit-copy.db" --public-key "$demo/pki/audit/signing.pub"
  sqlite3 "$demo/audit-copy.db" \
    "UPDATE audit_events SET event = substr(event, 1, 20) || X'21' || substr(event, 22) WHERE leaf_index = 1"
  echo "-- hubd audit verify --database .demo/audit-copy.db (event 1 altered)"
  "$hubd" audit verify --database "$demo/audit-copy.db" --public-key "$demo/pki/audit/signing.pub" ||
    echo "(exit $?: tampering detected)"
  echo "# The hub restarted on an older backup (a rollback) is caught by any partner who saw more"
  hubd_stop "$demo/hubd.pid"
  cp "$demo/hub-backup.db" "$demo/hub.db"
  rm -f "$demo/hub.db-wal" "$demo/hub.db-shm"
  hubd_start "$hubd" "$demo/hub.textproto" "$demo/hubd.log" "$demo/hubd.pid"
  echo "$HUBD_ADDR" >"$demo/hub.addr"
  sed -i "s/^hub_address: .*/hub_address: \"$HUBD_ADDR\"/" "$demo"/profiles/*/profile.textproto
  audit u-hokoro verify || echo "(exit $?: the partner's client refuses the rolled-back log)"
  echo
}

case "${1:-walkthrough}" in
  up) up ;;
  down) down ;;
  walkthrough) walkthrough ;;
  *)
    echo "usage: $0 [walkthrough|up|down]" >&2
    exit 1
    ;;
esac
