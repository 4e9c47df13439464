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
  story4
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
  echo "# The LA DPO: every refusal (AQ3), and who saw the demo referral (AQ1;"
  echo "# referrals arrive with the referral service, so none yet)"
  audit u-lbwdpo query --denials
  audit u-lbwdpo query --subject PRV-WXC-2025-000123
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
